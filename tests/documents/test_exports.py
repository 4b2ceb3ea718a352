"""The synthesis table as a Word file in the Decree 30 layout and as a spreadsheet, opened again
with python-docx and openpyxl to read what a clerk would see."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from tests.documents import consultation_world
from tests.documents.consultation_world import open_round
from trienkhai.documents import consultation as consult
from trienkhai.documents import exports
from trienkhai.documents.models import Resolution
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind

# The shared personas (fixtures), without a conftest that other modules would inherit.
draft = consultation_world.draft
world = consultation_world.world


@pytest.fixture
def table(world, draft):
    """Round 1 to the BTV: An on Article 3 (accepted), Bình late on the whole (explained),
    Cường no comment."""
    round_ = open_round(draft, units=[world.btv])
    a = consult.comment_submit(
        actor=world.an.user,
        consultation=round_,
        section="Điều 3, khoản 1",
        text="Bổ sung nhiệm vụ của Thường trực về công tác dân vận.",
    )
    consult.comment_resolve(
        actor=None,
        comment=a,
        resolution=Resolution.ACCEPTED,
        response="Đã bổ sung tại khoản 1 Điều 3.",
    )
    round_.deadline = round_.deadline - dt.timedelta(days=30)
    round_.save(update_fields=["deadline"])
    b = consult.comment_submit(
        actor=world.binh.user, consultation=round_, text="Đề nghị rút gọn phần căn cứ."
    )
    consult.comment_resolve(
        actor=None,
        comment=b,
        resolution=Resolution.EXPLAINED,
        response="Giữ nguyên theo Hướng dẫn 36-HD/VPTW.",
    )
    consult.comment_none(actor=world.cuong.user, consultation=round_)
    return round_


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_the_word_file_has_the_party_header_title_and_table(table):
    word = open_docx(exports.synthesis_docx(table, day=dt.date(2020, 9, 15)))

    head = word.tables[0]
    left, right = (cell.text for cell in head.rows[0].cells)
    assert left.splitlines() == [
        "ĐẢNG BỘ TỈNH BẾN TRE",
        "THÀNH ỦY BẾN TRE",
        "*",
        "Số        -BTH/ThU",
    ]
    assert right.splitlines() == ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "Bến Tre, ngày 15 tháng 9 năm 2020"]
    date_run = head.rows[0].cells[1].paragraphs[-1].runs[0]
    assert date_run.italic is True
    title = next(p for p in word.paragraphs if p.text.startswith("BẢNG TỔNG HỢP"))
    assert title.text == "BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    assert "Đối với dự thảo Quy chế làm việc của Ban Chấp hành" in "\n".join(texts(word))

    grid = word.tables[1]
    rows = [[c.text for c in row.cells] for row in grid.rows]
    assert rows[0] == [
        "STT",
        "Người góp ý / đơn vị",
        "Điều khoản",
        "Nội dung góp ý",
        "Tiếp thu / giải trình",
        "Nội dung tiếp thu, giải trình",
    ]
    assert rows[1][0] == "1"
    assert rows[1][1] == "Nguyễn Văn An\n(Bí thư Thành ủy)"
    assert rows[1][2:] == [
        "Điều 3, khoản 1",
        "Bổ sung nhiệm vụ của Thường trực về công tác dân vận.",
        "Tiếp thu",
        "Đã bổ sung tại khoản 1 Điều 3.",
    ]
    assert rows[2][1].endswith("[gửi sau hạn]")
    assert rows[2][2:5] == ["Chung", "Đề nghị rút gọn phần căn cứ.", "Giải trình"]
    assert len(rows) == 3
    assert "Các đồng chí không có ý kiến: Lê Văn Cường." in texts(word)


def test_the_word_file_is_a4_times_new_roman_with_decree_30_margins(table):
    word = open_docx(exports.synthesis_docx(table))

    section = word.sections[0]
    # Word keeps sizes in twentieths of a point: compare to a tenth of a millimetre.
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert Mm(20) <= section.top_margin <= Mm(25)
    assert Mm(20) <= section.bottom_margin <= Mm(25)
    assert Mm(30) <= section.left_margin <= Mm(35)
    assert Mm(15) <= section.right_margin <= Mm(20)
    runs = [r for p in word.paragraphs for r in p.runs if r.text.strip()]
    runs += [
        r
        for t in word.tables
        for row in t.rows
        for cell in row.cells
        for p in cell.paragraphs
        for r in p.runs
        if r.text.strip()
    ]
    assert {r.font.name for r in runs} == {"Times New Roman"}
    body_sizes = {r.font.size for r in runs} - {Pt(15), Pt(12)}  # the national lines
    assert body_sizes <= {Pt(13), Pt(14)}


def test_a_state_draft_carries_the_national_motto(world, draft):
    peoples_committee = org.unit_create(
        actor=None,
        parent=world.tree.province,
        kind=UnitKind.PEOPLES_COMMITTEE,
        name="Ủy ban nhân dân tỉnh Bến Tre",
        short_name="UBND",
    )
    from trienkhai.documents import services

    state = services.document_create_draft(
        actor=None,
        owner_unit=peoples_committee,
        system="state",
        doc_type="KH",
        summary="Kế hoạch cải cách hành chính năm 2021",
    )
    round_ = open_round(state, persons=[world.an])

    word = open_docx(exports.synthesis_docx(round_, day=dt.date(2021, 2, 5)))

    left, right = (cell.text for cell in word.tables[0].rows[0].cells)
    assert left.splitlines()[0] == "ỦY BAN NHÂN DÂN TỈNH BẾN TRE"
    assert left.splitlines()[-1] == "Số:        /BTH-UBND"
    assert right.splitlines() == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        "Bến Tre, ngày 05 tháng 02 năm 2021",
    ]


def test_the_spreadsheet_has_one_row_a_comment(table):
    book = load_workbook(io.BytesIO(exports.synthesis_xlsx(table)))
    sheet = book.active

    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "THÀNH ỦY BẾN TRE"
    assert values[1][0] == "BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN"
    header = values.index(
        (
            "STT",
            "Người góp ý / đơn vị",
            "Điều khoản",
            "Nội dung góp ý",
            "Tiếp thu / giải trình",
            "Nội dung tiếp thu, giải trình",
        )
    )
    body = values[header + 1 :]
    assert [row[0] for row in body] == [1, 2]
    assert body[0][2:] == (
        "Điều 3, khoản 1",
        "Bổ sung nhiệm vụ của Thường trực về công tác dân vận.",
        "Tiếp thu",
        "Đã bổ sung tại khoản 1 Điều 3.",
    )
    assert body[1][4:] == ("Giải trình", "Giữ nguyên theo Hướng dẫn 36-HD/VPTW.")
    assert sheet.freeze_panes == f"A{header + 2}"


def test_pasted_control_characters_do_not_break_the_files(world, draft):
    round_ = open_round(draft, units=[world.btv])
    consult.comment_submit(
        actor=world.an.user, consultation=round_, text="Ý kiến\x0bdán từ Word\x01 có ký tự lạ."
    )

    word = open_docx(exports.synthesis_docx(round_))
    book = load_workbook(io.BytesIO(exports.synthesis_xlsx(round_)))

    assert word.tables[1].rows[1].cells[3].text == "Ý kiếndán từ Word có ký tự lạ."
    assert book.active is not None


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Thành ủy Bến Tre", "Bến Tre"),
        ("Tỉnh ủy Bến Tre", "Bến Tre"),
        ("Đảng ủy Phường An Hội", "An Hội"),
        ("Ủy ban nhân dân thành phố Bến Tre", "Bến Tre"),
        ("UBND Quận 1", "Quận 1"),
        ("Văn phòng Thành ủy", "Văn phòng Thành ủy"),
    ],
)
def test_the_place_name_comes_from_the_issuer(name, place):
    assert exports.place_of(name) == place


def test_the_organiser_downloads_both_files(table, client, city_secretary):
    client.force_login(city_secretary)

    word = client.get(reverse("documents:synthesis_docx", args=[table.pk]))
    sheet = client.get(reverse("documents:synthesis_xlsx", args=[table.pk]))

    assert word["Content-Type"] == exports.DOCX_CONTENT_TYPE
    assert 'filename="tong-hop-y-kien-du-thao-' in word["Content-Disposition"]
    assert open_docx(word.content).tables[1].rows[1].cells[1].text.startswith("Nguyễn Văn An")
    assert sheet["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert load_workbook(io.BytesIO(sheet.content)).active["A1"].value == "THÀNH ỦY BẾN TRE"
