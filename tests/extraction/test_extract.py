"""What a clerk sees when the extractor reads typical sentences of plans and news."""

import pathlib

import pytest

from trienkhai.extraction import extract

ARTICLE = (
    pathlib.Path(__file__).resolve().parents[3] / "shared/scenario/ben-tre-2020-article.vi.txt"
)
DEMO = (
    pathlib.Path(__file__).resolve().parents[2] / "trienkhai/demo/demo_data/ben-tre-cu-the-hoa.txt"
)


def refs(text):
    return [(r.number, r.type, r.issuer, r.date) for r in extract(text).doc_refs]


def deadlines(text):
    return [(d.date, d.precision) for d in extract(text).deadlines]


def quantities(text):
    return [(q.value, q.unit) for q in extract(text).quantities]


# --- document references -------------------------------------------------------------------


def test_party_number_with_its_date_beside_it():
    text = "BTV Thành ủy ban hành Kế hoạch số 07-KH/ThU, ngày 7-8-2020 về quán triệt nghị quyết."
    assert refs(text) == [("07-KH/ThU", "KH", "ThU", "2020-08-07")]


def test_state_numbers_with_and_without_type():
    text = (
        "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 của Chính phủ; Nghị quyết số "
        "1210/2016/UBTVQH13; Công văn số 1234/VPCP-KTTH ngày 05 tháng 02 năm 2021; "
        "Quyết định số 12/2021/QĐ-TTg."
    )
    assert refs(text) == [
        ("45/2020/NĐ-CP", "NĐ", "CP", "2020-04-08"),
        ("1210/2016/UBTVQH13", None, "UBTVQH13", None),
        ("1234/VPCP-KTTH", None, "VPCP-KTTH", "2021-02-05"),
        ("12/2021/QĐ-TTg", "QĐ", "TTg", None),
    ]


def test_date_after_the_issuer_and_lowercase_typing():
    text = "Thực hiện Nghị quyết 57-nq/tw của Bộ Chính trị ngày 22/12/2024 về khoa học."
    assert refs(text) == [("57-NQ/TW", "NQ", "TW", "2024-12-22")]


def test_line_breaks_inside_numbers_from_pdf_copies():
    text = "Theo Quyết định số 1234/QĐ-\nUBND ngày 15/\n10/2021 của UBND tỉnh."
    assert refs(text) == [("1234/QĐ-UBND", "QĐ", "UBND", "2021-10-15")]


def test_a_number_cited_twice_is_one_reference_and_keeps_the_date():
    text = "Kế hoạch 15-KH/BTGTU đã nêu. Theo Kế hoạch số 15-KH/BTGTU, ngày 3-2-2021, ..."
    assert refs(text) == [("15-KH/BTGTU", "KH", "BTGTU", "2021-02-03")]


def test_dates_ratios_and_names_are_no_document_numbers():
    text = "Ngày 07/8/2020, tỷ lệ 2/3 số xã, Covid-19/2020, 24/7, km/h đều không phải số văn bản."
    assert refs(text) == []


def test_a_date_of_something_else_is_not_the_issue_date():
    text = "Kế hoạch 07-KH/ThU. Ngày 15-9-2020, Thành ủy tổ chức hội nghị."
    assert refs(text) == [("07-KH/ThU", "KH", "ThU", None)]


# --- deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trình ký ban hành chậm nhất đến ngày 20-9-2020.", [("2020-09-20", "day")]),
        ("Thời gian dự kiến hoàn thành trong tháng 9-2020.", [("2020-09", "month")]),
        ("Thời gian hoàn thành: quý IV/2025.", [("2025-Q4", "quarter")]),
        ("Các xã hoàn thành trong quý 4 năm 2025.", [("2025-Q4", "quarter")]),
        ("Báo cáo kết quả trước ngày 30/6/2021.", [("2021-06-30", "day")]),
        ("Phấn đấu đến năm 2025 đạt chuẩn đô thị loại I.", [("2025", "year")]),
        ("Sơ kết 6 tháng đầu năm 2021 phải xong trước 15-7-2021.", [("2021-07-15", "day")]),
    ],
)
def test_deadline_phrases(text, expected):
    assert deadlines(text) == expected


def test_issue_dates_datelines_terms_and_past_events_are_no_deadlines():
    text = (
        "21/09/2020 - 06:52\nBến Tre, ngày 05 tháng 02 năm 2021\n"
        "Theo Kế hoạch số 07-KH/ThU, ngày 7-8-2020, nhiệm kỳ 2020 - 2025, giai đoạn 2021 - 2025. "
        "Ngày 15-9-2020, Thành ủy đã tổ chức hội nghị. Trong tháng 8-2020, thành phố đã mở 3 lớp."
    )
    assert deadlines(text) == []


def test_a_range_gives_its_end_and_a_day_without_year_takes_the_texts_year():
    text = "Năm 2020, thời gian thực hiện từ ngày 1-9 đến ngày 30-9. Nộp báo cáo trước ngày 15-10."
    assert deadlines(text) == [("2020-09-30", "day"), ("2020-10-15", "day")]


def test_a_date_alone_in_a_table_cell_is_a_deadline():
    text = (
        "STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian\n1 | Số hóa hồ sơ | Sở Nội vụ | Quý III/2021"
    )
    assert deadlines(text) == [("2021-Q3", "quarter")]


# --- quantities ---------------------------------------------------------------------------


def test_counted_things_with_vietnamese_number_writing():
    text = (
        "Thành phố tổ chức 11 lớp cho 2.500 đảng viên, phát 250 phiếu; tỷ lệ đạt 98,5%; "
        "vốn 1.250 tỷ đồng; 51 chi bộ, đảng bộ cơ sở trực thuộc ban hành quy chế."
    )
    assert quantities(text) == [
        (11, "lớp"),
        (2500, "đảng viên"),
        (250, "phiếu"),
        (98.5, "%"),
        (1250, "tỷ đồng"),
        (51, "chi bộ, đảng bộ cơ sở"),
    ]


def test_years_numbers_names_durations_and_items_are_no_quantities():
    text = (
        "1. Đại hội lần thứ XII, khóa XII, năm 2020, Điều 3, Nghị quyết số 01, qua 5 năm "
        "thực hiện chủ trương “5 thông minh”, người 60 tuổi, 3 tháng, Quyết định 1234/QĐ-UBND."
    )
    assert quantities(text) == []


# --- assignments --------------------------------------------------------------------------


def test_the_scenario_assignment():
    text = (
        "BTV Thành ủy đã thống nhất giao UBND thành phố chủ trì phối hợp với các sở, ngành tỉnh "
        "tham mưu cấp ủy xây dựng Nghị quyết chuyên đề thực hiện nội dung “5 thông minh”. "
        "Dự kiến trong tháng 12-2020, Thành ủy sẽ ký ban hành để triển khai thực hiện."
    )
    (item,) = extract(text).assignments
    assert item.lead == "UBND thành phố"
    assert item.coordinators == ("các sở, ngành tỉnh",)
    assert item.task.startswith("tham mưu cấp ủy xây dựng Nghị quyết chuyên đề")
    assert item.deadline == "2020-12"


def test_coordinators_are_split_into_units():
    text = (
        "Giao Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Ban Tổ chức Tỉnh ủy, Ủy ban Kiểm tra "
        "Tỉnh ủy và các cơ quan liên quan hướng dẫn học tập, hoàn thành trong quý I/2026."
    )
    (item,) = extract(text).assignments
    assert item.lead == "Ban Tuyên giáo Tỉnh ủy"
    assert item.coordinators == (
        "Ban Tổ chức Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "các cơ quan liên quan",
    )
    assert item.deadline == "2026-Q1"


def test_bullets_under_a_unit_heading():
    text = (
        "III. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ\n- Chủ trì xây dựng đề án vị trí việc làm, "
        "trình UBND tỉnh trước ngày 30/6/2025.\n- Hướng dẫn các xã rà soát biên chế.\n"
        "2. Đề nghị Ủy ban MTTQ tỉnh\nTuyên truyền, vận động Nhân dân đồng thuận."
    )
    got = [(a.lead, a.deadline) for a in extract(text).assignments]
    assert got == [
        ("Sở Nội vụ", "2025-06-30"),
        ("Sở Nội vụ", None),
        ("Ủy ban MTTQ tỉnh", None),
    ]


def test_plan_table_rows():
    text = (
        "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n"
        "1 | Nâng cấp Trung tâm dữ liệu | Sở Thông tin và Truyền thông | Sở Tài chính, "
        "Sở Kế hoạch và Đầu tư | Tháng 10/2021\n"
    )
    (item,) = extract(text).assignments
    assert (item.lead, item.coordinators, item.deadline) == (
        "Sở Thông tin và Truyền thông",
        ("Sở Tài chính", "Sở Kế hoạch và Đầu tư"),
        "2021-10",
    )


def test_what_was_done_or_is_everyones_is_no_assignment():
    text = (
        "Ban Tuyên giáo Thành ủy đã tổng hợp kết quả. Thành phố tổ chức 11 lớp. "
        "Ban Thường vụ yêu cầu các cấp ủy, tổ chức đảng nghiêm túc triển khai thực hiện."
    )
    assert extract(text).assignments == []


# --- spans and cleaning -------------------------------------------------------------------


def test_spans_index_the_cleaned_text():
    result = extract(
        "Ban hành Kế hoạch số 07-KH/ThU, ngày 7–8–2020; mở 11 lớp, xong trước 30-9-2020."
    )
    for item in result.doc_refs + result.deadlines + result.quantities:
        assert result.text[item.start : item.end] == item.text
    (ref,) = result.doc_refs
    assert ref.date == "2020-08-07"  # en dashes read as dashes
    sentence = result.sentence_at(result.quantities[0].start)
    assert "11 lớp" in result.text[sentence.start : sentence.end]


def test_old_spelling_and_eth_are_cleaned_before_reading():
    result = extract("Giao Uỷ ban nhân dân tỉnh chủ trì thực hiện; Ð/c Bí thư theo dõi.")
    assert result.assignments[0].lead == "Ủy ban nhân dân tỉnh"
    assert "Đ/c" in result.text


@pytest.mark.skipif(not ARTICLE.exists(), reason="the scenario article is not in ../shared")
def test_the_real_scenario_article():
    result = extract(ARTICLE.read_text(encoding="utf-8")).as_json()
    assert [r["number"] for r in result["doc_refs"]] == ["07-KH/ThU", "127-QĐ/TW", "98-QĐ/TW"]
    assert [r["date"] for r in result["doc_refs"]] == ["2020-08-07", "2020-03-01", "2004-03-22"]
    assert [d["date"] for d in result["deadlines"]] == ["2020-09", "2020-09-20", "2020-12"]
    assert {(q["value"], q["unit"]) for q in result["quantities"]} >= {
        (11, "lớp"),
        (14, "đơn vị"),
        (250, "phiếu"),
        (51, "chi bộ, đảng bộ cơ sở"),
        (4, "chương trình hành động"),
    }
    city = [a for a in result["assignments"] if a["lead"] == "UBND thành phố"]
    assert city and city[0]["deadline"] == "2020-12"
    assert city[0]["coordinators"] == ["các sở, ngành tỉnh"]


def test_the_demo_text():
    result = extract(DEMO.read_text(encoding="utf-8"))
    leads = {a.lead: a.deadline for a in result.assignments}
    assert leads["UBND thành phố"] == "2020-12"
    assert leads["Văn phòng Thành ủy"] == "2020-09-20"
    assert leads["Ban Tuyên giáo Thành ủy"] == "2020-10"


def test_a_letterhead_gives_its_number_the_place_and_date_line():
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE\nSố: 123/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nBến Tre, ngày 05 tháng 02 năm 2021\nKẾ HOẠCH\n"
        "Các xã báo cáo trước ngày 05 hằng tháng; hoàn thành trước ngày 30/6/2021."
    )
    assert refs(text) == [("123/KH-UBND", "KH", "UBND", "2021-02-05")]
    assert deadlines(text) == [("2021-06-30", "day")]  # neither the header nor "hằng tháng"


def test_plan_items_written_as_labelled_lines():
    text = (
        "III. NHIỆM VỤ CỤ THỂ\n"
        "1. Số hóa hồ sơ đảng viên.\n- Cơ quan chủ trì: Văn phòng Đảng ủy phường.\n"
        "- Cơ quan phối hợp: các chi bộ trực thuộc; Công an phường.\n"
        "- Thời gian: trước ngày 31/12/2025.\n"
        "2. Triển khai phong trào “Bình dân học vụ số”.\n- Đơn vị chủ trì: UBND phường.\n"
        "- Thời gian hoàn thành: quý IV/2025.\n"
    )
    got = [(a.lead, a.coordinators, a.task, a.deadline) for a in extract(text).assignments]
    assert got == [
        (
            "Văn phòng Đảng ủy phường",
            ("các chi bộ trực thuộc", "Công an phường"),
            "Số hóa hồ sơ đảng viên",
            "2025-12-31",
        ),
        ("UBND phường", (), "Triển khai phong trào “Bình dân học vụ số”", "2025-Q4"),
    ]


def test_lowercase_state_numbers_dates_in_brackets_and_days_in_words_without_year():
    text = (
        "Theo Quyết định 123/qđ-ubnd và Nghị quyết 57-NQ/TW (22/12/2024), trong năm 2025 "
        "các xã báo cáo trước ngày 30 tháng 9."
    )
    assert refs(text) == [
        ("123/QĐ-UBND", "QĐ", "UBND", None),
        ("57-NQ/TW", "NQ", "TW", "2024-12-22"),
    ]
    assert deadlines(text) == [("2025", "year"), ("2025-09-30", "day")]
