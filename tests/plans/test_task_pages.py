"""The task pages: lists and their filters, the XLSX export, the task page, the forms and what
they say about bad input, two people editing at once, comments and evidence files."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from tests.plans import test_tasks as base
from tests.plans.test_tasks import PNG, make_task, refresh, register, report
from trienkhai.documents.models import Document
from trienkhai.plans.models import Programme, Task, TaskStatus

# Fixtures shared with the service tests.
media = base.media
state = base.state

D = dt.date
TODAY = dt.date.today()
LIST = reverse("plans:task_list")
MINE = reverse("plans:task_mine")
NEW = reverse("plans:task_new")
EXPORT = reverse("plans:task_export")


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def titles_in(response) -> list[str]:
    return [t.title for t in response.context["page"]]


@pytest.fixture
def tasks(tree):
    """A little work: the city assigns the ward (with the board coordinating), the ward assigns
    its cell, the city assigns the sibling ward; deadlines around today."""
    t = tree
    t.ward_task = make_task(
        tree,
        title="Phường An Hội xây dựng quy chế",
        coordinating_units=[tree.board],
        deadline=TODAY - dt.timedelta(days=3),
        output_doc_type="QC",
    )
    t.cell_task = make_task(
        tree,
        title="Chi bộ Khu phố 1 họp quán triệt",
        assigned_by=tree.ward,
        lead_unit=tree.cell,
        deadline=TODAY + dt.timedelta(days=5),
    )
    t.sibling_task = make_task(
        tree,
        title="Phường Phú Khương xây dựng quy chế",
        lead_unit=tree.sibling,
        coordinating_units=[tree.ward],
        deadline=TODAY + dt.timedelta(days=40),
    )
    t.board_task = make_task(
        tree,
        title="Ban Tuyên giáo biên soạn tài liệu",
        lead_unit=tree.board,
        deadline=D(TODAY.year + 1, 1, 1),
        deadline_precision="year",
    )
    return t


# --- lists -------------------------------------------------------------------------------------
def test_city_officer_lists_all_city_tasks_in_deadline_order(tasks, propaganda_officer, login):
    response = login(propaganda_officer).get(LIST)

    assert titles_in(response) == [
        "Phường An Hội xây dựng quy chế",
        "Chi bộ Khu phố 1 họp quán triệt",
        "Phường Phú Khương xây dựng quy chế",
        "Ban Tuyên giáo biên soạn tài liệu",
    ]
    page = page_of(response)
    assert "Quá hạn" in page and f"năm {TODAY.year + 1}" in page


def test_filter_by_unit_includes_the_subtree_and_coordination(tasks, propaganda_officer, login):
    client = login(propaganda_officer)
    ward = tasks.ward.pk

    subtree = titles_in(client.get(LIST, {"unit": ward}))
    exact = titles_in(client.get(LIST, {"unit": ward, "scope": "exact"}))
    lead = titles_in(client.get(LIST, {"unit": ward, "scope": "exact", "role": "lead"}))
    coordinating = titles_in(client.get(LIST, {"unit": ward, "role": "coordinating"}))

    assert subtree == [
        "Phường An Hội xây dựng quy chế",
        "Chi bộ Khu phố 1 họp quán triệt",
        "Phường Phú Khương xây dựng quy chế",
    ]
    assert exact == ["Phường An Hội xây dựng quy chế", "Phường Phú Khương xây dựng quy chế"]
    assert lead == ["Phường An Hội xây dựng quy chế"]
    assert coordinating == ["Phường Phú Khương xây dựng quy chế"]


def test_filter_by_status_overdue_and_due_soon(tasks, propaganda_officer, login):
    client = login(propaganda_officer)

    overdue = client.get(LIST, {"status": "overdue"})
    soon = titles_in(client.get(LIST, {"status": "due_soon"}))
    soon_60 = titles_in(client.get(LIST, {"status": "due_soon", "soon": 60}))
    report(tasks.ward_task, status="done")
    after = titles_in(client.get(LIST, {"status": "overdue"}))

    assert titles_in(overdue) == ["Phường An Hội xây dựng quy chế"]
    assert overdue.context["counts"]["overdue"] == 1
    assert soon == ["Chi bộ Khu phố 1 họp quán triệt"]
    assert soon_60 == ["Chi bộ Khu phố 1 họp quán triệt", "Phường Phú Khương xây dựng quy chế"]
    assert after == []


def test_a_deadline_window_catches_a_period_that_overlaps_it(tasks, propaganda_officer, login):
    """A year deadline overlaps any window inside that year."""
    client = login(propaganda_officer)
    year = TODAY.year + 1

    inside = titles_in(
        client.get(LIST, {"deadline_from": f"01-06-{year}", "deadline_to": f"30-06-{year}"})
    )

    assert inside == ["Ban Tuyên giáo biên soạn tài liệu"]


def test_filter_by_programme_and_text(tasks, propaganda_officer, login):
    plan = register(tasks.city, "07-KH/ThU", D(2020, 11, 2), "Kế hoạch")
    programme = Programme.objects.create(
        document=plan,
        title="Chương trình phát triển thương mại, dịch vụ",
        field="Kinh tế",
        owner_unit=tasks.city,
        start_year=2020,
        end_year=2025,
    )
    Task.objects.filter(pk=tasks.board_task.pk).update(programme=programme)
    client = login(propaganda_officer)

    assert titles_in(client.get(LIST, {"programme": programme.pk})) == [
        "Ban Tuyên giáo biên soạn tài liệu"
    ]
    assert titles_in(client.get(LIST, {"text": "quy chế phú"})) == [
        "Phường Phú Khương xây dựng quy chế"
    ]


def test_bad_filters_say_what_is_wrong_and_keep_the_rest(tasks, propaganda_officer, login):
    response = login(propaganda_officer).get(
        LIST,
        {
            "deadline_from": "31-02-2021",
            "soon": "0",
            "unit": "99999999999999999999999",
            "status": "overdue",
        },
    )

    page = page_of(response)
    assert "Ngày không hợp lệ" in page
    assert "Số ngày phải từ 1 đến 365" in page
    assert "Không tìm thấy đơn vị đã chọn" in page
    assert titles_in(response) == ["Phường An Hội xây dựng quy chế"]  # the status still applies


def test_a_window_that_ends_before_it_starts_is_named(tasks, propaganda_officer, login):
    page = page_of(
        login(propaganda_officer).get(
            LIST, {"deadline_from": "01-06-2021", "deadline_to": "01-01-2021"}
        )
    )

    assert "trước ngày “từ”" in page


def test_the_list_pages_in_a_stable_order(tree, propaganda_officer, login):
    for n in range(120):
        make_task(tree, title=f"Nhiệm vụ {n:03d}", deadline=D(2025, 1, 1 + n % 3))
    client = login(propaganda_officer)

    first = titles_in(client.get(LIST, {"page": 1}))
    second = titles_in(client.get(LIST, {"page": 2}))
    third = titles_in(client.get(LIST, {"page": 3}))

    assert len(first) == len(second) == 50 and len(third) == 20
    assert len(set(first + second + third)) == 120
    expected = list(
        Task.objects.order_by("deadline_end", "id").values_list("title", flat=True)[:50]
    )
    assert first == expected


def test_sorting_by_progress(tasks, propaganda_officer, login):
    report(tasks.sibling_task, status="in_progress", progress=70)
    report(tasks.cell_task, status="in_progress", progress=20)

    titles = titles_in(login(propaganda_officer).get(LIST, {"sort": "-progress"}))

    assert titles[:2] == ["Phường Phú Khương xây dựng quy chế", "Chi bộ Khu phố 1 họp quán triệt"]


def test_my_units_tasks_are_those_it_leads_or_coordinates(tasks, ward_clerk, login):
    client = login(ward_clerk)

    own = client.get(MINE)
    with_cells = titles_in(client.get(MINE, {"scope": "subtree"}))

    assert titles_in(own) == [
        "Phường An Hội xây dựng quy chế",
        "Phường Phú Khương xây dựng quy chế",  # the ward coordinates it
    ]
    assert with_cells == [
        "Phường An Hội xây dựng quy chế",
        "Chi bộ Khu phố 1 họp quán triệt",
        "Phường Phú Khương xây dựng quy chế",
    ]
    assert "Đảng ủy Phường An Hội" in page_of(own)


# --- export ------------------------------------------------------------------------------------
def read_export(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    # A read-only sheet leaves out the empty cells at the end of a row.
    return [dict(zip(header, row + [None] * (len(header) - len(row)), strict=True)) for row in body]


def test_export_holds_what_the_filtered_list_shows(tasks, propaganda_officer, login):
    response = login(propaganda_officer).get(EXPORT, {"unit": tasks.ward.pk, "scope": "exact"})

    rows = read_export(response)
    assert [r["Tên nhiệm vụ"] for r in rows] == [
        "Phường An Hội xây dựng quy chế",
        "Phường Phú Khương xây dựng quy chế",
    ]
    first = rows[0]
    assert first["Đơn vị chủ trì"] == "Đảng ủy Phường An Hội"
    assert first["Đơn vị phối hợp"] == "Ban Tuyên giáo Thành ủy"
    assert first["Quá hạn"] == "Quá hạn"
    assert first["Trạng thái"] == "Chưa thực hiện"
    assert "văn bản loại QC" in first["Sản phẩm"]
    assert rows[1]["Đơn vị phối hợp"] == "Đảng ủy Phường An Hội"
    assert 'filename="nhiem-vu-' in response["Content-Disposition"]


def test_export_writes_deadlines_as_written_and_formulas_as_text(tree, propaganda_officer, login):
    make_task(
        tree,
        title='=HYPERLINK("http://x")',
        deadline=D(2020, 12, 1),
        deadline_precision="month",
    )

    rows = read_export(login(propaganda_officer).get(EXPORT))

    assert rows[0]["Tên nhiệm vụ"] == '=HYPERLINK("http://x")'
    assert rows[0]["Thời hạn"] == "tháng 12-2020"
    assert rows[0]["Hạn cuối"].date() == D(2020, 12, 31)


def test_export_of_my_units_list_and_of_nothing(tasks, ward_clerk, outsider, login):
    mine = read_export(login(ward_clerk).get(EXPORT, {"mine": "1"}))
    nothing = read_export(login(outsider).get(EXPORT))

    assert [r["Tên nhiệm vụ"] for r in mine] == [
        "Phường An Hội xây dựng quy chế",
        "Phường Phú Khương xây dựng quy chế",
    ]
    assert nothing == []


def test_export_reads_the_database_in_chunks(tree, propaganda_officer, login, monkeypatch):
    from trienkhai.plans import selectors_tasks

    monkeypatch.setattr(selectors_tasks, "EXPORT_CHUNK", 7)
    coordinators = [tree.board]
    for n in range(30):
        make_task(tree, title=f"Nhiệm vụ {n:02d}", coordinating_units=coordinators)

    rows = read_export(login(propaganda_officer).get(EXPORT))

    assert len(rows) == 30
    assert {r["Đơn vị phối hợp"] for r in rows} == {"Ban Tuyên giáo Thành ủy"}


# --- the task page -----------------------------------------------------------------------------
def test_task_page_shows_details_subtasks_and_the_progress_rule(tasks, ward_clerk, login):
    parent = tasks.ward_task
    a = make_task(tasks, title="Dự thảo quy chế", parent=parent, assigned_by=tasks.ward, weight=3)
    make_task(tasks, title="Lấy ý kiến chi bộ", parent=parent, assigned_by=tasks.ward, weight=1)
    report(a, status="in_progress", progress=40)

    page = page_of(login(ward_clerk).get(reverse("plans:task", args=[parent.pk])))

    assert "Dự thảo quy chế" in page and "Lấy ý kiến chi bộ" in page
    assert "tổng (tiến độ × trọng số) chia cho tổng trọng số" in page
    assert "Tiến độ = 120 ÷ 4 ≈ 30%" in page
    assert "Ban Tuyên giáo Thành ủy" in page  # coordinating
    assert "Văn bản loại Quy chế" in page or "QC" in page
    assert "Lịch sử" in page and "Cập nhật tiến độ" in page
    assert 'name="progress"' not in page  # derived, not typed


def test_a_month_deadline_is_written_as_a_month(tree, propaganda_officer, login):
    task = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")

    page = page_of(login(propaganda_officer).get(reverse("plans:task", args=[task.pk])))

    assert "tháng 12-2020" in page and "31-12-2020" in page


def test_a_viewer_sees_the_task_but_no_forms(tasks, viewer, login):
    page = page_of(login(viewer).get(reverse("plans:task", args=[tasks.ward_task.pk])))

    assert "Phường An Hội xây dựng quy chế" in page
    assert "Cập nhật tiến độ" not in page
    assert "Gửi ý kiến" not in page
    assert "Sửa nhiệm vụ" not in page


# --- the forms ---------------------------------------------------------------------------------
def assignment(tree, **changes):
    data = {
        "title": "Tổ chức học tập Nghị quyết",
        "assigned_by": tree.city.pk,
        "lead_unit": tree.ward.pk,
        "coordinating_units": [tree.board.pk],
        "start_on": "01-10-2020",
        "deadline": "tháng 12-2020",
        "weight": "1",
        "output_issued_by": "lead",
    }
    data.update(changes)
    return data


def test_city_officer_assigns_a_task_through_the_form(tree, propaganda_officer, login):
    response = login(propaganda_officer).post(NEW, assignment(tree))

    task = Task.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:task", args=[task.pk])
    assert (task.deadline, task.deadline_precision, task.deadline_end) == (
        D(2020, 12, 1),
        "month",
        D(2020, 12, 31),
    )
    assert list(task.coordinating_units.all()) == [tree.board]


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"deadline": "tháng 9-2020"}, "trước ngày bắt đầu"),
        ({"deadline": "cuối năm nay"}, "Không hiểu thời hạn"),
        ({"coordinating_units": [None]}, "đã là đơn vị chủ trì"),
        ({"lead_unit": None, "assigned_by": None}, "không giao nhiệm vụ được cho"),
        ({"title": ""}, "Hãy nhập tên nhiệm vụ"),
        ({"weight": "0"}, "Trọng số là một số nguyên từ 1 đến 100"),
        ({"output_issued_by": "assigner"}, "Chỉ chọn đơn vị ban hành"),
        ({"start_on": "32-01-2020"}, "Ngày không hợp lệ"),
    ],
)
def test_bad_input_gets_a_specific_message_and_keeps_what_was_typed(
    request, tree, propaganda_officer, login, changes, field_message
):
    changes = dict(changes)
    if changes.get("coordinating_units") == [None]:
        changes["coordinating_units"] = [tree.ward.pk]
    user = propaganda_officer
    if "lead_unit" in changes:
        # The city may name a provincial department (to coordinate) but not have it lead.
        world = request.getfixturevalue("state")
        changes.update({"assigned_by": tree.city.pk, "lead_unit": world.construction.pk})
    data = assignment(tree, title=changes.pop("title", "Nhiệm vụ có lỗi nhập"), **changes)

    page = page_of(login(user).post(NEW, data))

    assert field_message in page
    if data["title"]:
        assert data["title"] in page
    assert not Task.objects.exists()


def test_two_people_edit_the_same_task_the_second_is_told_and_loses_nothing(
    tree, request, city_secretary, propaganda_officer
):
    from django.test import Client

    task = make_task(tree, actor=propaganda_officer)
    url = reverse("plans:task_edit", args=[task.pk])
    first, second = Client(), Client()
    first.force_login(city_secretary)
    second.force_login(propaganda_officer)
    form_first = first.get(url).context["form"]
    form_second = second.get(url).context["form"]
    assert form_first["revision"].value() == form_second["revision"].value() == 1

    saved = first.post(url, assignment(tree, title="Tên mới của bí thư", revision="1"))
    refused = second.post(url, assignment(tree, title="Tên mới của cán bộ", revision="1"))

    assert saved.status_code == 302
    page = page_of(refused)
    assert "vừa được bithu cập nhật" in page and "tải lại" in page
    assert "Tên mới của cán bộ" in page  # what they typed is still there
    assert refused.context["form"]["revision"].value() == "2"
    assert refresh(task).title == "Tên mới của bí thư"

    # Having been told, they choose to save theirs over it.
    again = second.post(url, assignment(tree, title="Tên mới của cán bộ", revision="2"))
    assert again.status_code == 302
    assert refresh(task).title == "Tên mới của cán bộ"


def test_ward_clerk_reports_progress_and_over_100_is_refused(tasks, ward_clerk, login):
    client = login(ward_clerk)
    url = reverse("plans:task_progress", args=[tasks.ward_task.pk])

    refused = client.post(url, {"status": "in_progress", "progress": "150", "revision": "1"})
    done = client.post(url, {"status": "in_progress", "progress": "60", "revision": "1"})

    assert "150% vượt quá 100%" in page_of(refused)
    assert done.status_code == 302
    assert refresh(tasks.ward_task).progress == 60


def test_a_stale_progress_form_is_told_on_the_task_page(
    tasks, ward_clerk, propaganda_officer, login
):
    report(tasks.ward_task, status="in_progress", progress=10, actor=propaganda_officer)
    url = reverse("plans:task_progress", args=[tasks.ward_task.pk])

    response = login(ward_clerk).post(
        url, {"status": "in_progress", "progress": "90", "revision": "1"}
    )

    page = page_of(response)
    assert "vừa được tuyengiao cập nhật" in page
    assert response.context["progress_form"]["progress"].value() == "90"
    assert refresh(tasks.ward_task).progress == 10


def test_postponing_through_the_page(tasks, ward_clerk, login):
    url = reverse("plans:task_progress", args=[tasks.ward_task.pk])
    client = login(ward_clerk)

    missing = client.post(url, {"status": "postponed", "revision": "1"})
    saved = client.post(
        url,
        {
            "status": "postponed",
            "reason": "Chờ hướng dẫn của Thành ủy",
            "new_deadline": f"quý IV/{TODAY.year + 1}",
            "revision": "1",
        },
    )

    page = page_of(missing)
    assert "Hãy nêu lý do" in page and "Hãy nhập thời hạn mới" in page
    assert saved.status_code == 302
    task = refresh(tasks.ward_task)
    assert task.status == TaskStatus.POSTPONED and task.deadline_text == f"quý IV/{TODAY.year + 1}"


# --- comments and evidence ---------------------------------------------------------------------
def test_comment_with_evidence_and_its_download(
    tasks,
    ward_clerk,
    propaganda_officer,
    media,
    login,
):
    task = tasks.ward_task
    response = login(ward_clerk).post(
        reverse("plans:task_comment", args=[task.pk]),
        {
            "text": "Đã dự thảo quy chế, gửi kèm ảnh buổi họp.",
            "evidence": SimpleUploadedFile("buoi-hop.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    comment = task.comments.get()

    download = login(propaganda_officer).get(
        reverse("plans:task_evidence", args=[task.pk, comment.pk])
    )

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert "buoi-hop.png" in download["Content-Disposition"]
    page = page_of(login(propaganda_officer).get(reverse("plans:task", args=[task.pk])))
    assert "Đã dự thảo quy chế" in page and "buoi-hop.png" in page


def test_a_bad_evidence_file_is_refused_and_the_text_is_kept(tasks, ward_clerk, media, login):
    response = login(ward_clerk).post(
        reverse("plans:task_comment", args=[tasks.ward_task.pk]),
        {
            "text": "Gửi báo cáo kết quả",
            "evidence": SimpleUploadedFile("bao-cao.pdf", b"MZ" + b"\x00" * 50),
        },
    )

    page = page_of(response)
    assert "tệp chương trình" in page and "Gửi báo cáo kết quả" in page
    assert not tasks.ward_task.comments.exists()


# --- pickers -----------------------------------------------------------------------------------
def test_the_city_finds_its_peoples_committee_and_the_departments_in_the_picker(
    state,
    propaganda_officer,
    ward_clerk,
    login,
):
    page = page_of(
        login(propaganda_officer).get(
            reverse("plans:task_pick_unit"), {"q": "ubnd thanh pho", "field": "lead_unit"}
        )
    )
    departments = page_of(
        login(propaganda_officer).get(
            reverse("plans:task_pick_unit"),
            {"q": "so xay dung", "field": "coordinating_units", "multiple": "1"},
        )
    )
    ward = page_of(login(ward_clerk).get(reverse("plans:task_pick_unit"), {"q": "phuong"}))

    assert f'value="{state.city_committee.pk}"' in page
    assert 'type="checkbox"' in departments and "Sở Xây dựng" in departments
    assert "Phú Khương" not in ward and "An Hội" in ward


def test_the_document_picker_finds_issued_documents_by_number(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 11, 2), "Kế hoạch thực hiện Nghị quyết")

    page = page_of(
        login(propaganda_officer).get(
            reverse("plans:task_pick_document"), {"q": "07-kh", "field": "assigning_document"}
        )
    )

    assert f'value="{plan.pk}"' in page and Document.objects.count() == 1


def test_the_task_picker_finds_only_visible_tasks(tasks, ward_clerk, login):
    page = page_of(
        login(ward_clerk).get(reverse("plans:task_pick_task"), {"q": "quy chế", "field": "parent"})
    )

    assert "Phường An Hội xây dựng quy chế" in page
    # The sibling ward's task is visible to the ward because the ward coordinates it.
    assert "Phường Phú Khương xây dựng quy chế" in page
    assert "Ban Tuyên giáo" not in page


def test_the_assigning_unit_picker_offers_only_units_one_may_assign_for(
    state,
    propaganda_officer,
    login,
):
    page = page_of(
        login(propaganda_officer).get(
            reverse("plans:task_pick_unit"),
            {"q": "ben tre", "field": "assigned_by", "scope": "assign"},
        )
    )

    assert "Thành ủy Bến Tre" in page
    assert "UBND thành phố" not in page and "Tỉnh ủy" not in page


def test_choosing_a_subtask_as_parent_is_refused_on_the_edit_page(tasks, propaganda_officer, login):
    top = tasks.ward_task
    child = make_task(tasks, title="Dự thảo quy chế", parent=top, assigned_by=tasks.ward)
    url = reverse("plans:task_edit", args=[top.pk])
    client = login(propaganda_officer)
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data.update(parent=child.pk, deadline=form["deadline"].value())

    page = page_of(client.post(url, data))

    assert "tạo vòng lặp" in page
    assert refresh(top).parent is None
