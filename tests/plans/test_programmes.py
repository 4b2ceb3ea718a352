# ruff: noqa: F811 (the fixtures imported from test_indicators come back as test arguments)
"""Programmes: creating one under a plan (the document found by its number or summary), the list
and its filters, a programme's page with its indicators, tasks and overall progress, and the
indicator and measurement pages — the Five No's and the Class I urban criteria.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import make_user
from tests.plans.test_indicators import (  # noqa: F401 (fixtures used by name)
    PNG,
    five_nos,
    indicator,
    measure,
    plan,
    programme,
    resolution,
)
from trienkhai.audit.models import AuditEntry
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents import services as documents
from trienkhai.documents.models import DocStatus, Document
from trienkhai.org.models import AccessRole
from trienkhai.plans import indicators as indicator_services
from trienkhai.plans import programmes as services
from trienkhai.plans import selectors_programmes as selectors
from trienkhai.plans.models import Direction, Indicator, Measurement, Precision, Programme, Task
from trienkhai.plans.models import TaskStatus as TS

D = dt.date


def make_programme(unit, document, title="Chương trình thử", field="Thương mại, dịch vụ", **kw):
    return services.programme_create(
        actor=None,
        document=document,
        title=title,
        field=field,
        owner_unit=unit,
        start_year=kw.pop("start_year", 2020),
        end_year=kw.pop("end_year", 2025),
        **kw,
    )


def task(programme, lead, title, *, weight=1, progress=0, status=TS.IN_PROGRESS, **kw):
    return Task.objects.create(
        title=title,
        programme=programme,
        assigned_by=programme.owner_unit,
        lead_unit=lead,
        weight=weight,
        progress=progress,
        status=status,
        **kw,
    )


def text(response) -> str:
    return response.content.decode()


# --- creating a programme -------------------------------------------------------------------------
def test_city_secretary_lays_down_a_programme_under_plan_07(tree, plan, city_secretary, login):
    client = login(city_secretary)

    response = client.post(
        reverse("plans:programme_new"),
        {
            "document": plan.pk,
            "title": "Chương trình phát triển đô thị loại I",
            "field": "Đô thị",
            "owner_unit": tree.city.pk,
            "start_year": "2020",
            "end_year": "2025",
            "description": "Xây dựng thành phố Bến Tre đạt tiêu chí đô thị loại I.",
        },
    )

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plans:programme", args=[programme.pk])
    assert (programme.document, programme.owner_unit) == (plan, tree.city)
    entry = audit_entries_for(programme).get()
    assert (entry.action, entry.actor) == (AuditEntry.Action.CREATE, city_secretary)


def test_a_programme_ending_before_it_starts_is_refused_and_keeps_what_was_typed(
    tree, plan, city_secretary, login
):
    response = login(city_secretary).post(
        reverse("plans:programme_new"),
        {
            "document": plan.pk,
            "title": "Chương trình công tác cán bộ",
            "field": "Cán bộ",
            "owner_unit": tree.city.pk,
            "start_year": "2025",
            "end_year": "2020",
        },
    )

    page = text(response)
    assert response.status_code == 200
    assert "Năm kết thúc (2020) trước năm bắt đầu (2025)" in page
    assert "Chương trình công tác cán bộ" in page
    assert "07-KH/ThU" in page  # the chosen document stays chosen
    assert not Programme.objects.exists()


def test_a_programme_needs_a_document(tree, city_secretary, login):
    response = login(city_secretary).post(
        reverse("plans:programme_new"),
        {"title": "Chương trình", "field": "Đô thị", "owner_unit": tree.city.pk,
         "start_year": "2020", "end_year": "2025"},
    )  # fmt: skip

    assert "Hãy tìm và chọn một văn bản." in text(response)


def test_a_programme_cannot_carry_out_a_draft(tree, city_secretary):
    draft = Document.objects.create(
        system="party",
        doc_type="NQ",
        issuer_code="ThU",
        issuer_name="Thành ủy Bến Tre",
        owner_unit=tree.city,
        summary="Dự thảo nghị quyết chuyên đề thành phố thông minh",
        status=DocStatus.DRAFT,
    )

    with pytest.raises(ValidationError) as info:
        services.programme_create(
            actor=city_secretary,
            document=draft,
            title="Chương trình",
            field="Đô thị",
            owner_unit=tree.city,
            start_year=2020,
            end_year=2025,
        )
    assert "chưa được ban hành" in info.value.message_dict["document"][0]


def test_ward_clerk_cannot_pick_a_sibling_wards_document(tree, ward_clerk, login):
    theirs = documents.document_register(
        actor=None,
        owner_unit=tree.sibling,
        issuer_unit=tree.sibling,
        number_text="03-KH/ĐU",
        issued_on=D(2020, 10, 1),
        summary="Kế hoạch của Đảng ủy Phường Phú Khương",
    )
    client = login(ward_clerk)

    found = client.get(reverse("plans:programme_document_pick"), {"q": "Phu Khuong"})
    response = client.post(
        reverse("plans:programme_new"),
        {"document": theirs.pk, "title": "Chương trình", "field": "Đô thị",
         "owner_unit": tree.ward.pk, "start_year": "2020", "end_year": "2025"},
    )  # fmt: skip

    assert "03-KH" not in text(found)
    assert "không có quyền xem văn bản" in text(response)
    assert "03-KH" not in text(response)  # the typed-in id does not reveal the document
    assert not Programme.objects.exists()


def test_the_document_is_found_by_its_number_or_summary_without_diacritics(
    plan, resolution, ward_clerk, login
):
    client = login(ward_clerk)  # the city's plans reach the ward, which carries them out
    url = reverse("plans:programme_document_pick")

    by_number = text(client.get(url, {"q": "07-KH/ThU", "field": "document"}))
    by_summary = text(client.get(url, {"q": "do thi loai", "field": "document"}))

    assert "07-KH/ThU" in by_number and "01-NQ/ThU" not in by_number
    assert "07-KH/ThU" in by_summary
    assert 'name="document"' in by_summary


def test_moving_a_programme_away_from_its_indicators_units_is_refused(tree, programme):
    indicator(tree.ward, programme=programme)

    with pytest.raises(ValidationError) as info:
        services.programme_update(actor=None, programme=programme, owner_unit=tree.sibling)
    assert "Đảng ủy Phường An Hội" in info.value.message_dict["owner_unit"][0]


def test_ward_clerk_cannot_edit_the_city_programme(tree, programme, ward_clerk, login):
    client = login(ward_clerk)

    assert client.get(reverse("plans:programme", args=[programme.pk])).status_code == 200
    assert client.get(reverse("plans:programme_edit", args=[programme.pk])).status_code == 403


# --- the list ----------------------------------------------------------------------------------------
@pytest.fixture
def programmes(tree, plan, resolution):
    return {
        "city": make_programme(tree.city, plan, "Chương trình đô thị loại I", "Đô thị"),
        "ward": make_programme(tree.ward, plan, "Chương trình của phường An Hội", "Dân vận"),
        "cell": make_programme(tree.cell, resolution, "Chương trình của chi bộ", "Dân vận"),
        "sibling": make_programme(tree.sibling, plan, "Chương trình của Phú Khương", "Dân vận"),
    }


def titles(response) -> set[str]:
    return {p.title for p in response.context["page"]}


def test_the_list_filters_by_unit_subtree_document_and_field(
    tree, programmes, plan, city_secretary, login
):
    client = login(city_secretary)
    url = reverse("plans:programme_list")

    everything = titles(client.get(url))
    in_ward = titles(client.get(url, {"unit": tree.ward.pk}))
    of_plan = titles(client.get(url, {"document": plan.pk}))
    mobilisation = titles(client.get(url, {"field": "Dân vận"}))

    assert everything == {p.title for p in programmes.values()}
    assert in_ward == {"Chương trình của phường An Hội", "Chương trình của chi bộ"}
    assert of_plan == {
        "Chương trình đô thị loại I",
        "Chương trình của phường An Hội",
        "Chương trình của Phú Khương",
    }
    assert "Chương trình đô thị loại I" not in mobilisation


def test_ward_clerk_lists_the_citys_programmes_and_its_own_never_a_siblings(
    programmes, ward_clerk, login
):
    listed = titles(login(ward_clerk).get(reverse("plans:programme_list")))

    assert listed == {
        "Chương trình đô thị loại I",
        "Chương trình của phường An Hội",
        "Chương trình của chi bộ",
    }


def test_a_bad_filter_says_so(programmes, city_secretary, login):
    response = login(city_secretary).get(
        reverse("plans:programme_list"), {"field": "Không có", "unit": "99999999999999999999"}
    )

    assert "Lĩnh vực đã chọn không có trong danh sách." in text(response)
    assert "Không tìm thấy đơn vị đã chọn" in text(response)


# --- a programme's page ----------------------------------------------------------------------------
def test_overall_progress_is_the_weighted_average_of_top_level_tasks(tree, programme):
    a = task(programme, tree.ward, "Xóa nhà tạm", weight=3, progress=50)
    task(programme, tree.ward, "Giải quyết người lang thang", weight=1, status=TS.DONE)
    task(programme, tree.sibling, "Việc đã hủy", weight=5, status=TS.CANCELLED, progress=0)
    task(programme, tree.cell, "Việc con", weight=9, progress=0, parent=a)

    progress = selectors.programme_progress(programme)

    assert (progress.percent, progress.tasks, progress.weight) == (62, 2, 4)  # (150 + 100) / 4


def test_task_counts_by_status_come_from_one_query(tree, programme, django_assert_num_queries):
    task(programme, tree.ward, "Đang làm", deadline=D(2020, 1, 1))
    task(programme, tree.ward, "Chưa làm", status=TS.NOT_STARTED, deadline=D(2030, 1, 1))
    task(programme, tree.ward, "Đã xong", status=TS.DONE, deadline=D(2019, 1, 1))

    with django_assert_num_queries(1):
        counts = selectors.programme_task_counts(programme, D(2021, 1, 1))

    by_status = {status: n for status, _label, n in counts["by_status"]}
    assert counts["total"] == 3 and counts["overdue"] == 1
    assert by_status[TS.IN_PROGRESS] == 1 and by_status[TS.DONE] == 1


def test_the_programme_page_shows_indicators_tasks_and_the_rules(
    tree, programme, five_nos, ward_clerk, login
):
    task(programme, tree.ward, "Xóa nhà tạm ở phường An Hội", weight=2, progress=100)
    task(programme, tree.sibling, "Việc của phường Phú Khương", weight=2, progress=0)

    response = login(ward_clerk).get(reverse("plans:programme", args=[programme.pk]))
    page = text(response)

    assert response.status_code == 200
    for name in five_nos:
        assert name in page
    assert "Không đạt" in page and "Đã đạt" in page
    assert "Cách tính trạng thái chỉ tiêu" in page
    assert "Σ (trọng số × tiến độ) ÷ Σ trọng số" in page
    assert "Xóa nhà tạm ở phường An Hội" in page
    assert "Việc của phường Phú Khương" not in page  # a sibling's task stays hidden
    assert response.context["progress"].percent == 50
    assert '<progress max="100" value="50"' in page


def test_the_list_shows_each_programmes_progress(tree, programme, city_secretary, login):
    task(programme, tree.ward, "Việc một", weight=1, progress=20)
    task(programme, tree.ward, "Việc hai", weight=1, progress=60)

    response = login(city_secretary).get(reverse("plans:programme_list"))

    row = next(iter(response.context["page"]))
    assert (row.progress, row.n_tasks, row.n_indicators) == (40, 2, None)


# --- indicator pages --------------------------------------------------------------------------------
def test_the_indicator_page_draws_its_line_chart_inline(five_nos, city_secretary, login):
    ind = five_nos["Hộ ở nhà tạm"]

    response = login(city_secretary).get(reverse("plans:indicator", args=[ind.pk]))
    page = text(response)

    assert response.status_code == 200
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Mục tiêu 2020: 0" in page
    assert "Cách tính trạng thái chỉ tiêu" in page
    assert "1.200" in page  # the baseline, written as officials write it
    assert response.context["series"][-1] == (2020, "0")


def test_the_indicator_page_shows_a_ward_only_its_own_figures(five_nos, ward_clerk, login):
    ind = five_nos["Hộ ở nhà tạm"]

    response = login(ward_clerk).get(reverse("plans:indicator", args=[ind.pk]))

    units = {m.unit.name for m in response.context["measurements"]}
    assert units == {"Đảng ủy Phường An Hội"}
    assert [r.unit.name for r in response.context["breakdown"]] == ["Đảng ủy Phường An Hội"]


def indicator_post(unit, **kw):
    data = {
        "name": "Số hộ nghèo",
        "measure_unit": "hộ",
        "direction": Direction.AT_MOST,
        "target_value": "100",
        "target_date": "năm 2020",
        "baseline_value": "",
        "baseline_year": "",
        "unit": unit.pk,
        "rollup": "sum",
    }
    data.update(kw)
    return data


def test_an_indicator_without_a_unit_of_measure_is_refused_on_the_page(
    tree, programme, city_secretary, login
):
    url = reverse("plans:indicator_new") + f"?programme={programme.pk}"

    response = login(city_secretary).post(url, indicator_post(tree.city, measure_unit=""))

    page = text(response)
    assert "Chỉ tiêu phải có đơn vị tính" in page
    assert 'value="Số hộ nghèo"' in page
    assert not Indicator.objects.exists()


def test_a_target_without_a_deadline_is_refused_on_the_page(tree, programme, city_secretary, login):
    url = reverse("plans:indicator_new") + f"?programme={programme.pk}"

    response = login(city_secretary).post(url, indicator_post(tree.city, target_date=""))

    assert "phải có thời hạn đạt" in text(response)
    assert not Indicator.objects.exists()


def test_a_baseline_after_the_target_is_refused_on_the_page(tree, programme, city_secretary, login):
    url = reverse("plans:indicator_new") + f"?programme={programme.pk}"

    response = login(city_secretary).post(
        url, indicator_post(tree.city, baseline_value="120", baseline_year="2022")
    )

    assert "Năm gốc 2022 ở sau năm của thời hạn đạt (2020)" in text(response)


def test_numbers_and_deadlines_are_read_as_officials_write_them(
    tree, programme, city_secretary, login
):
    url = reverse("plans:indicator_new") + f"?programme={programme.pk}"

    response = login(city_secretary).post(
        url,
        indicator_post(
            tree.city, target_value="1.200", baseline_value="1.350,5", baseline_year="2015",
            target_date="quý IV/2020",
        ),
    )  # fmt: skip

    ind = Indicator.objects.get()
    assert response.status_code == 302
    assert (ind.target_value, ind.baseline_value) == (Decimal(1200), Decimal("1350.5"))
    assert (ind.target_precision, ind.target_end) == (Precision.QUARTER, D(2020, 12, 31))
    assert ind.programme == programme and ind.document == programme.document


def test_a_number_that_is_not_one_is_refused(tree, programme, city_secretary, login):
    url = reverse("plans:indicator_new") + f"?programme={programme.pk}"

    response = login(city_secretary).post(url, indicator_post(tree.city, target_value="mười"))

    assert "“mười” không phải là số" in text(response)


def test_the_class_one_urban_criteria_with_their_scores(tree, plan, city_secretary, login):
    urban = make_programme(tree.city, plan, "Chương trình phát triển đô thị loại I", "Đô thị")
    criteria = [
        ("Vị trí, chức năng, vai trò, cơ cấu và trình độ phát triển kinh tế - xã hội", 20, 15, 17),
        ("Quy mô dân số", 8, 4, 6.5),
        ("Mật độ dân số", 6, 4.5, 4.5),
        ("Tỷ lệ lao động phi nông nghiệp", 6, 4.5, 5.2),
        ("Trình độ phát triển cơ sở hạ tầng, kiến trúc, cảnh quan đô thị", 60, 36, 44),
    ]
    for name, goal, base, now in criteria:
        ind = indicator_services.indicator_create(
            actor=city_secretary,
            programme=urban,
            unit=tree.city,
            name=name,
            measure_unit="điểm",
            direction=Direction.REACH,
            target_value=Decimal(goal) * Decimal("0.75"),  # the minimum score of each criterion
            target_date=D(2025, 1, 1),
            baseline_value=Decimal(str(base)),
            baseline_year=2020,
        )
        measure(ind, tree.city, now, D(2023, 12, 31), actor=city_secretary)

    response = login(city_secretary).get(reverse("plans:programme", args=[urban.pk]))
    got = {i.name: i.assessment for i in response.context["indicators"]}

    assert got["Quy mô dân số"].status == "achieved"  # 6,5 ≥ 6
    assert got["Mật độ dân số"].status == "achieved"  # 4,5 ≥ 4,5
    assert got["Trình độ phát triển cơ sở hạ tầng, kiến trúc, cảnh quan đô thị"].value == 44
    assert "điểm" in text(response) and "Đạt mức" in text(response)


# --- measurements on the page ------------------------------------------------------------------------
def test_a_ward_enters_its_value_with_evidence_and_only_it_downloads_it(
    tree, five_nos, ward_clerk, login
):
    ind = five_nos["Hộ ở nhà tạm"]
    client = login(ward_clerk)

    response = client.post(
        reverse("plans:measurement_new", args=[ind.pk]),
        {
            "unit": tree.ward.pk,
            "value": "0",
            "measured_on": "30-06-2021",
            "source": "Báo cáo 6 tháng 2021",
            "evidence": SimpleUploadedFile("anh-hien-truong.png", PNG, content_type="image/png"),
        },
    )
    m = Measurement.objects.filter(indicator=ind).latest("id")

    assert response.status_code == 302
    assert (m.unit, m.entered_by, m.source) == (tree.ward, ward_clerk, "Báo cáo 6 tháng 2021")
    download = client.get(reverse("plans:measurement_evidence", args=[m.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    neighbour = make_user("vanthu_phukhuong", unit=tree.sibling, role=AccessRole.EDITOR)
    other = login(neighbour).get(reverse("plans:measurement_evidence", args=[m.pk]))
    assert other.status_code == 404


def test_a_value_for_a_unit_outside_the_scope_is_refused_on_the_page(
    tree, five_nos, city_secretary, login
):
    ind = five_nos["Tỷ lệ thu gom rác thải"]  # the city's own rate, not broken down

    response = login(city_secretary).post(
        reverse("plans:measurement_new", args=[ind.pk]),
        {"unit": tree.ward.pk, "value": "97,5", "measured_on": "31-12-2021"},
    )

    page = text(response)
    assert "nằm ngoài phạm vi của chỉ tiêu" in page
    assert 'value="97,5"' in page
    assert Measurement.objects.filter(indicator=ind).count() == 5


def test_the_programme_page_costs_the_same_queries_with_more_indicators_and_tasks(
    tree, programme, city_secretary, login
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(city_secretary)
    url = reverse("plans:programme", args=[programme.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n):
        for i in range(n):
            ind = indicator(tree.ward, programme=programme, name=f"Chỉ tiêu {n}-{i}")
            measure(ind, tree.ward, i, D(2019, 12, 31))
            task(programme, tree.ward, f"Nhiệm vụ {n}-{i}", progress=i)

    grow(2)
    few = queries()
    grow(8)

    assert queries() == few
