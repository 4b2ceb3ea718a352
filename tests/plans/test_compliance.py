"""The compliance matrix fills itself from the document register.

The story: the City Committee required the working rules (QC), the action programme (CTr) and
the implementation plan (KH) implementing the Congress resolution by 31-12-2020. An Hội issued
its rules on time, Phú Khương a week late; nobody has a plan yet.
"""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.plans.test_requirements import CONGRESS_DAY, GRASSROOTS, issue, set_requirement
from trienkhai.documents import services as documents
from trienkhai.documents.models import DocStatus, RelationKind
from trienkhai.org import services as org
from trienkhai.plans import compliance
from trienkhai.plans.compliance import DONE, LATE, MISSING, OVERDUE

DUE = dt.date(2020, 12, 31)
AFTER_DUE = dt.date(2021, 3, 1)
BEFORE_DUE = dt.date(2020, 12, 1)


@pytest.fixture
def congress(tree):
    return issue(tree.city, "01-NQ/ThU", CONGRESS_DAY, summary="Nghị quyết Đại hội lần thứ XII")


@pytest.fixture
def rules_required(tree, city_secretary, congress):
    return set_requirement(
        city_secretary, tree.city, title="Ban hành quy chế làm việc", implements=congress
    )


def states(user, requirements, today):
    matrix = compliance.build_matrix(user, requirements, today=today)
    return {row.unit.name: [c.state if c else None for c in row.cells] for row in matrix.rows}


AN_HOI, PHU_KHUONG = "Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"


# --- the four states -------------------------------------------------------------------------------
def test_on_time_late_missing_and_overdue(tree, city_secretary, congress, rules_required):
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)
    issue(tree.sibling, "02-QC/ĐU", dt.date(2021, 1, 7), implements=congress)
    plan = set_requirement(city_secretary, tree.city, doc_type="KH", implements=congress)

    assert states(city_secretary, [rules_required, plan], AFTER_DUE) == {
        AN_HOI: [DONE, OVERDUE],
        PHU_KHUONG: [LATE, OVERDUE],
    }
    assert states(city_secretary, [plan], BEFORE_DUE) == {AN_HOI: [MISSING], PHU_KHUONG: [MISSING]}


def test_the_deadline_day_itself_is_on_time(tree, city_secretary, congress, rules_required):
    issue(tree.ward, "01-QC/ĐU", DUE, implements=congress)

    assert states(city_secretary, [rules_required], DUE)[AN_HOI] == [DONE]
    assert states(city_secretary, [rules_required], DUE)[PHU_KHUONG] == [MISSING]


@pytest.mark.parametrize(
    "how",
    ["no relation", "other type", "draft", "issued by the city for the ward"],
)
def test_documents_that_do_not_count(tree, city_secretary, congress, rules_required, how):
    if how == "no relation":
        issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2))
    elif how == "other type":
        issue(tree.ward, "01-KH/ĐU", dt.date(2020, 11, 2), implements=congress)
    elif how == "draft":
        draft = documents.document_create_draft(
            actor=None,
            owner_unit=tree.ward,
            system="party",
            doc_type="QC",
            summary="Dự thảo quy chế",
            issuer_unit=tree.ward,
        )
        documents.relation_add(
            actor=None, source=draft, target=congress, kind=RelationKind.IMPLEMENTS
        )
        assert draft.status == DocStatus.DRAFT
    else:
        issue(tree.city, "05-QC/ThU", dt.date(2020, 11, 2), implements=congress)

    assert states(city_secretary, [rules_required], AFTER_DUE)[AN_HOI] == [OVERDUE]


def test_a_document_based_on_the_resolution_counts(tree, city_secretary, congress, rules_required):
    issue(
        tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress, kind=RelationKind.BASED_ON
    )

    assert states(city_secretary, [rules_required], AFTER_DUE)[AN_HOI] == [DONE]


def test_without_a_document_to_implement_only_documents_from_the_day_it_was_set_count(
    tree, city_secretary
):
    issue(tree.ward, "01-QC/ĐU", dt.date(2015, 5, 1))
    requirement = set_requirement(city_secretary, tree.city, due_on=dt.date(2099, 12, 31))
    today = timezone.localdate(requirement.created_at)  # the day in Việt Nam, as the rule

    assert states(city_secretary, [requirement], today)[AN_HOI] == [MISSING]
    issue(tree.ward, "02-QC/ĐU", today)
    assert states(city_secretary, [requirement], today)[AN_HOI] == [DONE]


# --- reorganisation after the requirement was set ------------------------------------------------------
def test_a_dissolved_ward_stays_in_the_matrix_marked(
    tree, city_secretary, admin_user, rules_required
):
    org.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=dt.date(2025, 7, 1))

    matrix = compliance.build_matrix(city_secretary, [rules_required], today=AFTER_DUE)
    row = next(r for r in matrix.rows if r.unit.name == PHU_KHUONG)

    assert row.ended_note == "đã giải thể ngày 1-7-2025"
    assert row.cells[0].state == OVERDUE
    assert matrix.counts[0].total == 2


def test_a_merged_wards_successor_document_counts_for_it(
    tree, city_secretary, admin_user, congress, rules_required
):
    issue(tree.sibling, "02-QC/ĐU", dt.date(2020, 12, 20), implements=congress)
    org.unit_merge(
        actor=admin_user, sources=[tree.ward], into=tree.sibling, effective_on=dt.date(2025, 7, 1)
    )

    matrix = compliance.build_matrix(city_secretary, [rules_required], today=AFTER_DUE)
    row = next(r for r in matrix.rows if r.unit.name == AN_HOI)

    assert row.ended_note == "đã hợp nhất vào Đảng ủy Phường Phú Khương ngày 1-7-2025"
    assert [s.name for s in row.successors] == [PHU_KHUONG]
    assert row.cells[0].state == DONE
    assert row.cells[0].by_successor
    assert row.cells[0].document.number_text == "02-QC/ĐU"
    assert matrix.counts[0].done == 2
    assert matrix.counts[0].by_successor == 1


def test_a_predecessors_own_document_wins_over_its_successors(
    tree, city_secretary, admin_user, congress, rules_required
):
    issue(tree.ward, "01-QC/ĐU", dt.date(2021, 1, 20), implements=congress)
    issue(tree.sibling, "02-QC/ĐU", dt.date(2020, 12, 20), implements=congress)
    org.unit_merge(
        actor=admin_user, sources=[tree.ward], into=tree.sibling, effective_on=dt.date(2025, 7, 1)
    )

    cell = next(
        r
        for r in compliance.build_matrix(city_secretary, [rules_required], today=AFTER_DUE).rows
        if r.unit.name == AN_HOI
    ).cells[0]

    assert (cell.state, cell.by_successor, cell.document.number_text) == (LATE, False, "01-QC/ĐU")


# --- counts -------------------------------------------------------------------------------------------
def test_counts_and_percentages_per_column_and_per_ward(tree, city_secretary, congress):
    kinds = [GRASSROOTS, "party_cell"]
    requirement = set_requirement(city_secretary, tree.city, unit_kinds=kinds, implements=congress)
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)
    issue(tree.cell, "01-QC/CB", dt.date(2021, 1, 2), implements=congress)

    matrix = compliance.build_matrix(city_secretary, [requirement], today=AFTER_DUE, level=1)

    column = matrix.counts[0]
    assert (column.total, column.done, column.late, column.overdue) == (3, 1, 1, 1)
    assert column.pct_complied == pytest.approx(66.7)
    by_ward = {g.unit.name: g.counts[0] for g in matrix.groups}
    assert (by_ward[AN_HOI].total, by_ward[AN_HOI].complied) == (2, 2)
    assert (by_ward[PHU_KHUONG].total, by_ward[PHU_KHUONG].complied) == (1, 0)
    assert by_ward[AN_HOI].pct_complied == 100.0
    assert matrix.levels == [1, 2]


def test_counts_take_a_fixed_number_of_queries_however_many_units(tree, city_secretary, congress):
    """The counts are GROUP BY queries (by state, and the few ended units complying through a
    successor), not a loop over units."""

    def queries_for_counts():
        requirement = set_requirement(city_secretary, tree.city, implements=congress)
        targets = compliance.visible_targets(city_secretary, [requirement])
        with CaptureQueriesContext(connection) as ctx:
            compliance.column_counts(targets, AFTER_DUE)
            compliance.group_counts(targets, AFTER_DUE, base_depth=tree.city.depth, level=1)
            compliance.summary(tree.city.path, AFTER_DUE)
        return len(ctx.captured_queries)

    few = queries_for_counts()
    for n in range(25):
        org.unit_create(actor=None, parent=tree.city, kind=GRASSROOTS, name=f"Đảng ủy Phường {n}")

    assert queries_for_counts() == few == 3  # one GROUP BY query per count


def test_a_page_of_the_matrix_takes_as_many_queries_for_25_units_as_for_2(
    tree, city_secretary, congress
):
    def queries_for_page():
        requirement = set_requirement(city_secretary, tree.city, implements=congress)
        with CaptureQueriesContext(connection) as ctx:
            matrix = compliance.build_matrix(city_secretary, [requirement], today=AFTER_DUE)
            cells = [
                (row.unit.name, c.state, c.by_successor) for row in matrix.rows for c in row.cells
            ]
        return len(ctx.captured_queries), len(cells)

    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)
    few, rows = queries_for_page()
    for n in range(23):
        unit = org.unit_create(actor=None, parent=tree.city, kind=GRASSROOTS, name=f"Phường {n}")
        issue(unit, f"{n + 1:02d}-QC/ĐU", dt.date(2020, 12, 1), implements=congress)

    assert queries_for_page() == (few, 25) and rows == 2


def test_summary_and_pending_for_dashboards_and_reminders(
    tree, city_secretary, congress, rules_required
):
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    total = compliance.summary(tree.city.path, AFTER_DUE)
    ward_only = compliance.summary(tree.ward.path, AFTER_DUE)
    pending = list(compliance.pending_targets(tree.city.path, AFTER_DUE))

    assert (total.total, total.done, total.overdue) == (2, 1, 1)
    assert (ward_only.total, ward_only.done) == (1, 1)
    assert [(p.unit.name, p.state) for p in pending] == [(PHU_KHUONG, OVERDUE)]


# --- pages ---------------------------------------------------------------------------------------------
def test_matrix_of_every_requirement_implementing_the_resolution(
    tree, city_secretary, congress, rules_required, login
):
    set_requirement(city_secretary, tree.city, doc_type="CTr", implements=congress)
    set_requirement(city_secretary, tree.city, doc_type="KH", implements=congress)
    document = issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    page = (
        login(city_secretary)
        .get(reverse("plans:compliance"), {"document": congress.pk})
        .content.decode()
    )

    assert page.count('<a href="/plans/requirements/') >= 3
    assert reverse("documents:detail", args=[document.pk]) in page  # the cell drills down
    assert "Cách tính" in page and "đơn vị kế thừa" in page  # the rule is stated
    assert AN_HOI in page and PHU_KHUONG in page


def test_ward_clerk_sees_the_requirement_and_only_their_own_cell(
    tree, ward_clerk, congress, rules_required, login
):
    issue(tree.sibling, "02-QC/ĐU", dt.date(2020, 11, 2), implements=congress)
    client = login(ward_clerk)

    detail = client.get(reverse("plans:requirement", args=[rules_required.pk])).content.decode()
    listing = client.get(reverse("plans:requirements")).content.decode()

    assert rules_required.title in listing
    assert AN_HOI in detail
    assert PHU_KHUONG not in detail
    assert "02-QC/ĐU" not in detail
    assert "0/1" in detail


def test_matrix_exports_to_xlsx_with_its_counts(
    tree, city_secretary, congress, rules_required, login
):
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    response = login(city_secretary).get(reverse("plans:compliance_xlsx"), {"r": rules_required.pk})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Ma trận"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][1] == "Đơn vị"
    assert rows[0][4].startswith("Ban hành quy chế làm việc (QC, hạn 31-12-2020)")
    body = {r[1]: r[4] for r in rows[1:3]}
    assert body[AN_HOI] == "Hoàn thành: 01-QC/ĐU (2-11-2020)"
    assert body[PHU_KHUONG] in {"Quá hạn", "Chưa có (chưa đến hạn)"}
    counts = {r[1]: r[4] for r in rows[4:] if r[1]}
    assert counts["Số đơn vị phải thực hiện"] == 2
    assert counts["Hoàn thành"] == 1
    assert counts["Tỷ lệ đã ban hành (%)"] == 50.0
    assert "Theo đơn vị cấp trên" in book.sheetnames


def test_a_matrix_of_nothing_visible_is_not_found(tree, ward_clerk, login, rules_required):
    client = login(ward_clerk)

    assert client.get(reverse("plans:compliance"), {"r": "abc"}).status_code == 404
    assert client.get(reverse("plans:compliance"), {"r": "999999"}).status_code == 404
    assert client.get(reverse("plans:compliance"), {"document": "²"}).status_code == 404
    assert client.get(reverse("plans:compliance"), {"unit": tree.sibling.pk}).status_code == 404
