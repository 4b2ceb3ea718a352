"""Periodic reports: the City Committee asks every grassroots organisation for a quarterly report.

Expected reports are computed from the calendar and the tree; a ward writes its report, with its
indicators and tasks filled in; writing again updates the same report; the city sees the wards'
reports side by side, their sums, and who is missing or late.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.plans.test_requirements import GRASSROOTS
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.org import services as org
from trienkhai.plans import reports
from trienkhai.plans.models import (
    Direction,
    Frequency,
    Indicator,
    Measurement,
    Report,
    ReportSchedule,
    Task,
    TaskStatus,
)

Q1 = dt.date(2021, 1, 1)
Q1_DUE = dt.date(2021, 4, 10)  # 10 days after 31-3-2021


@pytest.fixture
def quarterly(tree, city_secretary):
    return reports.schedule_create(
        actor=city_secretary,
        title="Báo cáo kết quả thực hiện chương trình làm việc hằng quý",
        parent_unit=tree.city,
        unit_kinds=[GRASSROOTS],
        frequency=Frequency.QUARTERLY,
        due_days=10,
        starts_on=dt.date(2021, 1, 1),
    )


@pytest.fixture
def ward_work(tree):
    """Two indicators of the ward (one measured twice), and tasks led by it and its cell."""
    housing = Indicator.objects.create(
        unit=tree.ward,
        name="Số nhà tạm",
        measure_unit="căn",
        direction=Direction.ELIMINATE,
    )
    Measurement.objects.create(
        indicator=housing, unit=tree.ward, value=Decimal("12"), measured_on=dt.date(2021, 1, 15)
    )
    Measurement.objects.create(
        indicator=housing, unit=tree.ward, value=Decimal("9"), measured_on=dt.date(2021, 3, 31)
    )
    Measurement.objects.create(
        indicator=housing, unit=tree.ward, value=Decimal("7"), measured_on=dt.date(2021, 4, 20)
    )
    Indicator.objects.create(
        unit=tree.ward, name="Tỷ lệ hộ nghèo", measure_unit="%", direction=Direction.AT_MOST
    )
    common = {"assigned_by": tree.city}
    Task.objects.create(title="A", lead_unit=tree.ward, status=TaskStatus.DONE, **common)
    Task.objects.create(
        title="B",
        lead_unit=tree.ward,
        status=TaskStatus.IN_PROGRESS,
        deadline=dt.date(2021, 2, 1),
        **common,
    )
    Task.objects.create(title="C", lead_unit=tree.cell, status=TaskStatus.NOT_STARTED, **common)
    Task.objects.create(title="D", lead_unit=tree.sibling, status=TaskStatus.DONE, **common)
    return housing


SECTIONS = {
    "results": "Đã tổ chức quán triệt nghị quyết cho 100% chi bộ.",
    "limitations": "Một số chi bộ sinh hoạt chưa đều.",
    "next_tasks": "Hoàn thành chương trình hành động.",
}


def submit(actor, schedule, unit, *, today, sections=SECTIONS, start=Q1, **kwargs):
    kwargs.setdefault("submit", True)
    return reports.report_save(
        actor=actor,
        schedule=schedule,
        unit=unit,
        period_start=start,
        sections=sections,
        today=today,
        **kwargs,
    )


# --- periods -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frequency", "day", "start", "end", "label"),
    [
        ("weekly", dt.date(2025, 3, 19), dt.date(2025, 3, 17), dt.date(2025, 3, 23),
         "Tuần 12/2025 (17-3 – 23-3-2025)"),
        ("monthly", dt.date(2024, 2, 10), dt.date(2024, 2, 1), dt.date(2024, 2, 29),
         "Tháng 2-2024"),
        ("quarterly", dt.date(2020, 11, 5), dt.date(2020, 10, 1), dt.date(2020, 12, 31),
         "Quý IV/2020"),
        ("half_yearly", dt.date(2021, 6, 30), dt.date(2021, 1, 1), dt.date(2021, 6, 30),
         "6 tháng đầu năm 2021"),
        ("half_yearly", dt.date(2021, 7, 1), dt.date(2021, 7, 1), dt.date(2021, 12, 31),
         "6 tháng cuối năm 2021"),
        ("yearly", dt.date(2021, 7, 1), dt.date(2021, 1, 1), dt.date(2021, 12, 31), "Năm 2021"),
    ],
)  # fmt: skip
def test_periods_follow_the_calendar(frequency, day, start, end, label):
    schedule = ReportSchedule(frequency=frequency, due_days=5, starts_on=dt.date(2000, 1, 1))

    period = reports.make_period(schedule, day)

    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.due_on == end + dt.timedelta(days=5)


def test_a_schedule_yields_its_periods_up_to_today(quarterly):
    periods = reports.periods(quarterly, until=dt.date(2021, 8, 1))

    assert [p.label for p in periods] == ["Quý III/2021", "Quý II/2021", "Quý I/2021"]
    assert [p.label for p in reports.due_periods(quarterly, dt.date(2021, 8, 1))] == [
        "Quý II/2021",
        "Quý I/2021",
    ]
    assert reports.period_for(quarterly, dt.date(2021, 2, 1)) is None
    assert reports.period_for(quarterly, dt.date(2020, 10, 1)) is None


def test_expected_reports_are_computed_from_the_tree(tree, quarterly, admin_user):
    q1 = reports.make_period(quarterly, Q1)
    org.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=dt.date(2021, 7, 1))
    q3 = reports.make_period(quarterly, dt.date(2021, 7, 1))

    assert {u.name for u in reports.expected_units(quarterly, q1)} == {
        "Đảng ủy Phường An Hội",
        "Đảng ủy Phường Phú Khương",
    }
    assert [u.name for u in reports.expected_units(quarterly, q3)] == ["Đảng ủy Phường An Hội"]
    assert not Report.objects.exists()  # nothing pre-created


# --- writing a report -----------------------------------------------------------------------------
def test_ward_clerk_submits_a_report_with_its_figures_filled_in(
    tree, quarterly, ward_clerk, ward_work
):
    report = submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5))

    assert report.status == Report.Status.SUBMITTED
    assert not report.is_late
    assert report.sections == SECTIONS
    values = {i["name"]: i["value"] for i in report.figures["indicators"]}
    assert values == {"Số nhà tạm": "9", "Tỷ lệ hộ nghèo": None}  # latest up to 31-3-2021
    tasks = report.figures["tasks"]
    assert (tasks["total"], tasks["done"], tasks["in_progress"], tasks["not_started"]) == (
        3,
        1,
        1,
        1,
    )
    assert tasks["overdue"] == 1


def test_submitting_twice_updates_the_same_report_and_keeps_the_history(
    tree, quarterly, ward_clerk
):
    first = submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5))
    changed = {**SECTIONS, "results": "Đã quán triệt cho 100% chi bộ và 95% đảng viên."}

    second = submit(
        ward_clerk,
        quarterly,
        tree.ward,
        today=dt.date(2021, 4, 20),
        sections=changed,
        revision=first.revision,
    )

    assert Report.objects.count() == 1
    assert second.pk == first.pk
    assert second.revision == first.revision + 1
    assert not second.is_late  # lateness is fixed by the first submission
    assert second.submitted_at == first.submitted_at
    update = audit_entries_for(second).first()
    assert update.changes["Kết quả thực hiện"] == [SECTIONS["results"], changed["results"]]
    assert "không tạo bản mới" in update.note


def test_a_concurrent_edit_is_refused_and_nothing_is_overwritten(tree, quarterly, ward_clerk):
    first = submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5))
    submit(
        ward_clerk,
        quarterly,
        tree.ward,
        today=dt.date(2021, 4, 6),
        sections={**SECTIONS, "results": "Bản của người thứ nhất"},
        revision=first.revision,
    )

    with pytest.raises(ValidationError) as caught:
        submit(
            ward_clerk,
            quarterly,
            tree.ward,
            today=dt.date(2021, 4, 6),
            sections={**SECTIONS, "results": "Bản của người thứ hai"},
            revision=first.revision,
        )

    assert "vừa được người khác cập nhật" in caught.value.messages[0]
    assert Report.objects.get().sections["results"] == "Bản của người thứ nhất"


def test_two_people_starting_a_new_report_at_once(tree, quarterly, ward_clerk):
    submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5), revision=0)

    with pytest.raises(ValidationError):
        submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5), revision=0)

    assert Report.objects.count() == 1


def test_a_report_submitted_after_the_deadline_is_late(tree, quarterly, ward_clerk):
    draft = submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 1), submit=False)
    report = submit(
        ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 11), revision=draft.revision
    )

    assert draft.status == Report.Status.DRAFT and not draft.is_late
    assert report.status == Report.Status.SUBMITTED and report.is_late
    assert report.due_on == Q1_DUE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"sections": {"results": "  "}},
            "Hãy nhập kết quả thực hiện trước khi gửi báo cáo.",
        ),
        ({"start": dt.date(2021, 2, 1)}, "Kỳ báo cáo không hợp lệ cho lịch báo cáo này."),
        ({"start": dt.date(2021, 7, 1)}, "Kỳ báo cáo Quý III/2021 chưa bắt đầu."),
    ],
    ids=["empty-results", "not-a-period", "future-period"],
)
def test_bad_reports_are_refused(tree, quarterly, ward_clerk, kwargs, message):
    with pytest.raises(ValidationError) as caught:
        submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5), **kwargs)

    assert message in caught.value.messages
    assert not Report.objects.exists()


def test_a_unit_outside_the_schedule_cannot_report(tree, quarterly, ward_clerk):
    with pytest.raises(ValidationError) as caught:
        submit(ward_clerk, quarterly, tree.cell, today=dt.date(2021, 4, 5))

    assert "không thuộc diện báo cáo" in caught.value.messages[0]


def test_ward_clerk_cannot_write_the_sibling_wards_report(tree, quarterly, ward_clerk):
    with pytest.raises(ValidationError):
        submit(ward_clerk, quarterly, tree.sibling, today=dt.date(2021, 4, 5))

    assert not Report.objects.exists()


# --- missing and late -------------------------------------------------------------------------------
def test_missing_reports_are_flagged_for_the_dashboard(tree, quarterly, ward_clerk):
    submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5))

    before_due = reports.reports_missing(tree.city.path, dt.date(2021, 4, 10))
    after_due = reports.reports_missing(tree.city.path, dt.date(2021, 4, 11))
    in_the_ward = reports.reports_missing(tree.ward.path, dt.date(2021, 4, 11))

    assert before_due == []  # the deadline day itself is still in time
    assert len(after_due) == 1
    entry = after_due[0]
    assert (entry.schedule, entry.period.label) == (quarterly, "Quý I/2021")
    assert (entry.expected, entry.submitted, entry.missing) == (2, 1, 1)
    assert [u.name for u in entry.units] == ["Đảng ủy Phường Phú Khương"]
    assert in_the_ward == []


def test_several_schedules_and_periods_are_counted_together_each_naming_its_owing_units(
    tree, quarterly, city_secretary, ward_clerk
):
    reports.schedule_create(
        actor=city_secretary,
        title="Báo cáo tình hình hằng tháng",
        parent_unit=tree.city,
        unit_kinds=[GRASSROOTS],
        frequency=Frequency.MONTHLY,
        due_days=5,
        starts_on=dt.date(2021, 1, 1),
    )
    submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5))

    found = reports.reports_missing(tree.city.path, dt.date(2021, 4, 11), periods_back=2)

    summary = [
        (e.schedule.title, e.period.label, e.expected, e.submitted, [u.name for u in e.first_units])
        for e in found
    ]
    both = ["Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"]
    assert summary == [
        ("Báo cáo kết quả thực hiện chương trình làm việc hằng quý", "Quý I/2021", 2, 1,
         ["Đảng ủy Phường Phú Khương"]),
        ("Báo cáo tình hình hằng tháng", "Tháng 3-2021", 2, 0, both),
        ("Báo cáo tình hình hằng tháng", "Tháng 2-2021", 2, 0, both),
    ]  # fmt: skip
    assert all([u.name for u in e.units] == [u.name for u in e.first_units] for e in found)


def test_two_schedules_of_one_parent_for_the_same_period_are_counted_apart(
    tree, quarterly, city_secretary, ward_clerk
):
    thematic = reports.schedule_create(
        actor=city_secretary,
        title="Báo cáo chuyên đề hằng quý",
        parent_unit=tree.city,
        unit_kinds=[GRASSROOTS],
        frequency=Frequency.QUARTERLY,
        due_days=10,
        starts_on=dt.date(2021, 1, 1),
    )
    submit(ward_clerk, thematic, tree.ward, today=dt.date(2021, 4, 5))

    found = reports.reports_missing(tree.city.path, dt.date(2021, 4, 11))

    assert [(e.schedule.title, e.submitted, [u.name for u in e.first_units]) for e in found] == [
        ("Báo cáo chuyên đề hằng quý", 1, ["Đảng ủy Phường Phú Khương"]),
        (quarterly.title, 0, ["Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"]),
    ]


def test_city_sees_the_wards_reports_side_by_side_with_sums(
    tree, quarterly, ward_clerk, city_secretary, ward_work, login
):
    submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 12))
    sibling_housing = Indicator.objects.create(
        unit=tree.sibling, name="Số nhà tạm", measure_unit="căn", direction=Direction.ELIMINATE
    )
    Measurement.objects.create(
        indicator=sibling_housing, unit=tree.sibling, value=4, measured_on=dt.date(2021, 3, 1)
    )
    submit(
        city_secretary,
        quarterly,
        tree.sibling,
        today=dt.date(2021, 4, 8),
        sections={"results": "Phú Khương: đã ban hành chương trình hành động."},
    )
    period = reports.make_period(quarterly, Q1)
    units = reports.visible_expected(city_secretary, quarterly, period)

    aggregate = reports.aggregate_figures(quarterly, period, units)
    counts = reports.period_counts(units, quarterly, period, dt.date(2021, 4, 12))
    page = (
        login(city_secretary)
        .get(reverse("plans:report_period", args=[quarterly.pk, "2021-01-01"]))
        .content.decode()
    )

    assert (aggregate.reports, aggregate.tasks["total"], aggregate.tasks["done"]) == (2, 4, 2)
    assert [(i.name, i.total, i.reports) for i in aggregate.indicators] == [
        ("Số nhà tạm", Decimal(13), 2),
        ("Tỷ lệ hộ nghèo", None, 0),
    ]
    assert (counts.expected, counts.submitted, counts.late, counts.on_time) == (2, 2, 1, 1)
    assert SECTIONS["results"] in page and "Phú Khương: đã ban hành" in page
    assert "Gửi muộn" in page


# --- pages ---------------------------------------------------------------------------------------------
def test_ward_clerk_writes_the_report_on_the_page_and_sends_it_again(
    tree, quarterly, ward_clerk, login
):
    client = login(ward_clerk)
    url = reverse("plans:report_write", args=[quarterly.pk, "2021-01-01", tree.ward.pk])

    form = client.get(url).content.decode()
    first = client.post(url, {**SECTIONS, "revision": 0, "action": "submit"})
    report = Report.objects.get()
    again = client.post(
        url, {**SECTIONS, "results": "Bổ sung số liệu.", "revision": report.revision}
    )

    assert "Số liệu kèm theo (tự động)" in form
    assert first.status_code == again.status_code == 302
    assert Report.objects.count() == 1
    assert Report.objects.get().sections["results"] == "Bổ sung số liệu."


def test_the_second_of_two_writers_is_told_and_keeps_what_they_typed(
    tree, quarterly, ward_clerk, city_secretary, login
):
    url = reverse("plans:report_write", args=[quarterly.pk, "2021-01-01", tree.ward.pk])
    first = submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5))
    submit(
        city_secretary,
        quarterly,
        tree.ward,
        today=dt.date(2021, 4, 5),
        sections={"results": "Thành ủy bổ sung."},
        revision=first.revision,
    )

    response = login(ward_clerk).post(
        url, {"results": "Nội dung tôi vừa gõ", "revision": first.revision, "action": "submit"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "vừa được người khác cập nhật" in page
    assert "Nội dung tôi vừa gõ" in page  # kept
    assert "Thành ủy bổ sung." in page  # and the other version shown
    assert Report.objects.get().sections["results"] == "Thành ủy bổ sung."


def test_empty_report_on_the_page_gets_a_message(tree, quarterly, ward_clerk, login):
    url = reverse("plans:report_write", args=[quarterly.pk, "2021-01-01", tree.ward.pk])

    response = login(ward_clerk).post(
        url, {"limitations": "Có khó khăn", "revision": 0, "action": "submit"}
    )

    page = response.content.decode()
    assert "Hãy nhập kết quả thực hiện trước khi gửi báo cáo." in page
    assert "Có khó khăn" in page
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit_kinds": None}, "Hãy chọn ít nhất một loại đơn vị phải báo cáo."),
        ({"ends_on": "01-01-2020"}, "Ngày kết thúc 1-1-2020 trước ngày bắt đầu 1-1-2021."),
        ({"due_days": "-1"}, "Hạn nộp phải từ 0 đến 366 ngày sau khi hết kỳ."),
        ({"frequency": "daily"}, "Định kỳ “daily” không hợp lệ"),
    ],
    ids=["no-kind", "ends-before-start", "negative-days", "bad-frequency"],
)
def test_bad_schedules_are_refused_on_the_page(tree, city_secretary, login, changes, message):
    data = {
        "title": "Báo cáo tháng",
        "parent_unit": tree.city.pk,
        "unit_kinds": [GRASSROOTS],
        "frequency": "monthly",
        "due_days": "5",
        "starts_on": "01-01-2021",
    }
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}

    response = login(city_secretary).post(reverse("plans:report_schedule_new"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Báo cáo tháng" in page
    assert not ReportSchedule.objects.exists()


def test_a_schedule_for_a_unit_outside_ones_scope_is_refused(tree, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("plans:report_schedule_new"),
        {
            "title": "Báo cáo tháng",
            "parent_unit": tree.city.pk,
            "unit_kinds": [GRASSROOTS],
            "frequency": "monthly",
            "due_days": "5",
            "starts_on": "01-01-2021",
        },
    )

    assert "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền với đơn vị đó." in (
        response.content.decode()
    )
    assert not ReportSchedule.objects.exists()


def test_schedule_page_counts_each_period(tree, quarterly, ward_clerk, city_secretary, login):
    submit(ward_clerk, quarterly, tree.ward, today=dt.date(2021, 4, 5))
    reports.schedule_update(
        actor=city_secretary,
        schedule=quarterly,
        title=quarterly.title,
        due_days=10,
        ends_on=dt.date(2021, 12, 31),
    )

    page = (
        login(city_secretary)
        .get(reverse("plans:report_schedule", args=[quarterly.pk]))
        .content.decode()
    )

    assert "Quý IV/2021" in page and "Quý I/2022" not in page
    assert reverse("plans:report_period", args=[quarterly.pk, "2021-01-01"]) in page
    assert "50,0%" in page  # one of the two wards reported for the first quarter


def test_the_list_shows_the_reports_a_ward_still_owes(tree, quarterly, ward_clerk, login):
    current = reports.periods(quarterly, until=dt.date.today())[0]

    page = login(ward_clerk).get(reverse("plans:report_schedules")).content.decode()

    assert quarterly.title in page
    assert reverse("plans:report_write", args=[quarterly.pk, current.key, tree.ward.pk]) in page


def test_a_period_far_in_the_future_is_not_found(tree, quarterly, city_secretary, login):
    client = login(city_secretary)
    for day in ("9999-10-01", "2021-13-01"):
        url = reverse("plans:report_period", args=[quarterly.pk, day])
        assert client.get(url).status_code == 404
