"""Copies and new versions of a survey: the whole form (sections, questions, choices, grid
rows, conditions remapped to the new questions and choices), its audience and its quota — never
its codes or responses. A copy is a new, independent draft; a new version follows a frozen
survey (`previous`), which stays as it was with its codes and answered forms.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry

from .builder import LABEL_MAX, _audit
from .models import Allocation, Choice, GridRow, Question, Section, Survey, SurveyStatus
from .structure import load, revision_bump

COPY_SUFFIX = " (bản sao)"


def _copy_structure(source: Survey, target: Survey) -> None:
    """Sections, questions, choices and rows of `source` into `target`, conditions pointing at
    the new questions and choices."""
    structure = load(source)
    sections = {}
    for s in structure.sections:
        sections[s.pk] = Section.objects.create(
            survey=target, position=s.position, title=s.title, description=s.description
        )
    new_q: dict[int, Question] = {}
    new_c: dict[int, Choice] = {}
    for q in structure.questions:
        copy = Question.objects.create(
            survey=target,
            section=sections[q.section_id],
            position=q.position,
            code=q.code,
            text=q.text,
            help_text=q.help_text,
            kind=q.kind,
            required=q.required,
            allow_other=q.allow_other,
            min_value=q.min_value,
            max_value=q.max_value,
        )
        new_q[q.pk] = copy
        for c in q.choice_list:
            new_c[c.pk] = Choice.objects.create(
                question=copy,
                position=c.position,
                value=c.value,
                label=c.label,
                is_other=c.is_other,
            )
        GridRow.objects.bulk_create(
            [GridRow(question=copy, position=r.position, label=r.label) for r in q.row_list]
        )
    for q in structure.questions:
        if q.condition_question_id and q.condition_choice_id:
            copy = new_q[q.pk]
            copy.condition_question = new_q.get(q.condition_question_id)
            copy.condition_choice = new_c.get(q.condition_choice_id)
            copy.save(update_fields=["condition_question", "condition_choice"])
    revision_bump(target.pk)  # grid rows came in bulk, without a signal


def _copy_audience(source: Survey, target: Survey) -> None:
    target.target_groups.set(source.target_groups.all())
    Allocation.objects.bulk_create(
        [
            Allocation(
                survey=target, unit_id=a.unit_id, target_group_id=a.target_group_id, forms=a.forms
            )
            for a in source.allocations.all()
        ]
    )


def _clone(source: Survey, actor, **fields) -> Survey:
    target = Survey.objects.create(
        intro=source.intro,
        owner_unit=source.owner_unit,
        campaign=source.campaign,
        total_forms=source.total_forms,
        record_group=source.record_group,
        record_unit=source.record_unit,
        double_entry=source.double_entry,
        status=SurveyStatus.DRAFT,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **fields,
    )
    _copy_structure(source, target)
    _copy_audience(source, target)
    return target


@transaction.atomic
def survey_copy(*, actor, survey: Survey) -> Survey:
    """A new, independent draft survey with the same questions, audience and quota; no dates,
    no codes, no responses."""
    title = (survey.title[: LABEL_MAX - len(COPY_SUFFIX)] + COPY_SUFFIX).strip()
    copy = _clone(survey, actor, title=title, version=1, previous=None)
    _audit(
        actor,
        copy,
        _("Sao chép từ cuộc khảo sát “%(title)s” (mã %(pk)s).")
        % {"title": survey.title, "pk": survey.pk},
        action=AuditEntry.Action.CREATE,
    )
    return copy


@transaction.atomic
def survey_new_version(*, actor, survey: Survey) -> Survey:
    """The next version of a survey, as a draft to change; the old one stays as it is, with
    its codes and responses."""
    newer = survey.next_versions.order_by("-version").first()
    if newer is not None:
        raise ValidationError(
            _("Cuộc khảo sát này đã có phiên bản %(version)s: “%(title)s”.")
            % {"version": newer.version, "title": newer.title}
        )
    version = survey.version + 1
    copy = _clone(
        survey,
        actor,
        title=survey.title,
        version=version,
        previous=survey,
        opens_on=survey.opens_on,
        closes_on=survey.closes_on,
    )
    _audit(
        actor,
        copy,
        _("Phiên bản %(version)s, lập từ phiên bản %(old)s (mã %(pk)s).")
        % {"version": version, "old": survey.version, "pk": survey.pk},
        action=AuditEntry.Action.CREATE,
    )
    _audit(actor, survey, _("Đã lập phiên bản mới %(version)s.") % {"version": version})
    return copy
