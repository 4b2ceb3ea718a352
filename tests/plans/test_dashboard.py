"""The dashboard of a unit's subtree: tasks by status, overdue and due-soon lists, compliance,
indicators off track, with the same numbers on the page and in the XLSX export.

The world (dates relative to today):

Thành ủy (city)          "Xây dựng nghị quyết đô thị thông minh"   overdue by 40 days
├── Ban Tuyên giáo       "Tổ chức hội nghị quán triệt"             in progress, due this month
├── Phường An Hội (ward) "Rà soát hộ nghèo"                        due in 5 days
│   └── Chi bộ (cell)    "Họp chi bộ chuyên đề"                    done
└── Phường Phú Khương    "Sửa chữa nhà văn hóa khu phố"            overdue by 3 days
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.documents.builders import register
from trienkhai.lib.dates import period_end
from trienkhai.org.models import UnitKind
from trienkhai.plans import dashboard, reports
from trienkhai.plans.models import (
    Frequency,
    Indicator,
    Measurement,
    Report,
    ReportSchedule,
    Requirement,
    RequirementTarget,
    Task,
    TaskCoordination,
    TaskStatus,
)


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_task(title, lead, *, assigned_by=None, deadline=None, precision="day", **extra) -> Task:
    """A task written straight to the table: these tests read tasks, the tasks part writes them."""
    return Task.objects.create(
        title=title,
        assigned_by=assigned_by or lead,
        lead_unit=lead,
        deadline=deadline,
        deadline_precision=precision,
        **extra,
    )


def make_requirement(set_by, units, *, doc_type="QC", due_on, title="Ban hành quy chế làm việc"):
    requirement = Requirement.objects.create(
        title=title,
        set_by=set_by,
        parent_unit=set_by,
        unit_kinds=[],
        doc_type=doc_type,
        due_on=due_on,
    )
    RequirementTarget.objects.bulk_create(
        [RequirementTarget(requirement=requirement, unit=u) for u in units]
    )
    return requirement


@pytest.fixture
def world(tree):
    w = tree
    w.smart = make_task(
        "Xây dựng nghị quyết đô thị thông minh",
        w.city,
        assigned_by=w.province,
        deadline=days(-40),
        status=TaskStatus.IN_PROGRESS,
        progress=60,
    )
    w.conference = make_task(
        "Tổ chức hội nghị quán triệt",
        w.board,
        assigned_by=w.city,
        deadline=days(0),
        precision="month",
        status=TaskStatus.IN_PROGRESS,
    )
    w.poor = make_task("Rà soát hộ nghèo", w.ward, assigned_by=w.city, deadline=days(5))
    TaskCoordination.objects.create(task=w.poor, unit=w.board)
    w.meeting = make_task(
        "Họp chi bộ chuyên đề",
        w.cell,
        assigned_by=w.ward,
        deadline=days(-10),
        status=TaskStatus.DONE,
        progress=100,
        completed_on=days(-11),
    )
    w.hall = make_task(
        "Sửa chữa nhà văn hóa khu phố", w.sibling, assigned_by=w.city, deadline=days(-3)
    )
    return w


# --- the numbers --------------------------------------------------------------------------------
def test_city_dashboard_counts_its_whole_subtree_by_status(world):
    board = dashboard.dashboard_for(world.city)
    assert board.total == 5
    counts = {b.key: b.count for b in board.status_buckets()}
    # Open and past the end of the deadline period: overdue, not "in progress" or "not started".
    assert counts == {
        "not_started": 1,  # Rà soát hộ nghèo
        "in_progress": 1,  # the conference: due this month, not overdue
        "postponed": 0,
        "overdue": 2,  # smart city (city), community hall (sibling ward)
        "done": 1,
        "done_late": 0,
        "cancelled": 0,
    }
    assert sum(counts.values()) == board.total
    assert board.due_soon_count >= 1
    assert [t.title for t in board.overdue] == [
        "Xây dựng nghị quyết đô thị thông minh",
        "Sửa chữa nhà văn hóa khu phố",
    ]
    assert board.overdue[0].days_late == 40


def test_ward_dashboard_shows_only_its_own_subtree(world):
    board = dashboard.dashboard_for(world.ward)
    assert board.total == 2  # the ward's and its cell's
    assert board.overdue == []
    assert [t.title for t in board.due_soon] == ["Rà soát hộ nghèo"]


def test_a_month_deadline_is_due_at_the_end_of_the_month(world):
    """ "Trong tháng": due soon only when the month ends within 14 days, never overdue before."""
    today = timezone.localdate()
    month_end = period_end(today, "month")
    board = dashboard.dashboard_for(world.board)
    assert board.overdue_count == 0
    due_soon = (month_end - today).days <= dashboard.DUE_SOON_DAYS
    assert (world.conference in board.due_soon) == due_soon


def test_cancelled_and_postponed_tasks_are_counted_apart(world):
    make_task("Hủy", world.ward, deadline=days(-5), status=TaskStatus.CANCELLED)
    make_task("Lùi hạn", world.ward, deadline=days(30), status=TaskStatus.POSTPONED)
    make_task("Lùi hạn nhưng vẫn trễ", world.ward, deadline=days(-1), status=TaskStatus.POSTPONED)
    counts = dashboard.dashboard_for(world.ward).counts
    assert counts["cancelled"] == 1
    assert counts["postponed"] == 1
    assert counts["overdue"] == 1


def test_overdue_list_keeps_the_twenty_oldest(world):
    for n in range(25):
        make_task(f"Việc cũ {n}", world.cell, deadline=days(-100 + n))
    board = dashboard.dashboard_for(world.ward)
    assert board.overdue_count == 25
    assert len(board.overdue) == dashboard.LIST_SIZE == 20
    assert [t.title for t in board.overdue[:2]] == ["Việc cũ 0", "Việc cũ 1"]
    ends = [t.deadline_end for t in board.overdue]
    assert ends == sorted(ends)


def test_status_counts_and_compliance_take_few_grouped_queries(world, django_assert_num_queries):
    """Tasks: one grouped query over the work led in the subtree and one count of the work it
    assigned outside (each can use an index; `led OR assigned` in one query could not)."""
    make_requirement(world.city, [world.ward, world.sibling], due_on=days(-1))
    with django_assert_num_queries(2):
        rows = dashboard.task_counts_by_branch(world.city, timezone.localdate())
    with django_assert_num_queries(1):
        cells = dashboard.compliance_by_branch(world.city, timezone.localdate())
    assert sum(r["total"] for r in rows.values()) == 5
    assert len(rows) == 4  # the city itself, the board, the ward (with its cell), the sibling
    assert sum(c.total for c in cells.values()) == 2


def test_dashboard_queries_do_not_grow_with_the_number_of_tasks(
    world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        dashboard.dashboard_for(world.city)
    for n in range(60):
        unit = (world.ward, world.cell, world.sibling, world.board)[n % 4]
        make_task(f"Việc {n}", unit, deadline=days(n - 30))
    with django_assert_max_num_queries(len(small.captured_queries)):
        board = dashboard.dashboard_for(world.city)
    assert board.total == 65


def test_breakdown_by_child_unit_is_one_group_per_child(world):
    rows = {
        (b.unit.name if b.unit else "own"): b for b in dashboard.dashboard_for(world.city).branches
    }
    assert rows["own"].tasks == 1 and rows["own"].overdue == 1
    assert rows["Đảng ủy Phường An Hội"].tasks == 2  # the ward's and its cell's
    assert rows["Đảng ủy Phường An Hội"].closed == 1
    assert rows["Đảng ủy Phường An Hội"].done_percent == 50
    assert rows["Đảng ủy Phường Phú Khương"].overdue == 1
    # Own work first, then the children with the most overdue work.
    assert dashboard.dashboard_for(world.city).branches[0].unit is None


def test_compliance_counts_done_and_late_over_all_cells(world):
    """Three wards-level cells: one on time, one late, one overdue: 66 % complied."""
    requirement = make_requirement(
        world.city, [world.ward, world.sibling, world.board], due_on=days(-20)
    )
    # Documents count from the day the requirement was set: make it older.
    Requirement.objects.filter(pk=requirement.pk).update(
        created_at=timezone.now() - dt.timedelta(days=60)
    )
    register(world.ward, "01-QC/ĐU", days(-30), "Quy chế làm việc của Đảng ủy phường")
    register(world.sibling, "02-QC/ĐU", days(-5), "Quy chế làm việc của Đảng ủy phường")
    board = dashboard.dashboard_for(world.city)
    c = board.compliance
    assert (c.total, c.done, c.late, c.overdue, c.missing) == (3, 1, 1, 1, 0)
    assert board.compliance_percent == 66
    ward_board = dashboard.dashboard_for(world.ward)
    assert (ward_board.compliance.total, ward_board.compliance_percent) == (1, 100)


def test_indicators_off_track_are_listed(world):
    indicator = Indicator.objects.create(
        unit=world.city,
        name="Hộ nghèo",
        measure_unit="hộ",
        direction="at_most",
        baseline_value=Decimal(800),
        baseline_year=timezone.localdate().year - 5,
        target_value=Decimal(100),
        target_date=days(-30),
        target_precision="day",
    )
    Measurement.objects.create(
        indicator=indicator, unit=world.city, value=Decimal(400), measured_on=days(-40)
    )
    board = dashboard.dashboard_for(world.city)
    assert [i.name for i in board.indicators_off_track] == ["Hộ nghèo"]
    assert board.indicators_off_track[0].assessment.status == "missed"
    assert dashboard.dashboard_for(world.sibling).indicators_off_track == []


# --- the page and the export --------------------------------------------------------------------
def test_city_secretary_sees_the_city_dashboard_by_default(world, city_secretary, login):
    response = login(city_secretary).get(reverse("plans:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thành ủy Bến Tre" in body
    assert "Xây dựng nghị quyết đô thị thông minh" in body
    assert "Sửa chữa nhà văn hóa khu phố" in body
    assert "<svg" in body  # progress bars
    # Charts are SVG images whose address carries the counts: 1 not started, 1 in progress,
    # 0 postponed, 2 overdue, 1 done, 0 done late, 0 cancelled.
    src = (
        reverse("plans:dashboard_chart", args=["tasks"])
        + "?v=1%2C1%2C0%2C2%2C1%2C0%2C0&amp;lang=vi"
    )
    assert f'src="{src}"' in body
    assert (
        'alt="Nhiệm vụ theo tình trạng: Chưa thực hiện 1; Đang thực hiện 1; Quá hạn 2; Hoàn thành 1"'
        in body
    )


def test_a_chart_is_drawn_from_the_counts_in_its_address(world, viewer, login):
    client = login(viewer)
    url = reverse("plans:dashboard_chart", args=["tasks"])
    response = client.get(url + "?v=1,1,0,2,1,0,0&lang=vi")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age" in response["Cache-Control"]
    svg = response.content.decode()
    assert "Quá hạn" in svg and "Hủy bỏ" not in svg  # empty buckets are left out
    assert client.get(url + "?v=1,1,0,2,1,0,0").content == response.content  # from the cache


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?v=1,2",
        "?v=1,1,0,2,1,0,x",
        "?v=0,0,0,0,0,0,0",
        "?v=1,1,0,2,1,0,-1",
        "?v=1,1,0,2,1,0,99999999999",
    ],
)
def test_a_chart_of_bad_counts_is_not_found(world, viewer, login, query):
    response = login(viewer).get(reverse("plans:dashboard_chart", args=["tasks"]) + query)
    assert response.status_code == 404


def test_an_unknown_chart_is_not_found(world, viewer, login):
    url = reverse("plans:dashboard_chart", args=["bieu-do"]) + "?v=1"
    assert login(viewer).get(url).status_code == 404


def test_ward_clerk_dashboard_never_shows_a_sibling_ward(world, ward_clerk, login):
    response = login(ward_clerk).get(reverse("plans:dashboard"))
    body = response.content.decode()
    assert "Rà soát hộ nghèo" in body
    assert "Sửa chữa nhà văn hóa khu phố" not in body
    assert "Phú Khương" not in body


def test_ward_clerk_cannot_open_the_city_dashboard(world, ward_clerk, login):
    client = login(ward_clerk)
    assert client.get(reverse("plans:dashboard") + f"?unit={world.city.pk}").status_code == 404
    assert client.get(reverse("plans:dashboard") + f"?unit={world.sibling.pk}").status_code == 404
    assert client.get(reverse("plans:dashboard") + "?unit=abc").status_code == 404
    assert (
        client.get(reverse("plans:dashboard") + "?unit=99999999999999999999999").status_code == 404
    )


def test_a_user_with_no_scope_gets_an_explanation(world, outsider, login):
    response = login(outsider).get(reverse("plans:dashboard"))
    assert response.status_code == 200
    assert "chưa được giao phạm vi" in response.content.decode()


def test_export_carries_the_same_numbers_as_the_page(world, city_secretary, login):
    make_requirement(world.city, [world.ward, world.sibling], due_on=days(-1))
    response = login(city_secretary).get(reverse("plans:dashboard_xlsx") + f"?unit={world.city.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "tong-hop-thu-" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    board = dashboard.dashboard_for(world.city)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    labels = [r[0] for r in rows]
    start = labels.index("Nhiệm vụ theo tình trạng") + 1
    buckets = board.status_buckets()
    assert rows[start : start + len(buckets)] == [(b.label, b.count, b.percent) for b in buckets]
    summary = {r[0]: r[1:] for r in rows if r[0]}
    assert summary["Tổng số nhiệm vụ"][0] == board.total == 5
    assert summary["Tổng số lượt yêu cầu"][0] == 2
    overdue = list(book["Quá hạn"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in overdue] == [t.title for t in board.overdue]
    branches = {r[0]: r for r in book["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert branches["Đảng ủy Phường An Hội"][1:3] == (2, 0)


def test_a_task_title_that_looks_like_a_formula_stays_text(world, city_secretary, login):
    make_task('=HYPERLINK("http://x")', world.ward, deadline=days(-2))
    response = login(city_secretary).get(reverse("plans:dashboard_xlsx") + f"?unit={world.ward.pk}")
    sheet = load_workbook(io.BytesIO(response.content))["Quá hạn"]
    cell = sheet.cell(row=2, column=2)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def quarterly_reports(w, *, submitted_by=()):
    """A quarterly report owed by the grassroots committees under the city; those named have
    submitted the last period that fell due."""
    schedule = ReportSchedule.objects.create(
        title="Báo cáo quý công tác xây dựng Đảng",
        parent_unit=w.city,
        unit_kinds=[UnitKind.GRASSROOTS_PARTY_COMMITTEE],
        frequency=Frequency.QUARTERLY,
        due_days=5,
        starts_on=days(-400),
    )
    period = reports.due_periods(schedule, timezone.localdate(), limit=1)[0]
    for unit in submitted_by:
        Report.objects.create(
            schedule=schedule,
            unit=unit,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
            status=Report.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    return schedule, period


def test_reports_missing_name_the_units_that_owe_them(world, city_secretary, login):
    schedule, period = quarterly_reports(world, submitted_by=[world.ward])
    board = dashboard.dashboard_for(world.city)
    assert board.reports_missing_count == 1
    [entry] = board.reports_missing
    assert (entry.schedule, entry.expected, entry.submitted) == (schedule, 2, 1)
    assert list(entry.units) == [world.sibling]
    assert dashboard.dashboard_for(world.ward).reports_missing_count == 0
    body = login(city_secretary).get(reverse("plans:dashboard")).content.decode()
    assert "Báo cáo quý công tác xây dựng Đảng" in body and str(period.label) in body
    sheet = load_workbook(
        io.BytesIO(login(city_secretary).get(reverse("plans:dashboard_xlsx")).content)
    )["Báo cáo chưa nộp"]
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == [world.sibling.name]


def test_a_committee_sees_the_tasks_it_gave_to_a_unit_outside_its_subtree(tree, city_secretary):
    """The City Committee assigns work to the City People's Committee, which sits in the State
    tree: its dashboard counts that work, in a branch of its own, never under a wrong name."""
    import datetime as dt

    from trienkhai.org import services as org_services
    from trienkhai.org.models import UnitKind
    from trienkhai.plans import dashboard
    from trienkhai.plans.models import Task

    ubnd = org_services.unit_create(
        actor=None, parent=None, kind=UnitKind.PEOPLES_COMMITTEE, name="UBND thành phố Bến Tre"
    )
    Task.objects.create(
        title="Tham mưu Nghị quyết chuyên đề “5 thông minh”",
        assigned_by=tree.city,
        lead_unit=ubnd,
        deadline=dt.date(2020, 12, 1),
        deadline_precision="month",
    )
    board = dashboard.dashboard_for(tree.city, today=dt.date(2021, 1, 5))
    outside = [b for b in board.branches if b.outside]
    assert len(outside) == 1 and outside[0].tasks == 1 and outside[0].overdue == 1
    assert all(b.unit is None or b.unit.path.startswith(tree.city.path) for b in board.branches)


def test_the_lists_merge_work_led_here_and_work_given_outside_by_deadline(tree):
    """The overdue and due-soon lists take the first tasks of the work led in the subtree and of
    the work assigned outside it, in one order, and skip a part that has none."""
    from trienkhai.org import services as org_services

    ubnd = org_services.unit_create(
        actor=None, parent=None, kind=UnitKind.PEOPLES_COMMITTEE, name="UBND thành phố Bến Tre"
    )
    for n in range(3):
        make_task(f"Giao UBND {n}", ubnd, assigned_by=tree.city, deadline=days(-30 + 2 * n))
        make_task(f"Thành ủy {n}", tree.ward, assigned_by=tree.city, deadline=days(-29 + 2 * n))
    make_task("Sắp đến hạn", ubnd, assigned_by=tree.city, deadline=days(3))
    make_task("Ngoài, không do thành ủy giao", ubnd, deadline=days(-50))
    board = dashboard.dashboard_for(tree.city, list_size=4)
    assert [t.title for t in board.overdue] == [
        "Giao UBND 0",
        "Thành ủy 0",
        "Giao UBND 1",
        "Thành ủy 1",
    ]
    assert [t.title for t in board.due_soon] == ["Sắp đến hạn"]
    assert board.overdue_count == 6 and board.due_soon_count == 1


def test_the_rows_per_sub_unit_name_own_work_outside_work_and_an_ended_unit(
    world, city_secretary, login, client
):
    """The table by sub-unit: the committee's own work, work given outside its tree, a unit
    that has ended; in Vietnamese, then in English after the switch."""
    from trienkhai.org import services as org_services

    ubnd = org_services.unit_create(
        actor=None, parent=None, kind=UnitKind.PEOPLES_COMMITTEE, name="UBND thành phố Bến Tre"
    )
    make_task("Tham mưu nghị quyết chuyên đề", ubnd, assigned_by=world.city, deadline=days(-2))
    type(world.sibling).objects.filter(pk=world.sibling.pk).update(ended_on=days(-1))
    login(city_secretary)
    page = client.get(reverse("plans:dashboard")).content.decode()
    dashboard_url = reverse("plans:dashboard")
    assert "Thành ủy Bến Tre (trực tiếp chủ trì)" in page
    assert "Giao cho đơn vị ngoài phạm vi (ví dụ cơ quan chính quyền)" in page
    assert (
        f'<a href="{dashboard_url}?unit={world.sibling.pk}">Đảng ủy Phường Phú Khương</a>'
        ' <span class="tag ended">đã kết thúc</span>'
    ) in page
    # The sibling ward: one task, overdue, none done, no compliance cell.
    assert "<td>1</td>\n<td><strong>1</strong></td>\n<td>0% <svg" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("plans:dashboard")).content.decode()
    assert "Thành ủy Bến Tre (leading directly)" in page
    assert "Assigned to units outside this scope (e.g. government bodies)" in page
    assert '<span class="tag ended">ended</span>' in page
