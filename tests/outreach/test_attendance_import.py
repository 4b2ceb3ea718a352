"""Importing a class's attendee list from XLSX: all or nothing, row-numbered errors, replace or
append, counts recomputed, audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from trienkhai.audit.models import AuditEntry
from trienkhai.outreach import attendance_xlsx
from trienkhai.outreach.attendance_xlsx import APPEND, REPLACE, ImportRejected
from trienkhai.outreach.models import AttendanceStatus, Attendee, ClassGroup, ClassStatus

from .io_world import HEADER, campaign_world, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return campaign_world(tree)


def _import(world, actor, rows, mode=REPLACE, **kwargs):
    return attendance_xlsx.attendance_import(
        actor=actor, session=world.ward_class, file=xlsx_file(rows, **kwargs), mode=mode
    )


def _attended(world, group) -> int | None:
    return ClassGroup.objects.get(session=world.ward_class, target_group=group).attended


GOOD = [
    ["Nguyễn Văn An", "Chi bộ Khu phố 1", "Đảng viên", "Có mặt", ""],
    ["Trần Thị Bình", "Chi bộ Khu phố 1", "dang vien", "x", ""],
    ["Lê Văn Cường", "Chi bộ Khu phố 2", "DANG-VIEN", "Vắng có lý do", "Đi công tác"],
    ["Phạm Thị Dung", "", "Cán bộ chủ chốt", "", ""],
    ["Võ Văn Em", "", "đảng viên", "v", ""],
]


def test_good_file_replaces_the_list_and_recomputes_the_counts(world, ward_clerk):
    result = _import(world, ward_clerk, GOOD)
    assert result.created == 5 and result.removed == 0
    people = {a.full_name: a for a in Attendee.objects.filter(session=world.ward_class)}
    assert len(people) == 5
    assert people["Trần Thị Bình"].target_group == world.members
    assert people["Lê Văn Cường"].status == AttendanceStatus.EXCUSED
    assert people["Lê Văn Cường"].note == "Đi công tác"
    assert people["Phạm Thị Dung"].status == AttendanceStatus.PRESENT
    assert people["Võ Văn Em"].status == AttendanceStatus.ABSENT
    # 38 typed before; now the list decides: two Party members and one key cadre present.
    assert _attended(world, world.members) == 2
    assert _attended(world, world.cadres) == 1


def test_import_is_audited_on_the_class_with_the_counts(world, ward_clerk):
    _import(world, ward_clerk, GOOD)
    entry = AuditEntry.objects.get(object_id=str(world.ward_class.pk), action="import")
    assert entry.actor == ward_clerk
    assert entry.changes["attendee_count"] == [0, 5]
    assert entry.changes["present_count"] == [0, 3]
    assert "3 có mặt, 1 vắng, 1 vắng có lý do" in entry.note


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_imported(world, ward_clerk):
    _import(world, ward_clerk, GOOD[:1])
    rows = [
        ["Nguyễn Văn An", "", "Đảng viên", "Có mặt", ""],
        ["", "Chi bộ Khu phố 1", "Đảng viên", "", ""],
        ["Trần Văn Sai", "", "Thanh niên", "", ""],
        ["Đỗ Thị Hạnh", "", "Đảng viên", "đến muộn", ""],
        ["Ngô Văn Ít", "", "", "", ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        _import(world, ward_clerk, rows)
    errors = {(e.row, e.column): e.message for e in caught.value.errors}
    assert errors[(3, "A")] == "Thiếu họ và tên."
    assert errors[(4, "C")].startswith("Không có đối tượng “Thanh niên”")
    assert "Đảng viên" in errors[(4, "C")]
    assert "Không hiểu giá trị điểm danh “đến muộn”" in errors[(5, "D")]
    assert errors[(6, "C")] == "Thiếu đối tượng."
    assert all(e.sheet == "Danh sách" for e in caught.value.errors)
    assert [a.full_name for a in Attendee.objects.filter(session=world.ward_class)] == [
        "Nguyễn Văn An"
    ]
    assert _attended(world, world.members) == 1


def test_append_keeps_the_list_and_refuses_people_already_listed(world, ward_clerk):
    _import(world, ward_clerk, GOOD[:2])
    result = _import(world, ward_clerk, [["Mai Văn Phúc", "", "Đảng viên", "x", ""]], APPEND)
    assert result.created == 1
    assert Attendee.objects.filter(session=world.ward_class).count() == 3
    assert _attended(world, world.members) == 3
    with pytest.raises(ImportRejected) as caught:
        _import(
            world, ward_clerk, [["nguyen van an", "Chi bo khu pho 1", "Đảng viên", "", ""]], APPEND
        )
    assert "đã có trong danh sách của lớp" in caught.value.errors[0].message
    assert Attendee.objects.filter(session=world.ward_class).count() == 3


def test_replace_keeps_listed_people_and_removes_the_others(world, ward_clerk, tree):
    _import(world, ward_clerk, GOOD)
    absent = Attendee.objects.get(session=world.ward_class, full_name="Võ Văn Em")
    absent.made_up_in = world.sibling_class
    absent.save()
    kept = Attendee.objects.get(session=world.ward_class, full_name="Nguyễn Văn An")
    result = _import(
        world, ward_clerk, [["Nguyễn Văn An", "Chi bộ Khu phố 1", "Đảng viên", "v", ""]]
    )
    assert (result.created, result.updated, result.removed) == (0, 1, 4)
    (only,) = Attendee.objects.filter(session=world.ward_class)
    assert only.pk == kept.pk and only.status == AttendanceStatus.ABSENT
    assert _attended(world, world.members) == 0


def test_duplicate_rows_in_a_file_are_errors(world, ward_clerk):
    rows = [GOOD[0], ["Nguyễn Văn An", "Chi bộ Khu phố 1", "Đảng viên", "", ""]]
    with pytest.raises(ImportRejected) as caught:
        _import(world, ward_clerk, rows)
    assert caught.value.errors[0].row == 3
    assert "dòng 2" in caught.value.errors[0].message


def test_missing_column_is_reported_on_the_header_row(world, ward_clerk):
    with pytest.raises(ImportRejected) as caught:
        _import(world, ward_clerk, [["Nguyễn Văn An", "x"]], header=["Họ và tên", "Điểm danh"])
    (error,) = caught.value.errors
    assert error.row == 1 and "“Đối tượng”" in error.message


def test_a_file_that_is_not_xlsx_gets_a_clear_message(world, ward_clerk):
    fake = io.BytesIO("Họ và tên;Đối tượng\nAn;Đảng viên\n".encode())
    with pytest.raises(ImportRejected) as caught:
        attendance_xlsx.attendance_import(
            actor=ward_clerk, session=world.ward_class, file=fake, mode=REPLACE
        )
    assert "không phải là tệp Excel dạng .xlsx" in caught.value.errors[0].message


def test_a_file_over_the_size_limit_is_refused(world, ward_clerk, settings):
    settings.TRIENKHAI_MAX_IMPORT_BYTES = 1000
    with pytest.raises(ImportRejected) as caught:
        _import(world, ward_clerk, GOOD)
    assert "Tệp quá lớn" in caught.value.errors[0].message
    assert not Attendee.objects.exists()


def test_cancelled_class_takes_no_list(world, city_secretary):
    with pytest.raises(ImportRejected):
        attendance_xlsx.attendance_import(
            actor=city_secretary,
            session=world.cancelled_class,
            file=xlsx_file(GOOD),
            mode=REPLACE,
        )
    assert world.cancelled_class.status == ClassStatus.CANCELLED
    assert not Attendee.objects.exists()


# --- the pages ---------------------------------------------------------------------------------------
def test_template_holds_the_headers_and_the_current_list(world, ward_clerk, login):
    _import(world, ward_clerk, GOOD[:2])
    response = login(ward_clerk).get(
        reverse("outreach:attendance_template", kwargs={"pk": world.ward_class.pk})
    )
    assert response.status_code == 200
    assert f"diem-danh-lop-{world.ward_class.pk}.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Danh sách"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert {r[0] for r in rows[1:]} == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert "Hướng dẫn" in book.sheetnames


def test_filled_template_imports_back_unchanged(world, ward_clerk, login):
    _import(world, ward_clerk, GOOD)
    client = login(ward_clerk)
    data = client.get(
        reverse("outreach:attendance_template", kwargs={"pk": world.ward_class.pk})
    ).content
    upload = io.BytesIO(data)
    upload.name = "mau.xlsx"
    result = attendance_xlsx.attendance_import(
        actor=ward_clerk, session=world.ward_class, file=upload, mode=REPLACE
    )
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert result.total == 5


def test_upload_page_imports_and_returns_to_the_class(world, ward_clerk, login):
    url = reverse("outreach:attendance_import", kwargs={"pk": world.ward_class.pk})
    client = login(ward_clerk)
    assert "Tải tệp mẫu" in client.get(url).content.decode()
    response = client.post(url, {"file": xlsx_file(GOOD), "mode": "replace"})
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:class", kwargs={"pk": world.ward_class.pk})
    assert Attendee.objects.filter(session=world.ward_class).count() == 5


def test_upload_page_lists_errors_in_vietnamese(world, ward_clerk, login):
    url = reverse("outreach:attendance_import", kwargs={"pk": world.ward_class.pk})
    bad = [["", "", "Đảng viên", "", ""], ["An", "", "Hội viên", "", ""]]
    response = login(ward_clerk).post(url, {"file": xlsx_file(bad), "mode": "append"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp có 2 lỗi. Chưa có dữ liệu nào được nhập." in page
    assert "Thiếu họ và tên." in page
    assert "<td>2</td><td>A</td>" in page
    assert not Attendee.objects.exists()


def test_upload_page_asks_for_the_mode_and_the_file(world, ward_clerk, login):
    url = reverse("outreach:attendance_import", kwargs={"pk": world.ward_class.pk})
    response = login(ward_clerk).post(url, {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy chọn tệp Excel cần nhập." in page
    assert "Hãy chọn thay thế hay bổ sung vào danh sách hiện có." in page


def test_a_person_now_present_owes_no_make_up_class(world, ward_clerk):
    _import(world, ward_clerk, GOOD)
    absent = Attendee.objects.get(session=world.ward_class, full_name="Võ Văn Em")
    absent.made_up_in = world.sibling_class
    absent.save()
    rows = [r if r[0] != "Võ Văn Em" else [*r[:3], "Có mặt", ""] for r in GOOD]
    result = _import(world, ward_clerk, rows)
    assert result.updated == 1
    absent.refresh_from_db()
    assert absent.status == AttendanceStatus.PRESENT and absent.made_up_in is None
    assert _attended(world, world.members) == 3
