"""Indicators: the status rule direction by direction, the checks on what is typed, measurements
in and out of an indicator's scope, values summed up the tree, evidence files, the indicators
off track in a subtree — and the scenario's "Five No's" of Resolution 01 (2015–2020).

The fixtures here (`resolution`, `programme`, `five_nos`) are shared with the programme tests.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents import services as documents
from trienkhai.plans import indicators as services
from trienkhai.plans import programmes as programme_services
from trienkhai.plans import selectors_programmes as selectors
from trienkhai.plans.indicators import IndicatorStatus, assess, clock_start, meets_goal
from trienkhai.plans.models import Direction, Indicator, Measurement, Precision, Rollup

D = dt.date
S = IndicatorStatus
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- the world ----------------------------------------------------------------------------------
@pytest.fixture
def resolution(tree):
    """Resolution 01 of the City Committee on the "Five No's", issued in 2015."""
    return documents.document_register(
        actor=None,
        owner_unit=tree.city,
        issuer_unit=tree.city,
        number_text="01-NQ/ThU",
        issued_on=D(2015, 11, 20),
        summary="Nghị quyết về thực hiện “Năm không” trên địa bàn thành phố giai đoạn 2015-2020",
    )


@pytest.fixture
def plan(tree):
    """Plan 07 of the City Committee (Class I urban area), issued in 2020."""
    return documents.document_register(
        actor=None,
        owner_unit=tree.city,
        issuer_unit=tree.city,
        number_text="07-KH/ThU",
        issued_on=D(2020, 12, 1),
        summary="Kế hoạch thực hiện Nghị quyết Đại hội, xây dựng thành phố đạt đô thị loại I",
    )


@pytest.fixture
def programme(tree, resolution):
    return programme_services.programme_create(
        actor=None,
        document=resolution,
        title="Chương trình thực hiện “Năm không”",
        field="Trật tự, an toàn xã hội và môi trường",
        owner_unit=tree.city,
        start_year=2016,
        end_year=2020,
    )


def indicator(unit, **kw) -> Indicator:
    data = {
        "name": "Chỉ tiêu thử",
        "measure_unit": "hộ",
        "direction": Direction.AT_MOST,
        "target_value": Decimal(10),
        "target_date": D(2020, 1, 1),
        "target_precision": Precision.YEAR,
    } | kw
    return services.indicator_create(actor=None, unit=unit, **data)


def measure(ind, unit, value, day, actor=None, **kw) -> Measurement:
    return services.measurement_add(
        actor=actor, indicator=ind, unit=unit, value=Decimal(str(value)), measured_on=day, **kw
    )


# The "Five No's" of Resolution 01, 2015 → 2020; the city's wards report the counts each year.
FIVE_NOS = [
    # name, measure unit, direction, goal, baseline 2015, by sub-units, rollup
    ("Hộ ở nhà tạm", "hộ", Direction.ELIMINATE, None, 1200, True, Rollup.SUM),
    (
        "Người lang thang, xin ăn địa phương",
        "người",
        Direction.ELIMINATE,
        None,
        40,
        True,
        Rollup.SUM,
    ),
    ("Tỷ lệ thu gom rác thải", "%", Direction.AT_LEAST, 95, 70, False, Rollup.NONE),
    ("Số vụ phạm tội về ma túy", "vụ", Direction.AT_MOST, 30, 60, True, Rollup.SUM),
    ("Số vụ trộm cắp tài sản", "vụ", Direction.AT_MOST, 80, 150, True, Rollup.SUM),
]
# Yearly values 2016–2020: for the summed ones, (ward, sibling ward); for waste, the city's rate.
FIVE_NOS_VALUES = {
    "Hộ ở nhà tạm": [(500, 400), (300, 250), (150, 100), (40, 20), (0, 0)],
    "Người lang thang, xin ăn địa phương": [(15, 15), (10, 8), (6, 4), (3, 2), (2, 1)],
    "Tỷ lệ thu gom rác thải": [76, 82, 88, 93, 96],
    "Số vụ phạm tội về ma túy": [(28, 26), (22, 20), (18, 17), (16, 15), (14, 13)],
    "Số vụ trộm cắp tài sản": [(70, 68), (60, 58), (55, 50), (52, 48), (45, 44)],
}


@pytest.fixture
def five_nos(tree, programme, resolution):
    """The five indicators of Resolution 01 with their 2016–2020 measurements. At the end of
    2020: no more temporary houses (achieved), 3 local beggars left (missed), waste collected at
    96 % (achieved), 27 drug cases for at most 30 (achieved), 89 thefts for at most 80 (missed)."""
    out = {}
    for name, measure_unit, direction, goal, baseline, by_subunits, rollup in FIVE_NOS:
        ind = services.indicator_create(
            actor=None,
            programme=programme,
            unit=tree.city,
            name=name,
            measure_unit=measure_unit,
            direction=direction,
            target_value=Decimal(goal) if goal is not None else None,
            target_date=D(2020, 1, 1),
            target_precision=Precision.YEAR,
            baseline_value=Decimal(baseline),
            baseline_year=2015,
            by_subunits=by_subunits,
            rollup=rollup,
        )
        for year, values in zip(range(2016, 2021), FIVE_NOS_VALUES[name], strict=True):
            day = D(year, 12, 31)
            if by_subunits:
                measure(ind, tree.ward, values[0], day, source=f"Báo cáo năm {year}")
                measure(ind, tree.sibling, values[1], day, source=f"Báo cáo năm {year}")
            else:
                measure(ind, tree.city, values, day, source=f"Báo cáo năm {year}")
        out[name] = ind
    return out


# --- the status rule, direction by direction ------------------------------------------------------
END = D(2020, 12, 31)


def status_of(direction, goal, value, today, baseline=None, year=2015, end=END):
    return assess(
        direction=direction,
        goal=None if goal is None else Decimal(goal),
        target_end=end,
        value=None if value is None else Decimal(str(value)),
        baseline_value=None if baseline is None else Decimal(str(baseline)),
        baseline_year=year if baseline is not None else None,
        today=today,
    )


RULE_CASES = [
    # direction, goal, baseline, value, today → status, progress
    # At least (waste collection coverage, %): 70 % in 2015 → 95 % by 2020.
    (Direction.AT_LEAST, 95, 70, 96, D(2019, 6, 30), S.ACHIEVED, 100),
    (Direction.AT_LEAST, 95, 70, 95, D(2019, 6, 30), S.ACHIEVED, 100),
    (Direction.AT_LEAST, 95, 70, 90, D(2018, 12, 31), S.ON_TRACK, 80),  # 80 % done, 60 % of time
    (Direction.AT_LEAST, 95, 70, 75, D(2019, 12, 31), S.AT_RISK, 20),  # 20 % done, 80 % of time
    (Direction.AT_LEAST, 95, 70, 94, D(2021, 3, 1), S.MISSED, 96),
    (Direction.AT_LEAST, 95, 70, 82.5, D(2018, 12, 31), S.ON_TRACK, 50),  # 50 ≥ 59.99 − 10
    (Direction.AT_LEAST, 95, 70, 82.25, D(2018, 12, 31), S.AT_RISK, 49),  # 49 < 59.99 − 10
    (Direction.AT_LEAST, 95, 99, 90, D(2018, 1, 1), S.AT_RISK, 0),  # a level held, now lost
    # At most (drug cases): 120 in 2015 → at most 80 by 2020.
    (Direction.AT_MOST, 80, 120, 78, D(2017, 1, 1), S.ACHIEVED, 100),
    (Direction.AT_MOST, 80, 120, 100, D(2018, 6, 30), S.ON_TRACK, 50),
    (Direction.AT_MOST, 80, 120, 118, D(2019, 12, 31), S.AT_RISK, 5),
    (Direction.AT_MOST, 80, 120, 130, D(2018, 1, 1), S.AT_RISK, 0),  # worse than the baseline
    (Direction.AT_MOST, 80, 60, 85, D(2017, 1, 1), S.AT_RISK, 0),  # a ceiling crossed
    (Direction.AT_MOST, 80, 120, 90, D(2021, 1, 1), S.MISSED, 75),
    # Eliminate (temporary houses): 1,200 in 2015 → none by 2020.
    (Direction.ELIMINATE, 0, 1200, 0, D(2019, 1, 1), S.ACHIEVED, 100),
    (Direction.ELIMINATE, 0, 1200, 300, D(2019, 12, 31), S.ON_TRACK, 75),  # 75 ≥ 80 − 10
    (Direction.ELIMINATE, 0, 1200, 900, D(2019, 12, 31), S.AT_RISK, 25),
    (Direction.ELIMINATE, 0, 1200, 5, D(2021, 1, 1), S.MISSED, 99),
    # Reach a level (Class I urban criteria, points): 60 in 2015 → 75 by 2020, and from above.
    (Direction.REACH, 75, 60, 75, D(2019, 1, 1), S.ACHIEVED, 100),
    (Direction.REACH, 75, 60, 70, D(2018, 6, 30), S.ON_TRACK, 66),
    (Direction.REACH, 75, 60, 62, D(2020, 6, 30), S.AT_RISK, 13),
    (Direction.REACH, 75, 90, 74, D(2019, 1, 1), S.ACHIEVED, 100),  # coming down to the level
    (Direction.REACH, 75, 90, 80, D(2018, 6, 30), S.ON_TRACK, 66),
    (Direction.REACH, 75, 60, 70, D(2021, 1, 1), S.MISSED, 66),
]


@pytest.mark.parametrize(
    ("direction", "goal", "baseline", "value", "today", "expected", "progress"),
    RULE_CASES,
    ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in RULE_CASES],
)
def test_status_rule(direction, goal, baseline, value, today, expected, progress):
    result = status_of(direction, goal, value, today, baseline=baseline)

    assert result.status == expected
    assert result.progress == progress


def test_time_share_runs_from_the_end_of_the_baseline_year():
    result = status_of(Direction.ELIMINATE, 0, 300, D(2019, 12, 31), baseline=1200)

    assert clock_start(2015, END) == D(2015, 12, 31)
    assert result.time_share == 79  # 1,461 of 1,827 days, rounded down


def test_a_target_due_in_its_baseline_year_counts_time_from_january():
    assert clock_start(2020, END) == D(2020, 1, 1)
    result = status_of(Direction.AT_LEAST, 100, 50, D(2020, 7, 2), baseline=0, year=2020)
    assert result.status == S.ON_TRACK and result.time_share == 50


def test_without_a_measurement_the_baseline_is_judged():
    early = status_of(Direction.ELIMINATE, 0, None, D(2016, 2, 1), baseline=1200)
    late = status_of(Direction.ELIMINATE, 0, None, D(2018, 2, 1), baseline=1200)
    already = status_of(Direction.AT_LEAST, 95, None, D(2016, 2, 1), baseline=97)

    assert (early.status, early.from_baseline, early.value) == (S.ON_TRACK, True, 1200)
    assert late.status == S.AT_RISK
    assert already.status == S.ACHIEVED


def test_with_no_value_at_all_the_status_says_so_until_the_deadline_passes():
    assert status_of(Direction.AT_MOST, 80, None, D(2019, 1, 1)).status == S.NO_DATA
    assert status_of(Direction.AT_MOST, 80, None, D(2021, 1, 1)).status == S.MISSED


def test_without_a_baseline_progress_cannot_be_measured():
    assert status_of(Direction.AT_MOST, 80, 100, D(2019, 1, 1)).status == S.NO_DATA
    assert status_of(Direction.AT_MOST, 80, 70, D(2019, 1, 1)).status == S.ACHIEVED


def test_a_goal_is_met_by_its_direction():
    assert meets_goal(Direction.AT_LEAST, Decimal(95), Decimal(95))
    assert not meets_goal(Direction.AT_LEAST, Decimal(95), Decimal("94.9"))
    assert meets_goal(Direction.AT_MOST, Decimal(80), Decimal(80))
    assert not meets_goal(Direction.AT_MOST, Decimal(80), Decimal(81))
    assert meets_goal(Direction.ELIMINATE, Decimal(0), Decimal(0))
    assert not meets_goal(Direction.ELIMINATE, Decimal(0), Decimal(1))
    assert meets_goal(Direction.REACH, Decimal(75), Decimal(76), baseline=Decimal(60))
    assert meets_goal(Direction.REACH, Decimal(75), Decimal(74), baseline=Decimal(90))
    assert not meets_goal(Direction.REACH, Decimal(75), Decimal(76), baseline=Decimal(90))


# --- defining an indicator: what is typed wrong ---------------------------------------------------
def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def test_an_indicator_without_a_unit_of_measure_is_refused(tree):
    errors = errors_of(lambda: indicator(tree.city, measure_unit="  "))

    assert "đơn vị tính" in errors["measure_unit"][0]
    assert not Indicator.objects.exists()


def test_a_target_without_a_deadline_is_refused(tree):
    errors = errors_of(lambda: indicator(tree.city, target_date=None))

    assert "thời hạn" in errors["target_date"][0]


def test_a_baseline_year_after_the_target_year_is_refused(tree):
    errors = errors_of(lambda: indicator(tree.city, baseline_value=Decimal(5), baseline_year=2021))

    assert "2021" in errors["baseline_year"][0] and "2020" in errors["baseline_year"][0]


def test_a_baseline_needs_both_its_value_and_its_year(tree):
    assert "baseline_year" in errors_of(lambda: indicator(tree.city, baseline_value=Decimal(5)))
    assert "baseline_value" in errors_of(lambda: indicator(tree.city, baseline_year=2015))


def test_a_target_value_is_required_unless_eliminating(tree):
    assert "target_value" in errors_of(lambda: indicator(tree.city, target_value=None))

    ind = indicator(tree.city, direction=Direction.ELIMINATE, target_value=None)
    assert ind.target_value == 0 and ind.goal == 0


def test_a_percentage_stays_within_0_and_100_and_is_never_summed(tree):
    assert "target_value" in errors_of(
        lambda: indicator(tree.city, measure_unit="%", target_value=Decimal(120))
    )
    errors = errors_of(
        lambda: indicator(tree.city, measure_unit="%", target_value=Decimal(95), by_subunits=True)
    )
    assert "cộng tỷ lệ" in errors["rollup"][0]


def test_an_indicator_of_a_programme_belongs_to_its_owner_or_below(tree, programme):
    errors = errors_of(lambda: indicator(tree.province, programme=programme))

    assert "Thành ủy Bến Tre" in errors["unit"][0]


def test_an_indicator_of_a_programme_carries_the_programmes_document(tree, programme):
    other = documents.document_register(
        actor=None,
        owner_unit=tree.city,
        issuer_unit=tree.city,
        number_text="08-KH/ThU",
        issued_on=D(2020, 12, 2),
        summary="Một kế hoạch khác",
    )
    errors = errors_of(lambda: indicator(tree.city, programme=programme, document=other))

    assert "Chương trình thực hiện “Năm không”" in errors["document"][0]
    assert indicator(tree.city, programme=programme).document == programme.document


def test_the_target_end_is_the_end_of_the_deadline_period(tree):
    by_year = indicator(tree.city, target_date=D(2020, 1, 1), target_precision=Precision.YEAR)
    by_quarter = indicator(
        tree.city, target_date=D(2020, 10, 1), target_precision=Precision.QUARTER
    )

    assert by_year.target_end == D(2020, 12, 31)
    assert by_quarter.target_end == D(2020, 12, 31)


def test_ward_clerk_cannot_set_an_indicator_for_the_city(tree, ward_clerk):
    with pytest.raises(ValidationError) as info:
        services.indicator_create(
            actor=ward_clerk,
            unit=tree.city,
            name="Chỉ tiêu của thành phố",
            measure_unit="hộ",
            direction=Direction.AT_MOST,
            target_value=Decimal(1),
            target_date=D(2020, 1, 1),
        )
    assert "quyền" in info.value.message_dict["unit"][0]


def test_creating_and_changing_an_indicator_is_audited(tree, propaganda_officer):
    ind = indicator(tree.city)
    services.indicator_update(
        actor=propaganda_officer, indicator=ind, target_value=Decimal(5), name="Chỉ tiêu mới"
    )

    entries = list(audit_entries_for(ind))
    assert [e.action for e in entries] == [AuditEntry.Action.UPDATE, AuditEntry.Action.CREATE]
    assert entries[0].changes["target_value"] == ["10.0000", "5"]
    assert entries[0].actor == propaganda_officer


def test_an_indicator_keeps_its_breakdown_once_sub_units_have_values(tree):
    ind = indicator(tree.city, by_subunits=True)
    measure(ind, tree.ward, 4, D(2019, 12, 31))

    errors = errors_of(
        lambda: services.indicator_update(actor=None, indicator=ind, by_subunits=False)
    )
    assert "Đảng ủy Phường An Hội" in errors["by_subunits"][0]
    ind.refresh_from_db()
    assert ind.by_subunits


# --- measurements: in and out of scope ------------------------------------------------------------
def test_a_ward_enters_its_own_value_of_a_city_indicator(tree, ward_clerk):
    ind = indicator(tree.city, by_subunits=True)

    m = measure(ind, tree.ward, 7, D(2019, 12, 31), actor=ward_clerk, source="Báo cáo 2019")

    assert (m.unit, m.entered_by, m.source) == (tree.ward, ward_clerk, "Báo cáo 2019")


def test_a_ward_never_enters_a_sibling_wards_value(tree, ward_clerk):
    ind = indicator(tree.city, by_subunits=True)

    with pytest.raises(ValidationError) as info:
        measure(ind, tree.sibling, 7, D(2019, 12, 31), actor=ward_clerk)

    assert "không có quyền" in info.value.message_dict["unit"][0]
    assert "Phú Khương" in info.value.message_dict["unit"][0]
    assert not Measurement.objects.exists()


def test_a_value_for_a_unit_outside_the_indicators_scope_is_refused(tree, city_secretary):
    broken_down = indicator(tree.ward, by_subunits=True)
    own_only = indicator(tree.city)

    with pytest.raises(ValidationError) as outside:
        measure(broken_down, tree.sibling, 1, D(2019, 12, 31), actor=city_secretary)
    with pytest.raises(ValidationError) as below:
        measure(own_only, tree.ward, 1, D(2019, 12, 31), actor=city_secretary)

    assert "ngoài phạm vi" in outside.value.message_dict["unit"][0]
    assert "các đơn vị trực thuộc" in outside.value.message_dict["unit"][0]
    assert "không theo dõi theo đơn vị trực thuộc" in below.value.message_dict["unit"][0]


def test_a_value_dated_in_the_future_is_refused(tree):
    ind = indicator(tree.city)
    errors = errors_of(lambda: measure(ind, tree.city, 1, dt.date.today() + dt.timedelta(days=2)))

    assert "tương lai" in errors["measured_on"][0]


def test_a_percentage_over_100_is_refused(tree):
    ind = indicator(tree.city, measure_unit="%", direction=Direction.AT_LEAST, target_value=95)

    assert "100" in errors_of(lambda: measure(ind, tree.city, 101, D(2019, 1, 1)))["value"][0]


def test_a_summed_indicator_takes_each_branch_at_one_level(tree):
    ind = indicator(tree.city, by_subunits=True)
    measure(ind, tree.ward, 4, D(2019, 12, 31))

    errors = errors_of(lambda: measure(ind, tree.cell, 1, D(2019, 12, 31)))
    assert "cộng trùng" in errors["unit"][0] and "cấp trên" in errors["unit"][0]
    errors = errors_of(lambda: measure(ind, tree.city, 9, D(2019, 12, 31)))
    assert "cấp dưới" in errors["unit"][0]


def test_a_second_entry_for_the_same_day_corrects_the_first(tree):
    ind = indicator(tree.city)
    measure(ind, tree.city, 12, D(2019, 12, 31))
    measure(ind, tree.city, 9, D(2019, 12, 31))

    assert selectors.indicator_value_at(ind, D(2020, 1, 1)) == 9


def flagged(ind, unit):
    return list(
        Measurement.objects.filter(indicator=ind, unit=unit, is_latest=True).values_list(
            "value", flat=True
        )
    )


def test_each_series_flags_exactly_its_latest_value_whatever_the_order_of_entry(tree):
    ind = indicator(tree.city, by_subunits=True)
    measure(ind, tree.ward, 7, D(2020, 12, 31))
    measure(ind, tree.ward, 4, D(2019, 12, 31))  # an older figure entered late
    measure(ind, tree.sibling, 3, D(2019, 12, 31))
    assert flagged(ind, tree.ward) == [Decimal(7)]
    assert flagged(ind, tree.sibling) == [Decimal(3)]

    measure(ind, tree.ward, 6, D(2020, 12, 31))  # the same day corrected: the later entry
    assert flagged(ind, tree.ward) == [Decimal(6)]
    assert selectors.latest_totals([ind.pk], D(2021, 1, 1))[ind.pk] == (Decimal(9), D(2020, 12, 31))

    Measurement.objects.filter(indicator=ind, unit=tree.ward, value=6).delete()
    assert flagged(ind, tree.ward) == [Decimal(7)]


def test_flagging_every_series_again_after_a_bulk_load_finds_the_same_values(tree):
    ind = indicator(tree.city, by_subunits=True)
    for unit, value, day in [(tree.ward, 4, D(2019, 12, 31)), (tree.ward, 7, D(2020, 6, 30)),
                             (tree.sibling, 3, D(2020, 6, 30))]:  # fmt: skip
        measure(ind, unit, value, day)
    Measurement.objects.update(is_latest=False)

    assert services.mark_every_latest() == 2
    assert flagged(ind, tree.ward) == [Decimal(7)] and flagged(ind, tree.sibling) == [Decimal(3)]


# --- evidence files --------------------------------------------------------------------------------
def test_a_pdf_evidence_is_kept_under_its_real_type(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ind = indicator(tree.city)
    upload = SimpleUploadedFile("Báo cáo số 45.PDF", PDF, content_type="application/pdf")

    m = measure(ind, tree.city, 3, D(2019, 12, 31), evidence=upload)

    assert m.evidence.name.endswith(".pdf")
    assert m.evidence.read() == PDF


def test_evidence_that_is_not_a_document_or_image_is_refused(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ind = indicator(tree.city)
    upload = SimpleUploadedFile(
        "bao-cao.pdf", b"MZ\x90\x00 a program", content_type="application/pdf"
    )

    errors = errors_of(lambda: measure(ind, tree.city, 3, D(2019, 12, 31), evidence=upload))

    assert "không phải tệp PDF" in errors["evidence"][0]
    assert not Measurement.objects.exists()


def test_evidence_over_the_size_limit_is_refused(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TRIENKHAI_MAX_EVIDENCE_BYTES = 1024
    ind = indicator(tree.city)
    upload = SimpleUploadedFile("anh.png", PNG + b"\x00" * 2048, content_type="image/png")

    errors = errors_of(lambda: measure(ind, tree.city, 3, D(2019, 12, 31), evidence=upload))

    assert "vượt quá giới hạn" in errors["evidence"][0]


# --- values summed up the tree ---------------------------------------------------------------------
def test_a_summed_value_adds_each_units_latest_value_at_a_date(tree):
    ind = indicator(tree.city, by_subunits=True, target_date=D(2025, 1, 1))
    measure(ind, tree.ward, 10, D(2018, 12, 31))
    measure(ind, tree.ward, 6, D(2019, 12, 31))
    measure(ind, tree.sibling, 8, D(2018, 12, 31))
    measure(ind, tree.board, 3, D(2020, 6, 30))

    assert selectors.indicator_value_at(ind, D(2018, 12, 31)) == 18
    assert selectors.indicator_value_at(ind, D(2019, 12, 31)) == 14  # the sibling's 2018 holds
    assert selectors.indicator_value_at(ind, D(2020, 12, 31)) == 17
    assert selectors.indicator_value_at(ind, D(2017, 12, 31)) is None


def test_the_breakdown_sums_each_branch(tree, admin_user):
    ind = indicator(tree.city, by_subunits=True, target_date=D(2025, 1, 1))
    measure(ind, tree.cell, 5, D(2019, 12, 31))
    measure(ind, tree.sibling, 8, D(2019, 12, 31))

    rows = {r.unit.name: r for r in selectors.indicator_breakdown(admin_user, ind)}

    assert rows["Đảng ủy Phường An Hội"].value == 5  # its cell's value
    assert rows["Đảng ủy Phường Phú Khương"].value == 8
    assert rows["Ban Tuyên giáo Thành ủy"].value is None


def test_the_breakdown_shows_a_ward_only_its_own_branch(tree, ward_clerk):
    ind = indicator(tree.city, by_subunits=True, target_date=D(2025, 1, 1))
    measure(ind, tree.ward, 5, D(2019, 12, 31))
    measure(ind, tree.sibling, 8, D(2019, 12, 31))

    rows = selectors.indicator_breakdown(ward_clerk, ind)
    seen = selectors.indicator_measurements(ward_clerk, ind)

    assert [r.unit for r in rows] == [tree.ward]
    assert [m.unit for m in seen] == [tree.ward]


def test_an_indicator_not_summed_takes_only_its_own_units_value(tree):
    ind = indicator(
        tree.city,
        measure_unit="%",
        direction=Direction.AT_LEAST,
        target_value=Decimal(95),
        by_subunits=True,
        rollup=Rollup.NONE,
    )
    measure(ind, tree.ward, 80, D(2019, 12, 31))
    measure(ind, tree.city, 90, D(2019, 12, 31))

    assert selectors.indicator_value_at(ind, D(2020, 1, 1)) == 90


def test_a_value_recorded_after_the_deadline_does_not_make_a_missed_target_met(tree):
    ind = indicator(tree.city, baseline_value=Decimal(20), baseline_year=2015)
    measure(ind, tree.city, 15, D(2020, 12, 31))
    measure(ind, tree.city, 5, D(2021, 6, 30))

    totals = selectors.latest_totals([ind.pk], D(2022, 1, 1))
    assessment = selectors.indicator_assessment(ind, D(2022, 1, 1))

    assert totals[ind.pk] == (Decimal(15), D(2020, 12, 31))
    assert assessment.status == S.MISSED


# --- the Five No's ---------------------------------------------------------------------------------
def test_the_five_nos_at_the_end_of_2020(five_nos):
    today = D(2021, 3, 1)
    statuses = {
        name: selectors.indicator_assessment(ind, today).status for name, ind in five_nos.items()
    }

    assert statuses == {
        "Hộ ở nhà tạm": S.ACHIEVED,
        "Người lang thang, xin ăn địa phương": S.MISSED,
        "Tỷ lệ thu gom rác thải": S.ACHIEVED,
        "Số vụ phạm tội về ma túy": S.ACHIEVED,
        "Số vụ trộm cắp tài sản": S.MISSED,
    }


def test_the_five_nos_midway(five_nos):
    """At the start of 2019 (values of 2018, 60 % of the time gone)."""
    today = D(2019, 1, 1)
    got = {name: selectors.indicator_assessment(ind, today) for name, ind in five_nos.items()}

    assert got["Hộ ở nhà tạm"].value == 250 and got["Hộ ở nhà tạm"].status == S.ON_TRACK
    assert got["Tỷ lệ thu gom rác thải"].value == 88  # 72 % done
    assert got["Tỷ lệ thu gom rác thải"].status == S.ON_TRACK
    assert got["Số vụ trộm cắp tài sản"].value == 105  # 64 % done
    assert got["Số vụ trộm cắp tài sản"].status == S.ON_TRACK


def test_the_series_over_years_sums_the_wards(five_nos):
    series = dict(selectors.indicator_series(five_nos["Hộ ở nhà tạm"], D(2021, 3, 1)))

    assert series == {2015: 1200, 2016: 900, 2017: 550, 2018: 250, 2019: 60, 2020: 0}


def test_indicators_off_track_in_a_subtree_in_two_queries(
    tree, five_nos, django_assert_num_queries
):
    with django_assert_num_queries(2):
        found = selectors.indicators_off_track(tree.city.path, today=D(2021, 3, 1))

    assert [i.name for i in found] == [
        "Người lang thang, xin ăn địa phương",
        "Số vụ trộm cắp tài sản",
    ]
    assert all(i.assessment.status == S.MISSED for i in found)
    assert found[0].value == 3


def test_indicators_off_track_stay_in_their_subtree(tree, five_nos):
    ward_indicator = indicator(
        tree.ward, baseline_value=Decimal(50), baseline_year=2015, target_value=Decimal(10)
    )
    measure(ward_indicator, tree.ward, 49, D(2019, 12, 31))
    indicator(tree.sibling, target_value=Decimal(1))  # no data yet: not off track

    in_ward = selectors.indicators_off_track(tree.ward.path, today=D(2020, 1, 1))
    in_sibling = selectors.indicators_off_track(tree.sibling.path, today=D(2020, 1, 1))

    assert [i.pk for i in in_ward] == [ward_indicator.pk]
    assert in_ward[0].assessment.status == S.AT_RISK
    assert in_sibling == []


def test_indicators_off_track_can_be_narrowed(tree, five_nos):
    only = Indicator.objects.filter(name="Số vụ trộm cắp tài sản")

    found = selectors.indicators_off_track(tree.province.path, today=D(2021, 3, 1), queryset=only)

    assert [i.name for i in found] == ["Số vụ trộm cắp tài sản"]


def test_indicators_off_track_can_be_limited_and_counted(tree, five_nos):
    today = D(2021, 3, 1)

    first = selectors.indicators_off_track(tree.city.path, today=today, limit=1)
    counts = selectors.indicator_status_counts(tree.city.path, today=today)

    assert [i.name for i in first] == ["Người lang thang, xin ăn địa phương"]
    assert counts == {"achieved": 3, "on_track": 0, "at_risk": 0, "missed": 2, "no_data": 0}
