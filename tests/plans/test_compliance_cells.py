"""Each compliance cell stores its complying document; every service that changes what the rule
reads keeps it right, and the nightly check finds (and repairs) a cell a write left behind.

After each step the stored cells are compared with the rule run afresh (`recheck(repair=False)`
returns the cells that differ): an empty list is what a user relies on when the matrix and the
dashboards read the stored cells.
"""

import datetime as dt
import logging

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.plans.test_compliance import AFTER_DUE, AN_HOI, PHU_KHUONG, states
from tests.plans.test_requirements import CONGRESS_DAY, issue, set_requirement
from trienkhai.documents import services as documents
from trienkhai.documents.models import DocStatus, DocumentRelation
from trienkhai.org import services as org
from trienkhai.plans import compliance, compliance_cells, jobs
from trienkhai.plans.compliance import DONE, LATE, OVERDUE
from trienkhai.plans.models import RequirementTarget


def stored_cell(requirement, unit):
    cell = RequirementTarget.objects.get(requirement=requirement, unit=unit)
    number = cell.complied_by.number_text if cell.complied_by else None
    return number, cell.complied_on, cell.by_successor


def congress_of(tree):
    return issue(tree.city, "01-NQ/ThU", CONGRESS_DAY, summary="Nghị quyết Đại hội lần thứ XII")


def test_issuing_and_relating_a_document_stores_the_cell(tree, city_secretary):
    congress = congress_of(tree)
    required = set_requirement(city_secretary, tree.city, implements=congress)
    assert stored_cell(required, tree.ward) == (None, None, False)

    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    assert stored_cell(required, tree.ward) == ("01-QC/ĐU", dt.date(2020, 11, 2), False)
    assert compliance_cells.recheck(repair=False) == []


def test_a_requirement_set_after_the_document_finds_it_at_once(tree, city_secretary):
    congress = congress_of(tree)
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    required = set_requirement(city_secretary, tree.city, implements=congress)

    assert stored_cell(required, tree.ward) == ("01-QC/ĐU", dt.date(2020, 11, 2), False)
    assert states(city_secretary, [required], AFTER_DUE)[AN_HOI] == [DONE]


def test_a_corrected_issue_date_turns_on_time_into_late(tree, city_secretary):
    congress = congress_of(tree)
    required = set_requirement(city_secretary, tree.city, implements=congress)
    rules = issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    documents.document_update(actor=None, document=rules, issued_on=dt.date(2021, 1, 5))

    assert states(city_secretary, [required], AFTER_DUE)[AN_HOI] == [LATE]
    assert compliance_cells.recheck(repair=False) == []


def test_a_later_document_of_the_unit_does_not_replace_the_earliest(tree, city_secretary):
    congress = congress_of(tree)
    required = set_requirement(city_secretary, tree.city, implements=congress)
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)
    rules = issue(tree.ward, "05-QC/ĐU", dt.date(2022, 3, 1), implements=congress)

    documents.document_set_status(actor=None, document=rules, status=DocStatus.EXPIRED)

    assert stored_cell(required, tree.ward)[0] == "01-QC/ĐU"
    assert compliance_cells.recheck(repair=False) == []


def test_a_removed_relation_takes_the_document_out_of_the_cell(tree, city_secretary):
    congress = congress_of(tree)
    required = set_requirement(city_secretary, tree.city, implements=congress)
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    DocumentRelation.objects.filter(target=congress).delete()

    assert stored_cell(required, tree.ward) == (None, None, False)
    assert states(city_secretary, [required], AFTER_DUE)[AN_HOI] == [OVERDUE]


def test_split_merge_and_dissolution_bring_the_successors_documents_in(
    tree, city_secretary, admin_user
):
    congress = congress_of(tree)
    required = set_requirement(city_secretary, tree.city, implements=congress)

    _event, parts = org.unit_split(
        actor=admin_user,
        source=tree.sibling,
        parts=[{"name": "Đảng ủy Phường Phú Khương 1"}, {"name": "Đảng ủy Phường Phú Khương 2"}],
        effective_on=dt.date(2025, 7, 1),
    )
    issue(parts[0], "03-QC/ĐU", dt.date(2025, 8, 1), implements=congress)
    assert stored_cell(required, tree.sibling) == ("03-QC/ĐU", dt.date(2025, 8, 1), True)
    assert compliance_cells.recheck(repair=False) == []

    org.unit_merge(
        actor=admin_user, sources=[tree.ward], into=parts[1], effective_on=dt.date(2025, 9, 1)
    )
    assert stored_cell(required, tree.ward) == (None, None, False)
    issue(parts[1], "04-QC/ĐU", dt.date(2025, 9, 15), implements=congress)
    assert stored_cell(required, tree.ward) == ("04-QC/ĐU", dt.date(2025, 9, 15), True)

    org.unit_dissolve(
        actor=admin_user, unit=parts[0], effective_on=dt.date(2025, 10, 1), successors=[parts[1]]
    )
    # Three steps of succession at most: the split ward still counts its first successor's.
    assert stored_cell(required, tree.sibling)[0] == "03-QC/ĐU"
    assert compliance_cells.recheck(repair=False) == []


def test_a_successors_document_issued_after_the_merge_counts_for_the_ended_unit(
    tree, city_secretary, admin_user
):
    congress = congress_of(tree)
    required = set_requirement(city_secretary, tree.city, implements=congress)
    org.unit_merge(
        actor=admin_user, sources=[tree.ward], into=tree.sibling, effective_on=dt.date(2025, 7, 1)
    )

    issue(tree.sibling, "09-QC/ĐU", dt.date(2025, 8, 1), implements=congress)

    assert stored_cell(required, tree.ward) == ("09-QC/ĐU", dt.date(2025, 8, 1), True)
    assert states(city_secretary, [required], AFTER_DUE) == {AN_HOI: [LATE], PHU_KHUONG: [LATE]}


def test_the_nightly_check_repairs_a_cell_written_behind_the_services(tree, city_secretary, caplog):
    congress = congress_of(tree)
    required = set_requirement(city_secretary, tree.city, implements=congress)
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)
    wrong = RequirementTarget.objects.get(requirement=required, unit=tree.ward)
    RequirementTarget.objects.filter(pk=wrong.pk).update(complied_by=None, complied_on=None)
    assert states(city_secretary, [required], AFTER_DUE)[AN_HOI] == [OVERDUE]

    with caplog.at_level(logging.WARNING, logger="trienkhai.plans.compliance_cells"):
        assert jobs.recheck_compliance() == 1

    assert "compliance cells differed" in caplog.text
    assert states(city_secretary, [required], AFTER_DUE)[AN_HOI] == [DONE]
    assert jobs.recheck_compliance() == 0


def test_reading_the_counts_never_searches_the_register(tree, city_secretary):
    congress = congress_of(tree)
    set_requirement(city_secretary, tree.city, implements=congress)
    issue(tree.ward, "01-QC/ĐU", dt.date(2020, 11, 2), implements=congress)

    with CaptureQueriesContext(connection) as ctx:
        counts = compliance.summary(tree.city.path, AFTER_DUE)

    assert (counts.total, counts.done, counts.overdue) == (2, 1, 1)
    assert not any("documents_document" in q["sql"] for q in ctx.captured_queries)
