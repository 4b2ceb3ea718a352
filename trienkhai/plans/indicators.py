"""Indicators (chỉ tiêu): the status rule, and the writes — defining them, entering measurements.

The status of an indicator is computed, never typed: `assess` is the one place that says when an
indicator is achieved, on track, at risk or missed; the page shows the same rule in words
(templates/plans/programmes/partials/status_rule.html), and the tests go through it direction
by direction. The values it judges are read by `selectors_programmes` (summed up the tree in
the database).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, numberformat, timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents import files as document_files
from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.lib import dates
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from . import rules
from .models import Direction, Indicator, Measurement, Programme, Rollup


# --- the status rule ----------------------------------------------------------------------------
class IndicatorStatus(models.TextChoices):
    ACHIEVED = "achieved", gettext_lazy("Đã đạt")
    ON_TRACK = "on_track", gettext_lazy("Đúng tiến độ")
    AT_RISK = "at_risk", gettext_lazy("Có nguy cơ không đạt")
    MISSED = "missed", gettext_lazy("Không đạt")
    NO_DATA = "no_data", gettext_lazy("Chưa đủ số liệu")


OFF_TRACK = frozenset({IndicatorStatus.AT_RISK, IndicatorStatus.MISSED})
# How far progress may lag behind the time elapsed and still count as on track.
TOLERANCE_POINTS = 10
UP, DOWN = "up", "down"


def wanted_way(direction: str, goal: Decimal | None, baseline: Decimal | None) -> str:
    """Which way the value should move: up for "at least", down for "at most" and "eliminate";
    for "reach a level", from the baseline toward the goal (up when there is no baseline)."""
    if direction in (Direction.AT_MOST, Direction.ELIMINATE):
        return DOWN
    if direction == Direction.REACH and baseline is not None and goal is not None:
        return DOWN if baseline > goal else UP
    return UP


def meets_goal(
    direction: str, goal: Decimal, value: Decimal, baseline: Decimal | None = None
) -> bool:
    """True when `value` satisfies the goal: ≥ goal for "at least", ≤ goal for "at most",
    0 (or less) for "eliminate", and for "reach a level" the goal reached or passed coming
    from the baseline."""
    if direction == Direction.ELIMINATE:
        return value <= 0
    if wanted_way(direction, goal, baseline) == UP:
        return value >= goal
    return value <= goal


@dataclass(frozen=True)
class Assessment:
    """The status of an indicator and the numbers that decided it."""

    status: str
    value: Decimal | None = None  # the value judged (latest measurement, else the baseline)
    progress: int | None = None  # % of the way from the baseline to the goal, 0–100
    time_share: int | None = None  # % of the time from the baseline to the target end, 0–100
    from_baseline: bool = False  # no measurement yet: the baseline value was judged

    @property
    def label(self) -> str:
        return IndicatorStatus(self.status).label

    @property
    def is_off_track(self) -> bool:
        return self.status in OFF_TRACK


def clock_start(baseline_year: int, target_end: dt.date) -> dt.date:
    """When the clock of an indicator starts: the end of its baseline year (the baseline is that
    year's figure), or its first day when the target falls due in that same year."""
    if baseline_year < target_end.year:
        return dt.date(baseline_year, 12, 31)
    return dt.date(baseline_year, 1, 1)


def _clamp(share: Decimal) -> Decimal:
    return max(Decimal(0), min(Decimal(1), share))


def assess(
    *,
    direction: str,
    goal: Decimal | None,
    target_end: dt.date | None,
    value: Decimal | None,
    baseline_value: Decimal | None,
    baseline_year: int | None,
    today: dt.date,
) -> Assessment:
    """The status of an indicator on `today`, given the value to judge.

    `value` is the indicator's latest value up to the end of the target period (or up to
    today while the period runs): the latest measurement of its unit, or, for an indicator
    broken down by sub-units and summed, the sum of each unit's latest measurement. With no
    measurement the baseline value is judged.

    1. No goal or no deadline: NO_DATA (nothing to judge against).
    2. No value at all (no measurement, no baseline): MISSED if the period has ended, else
       NO_DATA.
    3. The value meets the goal by the direction (`meets_goal`): ACHIEVED.
    4. The target period has ended (today is after `target_end`): MISSED.
    5. No baseline value or year: NO_DATA (progress cannot be measured).
    6. The baseline already met the goal (a level to keep) and the value no longer does:
       AT_RISK.
    7. Otherwise progress = (value − baseline) / (goal − baseline) and time share =
       (today − start) / (target_end − start), both bounded to 0–100 %, where start is
       `clock_start` (the end of the baseline year). ON_TRACK when
       progress ≥ time share − TOLERANCE_POINTS (10 points), else AT_RISK.

    The progress and time share are reported (as whole percentages, rounded down) whenever
    there is a baseline, whatever the status; an achieved indicator reports 100 % progress.
    """
    if goal is None or target_end is None:
        return Assessment(IndicatorStatus.NO_DATA, value)
    from_baseline = value is None
    judged = baseline_value if value is None else value
    ended = today > target_end
    if judged is None:
        return Assessment(IndicatorStatus.MISSED if ended else IndicatorStatus.NO_DATA)
    progress, time_share = _shares(
        direction, goal, judged, baseline_value, baseline_year, target_end, today
    )
    common = {
        "value": judged,
        "from_baseline": from_baseline,
        "time_share": None if time_share is None else int(time_share * 100),
    }
    if meets_goal(direction, goal, judged, baseline_value):
        return Assessment(IndicatorStatus.ACHIEVED, progress=100, **common)
    shown = None if progress is None else int(progress * 100)
    if ended:
        return Assessment(IndicatorStatus.MISSED, progress=shown, **common)
    if progress is None:
        return Assessment(IndicatorStatus.NO_DATA, **common)
    if meets_goal(direction, goal, baseline_value, baseline_value):
        return Assessment(IndicatorStatus.AT_RISK, progress=shown, **common)
    status = (
        IndicatorStatus.ON_TRACK
        if progress * 100 >= time_share * 100 - TOLERANCE_POINTS
        else IndicatorStatus.AT_RISK
    )
    return Assessment(status, progress=shown, **common)


def _shares(direction, goal, value, baseline_value, baseline_year, target_end, today):
    """(progress, time share) as fractions 0–1 for `assess`; (None, None) with no baseline.
    Progress is 0 for a level the baseline already met (there was no way to go)."""
    if baseline_value is None or baseline_year is None:
        return None, None
    start = clock_start(baseline_year, target_end)
    total_days = (target_end - start).days
    elapsed = Decimal((today - start).days)
    time_share = _clamp(elapsed / total_days) if total_days > 0 else Decimal(1)
    if meets_goal(direction, goal, baseline_value, baseline_value):
        return Decimal(0), time_share
    return _clamp((value - baseline_value) / (goal - baseline_value)), time_share


def assess_indicator(indicator: Indicator, value: Decimal | None, today: dt.date) -> Assessment:
    """`assess` with the indicator's own direction, goal, deadline and baseline."""
    return assess(
        direction=indicator.direction,
        goal=indicator.goal,
        target_end=indicator.target_end,
        value=value,
        baseline_value=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        today=today,
    )


def cutoff(indicator: Indicator, today: dt.date) -> dt.date:
    """The last day whose measurements count for the status: today, or the end of the target
    period once it has passed (a value recorded later does not make a missed target met)."""
    if indicator.target_end is not None and indicator.target_end < today:
        return indicator.target_end
    return today


# --- numbers as officials write them ------------------------------------------------------------
def plain_decimal(value: Decimal) -> Decimal:
    """1200.0000 → 1200, 12.5000 → 12.5 (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_number(value: Decimal | int | float | None) -> str:
    """A value in the reader's language: 1.200 and 12,5 in Vietnamese; 1,200 and 12.5 in
    English. Empty for no value."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    # Vietnamese formats set no grouping; officials group thousands (1.200 hộ), so we do too.
    return numberformat.format(
        plain_decimal(value),
        formats.get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


# --- evidence files -----------------------------------------------------------------------------
EVIDENCE_KINDS = {
    "pdf": ("pdf", "application/pdf"),
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def evidence_limit() -> int:
    return settings.TRIENKHAI_MAX_EVIDENCE_BYTES


def _sniff(data: bytes) -> str | None:
    """The real kind of an evidence file from its content (the register's sniffer), or None
    when it is not one of the kinds accepted as evidence."""
    kind = document_files._sniff(data)
    return kind if kind in EVIDENCE_KINDS else None


def check_evidence(uploaded) -> tuple[str, bytes]:
    """(kind, bytes) of an acceptable evidence file, or a ValidationError on `evidence` that
    says what is wrong: too large, empty, or not a PDF, an image, a Word or Excel file."""
    name = getattr(uploaded, "name", "") or "tep"
    limit = evidence_limit()
    size = getattr(uploaded, "size", None)

    def too_large(actual: int) -> ValidationError:
        return ValidationError(
            {
                "evidence": _(
                    "Tệp minh chứng “%(name)s” có dung lượng %(size)s MB, vượt quá giới hạn "
                    "%(limit)s MB. Hãy giảm dung lượng (ví dụ chụp ảnh nhỏ hơn) rồi chọn lại tệp."
                )
                % {
                    "name": name,
                    "size": format_number(round(Decimal(actual) / (1024 * 1024), 1)),
                    "limit": format_number(Decimal(limit) / (1024 * 1024)),
                }
            }
        )

    if size is not None and size > limit:
        raise too_large(size)
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data))
    if not data:
        raise ValidationError({"evidence": _("Tệp minh chứng “%(name)s” rỗng.") % {"name": name}})
    kind = _sniff(data)
    if kind is None:
        raise ValidationError(
            {
                "evidence": _(
                    "Tệp minh chứng “%(name)s” không phải tệp PDF, ảnh (JPEG, PNG), Word (.docx) "
                    "hoặc Excel (.xlsx). Hãy lưu lại dưới một trong các dạng đó rồi chọn lại tệp."
                )
                % {"name": name}
            }
        )
    return kind, data


def _evidence_name(original: str, kind: str) -> str:
    """The stored name: the original stem, with the extension of what the file really is."""
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    try:
        stem = get_valid_filename(stem)[:80]
    except Exception:  # SuspiciousFileOperation for names made only of dots
        stem = ""
    return f"{stem or 'minh-chung'}.{EVIDENCE_KINDS[kind][0]}"


# --- writes --------------------------------------------------------------------------------------
INDICATOR_FIELDS = [
    "programme",
    "document",
    "unit",
    "name",
    "measure_unit",
    "direction",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_date",
    "target_precision",
    "by_subunits",
    "rollup",
    "position",
]
MIN_YEAR, MAX_YEAR = 1945, 2100


def _is_percent(measure_unit: str) -> bool:
    return measure_unit.strip().lower() in {"%", "phần trăm", "percent", "tỷ lệ %", "tỉ lệ %"}


def _check_indicator(ind: Indicator, actor, today: dt.date | None = None) -> None:
    """Every meaning check of an indicator's definition, errors keyed by form field. Its unit
    must still be active on `today` (the day it is set; the current date by default)."""
    errors: dict[str, str] = {}
    ind.name = (ind.name or "").strip()
    ind.measure_unit = (ind.measure_unit or "").strip()
    if not ind.name:
        errors["name"] = _("Hãy nhập tên chỉ tiêu.")
    if not ind.measure_unit:
        errors["measure_unit"] = _(
            "Chỉ tiêu phải có đơn vị tính (ví dụ: hộ, người, vụ, %, điểm) thì số liệu mới so "
            "sánh được."
        )
    if ind.direction not in Direction.values:
        errors["direction"] = _("Hãy chọn hướng của chỉ tiêu.")
    if ind.programme_id and ind.document_id and ind.document_id != ind.programme.document_id:
        # An indicator of a programme carries out the programme's own document.
        errors["document"] = _("Chỉ tiêu của chương trình “%(title)s” thuộc văn bản %(doc)s.") % {
            "title": ind.programme.title,
            "doc": ind.programme.document,
        }
    if ind.direction == Direction.ELIMINATE:
        ind.target_value = Decimal(0)
    elif ind.target_value is None and "direction" not in errors:
        errors["target_value"] = _("Hãy nhập giá trị mục tiêu của chỉ tiêu.")
    if ind.target_date is None:
        errors["target_date"] = _(
            "Chỉ tiêu có mục tiêu thì phải có thời hạn đạt, ví dụ: 2020, 12-2020 hoặc quý IV/2020."
        )
    if ind.baseline_value is not None and ind.baseline_year is None:
        errors["baseline_year"] = _("Hãy nhập năm của giá trị ban đầu.")
    if ind.baseline_year is not None and ind.baseline_value is None:
        errors["baseline_value"] = _("Hãy nhập giá trị ban đầu của năm %(year)s.") % {
            "year": ind.baseline_year
        }
    if ind.baseline_year is not None and not MIN_YEAR <= ind.baseline_year <= MAX_YEAR:
        errors["baseline_year"] = _("Năm gốc phải trong khoảng %(a)s–%(b)s.") % {
            "a": MIN_YEAR,
            "b": MAX_YEAR,
        }
    elif (
        ind.baseline_year is not None
        and ind.target_date is not None
        and ind.baseline_year > ind.target_date.year
    ):
        errors["baseline_year"] = _(
            "Năm gốc %(base)s ở sau năm của thời hạn đạt (%(target)s): giá trị ban đầu phải được "
            "đo trước khi hết hạn."
        ) % {"base": ind.baseline_year, "target": ind.target_date.year}
    if _is_percent(ind.measure_unit):
        for field in ("target_value", "baseline_value"):
            value = getattr(ind, field)
            if value is not None and not 0 <= value <= 100 and field not in errors:
                errors[field] = _("Tỷ lệ phần trăm phải từ 0 đến 100.")
        if ind.by_subunits and ind.rollup == Rollup.SUM:
            errors["rollup"] = _(
                "Không thể cộng tỷ lệ phần trăm của các đơn vị trực thuộc. Hãy chọn “Không cộng "
                "dồn” (đơn vị nhập tỷ lệ chung của mình)."
            )
    if (
        ind.direction == Direction.ELIMINATE
        and ind.baseline_value is not None
        and ind.baseline_value < 0
    ):
        errors["baseline_value"] = _("Giá trị ban đầu của chỉ tiêu xóa bỏ không thể âm.")
    if ind.programme_id is not None:
        owner = ind.programme.owner_unit
        if ind.unit_id and not ind.unit.path.startswith(owner.path):
            errors["unit"] = _(
                "Đơn vị của chỉ tiêu phải là %(owner)s (đơn vị chủ trì chương trình) hoặc một "
                "đơn vị trực thuộc."
            ) % {"owner": owner.name}
    if (
        ind.unit_id
        and ind.unit.ended_on is not None
        and ind.unit.ended_on <= (today or timezone.localdate())
        and "unit" not in errors
    ):
        errors["unit"] = _("%(unit)s đã kết thúc hoạt động, không thể giao chỉ tiêu mới.") % {
            "unit": ind.unit.name
        }
    if ind.document_id and actor is not None and not document_rules.can_view(actor, ind.document):
        errors["document"] = _("Không tìm thấy văn bản, hoặc bạn không có quyền xem văn bản đó.")
    if errors:
        raise ValidationError(errors)


def _require_edit(actor, unit: Unit, field: str = "unit") -> None:
    if actor is not None and not org_rules.can_edit_unit(actor, unit):
        raise ValidationError(
            {field: _("Bạn không có quyền giao chỉ tiêu cho %(unit)s.") % {"unit": unit.name}}
        )


@transaction.atomic
def indicator_create(
    *,
    actor,
    unit: Unit,
    name: str,
    measure_unit: str,
    direction: str,
    target_date: dt.date | None,
    target_precision: str = dates.YEAR,
    target_value: Decimal | None = None,
    baseline_value: Decimal | None = None,
    baseline_year: int | None = None,
    programme: Programme | None = None,
    document: Document | None = None,
    by_subunits: bool = False,
    rollup: str = Rollup.SUM,
    position: int | None = None,
    today: dt.date | None = None,
) -> Indicator:
    """Define an indicator for `unit`, under a programme (whose document it carries) or a
    document. Raises ValidationError keyed by form field for every bad input. `today` is the day
    it is set (an indicator of 2015 recorded later gives its 2015 date)."""
    if programme is not None:
        if actor is not None and not rules.can_edit_programme(actor, programme):
            raise ValidationError(
                _("Bạn không có quyền thêm chỉ tiêu vào chương trình “%(title)s”.")
                % {"title": programme.title}
            )
        document = document or programme.document
    _require_edit(actor, unit)
    if position is None:
        scope = Indicator.objects.filter(programme=programme) if programme else None
        position = (scope.count() + 1) if scope is not None else 0
    indicator = Indicator(
        programme=programme,
        document=document,
        unit=unit,
        name=name,
        measure_unit=measure_unit,
        direction=direction,
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        target_value=target_value,
        target_date=target_date,
        target_precision=target_precision or dates.YEAR,
        by_subunits=by_subunits,
        rollup=rollup or Rollup.SUM,
        position=position,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _check_indicator(indicator, actor, today)
    indicator.save()
    audit_record(
        actor=actor,
        obj=indicator,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, snapshot(indicator, INDICATOR_FIELDS)),
        note=f"Chương trình: {programme.title}" if programme else "",
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, **data) -> Indicator:
    """Change an indicator's definition. Its unit, and its breakdown by sub-units, stay fixed
    once values are entered for units they would no longer cover."""
    unknown = set(data) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"indicator_update cannot change {sorted(unknown)}")
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("unit", "programme")
        .get(pk=indicator.pk)
    )
    if actor is not None and not rules.can_edit_indicator(actor, indicator):
        raise ValidationError(_("Bạn không có quyền sửa chỉ tiêu này."))
    before = snapshot(indicator, INDICATOR_FIELDS)
    unit_before = indicator.unit_id
    for field, value in data.items():
        setattr(indicator, field, value)
    if "unit" in data:
        _require_edit(actor, indicator.unit)
    _check_indicator(indicator, actor)
    measured = Measurement.objects.filter(indicator=indicator)
    stranded = measured.exclude(unit__path__startswith=indicator.unit.path)
    if not indicator.by_subunits:
        stranded = measured.exclude(unit=indicator.unit)
    other = stranded.select_related("unit").first()
    if other is not None:
        field = "unit" if indicator.unit_id != unit_before else "by_subunits"
        raise ValidationError(
            {
                field: _(
                    "Chỉ tiêu đã có số liệu của %(unit)s; thay đổi này sẽ để số liệu đó nằm "
                    "ngoài phạm vi chỉ tiêu. Giữ nguyên, hoặc tạo chỉ tiêu mới."
                )
                % {"unit": other.unit.name}
            }
        )
    if indicator.by_subunits and indicator.rollup == Rollup.SUM:
        clash = _nested_measured_units(indicator)
        if clash:
            raise ValidationError(
                {
                    "rollup": _(
                        "Không thể cộng dồn: %(upper)s và %(lower)s (cấp dưới của nó) đều đã có "
                        "số liệu, cộng lại sẽ bị trùng."
                    )
                    % {"upper": clash[0].name, "lower": clash[1].name}
                }
            )
    indicator.save()
    changes = diff(before, snapshot(indicator, INDICATOR_FIELDS))
    if changes:
        audit_record(actor=actor, obj=indicator, action=AuditEntry.Action.UPDATE, changes=changes)
    return indicator


def _nested_measured_units(indicator: Indicator) -> tuple[Unit, Unit] | None:
    """Two measured units of the indicator, one above the other, if any (their values would be
    counted twice in a sum)."""
    paths = sorted(
        set(Measurement.objects.filter(indicator=indicator).values_list("unit__path", flat=True))
    )
    for upper, lower in zip(paths, paths[1:], strict=False):
        if lower.startswith(upper):
            units = {u.path: u for u in Unit.objects.filter(path__in=[upper, lower])}
            return units[upper], units[lower]
    return None


def mark_latest(indicator_id: int, unit_id: int) -> None:
    """Flag the last value of the series (indicator, unit) as its latest and no other.

    The indicator's row is locked first, so two values entered at once for the same indicator
    are flagged one after the other and the later transaction sees the earlier one's value."""
    list(Indicator.objects.select_for_update().filter(pk=indicator_id).values_list("pk"))
    series = Measurement.objects.filter(indicator_id=indicator_id, unit_id=unit_id)
    last = series.order_by("-measured_on", "-pk").values_list("pk", flat=True).first()
    series.filter(is_latest=True).exclude(pk=last).update(is_latest=False)
    if last is not None:
        series.filter(pk=last, is_latest=False).update(is_latest=True)


def mark_every_latest() -> int:
    """Flag the latest value of every series (after a bulk load that bypassed the services);
    returns how many values are flagged."""
    newer = Measurement.objects.filter(
        indicator=OuterRef("indicator"), unit=OuterRef("unit")
    ).filter(
        Q(measured_on__gt=OuterRef("measured_on"))
        | Q(measured_on=OuterRef("measured_on"), pk__gt=OuterRef("pk"))
    )
    Measurement.objects.filter(is_latest=True).update(is_latest=False)
    return Measurement.objects.filter(~Exists(newer)).update(is_latest=True)


def measurement_scope_error(indicator: Indicator, unit: Unit) -> str | None:
    """Why `unit` may not carry a value of `indicator`, or None when it may."""
    if unit.pk == indicator.unit_id:
        return None
    if indicator.by_subunits and unit.path.startswith(indicator.unit.path):
        return None
    if indicator.by_subunits:
        return _(
            "%(unit)s nằm ngoài phạm vi của chỉ tiêu: chỉ tiêu này của %(owner)s, chỉ nhận số "
            "liệu của %(owner)s và các đơn vị trực thuộc."
        ) % {"unit": unit.name, "owner": indicator.unit.name}
    return _(
        "%(unit)s nằm ngoài phạm vi của chỉ tiêu: chỉ tiêu này của %(owner)s và không theo dõi "
        "theo đơn vị trực thuộc, nên chỉ nhận số liệu của %(owner)s."
    ) % {"unit": unit.name, "owner": indicator.unit.name}


@transaction.atomic
def measurement_add(
    *,
    actor,
    indicator: Indicator,
    unit: Unit,
    value: Decimal,
    measured_on: dt.date,
    source: str = "",
    evidence=None,
) -> Measurement:
    """Record a value of `indicator` for `unit` on `measured_on`, with its source and evidence.

    A later entry for the same unit and date is the correction: the latest entry wins.
    """
    indicator = Indicator.objects.select_related("unit").get(pk=indicator.pk)
    scope_error = measurement_scope_error(indicator, unit)
    if scope_error:
        raise ValidationError({"unit": scope_error})
    if actor is not None and not rules.can_measure(actor, indicator, unit):
        raise ValidationError(
            {"unit": _("Bạn không có quyền nhập số liệu cho %(unit)s.") % {"unit": unit.name}}
        )
    errors: dict[str, str] = {}
    if value is None:
        errors["value"] = _("Hãy nhập giá trị.")
    elif _is_percent(indicator.measure_unit) and not 0 <= value <= 100:
        errors["value"] = _("Tỷ lệ phần trăm phải từ 0 đến 100.")
    elif indicator.direction == Direction.ELIMINATE and value < 0:
        errors["value"] = _("Số liệu của chỉ tiêu xóa bỏ không thể âm.")
    if measured_on is None:
        errors["measured_on"] = _("Hãy nhập ngày của số liệu.")
    elif measured_on > dt.date.today():
        errors["measured_on"] = _(
            "Ngày số liệu %(day)s ở tương lai. Hãy nhập ngày số liệu được tổng hợp."
        ) % {"day": dates.format_vi(measured_on)}
    elif measured_on.year < MIN_YEAR:
        errors["measured_on"] = _("Ngày số liệu không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    if indicator.by_subunits and indicator.rollup == Rollup.SUM:
        _check_one_level(indicator, unit)
    measurement = Measurement(
        indicator=indicator,
        unit=unit,
        value=value,
        measured_on=measured_on,
        source=(source or "").strip(),
        entered_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if evidence:
        kind, data = check_evidence(evidence)
        measurement.evidence.save(
            _evidence_name(getattr(evidence, "name", ""), kind), ContentFile(data), save=False
        )
    measurement.save()
    audit_record(
        actor=actor,
        obj=measurement,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, snapshot(measurement, ["unit", "value", "measured_on", "source"])),
        note=f"Chỉ tiêu: {indicator.name}",
    )
    return measurement


def _check_one_level(indicator: Indicator, unit: Unit) -> None:
    """In a summed indicator each branch reports at one level, or its values count twice."""
    step = Unit.steplen
    above = [unit.path[:end] for end in range(step, len(unit.path), step)]
    other = (
        Measurement.objects.filter(indicator=indicator)
        .filter(Q(unit__path__in=above) | Q(unit__path__startswith=unit.path))
        .exclude(unit=unit)
        .select_related("unit")
        .first()
    )
    if other is not None:
        relation = _("cấp trên") if len(other.unit.path) < len(unit.path) else _("cấp dưới")
        raise ValidationError(
            {
                "unit": _(
                    "Chỉ tiêu này cộng dồn số liệu các đơn vị và đã có số liệu của %(other)s "
                    "(%(relation)s của %(unit)s): nhập thêm cho %(unit)s sẽ bị cộng trùng. Mỗi "
                    "nhánh chỉ nhập số liệu ở một cấp."
                )
                % {"other": other.unit.name, "relation": relation, "unit": unit.name}
            }
        )
