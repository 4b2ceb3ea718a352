"""Writes to public sites: opening a site, writing, publishing and withdrawing posts, showing
programmes. Each change is checked here (not only in the forms), audited, and refused with a
message that says what to do. `actor=None` is the system (the demo, imports), as elsewhere."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents import files as document_files
from trienkhai.lib.text import fold, normalize

from . import rules
from .models import (
    CampaignPublication,
    Category,
    DocumentPublication,
    Post,
    PostImage,
    ProgrammePublication,
    PublicSite,
    SurveyPublication,
    TaskGroupPublication,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SITE_FIELDS = ["slug", "title", "intro", "moderation", "is_open"]
POST_FIELDS = ["title", "summary", "body", "author_name", "status", "published_on"]


def slug_of(text: str, limit: int = 80) -> str:
    """An address part from Vietnamese text: "Tin hoạt động" -> "tin-hoat-dong"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-")


def _stale(obj, revision: int | None) -> None:
    if revision is not None and obj.revision != revision:
        raise ValidationError(
            _("Nội dung vừa được người khác sửa. Hãy tải lại trang để xem thay đổi rồi sửa tiếp.")
        )


# --- the site ------------------------------------------------------------------------------------
@transaction.atomic
def site_save(
    *,
    actor,
    unit,
    slug: str,
    title: str,
    intro: str = "",
    moderation: str = PublicSite.Moderation.BEFORE,
    is_open: bool = False,
    site: PublicSite | None = None,
    revision: int | None = None,
) -> PublicSite:
    """Create the unit's site or change it. Only those who manage the unit may."""
    if actor is not None and not rules.can_manage_site(actor, unit):
        raise PermissionDenied
    if site is None and PublicSite.objects.filter(unit=unit).exists():
        raise ValidationError(_("“%(unit)s” đã có trang công khai.") % {"unit": unit.name})
    slug = (slug or "").strip().lower()
    errors = {}
    if not slug:
        errors["slug"] = _("Hãy nhập địa chỉ của trang, ví dụ “thanh-uy-ben-tre”.")
    elif not SLUG.match(slug) or len(slug) > 60:
        errors["slug"] = _(
            "Địa chỉ chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 60 ký tự), "
            "ví dụ “thanh-uy-ben-tre”."
        )
    elif PublicSite.objects.filter(slug=slug).exclude(pk=site.pk if site else None).exists():
        errors["slug"] = _("Địa chỉ “%(slug)s” đã được dùng cho trang khác.") % {"slug": slug}
    title = normalize(title)
    if not title:
        errors["title"] = _("Hãy nhập tên trang.")
    if moderation not in PublicSite.Moderation.values:
        errors["moderation"] = _("Hãy chọn cách duyệt ý kiến.")
    if errors:
        raise ValidationError(errors)
    if site is None:
        site = PublicSite(unit=unit)
        before = {}
    else:
        site = PublicSite.objects.select_for_update().get(pk=site.pk)
        _stale(site, revision)
        before = snapshot(site, SITE_FIELDS)
        site.revision = F("revision") + 1
    site.slug, site.title, site.intro = slug, title, (intro or "").strip()
    site.moderation, site.is_open = moderation, bool(is_open)
    site.save()
    site.refresh_from_db()
    changes = diff(before, snapshot(site, SITE_FIELDS))
    if changes:
        action = AuditEntry.Action.CREATE if not before else AuditEntry.Action.UPDATE
        audit_record(actor=actor, obj=site, action=action, changes=changes)
    return site


@transaction.atomic
def category_get_or_create(*, actor, site: PublicSite, name: str) -> Category:
    """The site's category of that name, created when new."""
    if actor is not None and not rules.can_write(actor, site):
        raise PermissionDenied
    name = normalize(name)
    slug = slug_of(name)
    if not slug:
        raise ValidationError({"categories": _("Tên chuyên mục phải có chữ hoặc số.")})
    category = Category.objects.filter(site=site, slug=slug).first()
    if category is None:
        category = Category.objects.create(site=site, name=name[:100], slug=slug)
        audit_record(
            actor=actor,
            obj=category,
            action=AuditEntry.Action.CREATE,
            changes={"name": [None, name]},
        )
    return category


# --- posts ---------------------------------------------------------------------------------------
def _free_slug(site: PublicSite, title: str, post: Post | None) -> str:
    """The post's address: from its title, numbered when another post of the site has it."""
    base = slug_of(title) or "tin"
    taken = set(
        Post.objects.filter(site=site, slug__startswith=base)
        .exclude(pk=post.pk if post else None)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[:110]}-{n}"
        n += 1
    return slug


def search_text_of(post: Post) -> str:
    return fold(" ".join([post.title, post.summary, post.body]))


@transaction.atomic
def post_save(
    *,
    actor,
    site: PublicSite,
    title: str,
    body: str,
    author_name: str,
    summary: str = "",
    category_names: list[str] = (),
    post: Post | None = None,
    revision: int | None = None,
) -> Post:
    """Write a new post (a draft) or correct one. A published post stays published: what it says
    changes at once on the public site."""
    if actor is not None and not rules.can_write(actor, site):
        raise PermissionDenied
    title, author_name, summary = normalize(title), normalize(author_name), normalize(summary)
    body = (body or "").replace("\r\n", "\n").strip()
    errors = {}
    if not title:
        errors["title"] = _("Hãy nhập tiêu đề tin.")
    if not body:
        errors["body"] = _("Hãy nhập nội dung tin.")
    if not author_name:
        errors["author_name"] = _("Hãy nhập tên tác giả (người viết hoặc bộ phận).")
    if len(summary) > 500:
        errors["summary"] = _("Tóm tắt tối đa 500 ký tự (đang có %(n)d).") % {"n": len(summary)}
    if errors:
        raise ValidationError(errors)
    if post is None:
        post = Post(site=site, created_by=actor if actor and actor.is_authenticated else None)
        before = {}
    else:
        post = Post.objects.select_for_update().get(pk=post.pk, site=site)
        _stale(post, revision)
        before = {**snapshot(post, POST_FIELDS), "categories": _category_names(post)}
        post.revision = F("revision") + 1
    post.title, post.summary, post.body, post.author_name = title, summary, body, author_name
    post.slug = post.slug or _free_slug(site, title, None)
    post.search_text = search_text_of(post)
    post.save()
    post.refresh_from_db()
    names = [n for n in (normalize(n) for n in category_names) if n]
    post.categories.set(
        [category_get_or_create(actor=actor, site=site, name=name) for name in names]
    )
    after = {**snapshot(post, POST_FIELDS), "categories": _category_names(post)}
    changes = diff(before, after)
    if changes:
        action = AuditEntry.Action.CREATE if not before else AuditEntry.Action.UPDATE
        audit_record(actor=actor, obj=post, action=action, changes=changes)
    return post


def _category_names(post: Post) -> list[str]:
    return sorted(post.categories.values_list("name", flat=True))


@transaction.atomic
def post_publish(*, actor, post: Post, published_on: dt.date | None = None) -> Post:
    """Show the post to the public, dated `published_on` (today by default)."""
    post = Post.objects.select_for_update().select_related("site__unit").get(pk=post.pk)
    if actor is not None and not rules.can_write(actor, post.site):
        raise PermissionDenied
    today = timezone.localdate()
    day = published_on or post.published_on or today
    if day > today:
        raise ValidationError(
            {"published_on": _("Ngày đăng không thể ở tương lai. Hãy đăng vào ngày đó.")}
        )
    before = snapshot(post, POST_FIELDS)
    post.status, post.published_on = Post.Status.PUBLISHED, day
    post.revision = F("revision") + 1
    post.save(update_fields=["status", "published_on", "revision", "updated_at"])
    post.refresh_from_db()
    audit_record(
        actor=actor,
        obj=post,
        action=AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(post, POST_FIELDS)),
        note="Đăng lên trang công khai",
    )
    return post


@transaction.atomic
def post_withdraw(*, actor, post: Post) -> Post:
    """Take the post off the public site; it stays as a draft with its date."""
    post = Post.objects.select_for_update().select_related("site__unit").get(pk=post.pk)
    if actor is not None and not rules.can_write(actor, post.site):
        raise PermissionDenied
    if post.status == Post.Status.DRAFT:
        return post
    before = snapshot(post, POST_FIELDS)
    post.status = Post.Status.DRAFT
    post.revision = F("revision") + 1
    post.save(update_fields=["status", "revision", "updated_at"])
    post.refresh_from_db()
    audit_record(
        actor=actor,
        obj=post,
        action=AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(post, POST_FIELDS)),
        note="Gỡ khỏi trang công khai",
    )
    return post


# --- pictures of a post ----------------------------------------------------------------------------
IMAGE_KINDS = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


def image_limit() -> int:
    return getattr(settings, "TRIENKHAI_MAX_EVIDENCE_BYTES", 10 * 1024 * 1024)


@transaction.atomic
def image_add(*, actor, post: Post, uploaded, alt: str, caption: str = "") -> PostImage:
    """Add a picture (PNG, JPEG or GIF, decided by its content, not its name) to a post."""
    post = Post.objects.select_related("site__unit").get(pk=post.pk)
    if actor is not None and not rules.can_write(actor, post.site):
        raise PermissionDenied
    alt, caption = normalize(alt), normalize(caption)
    errors = {}
    if not alt:
        errors["alt"] = _(
            "Hãy tả ngắn ảnh cho người không xem được ảnh, ví dụ “Quang cảnh hội nghị quán triệt”."
        )
    limit = image_limit()
    size = getattr(uploaded, "size", None)
    data = b""
    if uploaded is None:
        errors["image"] = _("Hãy chọn ảnh.")
    elif size is not None and size > limit:
        errors["image"] = _("Ảnh quá lớn: tối đa %(mb)s MB.") % {"mb": f"{limit / 1048576:g}"}
    else:
        data = uploaded.read(limit + 1)
        kind = document_files._sniff(data)
        if len(data) > limit:
            errors["image"] = _("Ảnh quá lớn: tối đa %(mb)s MB.") % {"mb": f"{limit / 1048576:g}"}
        elif kind not in IMAGE_KINDS:
            errors["image"] = _("Tệp này không phải ảnh PNG, JPEG hoặc GIF.")
    if errors:
        raise ValidationError(errors)
    image = PostImage(
        post=post, kind=kind, alt=alt[:300], caption=caption[:300],
        position=post.images.count(),
    )  # fmt: skip
    name = f"{slug_of(caption or alt, 60) or 'anh'}.{'jpg' if kind == 'jpeg' else kind}"
    image.image.save(name, ContentFile(data), save=False)
    image.save()
    audit_record(
        actor=actor,
        obj=post,
        action=AuditEntry.Action.UPDATE,
        changes={"ảnh": [None, image.caption or image.alt]},
        note="Thêm ảnh vào tin",
    )
    return image


@transaction.atomic
def image_remove(*, actor, image: PostImage) -> None:
    image = PostImage.objects.select_related("post__site__unit").get(pk=image.pk)
    if actor is not None and not rules.can_write(actor, image.post.site):
        raise PermissionDenied
    audit_record(
        actor=actor,
        obj=image.post,
        action=AuditEntry.Action.UPDATE,
        changes={"ảnh": [image.caption or image.alt, None]},
        note="Bỏ ảnh khỏi tin",
    )
    stored = image.image
    image.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- what a site shows of the product: programmes, survey results, documents, task groups and
# campaigns. Each kind is one Kind below; the checks, the audit and the stale check are shared.
@dataclass(frozen=True)
class Kind:
    """How one kind of thing is shown on a site: the thing (`target`), the items of it chosen one
    by one (`field`), and the words of the refusals, each naming what to do."""

    model: type
    target: str  # the publication's field naming the thing shown
    field: str  # its many-to-many field of the items chosen
    publishable: Callable  # site -> the things it may show
    items: Callable  # thing -> the items that may be chosen of it
    outside: str  # refusal of a thing the site may not show; %(unit)s is the site's unit
    wrong_item: str  # refusal of an item not the thing's own
    already: str
    shown: Callable  # publication -> what the public sees of it, for the audit
    note: Callable  # thing -> the audit's words
    no_summary: str | None = None  # refusal of an empty introduction; None: it may be empty


def _publish(kind: Kind, *, actor, site, thing, summary, ids, publication, revision):
    """Show `thing` on the site, or change how it is shown (refused when stale): its
    introduction and the items chosen, each of the thing's own; audited with what the public
    sees."""
    if actor is not None and not rules.can_write(actor, site):
        raise PermissionDenied
    if not kind.publishable(site).filter(pk=thing.pk).exists():
        raise ValidationError(kind.outside % {"unit": site.unit.name})
    summary = (summary or "").replace("\r\n", "\n").strip()
    if not summary and kind.no_summary:
        raise ValidationError({"summary": kind.no_summary})
    chosen = set(ids)
    own = set(kind.items(thing).filter(pk__in=chosen).values_list("pk", flat=True))
    if chosen - own:
        raise ValidationError({kind.field: kind.wrong_item})
    if publication is None:
        if kind.model.objects.filter(site=site, **{kind.target: thing}).exists():
            raise ValidationError(kind.already)
        publication = kind.model(
            site=site,
            published_by=actor if actor and actor.is_authenticated else None,
            **{kind.target: thing},
        )
        before = {}
    else:
        publication = kind.model.objects.select_for_update().get(pk=publication.pk)
        _stale(publication, revision)
        before = kind.shown(publication)
        publication.revision = F("revision") + 1
    publication.summary = summary
    publication.save()
    publication.refresh_from_db()
    getattr(publication, kind.field).set(sorted(own))
    changes = diff(before, kind.shown(publication))
    if changes or not before:
        audit_record(
            actor=actor,
            obj=publication,
            action=AuditEntry.Action.CREATE if not before else AuditEntry.Action.UPDATE,
            changes=changes,
            note=f"Công khai {kind.note(thing)}",
        )
    return publication


def _withdraw(kind: Kind, *, actor, publication) -> None:
    """Take a publication off its site, audited with what the public saw; the thing shown is
    untouched."""
    publication = kind.model.objects.select_related("site__unit", kind.target).get(
        pk=publication.pk
    )
    if actor is not None and not rules.can_write(actor, publication.site):
        raise PermissionDenied
    audit_record(
        actor=actor,
        obj=publication,
        action=AuditEntry.Action.END,
        changes={key: [value, None] for key, value in kind.shown(publication).items()},
        note=f"Gỡ {kind.note(getattr(publication, kind.target))} khỏi trang công khai",
    )
    publication.delete()


def _shown_as(items: str, name: str) -> Callable:
    """What the public sees of a publication: its introduction and the names of its items."""

    def shown(publication) -> dict:
        return {
            "summary": publication.summary,
            items: sorted(getattr(publication, items).values_list(name, flat=True)),
        }

    return shown


def _under(site: PublicSite, *fields: str) -> Q:
    """Owned (by any of `fields`) by the site's unit or a unit below it."""
    where = Q()
    for field in fields:
        where |= Q(**{f"{field}__path__startswith": site.unit.path})
    return where


# --- programmes ----------------------------------------------------------------------------------
def publishable_programmes(site: PublicSite):
    """Programmes a site may show: those of its unit and of the units below it."""
    from trienkhai.plans.models import Programme

    return Programme.objects.filter(_under(site, "owner_unit"))


PROGRAMMES = Kind(
    model=ProgrammePublication, target="programme", field="indicators",
    publishable=publishable_programmes, items=lambda programme: programme.indicators.all(),
    outside=gettext_lazy("Chỉ công khai được chương trình của %(unit)s hoặc của đơn vị trực thuộc."),
    no_summary=gettext_lazy("Hãy viết vài dòng giới thiệu chương trình với người dân."),
    wrong_item=gettext_lazy("Chỉ chọn được chỉ tiêu của chính chương trình này."),
    already=gettext_lazy("Chương trình này đã được công khai trên trang."),
    shown=_shown_as("indicators", "name"), note=lambda p: f"chương trình “{p.title}”",
)  # fmt: skip


@transaction.atomic
def programme_publish(
    *, actor, site, programme, summary, indicator_ids=(), publication=None, revision=None
) -> ProgrammePublication:
    """Show a programme on the site (or change how it is shown): its public introduction and
    the indicators chosen, each of which must be the programme's own."""
    return _publish(
        PROGRAMMES, actor=actor, site=site, thing=programme, summary=summary, ids=indicator_ids,
        publication=publication, revision=revision,
    )  # fmt: skip


@transaction.atomic
def programme_withdraw(*, actor, publication: ProgrammePublication) -> None:
    _withdraw(PROGRAMMES, actor=actor, publication=publication)


# --- survey results --------------------------------------------------------------------------------
SHOWN_KINDS = {"single", "multi", "likert", "yesno", "grid", "number"}  # counted, never free text


def publishable_surveys(site: PublicSite):
    """Surveys a site may show the results of: of its unit and below, once they took forms."""
    from trienkhai.surveys.models import Survey, SurveyStatus

    return Survey.objects.filter(_under(site, "owner_unit")).exclude(status=SurveyStatus.DRAFT)


SURVEYS = Kind(
    model=SurveyPublication, target="survey", field="questions",
    publishable=publishable_surveys,
    items=lambda survey: survey.questions.filter(kind__in=SHOWN_KINDS),
    outside=gettext_lazy(
        "Chỉ công khai được kết quả khảo sát đã nhận phiếu của %(unit)s hoặc đơn vị trực thuộc."
    ),
    no_summary=gettext_lazy("Hãy viết vài dòng giới thiệu cuộc khảo sát với người dân."),
    wrong_item=gettext_lazy("Chỉ chọn được câu hỏi có lựa chọn hoặc số của chính cuộc khảo sát này."),
    already=gettext_lazy("Kết quả cuộc khảo sát này đã được công khai trên trang."),
    shown=_shown_as("questions", "text"), note=lambda s: f"kết quả khảo sát “{s.title}”",
)  # fmt: skip


@transaction.atomic
def survey_publish(
    *, actor, site, survey, summary, question_ids=(), publication=None, revision=None
) -> SurveyPublication:
    """Show a survey's results on the site: counts of the questions chosen, each of the
    survey's own and counted (a free-text question cannot be chosen)."""
    return _publish(
        SURVEYS, actor=actor, site=site, thing=survey, summary=summary, ids=question_ids,
        publication=publication, revision=revision,
    )  # fmt: skip


@transaction.atomic
def survey_withdraw(*, actor, publication: SurveyPublication) -> None:
    _withdraw(SURVEYS, actor=actor, publication=publication)


# --- documents ---------------------------------------------------------------------------------------
def publishable_documents(site: PublicSite):
    """Documents a site may show: issued, and owned or issued by its unit or a unit below it."""
    from trienkhai.documents.models import ISSUED_STATES, Document

    return Document.objects.filter(status__in=ISSUED_STATES).filter(
        _under(site, "owner_unit", "issuer_unit")
    )


DOCUMENTS = Kind(
    model=DocumentPublication, target="document", field="files",
    publishable=publishable_documents, items=lambda document: document.files.all(),
    outside=gettext_lazy("Chỉ công khai được văn bản đã ban hành của %(unit)s hoặc đơn vị trực thuộc."),
    wrong_item=gettext_lazy("Chỉ chọn được tệp của chính văn bản này."),
    already=gettext_lazy("Văn bản này đã được công khai trên trang."),
    shown=_shown_as("files", "original_name"), note=lambda d: f"văn bản {d.number_text}",
)  # fmt: skip


@transaction.atomic
def document_publish(
    *, actor, site, document, summary="", file_ids=(), publication=None, revision=None
) -> DocumentPublication:
    """Show an issued document on the site, with the files chosen (each the document's own);
    its introduction may be empty (the summary of the document says enough)."""
    return _publish(
        DOCUMENTS, actor=actor, site=site, thing=document, summary=summary, ids=file_ids,
        publication=publication, revision=revision,
    )  # fmt: skip


@transaction.atomic
def document_withdraw(*, actor, publication: DocumentPublication) -> None:
    _withdraw(DOCUMENTS, actor=actor, publication=publication)


# --- task groups ---------------------------------------------------------------------------------
def publishable_task_groups(site: PublicSite):
    """Tasks a site may show as a group: those with subtasks, assigned by or led by its unit or
    a unit below it."""
    from trienkhai.plans.models import Task

    return Task.objects.filter(
        _under(site, "assigned_by", "lead_unit"),
        Exists(Task.objects.filter(parent=OuterRef("pk"))),
    )


TASK_GROUPS = Kind(
    model=TaskGroupPublication, target="task", field="tasks",
    publishable=publishable_task_groups, items=lambda task: task.subtasks.all(),
    outside=gettext_lazy(
        "Chỉ công khai được nhóm nhiệm vụ (nhiệm vụ có nhiệm vụ con) do %(unit)s hoặc đơn vị "
        "trực thuộc giao hay chủ trì."
    ),
    no_summary=gettext_lazy("Hãy viết vài dòng giới thiệu nhóm nhiệm vụ với người dân."),
    wrong_item=gettext_lazy("Chỉ chọn được nhiệm vụ con của chính nhiệm vụ này."),
    already=gettext_lazy("Nhóm nhiệm vụ này đã được công khai trên trang."),
    shown=_shown_as("tasks", "title"), note=lambda t: f"nhóm nhiệm vụ “{t.title}”",
)  # fmt: skip


@transaction.atomic
def task_group_publish(
    *, actor, site, task, summary, task_ids=(), publication=None, revision=None
) -> TaskGroupPublication:
    """Show a task and the subtasks chosen (each a subtask of that task) on the site: what is
    to be done, by which unit, by when, and how far it has got."""
    return _publish(
        TASK_GROUPS, actor=actor, site=site, thing=task, summary=summary, ids=task_ids,
        publication=publication, revision=revision,
    )  # fmt: skip


@transaction.atomic
def task_group_withdraw(*, actor, publication: TaskGroupPublication) -> None:
    _withdraw(TASK_GROUPS, actor=actor, publication=publication)


# --- dissemination campaigns ---------------------------------------------------------------------
def publishable_campaigns(site: PublicSite):
    """Campaigns a site may show: those run by its unit or a unit below it."""
    from trienkhai.outreach.models import Campaign

    return Campaign.objects.filter(_under(site, "owner_unit"))


def campaign_groups(campaign):
    """The target groups of a campaign: those it names and those given a quota."""
    from trienkhai.outreach.models import TargetGroup

    return TargetGroup.objects.filter(
        Q(campaigns=campaign) | Q(pk__in=campaign.quotas.values("target_group"))
    ).distinct()


CAMPAIGNS = Kind(
    model=CampaignPublication, target="campaign", field="target_groups",
    publishable=publishable_campaigns, items=campaign_groups,
    outside=gettext_lazy("Chỉ công khai được đợt quán triệt do %(unit)s hoặc đơn vị trực thuộc tổ chức."),
    no_summary=gettext_lazy("Hãy viết vài dòng giới thiệu đợt quán triệt với người dân."),
    wrong_item=gettext_lazy("Chỉ chọn được đối tượng của chính đợt quán triệt này."),
    already=gettext_lazy("Đợt quán triệt này đã được công khai trên trang."),
    shown=_shown_as("target_groups", "name"), note=lambda c: f"đợt quán triệt “{c.title}”",
)  # fmt: skip


@transaction.atomic
def campaign_publish(
    *, actor, site, campaign, summary, group_ids=(), publication=None, revision=None
) -> CampaignPublication:
    """Show a dissemination campaign on the site, with the reach of the target groups chosen
    (each a group of this campaign)."""
    return _publish(
        CAMPAIGNS, actor=actor, site=site, thing=campaign, summary=summary, ids=group_ids,
        publication=publication, revision=revision,
    )  # fmt: skip


@transaction.atomic
def campaign_withdraw(*, actor, publication: CampaignPublication) -> None:
    _withdraw(CAMPAIGNS, actor=actor, publication=publication)


# --- any kind, by name (the API) ---------------------------------------------------------------
KINDS = {kind.target: kind for kind in (PROGRAMMES, SURVEYS, DOCUMENTS, TASK_GROUPS, CAMPAIGNS)}


@transaction.atomic
def publication_save(*, actor, kind: Kind, site, thing, summary, ids=(), publication=None,
                     revision=None):  # fmt: skip
    """Show `thing` of kind `kind` on the site, or change how it is shown (as the functions of
    each kind above, for callers that name the kind: the API)."""
    return _publish(
        kind, actor=actor, site=site, thing=thing, summary=summary, ids=ids,
        publication=publication, revision=revision,
    )  # fmt: skip


@transaction.atomic
def publication_withdraw(*, actor, kind: Kind, publication) -> None:
    _withdraw(kind, actor=actor, publication=publication)
