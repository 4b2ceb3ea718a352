"""Who a survey asks and how many forms go where: target groups, the total number of forms,
the allocation of that total to units and groups, the period; opening and closing; and the
one-time codes printed on paper forms or sent as personal links.

Codes are drawn with `secrets` from an alphabet without look-alike characters (no I, O, 0, 1):
10 characters of 32, i.e. 50 bits, so a code cannot be guessed. The audit log records each
batch of codes (how many, which kind, for which allocations), never a code's use.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot

from . import anonymity
from .models import Allocation, Code, CodeKind, Question, Survey, SurveyStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODE_GROUP = 5
MAX_EXTRA = 1000
MAX_FORMS = 1_000_000
_LOOKUP_CHUNK = 500


# --- codes as text ------------------------------------------------------------------------------
def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def code_link(code: str) -> str:
    """The personal link that opens the form for this code."""
    try:
        path = reverse("respond:form", kwargs={"code": code})
    except NoReverseMatch:
        path = f"/s/{code}/"
    return f"{settings.TRIENKHAI_SITE_URL}{path}"


# --- audience -----------------------------------------------------------------------------------
def _names(items) -> list[str]:
    return sorted(str(x) for x in items)


@transaction.atomic
def audience_update(
    *,
    actor,
    survey: Survey,
    target_groups,
    total_forms: int,
    opens_on,
    closes_on,
    record_group: bool,
    record_unit: bool,
    double_entry: bool,
) -> None:
    """Who is asked, how many forms, when, and what is recorded about each respondent."""
    errors = {}
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("Ngày đóng phải sau ngày mở khảo sát.")
    if total_forms is None or total_forms < 0 or total_forms > MAX_FORMS:
        errors["total_forms"] = _("Tổng số phiếu phải từ 0 đến %(n)s.") % {"n": MAX_FORMS}
    if survey.responses.exists() and (
        record_group != survey.record_group or record_unit != survey.record_unit
    ):
        errors["record_group"] = _(
            "Đã có phiếu trả lời: không thể đổi việc ghi nhận nhóm đối tượng, đơn vị của người "
            "trả lời nữa."
        )
    groups = list(target_groups or [])
    if groups:
        used = (
            survey.allocations.exclude(target_group=None)
            .exclude(target_group__in=groups)
            .select_related("target_group")
            .first()
        )
        if used is not None:
            errors["target_groups"] = _(
                "Đối tượng “%(group)s” đang được phân bổ phiếu: hãy bỏ các dòng phân bổ của đối "
                "tượng này trước."
            ) % {"group": used.target_group}
    if errors:
        raise ValidationError(errors)
    fields = ["total_forms", "opens_on", "closes_on", "record_group", "record_unit", "double_entry"]
    before = snapshot(survey, fields)
    before_groups = _names(survey.target_groups.all())
    survey.total_forms, survey.opens_on, survey.closes_on = total_forms, opens_on, closes_on
    survey.record_group, survey.record_unit = bool(record_group), bool(record_unit)
    survey.double_entry = bool(double_entry)
    survey.save(update_fields=[*fields, "updated_at"])
    survey.target_groups.set(groups)
    changes = diff(before, snapshot(survey, fields))
    after_groups = _names(groups)
    if before_groups != after_groups:
        changes["target_groups"] = ["; ".join(before_groups), "; ".join(after_groups)]
    if changes:
        audit_record(actor=actor, obj=survey, action=AuditEntry.Action.UPDATE, changes=changes)


def _allocation_label(allocation: Allocation) -> str:
    if allocation.target_group_id:
        return f"{allocation.unit.name} · {allocation.target_group.name}"
    return allocation.unit.name


@transaction.atomic
def allocation_save(*, actor, survey: Survey, unit, target_group, forms: int) -> Allocation:
    """Give `forms` forms to a unit (and group), or change the number it has."""
    if not unit.path.startswith(survey.owner_unit.path):
        raise ValidationError(
            {"unit": _("Chỉ phân bổ phiếu cho đơn vị thực hiện khảo sát và các đơn vị trực thuộc.")}
        )
    if target_group is not None:
        groups = survey.target_groups.all()
        if groups.exists() and not groups.filter(pk=target_group.pk).exists():
            raise ValidationError(
                {"target_group": _("Đối tượng này không nằm trong đối tượng khảo sát đã chọn.")}
            )
    if forms is None or forms < 1 or forms > MAX_FORMS:
        raise ValidationError({"forms": _("Số phiếu phải là số nguyên dương.")})
    allocation = (
        # of=self: the model's ordering joins target_group, which may be empty (any group), and
        # PostgreSQL refuses to lock the nullable side of an outer join.
        Allocation.objects.select_for_update(of=("self",))
        .filter(survey=survey, unit=unit, target_group=target_group)
        .first()
    )
    if allocation is None:
        allocation = Allocation.objects.create(
            survey=survey, unit=unit, target_group=target_group, forms=forms
        )
        note = _("Phân bổ %(n)d phiếu cho %(who)s.")
    else:
        _check_not_below_codes(allocation, forms)
        allocation.forms = forms
        allocation.save(update_fields=["forms"])
        note = _("Sửa số phiếu của %(who)s thành %(n)d.")
    audit_record(
        actor=actor,
        obj=survey,
        action=AuditEntry.Action.UPDATE,
        note=note % {"n": forms, "who": _allocation_label(allocation)},
    )
    return allocation


def _check_not_below_codes(allocation: Allocation, forms: int) -> None:
    made = allocation.codes.count()
    if forms < made:
        raise ValidationError(
            {
                "forms": _(
                    "%(who)s đã được tạo %(made)d mã phiếu: số phiếu không thể ít hơn số đó."
                )
                % {"who": _allocation_label(allocation), "made": made}
            }
        )


@transaction.atomic
def allocations_update(*, actor, survey: Survey, forms_by_id: dict[int, int]) -> int:
    """Change the numbers of several allocations at once (0 removes a line without codes);
    returns how many changed."""
    allocations = {
        a.pk: a
        for a in survey.allocations.select_for_update(of=("self",)).select_related(
            "unit", "target_group"
        )
    }
    changed = 0
    notes = []
    for pk, forms in forms_by_id.items():
        allocation = allocations.get(pk)
        if allocation is None or forms == allocation.forms:
            continue
        if forms is None or forms < 0 or forms > MAX_FORMS:
            raise ValidationError({"forms": _("Số phiếu phải là số nguyên không âm.")})
        _check_not_below_codes(allocation, forms)
        if forms == 0:
            notes.append(_("Bỏ phân bổ của %(who)s.") % {"who": _allocation_label(allocation)})
            allocation.delete()
        else:
            notes.append(
                _("%(who)s: %(old)d → %(new)d phiếu.")
                % {"who": _allocation_label(allocation), "old": allocation.forms, "new": forms}
            )
            allocation.forms = forms
            allocation.save(update_fields=["forms"])
        changed += 1
    if notes:
        audit_record(actor=actor, obj=survey, action=AuditEntry.Action.UPDATE, note=" ".join(notes))
    return changed


@transaction.atomic
def allocation_delete(*, actor, allocation: Allocation) -> None:
    if allocation.codes.exists():
        raise ValidationError(
            _("%(who)s đã có mã phiếu: không bỏ được dòng phân bổ này.")
            % {"who": _allocation_label(allocation)}
        )
    survey = allocation.survey
    label = _allocation_label(allocation)
    allocation.delete()
    audit_record(
        actor=actor,
        obj=survey,
        action=AuditEntry.Action.UPDATE,
        note=_("Bỏ phân bổ của %(who)s.") % {"who": label},
    )


def allocated_total(survey: Survey) -> int:
    return survey.allocations.aggregate(n=Sum("forms"))["n"] or 0


# --- opening and closing ------------------------------------------------------------------------
def open_problems(survey: Survey, today=None) -> list[str]:
    """What stands in the way of opening the survey, in words a clerk can act on."""
    today = today or timezone.localdate()
    problems = []
    if not Question.objects.filter(survey=survey).exists():
        problems.append(_("Phiếu chưa có câu hỏi nào."))
    if survey.opens_on is None or survey.closes_on is None:
        problems.append(_("Chưa đặt ngày mở và ngày đóng khảo sát."))
    elif survey.closes_on < survey.opens_on:
        problems.append(_("Ngày đóng trước ngày mở khảo sát."))
    elif survey.closes_on < today:
        problems.append(_("Ngày đóng khảo sát đã qua."))
    allocated = allocated_total(survey)
    if survey.total_forms <= 0:
        problems.append(_("Chưa đặt tổng số phiếu."))
    elif allocated != survey.total_forms:
        problems.append(
            _(
                "Tổng số phiếu phân bổ cho các đơn vị (%(allocated)d) chưa bằng tổng số phiếu "
                "của cuộc khảo sát (%(total)d)."
            )
            % {"allocated": allocated, "total": survey.total_forms}
        )
    return problems


@transaction.atomic
def survey_open(*, actor, survey: Survey, today=None) -> None:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.OPEN:
        raise ValidationError(_("Cuộc khảo sát đang nhận phiếu."))
    problems = open_problems(survey, today)
    if problems:
        raise ValidationError(problems)
    old = survey.status
    survey.status = SurveyStatus.OPEN
    survey.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        obj=survey,
        action=AuditEntry.Action.UPDATE,
        changes={"status": [old, str(survey.status)]},
        note=_("Mở khảo sát."),
    )


def survey_close(*, actor, survey: Survey) -> None:
    """Stop taking forms; then erase the order in which codes were used (see anonymity)."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != SurveyStatus.OPEN:
            raise ValidationError(_("Cuộc khảo sát không ở trạng thái đang nhận phiếu."))
        old = survey.status
        survey.status = SurveyStatus.CLOSED
        survey.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            obj=survey,
            action=AuditEntry.Action.UPDATE,
            changes={"status": [old, str(survey.status)]},
            note=_("Đóng khảo sát."),
        )
    # After the commit, outside the request's own work: rewriting the spent codes takes a lock
    # on the whole table.
    transaction.on_commit(anonymity.codes_reseal)


# --- codes --------------------------------------------------------------------------------------
def _fresh(n: int) -> list[str]:
    """`n` new codes, none already in the database."""
    made: set[str] = set()
    while len(made) < n:
        batch = {code_new() for _i in range(n - len(made))} - made
        candidates = list(batch)
        taken = set()
        for i in range(0, len(candidates), _LOOKUP_CHUNK):
            chunk = candidates[i : i + _LOOKUP_CHUNK]
            taken.update(Code.objects.filter(code__in=chunk).values_list("code", flat=True))
        made |= batch - taken
    return list(made)


@transaction.atomic
def codes_generate(
    *, actor, survey: Survey, kind: str, allocation: Allocation | None = None, extra: int = 0
) -> list[Code]:
    """A batch of one-time codes: for each allocation (or the one given), as many as its forms
    minus the codes it already has, plus `extra` spares when asked for one allocation. The batch
    number goes up by one per call."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if kind not in CodeKind.values:
        raise ValidationError({"kind": _("Hãy chọn loại mã: phiếu in hoặc đường dẫn riêng.")})
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("Cuộc khảo sát đã đóng: không tạo thêm mã phiếu."))
    extra = int(extra or 0)
    if extra < 0 or extra > MAX_EXTRA:
        raise ValidationError({"extra": _("Số mã thêm từ 0 đến %(n)d.") % {"n": MAX_EXTRA}})
    if extra and allocation is None:
        raise ValidationError(
            {"extra": _("Mã thêm ngoài định mức chỉ tạo cho từng dòng phân bổ (chọn một đơn vị).")}
        )
    allocations = survey.allocations.select_related("unit", "target_group").annotate(
        made=Count("codes")
    )
    if allocation is not None:
        if allocation.survey_id != survey.pk:
            raise ValidationError(_("Dòng phân bổ không thuộc cuộc khảo sát này."))
        allocations = allocations.filter(pk=allocation.pk)
    allocations = list(allocations)
    if not allocations:
        raise ValidationError(_("Chưa phân bổ phiếu cho đơn vị nào: hãy phân bổ phiếu trước."))
    wanted = [(a, max(a.forms - a.made, 0) + extra) for a in allocations]
    wanted = [(a, n) for a, n in wanted if n > 0]
    if not wanted:
        raise ValidationError(
            _(
                "Đã tạo đủ mã cho số phiếu được phân bổ. Muốn có thêm mã dự phòng (ví dụ thay "
                "phiếu hỏng), hãy chọn một đơn vị và nhập số mã thêm."
            )
        )
    batch = (Code.objects.filter(survey=survey).aggregate(m=Max("batch"))["m"] or 0) + 1
    total = sum(n for _a, n in wanted)
    for attempt in range(3):
        texts = iter(_fresh(total))
        codes = [
            Code(survey=survey, allocation=a, code=next(texts), kind=kind, batch=batch)
            for a, n in wanted
            for _i in range(n)
        ]
        try:
            with transaction.atomic():
                Code.objects.bulk_create(codes)
            break
        except IntegrityError:
            # Someone else drew the same code in between (about one chance in 10^15).
            if attempt == 2:
                raise
    audit_record(
        actor=actor,
        obj=survey,
        action=AuditEntry.Action.CREATE,
        changes={
            "batch": [None, batch],
            "kind": [None, str(CodeKind(kind).label)],
            "count": [None, total],
        },
        note=_("Tạo %(n)d mã phiếu (%(kind)s), đợt %(batch)d: %(detail)s.")
        % {
            "n": total,
            "kind": CodeKind(kind).label,
            "batch": batch,
            "detail": "; ".join(f"{_allocation_label(a)}: {n}" for a, n in wanted),
        },
    )
    return codes
