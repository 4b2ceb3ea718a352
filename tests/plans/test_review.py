"""The 5-year review of Resolution 01 ("Năm không") as a Word draft in the Decree 30 layout,
carrying the same numbers as the dashboard, for the Office to finish by hand."""

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from docx.shared import Pt

from tests.conftest import make_user
from tests.documents.builders import register
from tests.plans.test_dashboard import make_requirement, make_task
from trienkhai.documents import services as document_services
from trienkhai.org import services as org_services
from trienkhai.org.models import AccessRole, UnitKind
from trienkhai.plans import dashboard, reviews
from trienkhai.plans.indicators import format_number
from trienkhai.plans.models import (
    Frequency,
    Indicator,
    Measurement,
    Programme,
    Report,
    ReportSchedule,
    TaskStatus,
)

FIVE_NOS = [
    # name, unit of measure, baseline 2015, values 2016–2020
    ("Hộ ở nhà tạm", "hộ", 1200, [900, 600, 350, 120, 40]),
    ("Người ăn xin, lang thang", "người", 35, [20, 12, 5, 0, 0]),
    ("Điểm tồn đọng rác thải", "điểm", 48, [40, 30, 18, 9, 3]),
    ("Người nghiện ma túy ngoài cộng đồng", "người", 160, [150, 120, 110, 95, 90]),
    ("Vụ trộm cắp tài sản", "vụ", 210, [190, 170, 140, 120, 100]),
]


@pytest.fixture
def five_nos(tree):
    w = tree
    w.resolution = register(
        w.city,
        "01-NQ/ThU",
        dt.date(2016, 1, 15),
        "Nghị quyết về xây dựng thành phố Bến Tre “Năm không” giai đoạn 2016–2020",
    )
    w.other = register(w.city, "02-NQ/ThU", dt.date(2016, 3, 1), "Về phát triển du lịch")
    w.programme = Programme.objects.create(
        document=w.resolution,
        title="Chương trình thực hiện “Năm không”",
        field="Xã hội",
        owner_unit=w.city,
        start_year=2016,
        end_year=2020,
    )
    common = {"assigned_by": w.city, "programme": w.programme}
    make_task(
        "Xóa nhà tạm cho hộ nghèo",
        w.ward,
        deadline=dt.date(2019, 12, 31),
        status=TaskStatus.DONE,
        completed_on=dt.date(2019, 11, 1),
        **common,
    )
    make_task(
        "Xây dựng điểm tập kết rác",
        w.sibling,
        deadline=dt.date(2018, 6, 30),
        status=TaskStatus.DONE_LATE,
        completed_on=dt.date(2018, 9, 1),
        **common,
    )
    make_task(
        "Cai nghiện tại cộng đồng",
        w.cell,
        deadline=dt.date(2020, 9, 30),
        status=TaskStatus.IN_PROGRESS,
        **common,
    )
    make_task("Việc của giai đoạn sau", w.ward, deadline=dt.date(2023, 3, 1), **common)
    make_task(
        "Việc của nghị quyết khác",
        w.ward,
        deadline=dt.date(2018, 1, 1),
        assigned_by=w.city,
        assigning_document=w.other,
    )
    for position, (name, unit, baseline, values) in enumerate(FIVE_NOS, 1):
        indicator = Indicator.objects.create(
            programme=w.programme,
            document=w.resolution,
            unit=w.city,
            name=name,
            measure_unit=unit,
            direction="eliminate",
            baseline_value=Decimal(baseline),
            baseline_year=2015,
            target_date=dt.date(2020, 12, 31),
            target_precision="year",
            position=position,
        )
        for year, value in zip(range(2016, 2021), values, strict=True):
            Measurement.objects.create(
                indicator=indicator,
                unit=w.city,
                value=Decimal(value),
                measured_on=dt.date(year, 12, 31),
                source="Báo cáo của Công an, Phòng Lao động",
            )
    requirement = make_requirement(
        w.city, [w.ward, w.sibling], doc_type="CTr", due_on=dt.date(2016, 6, 30)
    )
    requirement.implements = w.resolution
    requirement.title = "Ban hành chương trình hành động thực hiện Nghị quyết 01"
    requirement.save()
    ward_programme = register(
        w.ward, "05-CTr/ĐU", dt.date(2016, 5, 10), "Chương trình hành động thực hiện NQ 01"
    )
    document_services.relation_add(
        actor=None, source=ward_programme, target=w.resolution, kind="implements"
    )
    schedule = ReportSchedule.objects.create(
        title="Báo cáo kết quả thực hiện “Năm không”",
        parent_unit=w.city,
        unit_kinds=[UnitKind.GRASSROOTS_PARTY_COMMITTEE],
        frequency=Frequency.YEARLY,
        due_days=10,
        starts_on=dt.date(2016, 1, 1),
        programme=w.programme,
    )
    for unit, year, late in ((w.ward, 2017, False), (w.sibling, 2018, True)):
        Report.objects.create(
            schedule=schedule,
            unit=unit,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            due_on=dt.date(year + 1, 1, 10),
            status=Report.Status.SUBMITTED,
            is_late=late,
        )
    return w


def review_request(w, unit=None, **kw):
    return reviews.ReviewRequest(
        document=w.resolution, unit=unit or w.city, start_year=2016, end_year=2020, **kw
    )


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_starting(document, *headers: str):
    """The rows of the first table whose header row starts with `headers`."""
    for table in document.tables:
        first = [c.text for c in table.rows[0].cells]
        if first[: len(headers)] == list(headers):
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table headed {headers!r}")


# --- the layout ---------------------------------------------------------------------------------
def test_review_is_laid_out_after_decree_30_for_a_party_committee(five_nos):
    word = open_docx(reviews.review_docx(review_request(five_nos), day=dt.date(2021, 1, 20)))
    section = word.sections[0]
    mm = {
        k: round(getattr(section, k).mm)
        for k in (
            "page_width",
            "page_height",
            "top_margin",
            "bottom_margin",
            "left_margin",
            "right_margin",
        )
    }
    assert (mm["page_width"], mm["page_height"]) == (210, 297)  # A4
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20
    normal = word.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)

    left, right = word.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ĐẢNG BỘ TỈNH BẾN TRE",
        "THÀNH ỦY BẾN TRE",
        "*",
        "Số        -BC/ThU",
    ]
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    date_line = right.paragraphs[-1]
    assert date_line.text == "Bến Tre, ngày 20 tháng 01 năm 2021"
    assert all(run.italic for run in date_line.runs)

    title = next(p for p in word.paragraphs if p.text.startswith("BÁO CÁO"))
    assert title.text.startswith(
        "BÁO CÁO TỔNG KẾT 5 NĂM THỰC HIỆN NGHỊ QUYẾT SỐ 01-NQ/ThU NGÀY 15-1-2016 VỀ XÂY DỰNG "
        "THÀNH PHỐ BẾN TRE “NĂM KHÔNG”"
    )
    assert title.alignment == 1  # centred
    assert all(run.bold for run in title.runs)


def test_a_state_body_gets_the_national_motto(tree, admin_user):
    state = org_services.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCE, name="Tỉnh Bến Tre"
    )
    committee = org_services.unit_create(
        actor=None,
        parent=state,
        kind=UnitKind.PEOPLES_COMMITTEE,
        name="Ủy ban nhân dân tỉnh Bến Tre",
        short_name="UBND",
    )
    plan = register(committee, "120/KH-UBND", dt.date(2021, 3, 2), "Kế hoạch về chuyển đổi số")
    req = reviews.ReviewRequest(
        document=plan, unit=committee, start_year=2021, end_year=2023, kind="so_ket"
    )
    word = open_docx(reviews.review_docx(req, day=dt.date(2024, 2, 5)))
    left, right = word.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ỦY BAN NHÂN DÂN TỈNH BẾN TRE",
        "",
        "Số:        /BC-UBND",
    ]
    assert [p.text for p in right.paragraphs][:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert right.paragraphs[-1].text == "Bến Tre, ngày 05 tháng 02 năm 2024"
    assert any(
        t.startswith("BÁO CÁO SƠ KẾT 3 NĂM THỰC HIỆN KẾ HOẠCH SỐ 120/KH-UBND") for t in texts(word)
    )


# --- the content --------------------------------------------------------------------------------
def test_review_carries_the_dashboard_numbers_of_the_document_and_period(five_nos):
    req = review_request(five_nos)
    word = open_docx(reviews.review_docx(req))
    board = dashboard.dashboard_for(five_nos.city, today=req.as_of(), focus=req.focus)
    # Three tasks of the resolution fall in 2016–2020; later work and another resolution's are out.
    assert board.total == 3
    statuses = table_starting(word, "Tình trạng")
    assert statuses[1:] == [[b.label, str(b.count), str(b.percent)] for b in board.status_buckets()]
    by_label = {row[0]: row[1] for row in statuses[1:]}
    assert by_label["Quá hạn"] == "1"  # the community detox, open on 31-12-2020
    assert by_label["Hoàn thành"] == "1" and by_label["Hoàn thành chậm"] == "1"

    programmes = table_starting(word, "STT", "Chương trình")
    assert programmes[1][1] == "Chương trình thực hiện “Năm không” (2016–2020)"
    assert programmes[1][4] == "2/3"


def test_review_lists_each_indicator_with_baseline_target_latest_and_status(five_nos):
    word = open_docx(reviews.review_docx(review_request(five_nos)))
    rows = {row[1]: row for row in table_starting(word, "STT", "Chỉ tiêu")[1:]}
    assert set(rows) == {name for name, *_rest in FIVE_NOS}
    housing = rows["Hộ ở nhà tạm"]
    assert housing[3] == f"{format_number(Decimal(1200))} (2015)"  # baseline
    assert housing[4] == "0 (2020)"  # eliminate: the goal is zero
    assert housing[5] == "40 (31-12-2020)"  # latest value
    assert housing[6] == "Không đạt"
    assert rows["Người ăn xin, lang thang"][6] == "Đã đạt"
    # A line chart per indicator, plus the tasks chart.
    assert len(word.inline_shapes) == 1 + len(FIVE_NOS)
    assert any(t.startswith("Có 1/5 chỉ tiêu đạt mục tiêu") for t in texts(word))


def test_review_summarises_compliance_and_reports_received(five_nos):
    body = "\n".join(texts(open_docx(reviews.review_docx(review_request(five_nos)))))
    assert (
        "Thực hiện Nghị quyết số 01-NQ/ThU ngày 15-1-2016 của Thành ủy Bến Tre về xây dựng "
        "thành phố Bến Tre “Năm không” giai đoạn 2016–2020, Thành ủy Bến Tre báo cáo kết quả 5 "
        "năm thực hiện (giai đoạn 2016–2020), số liệu tính đến ngày 31-12-2020, như sau:"
    ) in body
    assert "Trên tổng số 2 lượt yêu cầu ban hành văn bản" in body
    assert (
        "đã thực hiện 1 lượt (50%), trong đó đúng hạn 1, chậm 0; quá hạn chưa thực hiện 1" in body
    )
    assert "Đã nhận 2 báo cáo định kỳ (nộp chậm 1)" in body


def test_assessment_and_way_forward_are_left_for_the_office(five_nos):
    paragraphs = open_docx(reviews.review_docx(review_request(five_nos))).paragraphs
    heads = [
        i
        for i, p in enumerate(paragraphs)
        if p.text in {"II. ĐÁNH GIÁ CHUNG", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"}
    ]
    assert len(heads) == 2
    for i in heads:
        following = next(p for p in paragraphs[i + 1 :] if p.text.startswith("(Văn phòng"))
        assert all(run.italic for run in following.runs)


def test_a_ward_review_counts_only_the_ward(five_nos):
    req = review_request(five_nos, unit=five_nos.ward)
    body = "\n".join(texts(open_docx(reviews.review_docx(req))))
    assert "Đảng ủy Phường An Hội báo cáo kết quả 5 năm thực hiện" in body
    assert "Tổng số 2 nhiệm vụ" in body  # the ward's and its cell's
    assert "Phú Khương" not in body


# --- the page -----------------------------------------------------------------------------------
def test_city_secretary_downloads_the_review(five_nos, city_secretary, login):
    client = login(city_secretary)
    page = client.get(reverse("plans:review", args=[five_nos.resolution.pk]))
    assert page.status_code == 200
    assert 'value="2016"' in page.content.decode() and 'value="2020"' in page.content.decode()
    query = f"?unit={five_nos.city.pk}&kind=tong_ket&start_year=2016&end_year=2020"
    preview = client.get(reverse("plans:review", args=[five_nos.resolution.pk]) + query)
    assert "BÁO CÁO TỔNG KẾT 5 NĂM" in preview.content.decode()
    response = client.get(reverse("plans:review_docx", args=[five_nos.resolution.pk]) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == reviews.DOCX_CONTENT_TYPE
    assert 'filename="tong-ket-5-nam-01-nq-thu-2016-2020.docx"' in response["Content-Disposition"]
    open_docx(response.content)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2020", "2016", "Năm kết thúc (2016) trước năm bắt đầu (2016)"[:25]),
        ("2001", "2020", "tối đa 10 năm"),
        ("hai nghìn", "2020", "Năm phải là một số"),
        ("2014", "2015", "Văn bản ban hành năm 2016"),
        ("1900", "2020", "Năm bắt đầu phải từ 1945"),
    ],
)
def test_a_bad_period_is_refused_with_a_reason(
    five_nos, city_secretary, login, start, end, message
):
    query = f"?unit={five_nos.city.pk}&kind=tong_ket&start_year={start}&end_year={end}"
    response = login(city_secretary).get(
        reverse("plans:review_docx", args=[five_nos.resolution.pk]) + query
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'value="{start}"' in body  # what was typed is kept


def test_ward_clerk_reviews_the_city_resolution_for_the_ward_only(five_nos, ward_clerk, login):
    client = login(ward_clerk)
    page = client.get(reverse("plans:review", args=[five_nos.resolution.pk]))
    assert page.status_code == 200
    assert f'value="{five_nos.ward.pk}" checked' in page.content.decode()
    query = f"?unit={five_nos.city.pk}&kind=tong_ket&start_year=2016&end_year=2020"
    refused = client.get(reverse("plans:review_docx", args=[five_nos.resolution.pk]) + query)
    assert refused.status_code == 400
    assert "không có quyền với đơn vị đó" in refused.content.decode()


def test_outsider_cannot_see_the_review(five_nos, outsider, login):
    client = login(outsider)
    assert client.get(reverse("plans:review", args=[five_nos.resolution.pk])).status_code == 404
    sibling_doc = register(five_nos.sibling, "03-NQ/ĐU", dt.date(2017, 1, 5), "Về an ninh")
    clerk = make_user("vanthu2", unit=five_nos.ward, role=AccessRole.EDITOR)
    response = login(clerk).get(reverse("plans:review_docx", args=[sibling_doc.pk]))
    assert response.status_code == 404


def test_a_state_department_names_its_governing_body_above_itself(tree):
    state = org_services.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCE, name="Tỉnh Bến Tre"
    )
    committee = org_services.unit_create(
        actor=None,
        parent=state,
        kind=UnitKind.PEOPLES_COMMITTEE,
        name="Ủy ban nhân dân tỉnh Bến Tre",
    )
    department = org_services.unit_create(
        actor=None, parent=committee, kind=UnitKind.DEPARTMENT, name="Sở Nội vụ"
    )
    assert reviews.superior_line(department, party=False) == "ỦY BAN NHÂN DÂN TỈNH BẾN TRE"
    assert reviews.superior_line(committee, party=False) == ""
    assert reviews.superior_line(tree.ward, party=True) == "ĐẢNG BỘ THÀNH PHỐ BẾN TRE"


def test_a_resolution_of_october_2015_reviewed_in_2020_has_run_five_years_not_six():
    from types import SimpleNamespace

    from trienkhai.plans.reviews import ReviewRequest

    october = SimpleNamespace(issued_on=dt.date(2015, 10, 15))
    assert ReviewRequest(document=october, unit=None, start_year=2015, end_year=2020).years == 5
    january = SimpleNamespace(issued_on=dt.date(2016, 1, 15))
    assert ReviewRequest(document=january, unit=None, start_year=2016, end_year=2020).years == 5
    older = SimpleNamespace(issued_on=dt.date(2010, 5, 1))
    assert ReviewRequest(document=older, unit=None, start_year=2021, end_year=2023).years == 3
