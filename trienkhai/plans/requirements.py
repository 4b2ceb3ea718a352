"""Writes of requirements on subordinate units.

"Every unit of kind K under unit U issues a document of type T (implementing D) by date X."
Setting one takes a snapshot of the units it applies to (`RequirementTarget`): the units of those
kinds active below U on the day it is set. The snapshot never follows later reorganisations, so a
ward dissolved next year still shows in the compliance matrix, marked, instead of vanishing.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import ISSUED_STATES, Document, type_choices
from trienkhai.lib.dates import format_vi
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit, UnitKind, UnitPeriod
from trienkhai.org.selectors import period_at

from . import compliance_cells
from .models import Requirement, RequirementTarget

RECORD_FIELDS = [
    "title",
    "set_by",
    "parent_unit",
    "unit_kinds",
    "doc_type",
    "implements",
    "due_on",
]
DOC_TYPES = {code for code, _label in type_choices()}


def _record(requirement: Requirement) -> dict:
    """The audited view of a requirement; kinds as their names (the log shows text, not lists)."""
    view = snapshot(requirement, RECORD_FIELDS)
    view["unit_kinds"] = ", ".join(requirement.kind_labels())
    return view


def applicable_units(parent_unit: Unit, unit_kinds: list[str], *, day: dt.date, direct_only=False):
    """Units of `unit_kinds` below `parent_unit` (not itself) that are active on `day`.

    Below means in today's tree, plus the units that sat directly under `parent_unit` on `day`
    (its history) and have moved elsewhere since: a requirement set on a past day reaches them."""
    below = Unit.objects.filter(path__startswith=parent_unit.path, kind__in=unit_kinds).exclude(
        pk=parent_unit.pk
    )
    if direct_only:
        below = below.filter(depth=parent_unit.depth + 1)
    then = UnitPeriod.objects.filter(period_at(day), parent=parent_unit, kind__in=unit_kinds)
    qs = Unit.objects.filter(Q(pk__in=below.values("pk")) | Q(pk__in=then.values("unit_id")))
    return qs.filter(Q(established_on__isnull=True) | Q(established_on__lte=day)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


def _check(
    *,
    actor,
    title: str,
    set_by: Unit | None,
    parent_unit: Unit | None,
    unit_kinds: list[str],
    doc_type: str,
    implements: Document | None,
    due_on: dt.date | None,
    today: dt.date | None = None,
) -> None:
    """Every meaning check, errors keyed by form field. `actor` None is the system (a loader);
    `set_by` must still be active on `today`, the day the requirement is set."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    if not (title or "").strip():
        errors["title"] = _("Hãy nhập nội dung yêu cầu, ví dụ: Ban hành quy chế làm việc.")
    if set_by is None:
        errors["set_by"] = _("Hãy chọn đơn vị đặt yêu cầu.")
    elif actor is not None and not org_rules.can_edit_unit(actor, set_by):
        errors["set_by"] = _(
            "Bạn không có quyền đặt yêu cầu thay cho “%(unit)s”: cần quyền biên tập đơn vị này."
        ) % {"unit": set_by.name}
    elif set_by.ended_on is not None and set_by.ended_on <= today:
        errors["set_by"] = _("“%(unit)s” đã kết thúc hoạt động ngày %(day)s.") % {
            "unit": set_by.name,
            "day": format_vi(set_by.ended_on),
        }
    if parent_unit is not None and set_by is not None and "set_by" not in errors:
        if not parent_unit.is_within(set_by):
            errors["parent_unit"] = _(
                "“%(parent)s” không thuộc phạm vi của “%(unit)s”: chỉ đặt yêu cầu cho các đơn vị "
                "trực thuộc mình."
            ) % {"parent": parent_unit.name, "unit": set_by.name}
        elif actor is not None and not org_rules.can_edit_unit(actor, parent_unit):
            errors["parent_unit"] = _("“%(parent)s” nằm ngoài phạm vi quyền của bạn.") % {
                "parent": parent_unit.name
            }
    if not unit_kinds:
        errors["unit_kinds"] = _("Hãy chọn ít nhất một loại đơn vị phải thực hiện.")
    elif set(unit_kinds) - set(UnitKind.values):
        errors["unit_kinds"] = _("Loại đơn vị không hợp lệ.")
    if doc_type not in DOC_TYPES:
        errors["doc_type"] = _("Hãy chọn loại văn bản các đơn vị phải ban hành.")
    if due_on is None:
        errors["due_on"] = _("Hãy nhập thời hạn hoàn thành.")
    if implements is not None:
        if implements.status not in ISSUED_STATES or implements.issued_on is None:
            errors["implements"] = _(
                "Văn bản “%(doc)s” chưa ban hành: chỉ yêu cầu cụ thể hóa văn bản đã ban hành."
            ) % {"doc": implements.number_text or implements.summary[:60]}
        elif actor is not None and not document_rules.can_view(actor, implements):
            errors["implements"] = _("Không tìm thấy văn bản đã chọn.")
        elif due_on is not None and due_on < implements.issued_on:
            errors["due_on"] = _(
                "Thời hạn %(due)s trước ngày ban hành văn bản %(doc)s (%(issued)s): "
                "không thể cụ thể hóa một văn bản trước khi nó ra đời."
            ) % {
                "due": format_vi(due_on),
                "doc": implements.number_text,
                "issued": format_vi(implements.issued_on),
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def requirement_create(
    *,
    actor,
    title: str,
    set_by: Unit,
    unit_kinds: list[str],
    doc_type: str,
    due_on: dt.date,
    parent_unit: Unit | None = None,
    implements: Document | None = None,
    direct_only: bool = False,
    today: dt.date | None = None,
) -> Requirement:
    """Set a requirement and snapshot the units it applies to today.

    `parent_unit` defaults to `set_by`; `direct_only` keeps only the units directly under it
    (the grassroots organisations of a city, not the cells of its wards).
    """
    parent_unit = parent_unit or set_by
    unit_kinds = list(dict.fromkeys(unit_kinds or []))
    today = today or timezone.localdate()
    _check(
        actor=actor,
        title=title,
        set_by=set_by,
        parent_unit=parent_unit,
        unit_kinds=unit_kinds,
        doc_type=doc_type,
        implements=implements,
        due_on=due_on,
        today=today,
    )
    units = list(
        applicable_units(parent_unit, unit_kinds, day=today, direct_only=direct_only).values_list(
            "pk", flat=True
        )
    )
    if not units:
        labels = dict(UnitKind.choices)
        raise ValidationError(
            {
                "unit_kinds": _(
                    "Không có đơn vị nào thuộc loại %(kinds)s đang hoạt động trong “%(parent)s”."
                )
                % {
                    "kinds": ", ".join(f"“{labels[k]}”" for k in unit_kinds),
                    "parent": parent_unit.name,
                }
            }
        )
    requirement = Requirement.objects.create(
        title=title.strip(),
        set_by=set_by,
        parent_unit=parent_unit,
        unit_kinds=unit_kinds,
        doc_type=doc_type,
        implements=implements,
        due_on=due_on,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    RequirementTarget.objects.bulk_create(
        [RequirementTarget(requirement=requirement, unit_id=pk) for pk in units], batch_size=1000
    )
    # Documents issued before the requirement may already comply (when it names a document).
    compliance_cells.refresh_requirement(requirement.pk)
    changes = diff({}, _record(requirement))
    changes["số đơn vị phải thực hiện"] = [None, len(units)]
    audit_record(
        actor=actor,
        obj=requirement,
        action=AuditEntry.Action.CREATE,
        changes=changes,
        note=f"Áp dụng cho {len(units)} đơn vị"
        + (" trực thuộc trực tiếp" if direct_only else "")
        + f" (chốt danh sách ngày {format_vi(today)})",
    )
    return requirement


@transaction.atomic
def requirement_update(
    *, actor, requirement: Requirement, title: str, due_on: dt.date | None, note: str = ""
) -> Requirement:
    """Change the wording or the deadline. Who must comply stays the snapshot taken when set;
    a different set of units is a new requirement."""
    stored = Requirement.objects.select_for_update().get(pk=requirement.pk)
    if not org_rules.can_edit_unit(actor, stored.set_by):
        raise ValidationError(_("Bạn không có quyền sửa yêu cầu này."))
    _check(
        actor=actor,
        title=title,
        set_by=stored.set_by,
        parent_unit=None,
        unit_kinds=stored.unit_kinds,
        doc_type=stored.doc_type,
        implements=stored.implements,
        due_on=due_on,
    )
    before = _record(stored)
    stored.title = title.strip()
    stored.due_on = due_on
    stored.save(update_fields=["title", "due_on"])
    changes = diff(before, _record(stored))
    if changes:
        audit_record(
            actor=actor,
            obj=stored,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            note=note,
        )
    return stored
