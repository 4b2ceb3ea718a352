"""Hostile text typed into any free-text field comes back escaped on every page that shows it.

The Bến Tre demo builds a full world through the services (units, people, documents,
consultations, programmes, tasks, reports, campaigns, classes, a survey with answers, a
reading); a few more services add what the demo leaves out (task comments and postponements,
an API key, a notice, an exchange import). Then every CharField/TextField of every model of
the project that holds free text gets a payload naming its field (`xq12`), so a field added
later is planted without touching this test. Every page of the site is then opened, as the
administrator, with the ids of the created objects: a page that is neither covered nor
skipped on purpose fails the test, so a new page is not forgotten either.
"""

import datetime as dt
import html
import re

import pytest
from django.apps import apps
from django.db import models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from tests.conftest import make_user

# Fields that hold machine values (keys, hashes, folded copies, codes checked by a parser),
# never free text a person types and sees again.
NOT_FREE_TEXT = {
    "audit.AuditEntry.object_id",
    "org.Unit.path",
    "org.Unit.source_key",
    "org.Unit.name_folded",
    "org.UnitPeriod.name_folded",
    "org.Person.name_folded",
    "notifications.Notification.url",  # built by the services from reverse(), never typed
    "notifications.Notification.key",
    "documents.Document.search_text",
    "public.Post.slug",  # made from the title by the services, checked by the URL's converter
    "public.Post.search_text",
    "public.Category.slug",
    "public.PublicComment.client_key",
    "public.PostImage.kind",
    "public.PublicComment.body_key",
    "documents.DocumentFile.sha256",
    "documents.Comment.submission_key",
    "plans.CalendarFeed.token_hash",
    "outreach.TargetGroup.code",
    "surveys.Code.code",
    "exchange.ExchangeKey.key",
    "exchange.ExchangeKey.kind",
    "exchange.ExchangeImport.file_format",
    "exchange.ExchangeImport.digest",
    "api.ApiToken.prefix",
    "api.ApiToken.key_hash",
    "api.IdempotentAnswer.key",
    "api.IdempotentAnswer.route",
    "api.IdempotentAnswer.body_hash",
    "api.IdempotentAnswer.location",
}

# What a payload may look like once cut short or partly escaped: none of it may reach a page.
LIVE_MARKUP = re.compile(
    r"<script>alert\('xq\d+|<img src=x onerror=|<i>xq\d+</i>|49xq\d+"
    r"|(?:href|src|action)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)
HTML_TYPES = ("text/html", "image/svg+xml")


def payload(tag: str, max_length: int | None) -> str:
    """The most hostile text naming `tag` that fits the field."""
    variants = [
        f"<script>alert('{tag}')</script>\"><img src=x onerror=alert('{tag}')>{{{{7*7}}}}{tag}",
        f"\"><img src=x onerror=alert('{tag}')>",
        f"<script>alert('{tag}')</script>",
        f"<i>{tag}</i>",
    ]
    for text in variants:
        if max_length is None or len(text) <= max_length:
            return text
    raise AssertionError(f"no payload fits {tag} ({max_length})")


def free_text_fields() -> list[models.Field]:
    """Every CharField/TextField of the project's models a person can fill, shortest first (so
    the shortest fields get the shortest tags)."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("trienkhai."):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or f"{model._meta.label}.{field.name}" in NOT_FREE_TEXT:
                continue
            if field.unique or field.primary_key:
                continue
            found.append(field)
    return sorted(found, key=lambda f: (f.max_length or 10**6, f.model._meta.label, f.name))


def unique_together_fields(model) -> set[str]:
    names = {name for group in model._meta.unique_together for name in group}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    return names


def plant() -> dict[str, str]:
    """Write a payload into every free-text field of every row; {payload: field label}."""
    planted = {}
    for number, field in enumerate(free_text_fields(), start=1):
        text = payload(f"xq{number}", field.max_length)
        manager = field.model._default_manager
        if field.name in unique_together_fields(field.model):
            # One value per row; the payload stays whole inside each (cut to fit if need be).
            text = payload(f"xq{number}", (field.max_length or 10**6) - 7)
            for row in manager.values_list("pk", flat=True):
                manager.filter(pk=row).update(**{field.name: f"{text}#{row}"})
        else:
            manager.update(**{field.name: text})
        planted[text] = f"{field.model._meta.label}.{field.name}"
    return planted


def plant_json(planted: dict[str, str]) -> None:
    """Free text kept inside JSON: report sections, audit changes, survey drafts."""
    from trienkhai.audit.models import AuditEntry
    from trienkhai.plans.models import Report

    text = payload("xq900", None)
    planted[text] = "plans.Report.sections"
    for report in Report.objects.all():
        report.sections = dict.fromkeys(report.sections or {"results": "", "next": ""}, text)
        report.save(update_fields=["sections"])
    text = payload("xq901", None)
    planted[text] = "audit.AuditEntry.changes"
    AuditEntry.objects.update(changes={"name": [text, text]})


class World:
    """The created objects whose ids fill the addresses."""


def build_world() -> World:
    from trienkhai.api.tokens import token_create
    from trienkhai.demo import LOADERS
    from trienkhai.documents.models import (
        ISSUED_STATES,
        Comment,
        Consultation,
        Document,
        DocumentFile,
    )
    from trienkhai.notifications.services import notify
    from trienkhai.org import services as org_services
    from trienkhai.org.models import AccessRole, Person, Position, Term, Unit
    from trienkhai.outreach.models import (
        Attendee,
        Campaign,
        CampaignStatus,
        ClassSession,
        Delegation,
        TargetGroup,
    )
    from trienkhai.outreach.services import campaign_create
    from trienkhai.plans import tasks
    from trienkhai.plans.calendar import calendar_feed_create
    from trienkhai.plans.models import (
        Indicator,
        Measurement,
        Programme,
        Report,
        ReportSchedule,
        Requirement,
        Task,
        TaskStatus,
    )
    from trienkhai.reading.models import Reading
    from trienkhai.surveys.copies import survey_copy
    from trienkhai.surveys.models import Code, Question, Survey
    from trienkhai.surveys.views_results import COUNTED_KINDS

    for path in LOADERS:
        import_string(path)()
    w = World()
    w.admin = make_user("quantri_an_toan", superuser=True)
    w.unit = Unit.objects.filter(depth=2, numchild__gt=0).order_by("pk").first()
    w.access = org_services.access_grant(
        actor=None, user=make_user("xem_an_toan"), unit=w.unit, role=AccessRole.VIEWER
    )
    w.person = Person.objects.order_by("pk").first()
    w.term = Term.objects.order_by("pk").first()
    w.position = Position.objects.order_by("pk").first()
    w.document = (
        Document.objects.filter(files__isnull=False, status__in=ISSUED_STATES)
        .order_by("pk")
        .first()
    )
    w.file = DocumentFile.objects.filter(document=w.document).order_by("pk").first()
    w.consultation = Consultation.objects.filter(comments__isnull=False).order_by("pk").first()
    w.comment = Comment.objects.filter(consultation=w.consultation).order_by("pk").first()
    w.programme = Programme.objects.order_by("pk").first()
    w.indicator = Indicator.objects.filter(measurements__isnull=False).order_by("pk").first()
    w.measurement = Measurement.objects.filter(indicator=w.indicator).order_by("pk").first()
    w.requirement = Requirement.objects.order_by("pk").first()
    w.schedule = ReportSchedule.objects.order_by("pk").first()
    w.report = Report.objects.filter(schedule=w.schedule).order_by("pk").first()
    w.campaign = Campaign.objects.order_by("pk").first()
    w.delegation = Delegation.objects.order_by("pk").first()
    w.session = ClassSession.objects.filter(attendees__isnull=False).order_by("pk").first()
    w.attendee = Attendee.objects.filter(session=w.session).order_by("pk").first()
    w.survey = Survey.objects.order_by("pk").first()
    w.question = Question.objects.filter(section__survey=w.survey).order_by("pk").first()
    w.reading = Reading.objects.order_by("pk").first()
    w.live_document = (
        Document.objects.filter(owner_unit__ended_on__isnull=True).order_by("pk").first()
    )
    w.chart_question = (
        Question.objects.filter(section__survey=w.survey, kind__in=COUNTED_KINDS)
        .order_by("pk")
        .first()
    )
    # The demo's 2020 units ended in the 2025 reorganisation: a class is held by a live unit.
    w.live_campaign = campaign_create(
        actor=None,
        title="Học tập chuyên đề",
        owner_unit=Unit.objects.filter(ended_on__isnull=True, depth=2).order_by("pk").first(),
        status=CampaignStatus.RUNNING,
        target_groups=TargetGroup.objects.all()[:1],
    )
    # A round's recipient answers on the respond page.
    w.recipient_user = make_user("gopy_an_toan")
    recipient = w.consultation.recipients.select_related("person").order_by("pk").first()
    if recipient.person.user_id is None:
        Person.objects.filter(pk=recipient.person_id).update(user=w.recipient_user)
    else:
        w.recipient_user = recipient.person.user
    # The builder edits drafts only: a copy of the demo's survey.
    w.draft = survey_copy(actor=None, survey=w.survey)
    w.draft_question = Question.objects.filter(section__survey=w.draft).order_by("pk").first()
    w.text_question = (
        Question.objects.filter(section__survey=w.survey, kind__in=["short_text", "long_text"])
        .order_by("pk")
        .first()
    )

    # What the demo leaves out, through the services.
    w.task = Task.objects.filter(parent__isnull=True).order_by("pk").first()
    w.task_comment = tasks.task_comment(actor=None, task=w.task, text="Ý kiến")
    postponed = (
        Task.objects.exclude(pk=w.task.pk).filter(deadline__isnull=False).order_by("pk").first()
    )
    tasks.task_report_progress(
        actor=None,
        task=postponed,
        revision=postponed.revision,
        status=TaskStatus.POSTPONED,
        reason="Chờ kinh phí",
        new_deadline=postponed.deadline + dt.timedelta(days=400),
    )
    w.token, _secret = token_create(user=w.admin, name="Báo cáo tự động")
    notify(user=w.admin, text="Có việc mới", url=reverse("plans:task_list"))
    w.feed, _secret = calendar_feed_create(actor=w.admin)
    # The survey is answered online today: its period moves around today.
    today = timezone.localdate()
    Survey.objects.filter(pk=w.survey.pk).update(
        opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=5)
    )
    w.code = Code.objects.filter(survey=w.survey, used=False).order_by("pk").first()
    # A public site with a published post and a draft.
    from trienkhai.public import services as public

    w.site = public.site_save(actor=w.admin, unit=w.unit, slug="an-toan", title="Tin", is_open=True)
    w.post = public.post_save(
        actor=w.admin, site=w.site, title="Tin đăng", body="Nội dung", author_name="VP",
        category_names=["Tin hoạt động"],
    )  # fmt: skip
    w.post = public.post_publish(actor=w.admin, post=w.post)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.public.test_images import PNG

    public.image_add(
        actor=w.admin, post=w.post, uploaded=SimpleUploadedFile("a.png", PNG), alt="Ảnh",
        caption="Chú thích",
    )  # fmt: skip
    programme = Programme.objects.filter(indicators__isnull=False).order_by("pk").first()
    w.shown_site = getattr(programme.owner_unit, "public_site", None) or public.site_save(
        actor=w.admin, unit=programme.owner_unit, slug="an-toan-2", title="Tin", is_open=True
    )
    w.shown = w.shown_site.programmes.filter(programme=programme).first() or public.programme_publish(
        actor=w.admin, site=w.shown_site, programme=programme, summary="Giới thiệu",
        indicator_ids=list(programme.indicators.values_list("pk", flat=True)),
    )  # fmt: skip
    from trienkhai.public.comments import comment_approve, comment_submit

    w.public_comment = comment_submit(
        site=w.site, post=w.post, name="Người dân", contact="0912", body="Góp ý", address="1.2.3.4"
    )
    comment_approve(actor=w.admin, comment=w.public_comment)
    # The demo's units of 2020 have ended: a programme not yet shown is written directly.
    w.unshown = Programme.objects.create(
        document=w.document, title="Chưa công khai", field="x", owner_unit=w.shown_site.unit,
        start_year=2021, end_year=2025,
    )  # fmt: skip
    survey_site = getattr(w.survey.owner_unit, "public_site", None) or public.site_save(
        actor=w.admin, unit=w.survey.owner_unit, slug="an-toan-3", title="Khảo sát", is_open=True
    )
    w.survey_shown = public.survey_publish(
        actor=w.admin, site=survey_site, survey=w.survey, summary="Giới thiệu",
        question_ids=list(
            w.survey.questions.filter(kind__in=public.SHOWN_KINDS).values_list("pk", flat=True)
        ),
    )  # fmt: skip
    w.survey_site = survey_site
    w.document_site = getattr(w.document.owner_unit, "public_site", None) or public.site_save(
        actor=w.admin, unit=w.document.owner_unit, slug="an-toan-4", title="Văn bản", is_open=True
    )
    w.document_shown = public.document_publish(
        actor=w.admin, site=w.document_site, document=w.document, summary="Giới thiệu",
        file_ids=[w.file.pk],
    )  # fmt: skip
    w.document_unshown = (
        public.publishable_documents(w.document_site)
        .exclude(pk=w.document.pk)
        .order_by("pk")
        .first()
    )
    group = Task.objects.filter(subtasks__isnull=False, parent__isnull=True).order_by("pk").first()
    w.group_site = getattr(group.assigned_by, "public_site", None) or public.site_save(
        actor=w.admin, unit=group.assigned_by, slug="an-toan-5", title="Nhiệm vụ", is_open=True
    )
    w.group_shown = w.group_site.task_groups.filter(task=group).first() or public.task_group_publish(
        actor=w.admin, site=w.group_site, task=group, summary="Giới thiệu",
        task_ids=list(group.subtasks.values_list("pk", flat=True)),
    )  # fmt: skip
    w.group_unshown = Task.objects.create(
        title="Chưa công khai", assigned_by=w.group_site.unit, lead_unit=w.group_site.unit
    )
    Task.objects.create(
        title="Việc con", parent=w.group_unshown, assigned_by=w.group_site.unit,
        lead_unit=w.group_site.unit,
    )  # fmt: skip
    w.campaign_site = getattr(w.campaign.owner_unit, "public_site", None) or public.site_save(
        actor=w.admin, unit=w.campaign.owner_unit, slug="an-toan-6", title="Quán triệt",
        is_open=True,
    )  # fmt: skip
    w.campaign_shown = w.campaign_site.campaigns.filter(
        campaign=w.campaign
    ).first() or public.campaign_publish(
        actor=w.admin, site=w.campaign_site, campaign=w.campaign, summary="Giới thiệu",
        group_ids=list(public.campaign_groups(w.campaign).values_list("pk", flat=True)),
    )  # fmt: skip
    w.campaign_unshown = Campaign.objects.create(
        title="Chưa công khai", owner_unit=w.campaign_site.unit
    )
    w.siteless_unit = (
        Unit.objects.filter(ended_on__isnull=True, public_site__isnull=True).order_by("pk").first()
    )
    return w


def exchange_import(w) -> None:
    """A package exported from a planted document, previewed back: the preview page shows
    names and summaries from another instance's file."""
    from trienkhai.exchange import services
    from trienkhai.exchange.export import export_package

    package = export_package(w.admin, w.document)
    w.exchange = services.preview(
        actor=w.admin, raw=package, file_format="json", filename=payload("xq902", 255)
    )


def hostile_reading(w) -> None:
    """A text read through the service after planting: the reading page highlights pieces of
    it, so every piece must stay escaped."""
    from trienkhai.reading.services import reading_create

    text = payload("xq903", None)
    w.planted[text] = "reading.Reading.text"
    w.reading = reading_create(
        actor=None,
        unit=w.unit,
        text=f"{text}\n1. Ban Tuyên giáo {text} chủ trì, hoàn thành trước ngày 30-9-2020.",
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        from trienkhai.outreach.defaults import ensure_target_groups
        from trienkhai.outreach.models import TargetGroup

        ensure_target_groups(TargetGroup)
        w = build_world()
        w.planted = plant()
        plant_json(w.planted)
        exchange_import(w)
        hostile_reading(w)
        w.planted[payload("xq902", 255)] = "exchange.ExchangeImport.filename"
        yield w
        transaction.set_rollback(True)


# --- the pages ------------------------------------------------------------------------------------
def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def period(w):
    return w.report.period_start.isoformat()


PAGES = {
    "home": lambda w: {},
    "accounts:profile": lambda w: {},
    "org:home": lambda w: {},
    "org:tree_children": pk("unit"),
    "org:search": lambda w: {},
    "org:pick": lambda w: {},
    "org:events": lambda w: {},
    "org:unit_new": lambda w: {},
    "org:unit": pk("unit"),
    "org:unit_edit": pk("unit"),
    "org:reorganise": lambda w: {"pk": w.unit.pk, "kind": "rename"},
    "org:term_new": lambda w: {"pk": w.term.unit_id},
    "org:term_edit": lambda w: {"pk": w.term.unit_id, "term_id": w.term.pk},
    "org:position_new": lambda w: {"pk": w.position.unit_id},
    "org:position_edit": lambda w: {"pk": w.position.unit_id, "position_id": w.position.pk},
    "org:access": pk("unit"),
    "org:people": lambda w: {},
    "org:person_new": lambda w: {},
    "org:person": pk("person"),
    "org:person_edit": pk("person"),
    "org:import": lambda w: {},
    "documents:register": lambda w: {},
    "documents:register_new": lambda w: {},
    "documents:draft_new": lambda w: {},
    "documents:pick_unit": lambda w: {},
    "documents:pick_person": lambda w: {},
    "documents:pick_document": lambda w: {},
    "documents:detail": pk("document"),
    "documents:edit": pk("document"),
    "documents:status": pk("document"),
    "documents:relation_new": pk("document"),
    "documents:file_add": pk("document"),
    "documents:todo": lambda w: {},
    "documents:consultation_new": pk("document"),
    "documents:consultation": pk("consultation"),
    "documents:respond": pk("consultation"),
    "documents:version_new": pk("document"),
    "notifications:inbox": lambda w: {},
    "plans:programme_list": lambda w: {},
    "plans:programme_new": lambda w: {},
    "plans:programme_document_pick": lambda w: {},
    "plans:programme": pk("programme"),
    "plans:programme_edit": pk("programme"),
    "plans:indicator_list": lambda w: {},
    "plans:indicator_new": lambda w: {},
    "plans:indicator": pk("indicator"),
    "plans:indicator_edit": pk("indicator"),
    "plans:measurement_new": pk("indicator"),
    "plans:task_list": lambda w: {},
    "plans:task_mine": lambda w: {},
    "plans:task_new": lambda w: {},
    "plans:task_pick_unit": lambda w: {},
    "plans:task_pick_document": lambda w: {},
    "plans:task_pick_task": lambda w: {},
    "plans:task": pk("task"),
    "plans:task_edit": pk("task"),
    "plans:requirements": lambda w: {},
    "plans:requirement_new": lambda w: {},
    "plans:requirement": pk("requirement"),
    "plans:requirement_edit": pk("requirement"),
    "plans:requirement_pick_document": lambda w: {},
    "plans:compliance": lambda w: {},
    "plans:report_schedules": lambda w: {},
    "plans:report_schedule_new": lambda w: {},
    "plans:report_schedule": pk("schedule"),
    "plans:report_schedule_edit": pk("schedule"),
    "plans:report_period": lambda w: {"pk": w.schedule.pk, "period": period(w)},
    "plans:report_write": lambda w: {
        "pk": w.schedule.pk,
        "period": period(w),
        "unit_pk": w.report.unit_id,
    },
    "plans:report": pk("report"),
    "plans:dashboard": lambda w: {},
    "plans:review": pk("document"),
    "plans:calendar_feeds": lambda w: {},
    "outreach:campaign_list": lambda w: {},
    "outreach:campaign_new": lambda w: {},
    "outreach:campaign": pk("campaign"),
    "outreach:campaign_edit": pk("campaign"),
    "outreach:campaign_quotas": pk("campaign"),
    "outreach:campaign_delegate": pk("campaign"),
    "outreach:delegation_report": pk("delegation"),
    "outreach:class_new": pk("live_campaign"),
    "outreach:class": pk("session"),
    "outreach:class_edit": pk("session"),
    "outreach:attendee_add": pk("session"),
    "outreach:attendee_edit": pk("attendee"),
    "outreach:calendar": lambda w: {},
    "outreach:attendance_import": pk("session"),
    "surveys:survey_list": lambda w: {},
    "surveys:survey_new": lambda w: {},
    "surveys:survey": pk("survey"),
    "surveys:survey_edit": pk("draft"),
    "surveys:builder": pk("draft"),
    "surveys:section_new": pk("draft"),
    "surveys:section_edit": lambda w: {"pk": w.draft.pk, "section": w.draft_question.section_id},
    "surveys:question_new": pk("draft"),
    "surveys:question_edit": lambda w: {"pk": w.draft.pk, "question": w.draft_question.pk},
    "surveys:preview": pk("survey"),
    "surveys:audience": pk("survey"),
    "surveys:codes": pk("survey"),
    "surveys:paper_entry": pk("survey"),
    "surveys:paper_mismatches": pk("survey"),
    "surveys:results": pk("survey"),
    "surveys:results_chart": lambda w: {"pk": w.survey.pk, "qid": w.chart_question.pk},
    "surveys:quota": pk("survey"),
    "reading:new": lambda w: {},
    "reading:read_document": pk("live_document"),
    "reading:detail": pk("reading"),
    "exchange:import_new": lambda w: {},
    "exchange:import": pk("exchange"),
    "api_keys:list": lambda w: {},
    "public:sites": lambda w: {},
    "public:site": pk("site"),
    "public:site_new": lambda w: {},
    "public:site_edit": pk("site"),
    "public:post_new": lambda w: {"site_pk": w.site.pk},
    "public:post": pk("post"),
    "public:post_edit": pk("post"),
    "public:programmes": pk("site"),
    "public:programme_new": lambda w: {"site_pk": w.shown_site.pk},
    "public:programme_edit": pk("shown"),
    "public_site:programme": lambda w: {"slug": w.shown_site.slug, "pk": w.shown.pk},
    "public:comments": pk("site"),
    "public:documents": lambda w: {"pk": w.document_site.pk},
    "public:document_new": lambda w: {"site_pk": w.document_site.pk},
    "public:document_edit": pk("document_shown"),
    "public_site:document": lambda w: {"slug": w.document_site.slug, "pk": w.document_shown.pk},
    "public:surveys": lambda w: {"pk": w.survey_site.pk},
    "public:survey_edit": pk("survey_shown"),
    "public_site:survey": lambda w: {"slug": w.survey_site.slug, "pk": w.survey_shown.pk},
    "public:task_groups": lambda w: {"pk": w.group_site.pk},
    "public:task_group_new": lambda w: {"site_pk": w.group_site.pk},
    "public:task_group_edit": pk("group_shown"),
    "public_site:task": lambda w: {"slug": w.group_site.slug, "pk": w.group_shown.pk},
    "public:campaigns": lambda w: {"pk": w.campaign_site.pk},
    "public:campaign_new": lambda w: {"site_pk": w.campaign_site.pk},
    "public:campaign_edit": pk("campaign_shown"),
    "public_site:campaign": lambda w: {"slug": w.campaign_site.slug, "pk": w.campaign_shown.pk},
    # the demo's site: every kind of publication, found by the search below
    "public_site:home": lambda w: {"slug": w.shown_site.slug},
    "public_site:documents": lambda w: {"slug": w.document_site.slug},
    "public_site:post": lambda w: {"slug": w.site.slug, "post_slug": w.post.slug},
    "respond:enter": lambda w: {},
    "respond:form": lambda w: {"code": w.code.code},
}

# Query strings some pages need to show their content.
QUERIES = {
    "public:site_new": lambda w: f"?unit={w.siteless_unit.pk}",
    "public:programme_new": lambda w: f"?programme={w.unshown.pk}",
    "public:document_new": lambda w: f"?document={w.document_unshown.pk}",
    "public:documents": lambda w: "?q=a",
    "public:task_group_new": lambda w: f"?task={w.group_unshown.pk}",
    "public:task_groups": lambda w: "?q=a",
    "public_site:home": lambda w: "?q=alert",  # every planted text: the site search lists them
    "public:campaign_new": lambda w: f"?campaign={w.campaign_unshown.pk}",
    "surveys:results_chart": lambda w: "?v=" + ",".join(["3"] * w.chart_question.choices.count()),
}
# Pages seen by someone other than the administrator.
AS_USER = {"documents:respond": "recipient_user"}

# Addresses that show no stored text as HTML, or only act on POST; each with the reason.
NOT_PAGES = {
    "accounts:login": "no stored text (anonymous form)",
    "accounts:logout": "POST only",
    "org:access_revoke": "POST only",
    "org:export": "XLSX",
    "org:template": "XLSX",
    "documents:register_xlsx": "XLSX",
    "documents:next_number": "JSON",
    "documents:file_download": "file",
    "documents:consultation_remind": "POST only",
    "documents:consultation_close": "POST only",
    "documents:respond_none": "POST only",
    "documents:round_file": "file",
    "documents:synthesis_docx": "DOCX",
    "documents:synthesis_xlsx": "XLSX",
    "documents:comment_resolve": "POST only",
    "documents:submit": "POST only",
    "documents:sign": "POST only",
    "notifications:mark_all_read": "POST only",
    "notifications:open": "redirect",
    "plans:measurement_evidence": "file",
    "plans:task_export": "XLSX",
    "plans:task_export_csv": "CSV",
    "plans:task_comment": "POST only",
    "plans:task_evidence": "file",
    "plans:compliance_xlsx": "XLSX",
    "plans:dashboard_xlsx": "XLSX",
    "plans:dashboard_chart": "SVG of numbers only (?v=1,2,3)",
    "plans:review_docx": "DOCX",
    "plans:calendar_feed_revoke": "POST only",
    "plans:calendar_feed": "ICS",
    "outreach:attendee_remove": "POST only",
    "outreach:calendar_ics": "ICS",
    "outreach:calendar_feed": "ICS",
    "outreach:attendance_template": "XLSX",
    "outreach:campaign_xlsx": "XLSX",
    "outreach:campaign_docx": "DOCX",
    "surveys:survey_open": "POST only",
    "surveys:survey_close": "POST only",
    "surveys:section_delete": "POST only",
    "surveys:question_delete": "POST only",
    "surveys:question_move": "POST only",
    "surveys:codes_export": "XLSX",
    "surveys:paper_resolve": "needs a double-entry mismatch; its text is the mismatch page's",
    "surveys:form_pdf": "PDF",
    "surveys:results_xlsx": "XLSX",
    "surveys:results_raw_xlsx": "XLSX",
    "surveys:results_raw_csv": "CSV",
    "surveys:results_docx": "DOCX",
    "reading:apply": "POST only",
    "exchange:export": "JSON/XLSX",
    "exchange:import_apply": "POST only",
    "api_keys:revoke": "POST only",
    "respond:save": "POST only",
    "respond:done": "no stored text",
    "documents:comment_on_behalf": "POST only",
    "outreach:attendee_makeup": "POST only",
    "outreach:class_cancel": "POST only",
    "plans:task_progress": "POST only",
    "surveys:survey_copy": "POST only",
    "surveys:survey_new_version": "POST only",
    "set_language": "POST only",
    "public:post_publish": "POST only",
    "public:post_withdraw": "POST only",
    "public:programme_withdraw": "POST only",
    "public:comment_act": "POST only",
    "public:document_withdraw": "POST only",
    "public_site:document_file": "file",
    "public:survey_withdraw": "POST only",
    "public:task_group_withdraw": "POST only",
    "public:campaign_withdraw": "POST only",
    "public:survey_new": "the same form as public:survey_edit, for a survey not yet shown",
    "public:image": "image file",
    "public:image_remove": "POST only",
    "public_site:image": "image file",
    "public_site:report": "POST only",
    "public_site:feed": "Atom (XML escaped by Django's feed writer; tests/public checks it)",
    "public_site:sitemap": "XML of addresses and dates only (slugs and numbers, no free text)",
}
SKIPPED_NAMESPACES = {"admin", "api"}  # Django's admin; the API answers JSON only


def named_routes() -> set[str]:
    names = set()

    def walk(resolver, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if namespace and entry.namespace:
                    inner = f"{namespace}:{entry.namespace}"
                walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver(), None)
    return {n for n in names if n.split(":")[0] not in SKIPPED_NAMESPACES}


def test_every_page_is_either_checked_or_skipped_for_a_reason():
    routes = named_routes()
    assert sorted(routes - PAGES.keys() - NOT_PAGES.keys()) == []
    assert sorted((PAGES.keys() | NOT_PAGES.keys()) - routes) == []


def test_every_free_text_field_gets_a_payload():
    fields = free_text_fields()
    labels = {f"{f.model._meta.label}.{f.name}" for f in fields}
    for expected in (
        "org.Unit.name",
        "org.Unit.notes",
        "org.Person.full_name",
        "documents.Document.summary",
        "documents.Comment.text",
        "documents.Comment.response",
        "plans.Task.postponed_reason",
        "surveys.Answer.text",
        "api.ApiToken.name",
    ):
        assert expected in labels
    for field in fields:  # every one fits a hostile payload
        payload("xq9", field.max_length)


def problems_in(body: str, planted: dict[str, str]) -> list[str]:
    found = [f"{label}: {text}" for text, label in planted.items() if text in body]
    found += [f"live markup: {m.group(0)}" for m in LIVE_MARKUP.finditer(body)]
    return found


@pytest.mark.parametrize("name", sorted(PAGES))
def test_hostile_text_is_escaped(db, world, client, name):
    kwargs = PAGES[name](world)
    url = reverse(name, kwargs=kwargs) + QUERIES.get(name, lambda w: "")(world)
    if not name.startswith("respond:"):
        client.force_login(getattr(world, AS_USER.get(name, "admin")))
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    kind = response.get("Content-Type", "")
    assert kind.startswith(HTML_TYPES), (url, kind)
    body = response.content.decode()
    assert problems_in(body, world.planted) == [], url


def test_the_planted_text_is_shown_escaped(db, world, client):
    """The check looks at pages that do show the text (escaped), not at empty ones."""
    client.force_login(world.admin)
    body = client.get(reverse("documents:detail", kwargs={"pk": world.document.pk})).content
    summary = world.document.__class__.objects.get(pk=world.document.pk).summary
    assert "&lt;script&gt;" in body.decode()
    assert summary.startswith("<script>")


def test_free_text_answers_are_escaped(db, world, client):
    """The list of a question's free-text answers, under the results page."""
    client.force_login(world.admin)
    url = reverse("surveys:results", kwargs={"pk": world.survey.pk})
    response = client.get(url, {"answers": world.text_question.pk})
    assert response.status_code == 200
    body = response.content.decode()
    answer = next(text for text, label in world.planted.items() if label == "surveys.Answer.text")
    assert html.escape(answer) in body  # the planted answers are listed, escaped
    assert problems_in(body, world.planted) == []
