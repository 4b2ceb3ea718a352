"""The campaign report as XLSX and DOCX: the numbers of the completion matrix, the classes, the
attendees; a ward clerk's files hold only the ward's part."""

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument
from openpyxl import load_workbook

from trienkhai.outreach import exports
from trienkhai.outreach.models import AttendanceStatus, Attendee

from .io_world import TODAY, campaign_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    w = campaign_world(tree)
    Attendee.objects.create(
        session=w.ward_class,
        full_name="Nguyễn Văn An",
        workplace="Chi bộ Khu phố 1",
        target_group=w.members,
    )
    Attendee.objects.create(
        session=w.sibling_class,
        full_name="Trần Thị Khương",
        target_group=w.members,
        status=AttendanceStatus.ABSENT,
    )
    return w


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _word_text(data: bytes) -> str:
    doc = WordDocument(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_workbook_summary_sheet_holds_the_matrix(world, city_secretary):
    book = _book(exports.campaign_xlsx(world.campaign, user=city_secretary, today=TODAY))
    assert book.sheetnames == ["Tổng hợp", "Lớp", "Danh sách"]
    rows = _rows(book["Tổng hợp"])
    header = rows[0]
    assert header[0] == "Đơn vị" and header[-1] == "Chậm"
    assert "Đảng viên: đã quán triệt" in header
    by_unit = {r[0].strip(): dict(zip(header, r, strict=True)) for r in rows[1:]}
    sibling = by_unit["Đảng ủy Phường Phú Khương"]
    assert sibling["Đảng viên: dự kiến"] == 30
    assert sibling["Đảng viên: đã quán triệt"] == 12
    assert sibling["Đảng viên: %"] == 40
    assert sibling["Chậm"] == "chậm"
    ward = by_unit["Đảng ủy Phường An Hội"]
    assert (ward["Tổng đã quán triệt"], ward["Tỷ lệ (%)"], ward["Chậm"]) == (38, 95, None)
    total = by_unit["Tổng cộng"]
    assert (total["Tổng dự kiến"], total["Tổng đã quán triệt"]) == (120, 95)


def test_workbook_lists_classes_and_attendees(world, city_secretary):
    book = _book(exports.campaign_xlsx(world.campaign, user=city_secretary, today=TODAY))
    classes = _rows(book["Lớp"])[1:]
    assert len(classes) == 4
    ward = next(r for r in classes if r[2] == world.ward_class.title)
    assert ward[1] == "14:00–16:30"
    assert ward[3] == "Nhà văn hóa Phường An Hội"
    assert ward[4] == "Đảng ủy Phường An Hội"
    assert ward[5] == "Đồng chí Nguyễn Văn Báo"
    assert ward[7] == "Đảng viên: 38/40"
    assert (ward[8], ward[9]) == (40, 38)
    names = {r[2] for r in _rows(book["Danh sách"])[1:]}
    assert names == {"Nguyễn Văn An", "Trần Thị Khương"}


def test_ward_clerk_workbook_holds_only_the_ward(world, ward_clerk):
    book = _book(exports.campaign_xlsx(world.campaign, user=ward_clerk, today=TODAY))
    units = [r[0].strip() for r in _rows(book["Tổng hợp"])[1:]]
    assert "Đảng ủy Phường Phú Khương" not in units
    assert "Đảng ủy Phường An Hội" in units
    assert [r[2] for r in _rows(book["Lớp"])[1:]] == [world.ward_class.title]
    assert [r[2] for r in _rows(book["Danh sách"])[1:]] == ["Nguyễn Văn An"]
    total = _rows(book["Tổng hợp"])[-1]
    assert total[0] == "Tổng cộng" and 30 not in total[1:4]


def test_word_report_has_the_party_header_summary_matrix_and_chart(world, city_secretary):
    data = exports.campaign_docx(world.campaign, user=city_secretary, today=TODAY)
    doc = WordDocument(io.BytesIO(data))
    text = _word_text(data)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "THÀNH ỦY BẾN TRE" in text
    assert "ngày 20 tháng 9 năm 2020" in text
    assert "BÁO CÁO" in text
    assert "Kết quả quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII" in text
    assert "Đã tổ chức 3 lớp quán triệt (1 lớp bị hủy)" in text
    assert "đã quán triệt cho 95 người trên tổng số 120 người dự kiến, đạt 79%" in text
    assert "12/30\n(40%)" in text  # the sibling's Party members cell
    assert "Đảng ủy Phường Phú Khương: đã quán triệt 12/30 người (40%)" in text
    assert world.ward_class.title in text
    assert len(doc.inline_shapes) == 1  # the bar chart
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30


def test_ward_clerk_word_report_is_issued_by_the_ward_with_its_part(world, ward_clerk):
    text = _word_text(exports.campaign_docx(world.campaign, user=ward_clerk, today=TODAY))
    assert "ĐẢNG ỦY PHƯỜNG AN HỘI" in text
    assert "Phú Khương" not in text
    assert "đã quán triệt cho 38 người trên tổng số 40 người dự kiến, đạt 95%" in text
    assert "Không có đơn vị nào chậm tiến độ." in text


def test_download_names_are_ascii_with_the_campaign_id(world, viewer, login):
    client = login(viewer)
    pk = world.campaign.pk
    xlsx = client.get(reverse("outreach:campaign_xlsx", kwargs={"pk": pk}))
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == f'attachment; filename="bao-cao-quan-triet-{pk}.xlsx"'
    _book(xlsx.content)
    docx = client.get(reverse("outreach:campaign_docx", kwargs={"pk": pk}))
    assert docx["Content-Disposition"] == f'attachment; filename="bao-cao-quan-triet-{pk}.docx"'
    WordDocument(io.BytesIO(docx.content))


def test_a_matrix_with_many_groups_gets_a_landscape_page(world, city_secretary):
    from docx.enum.section import WD_ORIENT

    from trienkhai.outreach.models import Quota, TargetGroup

    for group in TargetGroup.objects.exclude(pk__in=[world.cadres.pk, world.members.pk]):
        world.campaign.target_groups.add(group)
        Quota.objects.create(
            campaign=world.campaign, unit=world.tree.ward, target_group=group, expected=5
        )
    doc = WordDocument(
        io.BytesIO(exports.campaign_docx(world.campaign, user=city_secretary, today=TODAY))
    )
    orientations = [s.orientation for s in doc.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    header = [c.text for c in doc.tables[1].rows[0].cells]
    assert "Nhân dân" in header and len(header) == 2 + 7 + 3
