"""Writes of action programmes: creating one under a resolution or plan, and changing it.

A programme belongs to its owner unit (its editors change it) and carries out one issued
document the actor can read. Every write is atomic, checked and audited.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import ISSUED_STATES, Document
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from .models import Programme

PROGRAMME_FIELDS = [
    "document",
    "programme_document",
    "title",
    "field",
    "owner_unit",
    "start_year",
    "end_year",
    "description",
]
MIN_YEAR, MAX_YEAR = 1945, 2100


def _check(programme: Programme, actor, today: dt.date | None = None) -> None:
    """Every meaning check of a programme, errors keyed by form field. A new programme's owner
    must still be active on `today` (the day it is set up; the current date by default)."""
    errors: dict[str, str] = {}
    programme.title = (programme.title or "").strip()
    programme.field = (programme.field or "").strip()
    if not programme.title:
        errors["title"] = _("Hãy nhập tên chương trình.")
    if not programme.field:
        errors["field"] = _("Hãy nhập lĩnh vực của chương trình, ví dụ: Thương mại, dịch vụ.")
    for name in ("document", "programme_document"):
        doc: Document | None = getattr(programme, name)
        if doc is None:
            continue
        if actor is not None and not document_rules.can_view(actor, doc):
            errors[name] = _("Không tìm thấy văn bản, hoặc bạn không có quyền xem văn bản đó.")
        elif doc.status not in ISSUED_STATES:
            errors[name] = _(
                "Văn bản “%(doc)s” chưa được ban hành: chương trình chỉ cụ thể hóa văn bản đã "
                "ban hành."
            ) % {"doc": doc.number_text or doc.summary[:80]}
    if programme.document_id is None and "document" not in errors:
        errors["document"] = _("Hãy chọn nghị quyết, kế hoạch mà chương trình thực hiện.")
    if (
        programme.document_id
        and programme.document_id == programme.programme_document_id
        and "programme_document" not in errors
    ):
        errors["programme_document"] = _(
            "Văn bản chương trình không thể trùng với văn bản được thực hiện."
        )
    for name in ("start_year", "end_year"):
        year = getattr(programme, name)
        if year is None:
            errors[name] = _("Hãy nhập năm.")
        elif not MIN_YEAR <= year <= MAX_YEAR:
            errors[name] = _("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}
    if not {"start_year", "end_year"} & set(errors) and programme.end_year < programme.start_year:
        errors["end_year"] = _(
            "Năm kết thúc (%(end)s) trước năm bắt đầu (%(start)s) của chương trình."
        ) % {"end": programme.end_year, "start": programme.start_year}
    if programme.owner_unit_id is None:
        errors["owner_unit"] = _("Hãy chọn đơn vị chủ trì chương trình.")
    elif actor is not None and not org_rules.can_edit_unit(actor, programme.owner_unit):
        errors["owner_unit"] = _("Bạn không có quyền lập chương trình cho %(unit)s.") % {
            "unit": programme.owner_unit.name
        }
    elif (
        programme.owner_unit.ended_on is not None
        and programme.owner_unit.ended_on <= (today or timezone.localdate())
        and programme._state.adding
    ):
        errors["owner_unit"] = _("%(unit)s đã kết thúc hoạt động.") % {
            "unit": programme.owner_unit.name
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def programme_create(
    *,
    actor,
    document: Document,
    title: str,
    field: str,
    owner_unit: Unit,
    start_year: int,
    end_year: int,
    description: str = "",
    programme_document: Document | None = None,
    today: dt.date | None = None,
) -> Programme:
    """A new action programme of `owner_unit` carrying out `document` from `start_year` to
    `end_year`. `today` is the day it is set up (a programme of 2020 recorded later gives its
    2020 date: its owner had not ended then)."""
    programme = Programme(
        document=document,
        programme_document=programme_document,
        title=title,
        field=field,
        owner_unit=owner_unit,
        start_year=start_year,
        end_year=end_year,
        description=description or "",
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _check(programme, actor, today)
    programme.save()
    audit_record(
        actor=actor,
        obj=programme,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, snapshot(programme, PROGRAMME_FIELDS)),
    )
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, **data) -> Programme:
    """Change a programme's details. Moving it to another owner unit needs edit rights on both."""
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"programme_update cannot change {sorted(unknown)}")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if actor is not None and not org_rules.can_edit_unit(actor, programme.owner_unit):
        raise ValidationError(_("Bạn không có quyền sửa chương trình này."))
    before = snapshot(programme, PROGRAMME_FIELDS)
    for name, value in data.items():
        setattr(programme, name, value)
    _check(programme, actor)
    stray = (
        programme.indicators.exclude(unit__path__startswith=programme.owner_unit.path)
        .select_related("unit")
        .first()
    )
    if stray is not None:
        raise ValidationError(
            {
                "owner_unit": _(
                    "Chương trình có chỉ tiêu “%(name)s” của %(unit)s, không thuộc %(owner)s. "
                    "Hãy chọn đơn vị chủ trì là cấp trên của các đơn vị có chỉ tiêu."
                )
                % {"name": stray.name, "unit": stray.unit.name, "owner": programme.owner_unit.name}
            }
        )
    programme.save()
    changes = diff(before, snapshot(programme, PROGRAMME_FIELDS))
    if changes:
        audit_record(actor=actor, obj=programme, action=AuditEntry.Action.UPDATE, changes=changes)
    return programme
