"""Public-site pages inside the product: a unit's site settings, its posts, writing and
publishing them. Thin: fetch what the user may see (404 otherwise), check what they may change
(403 otherwise), call a service, render."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.views import _apply_errors

from . import comments, rules, selectors, services
from .forms import (
    CampaignPublicationForm,
    DocumentPublicationForm,
    ImageForm,
    PostForm,
    ProgrammePublicationForm,
    RejectForm,
    SiteForm,
    SurveyPublicationForm,
    TaskGroupPublicationForm,
)
from .models import (
    CampaignPublication,
    DocumentPublication,
    Post,
    PostImage,
    ProgrammePublication,
    PublicComment,
    PublicSite,
    SurveyPublication,
    TaskGroupPublication,
)

PAGE_SIZE = 30


def _site_for(user, pk: int) -> PublicSite:
    """The site when the user may write its posts (404 when they may not even see its unit, 403
    when they see it but may not write)."""
    site = get_object_or_404(PublicSite.objects.select_related("unit"), pk=pk)
    if not org_rules.can_view_unit(user, site.unit):
        raise Http404
    if not rules.can_write(user, site):
        raise PermissionDenied
    return site


def _post_for(user, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("site__unit"), pk=pk)
    _site_for(user, post.site_id)
    return post


@login_required
@require_GET
def site_list(request):
    """The sites whose posts the user may write, and the units that could open one."""
    sites = rules.sites_for(request.user, PublicSite.objects.select_related("unit"))
    units = (
        org_rules.filter_units(request.user, Unit.objects.all(), org_rules.MANAGE)
        .filter(ended_on__isnull=True, public_site__isnull=True)
        .order_by("path")[:50]
    )
    return render(request, "public/manage/site_list.html", {"sites": sites, "units": units})


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request, pk=None):
    """Open a site for ?unit= or change one: those who manage the unit."""
    if pk is None:
        unit = get_object_or_404(Unit, pk=_int(request.GET.get("unit")), ended_on__isnull=True)
        site = None
    else:
        site = get_object_or_404(PublicSite.objects.select_related("unit"), pk=pk)
        unit = site.unit
    if not org_rules.can_view_unit(request.user, unit):
        raise Http404
    if not rules.can_manage_site(request.user, unit):
        raise PermissionDenied
    if request.method == "POST":
        form = SiteForm(request.POST)
        if form.is_valid():
            try:
                site = services.site_save(
                    actor=request.user, unit=unit, site=site, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Đã lưu trang công khai."))
                return redirect("public:site", site.pk)
    elif site is not None:
        form = SiteForm(
            initial={
                f: getattr(site, f) for f in ("title", "slug", "intro", "moderation", "is_open")
            }
        )
    else:
        form = SiteForm(initial={"title": unit.name, "slug": services.slug_of(unit.name)[:60]})
    return render(
        request, "public/manage/site_form.html", {"form": form, "site": site, "unit": unit}
    )


def _int(raw) -> int | None:
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and len(raw) < 19 else None


@login_required
@require_GET
def site_detail(request, pk):
    """A site's posts, drafts included, for its editors."""
    site = _site_for(request.user, pk)
    posts = Paginator(site.posts.order_by("status", "-published_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "public/manage/site_detail.html",
        {
            "site": site,
            "posts": posts,
            "can_manage": rules.can_manage_site(request.user, site.unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, site_pk=None, pk=None):
    """Write a new post (a draft) or correct one; what was typed stays on the page when refused."""
    post = _post_for(request.user, pk) if pk else None
    site = post.site if post else _site_for(request.user, site_pk)
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            names, revision = form.category_names(), data.pop("revision")
            data.pop("categories")
            try:
                post = services.post_save(
                    actor=request.user,
                    site=site,
                    post=post,
                    revision=revision if post else None,
                    category_names=names,
                    **data,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Đã lưu tin “%(title)s”.") % {"title": post.title})
                return redirect("public:post", post.pk)
    elif post is not None:
        form = PostForm(
            initial={
                "title": post.title,
                "summary": post.summary,
                "body": post.body,
                "author_name": post.author_name,
                "categories": ", ".join(c.name for c in post.categories.all()),
                "revision": post.revision,
            }
        )
    else:
        form = PostForm(initial={"author_name": site.unit.name})
    return render(
        request, "public/manage/post_form.html", {"form": form, "site": site, "post": post}
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_detail(request, pk):
    """A post as its editors see it, with its state, the buttons to publish or withdraw, and its
    pictures (a POST adds one)."""
    post = _post_for(request.user, pk)
    form = ImageForm()
    if request.method == "POST":
        form = ImageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.image_add(
                    actor=request.user,
                    post=post,
                    uploaded=form.cleaned_data["image"],
                    alt=form.cleaned_data["alt"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Đã thêm ảnh."))
                return redirect("public:post", post.pk)
    return render(
        request,
        "public/manage/post_detail.html",
        {"post": post, "site": post.site, "form": form, "images": post.images.all()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def image_remove(request, pk):
    image = get_object_or_404(PostImage.objects.select_related("post"), pk=pk)
    _post_for(request.user, image.post_id)
    services.image_remove(actor=request.user, image=image)
    messages.success(request, _("Đã bỏ ảnh khỏi tin."))
    return redirect("public:post", image.post_id)


@login_required
@require_GET
def image_file(request, pk):
    """A picture of a post, for its editors (the draft's pictures too)."""
    image = get_object_or_404(PostImage.objects.select_related("post"), pk=pk)
    _post_for(request.user, image.post_id)
    return image_response(image)


def image_response(image: PostImage):
    from django.http import FileResponse

    try:
        handle = image.image.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=services.IMAGE_KINDS.get(image.kind))
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def post_publish(request, pk):
    post = _post_for(request.user, pk)
    try:
        post = services.post_publish(actor=request.user, post=post)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if post.site.is_open:
            messages.success(request, _("Tin đã được đăng lên trang công khai."))
        else:
            messages.warning(
                request,
                _("Tin đã được đăng, nhưng trang công khai đang đóng: công chúng chưa xem được."),
            )
    return redirect("public:post", post.pk)


@login_required
@require_POST
def post_withdraw(request, pk):
    post = services.post_withdraw(actor=request.user, post=_post_for(request.user, pk))
    messages.success(request, _("Tin đã được gỡ khỏi trang công khai."))
    return redirect("public:post", post.pk)


# --- what a site shows of the product ------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """One kind of thing a site can show of the product, and what its pages need to show it:
    the same three pages (list, show or change, withdraw) serve every kind."""

    model: type  # the publication: ProgrammePublication…
    target: str  # its field naming the thing shown, also the keyword of its form and service
    form: type
    chosen: str  # the form's field of the items chosen
    ids: str  # the service's keyword for their ids
    publish: Callable
    withdraw: Callable
    publishable: Callable  # site -> the things it may show
    listing: str  # the list page
    template: str  # of the list page
    others: Callable  # (site, request) -> what the list offers to show next
    shown: Callable  # site -> the publications on it
    heading: str  # of the form: "%(title)s" is the thing's name
    done: str
    withdrawn: str
    initial: Callable = lambda thing: {}
    title: Callable = lambda thing: thing.title


def _not_shown(publishable: Callable, order: str, limit: int = 100) -> Callable:
    """What the list offers: the things the site may show and does not yet, in `order`."""

    def others(site, request):
        qs = publishable(site).exclude(publications__site=site)
        return {"others": qs.select_related("owner_unit").order_by(order)[:limit]}

    return others


def _documents_found(site, request):
    q = (request.GET.get("q") or "").strip()[:200]
    return {"q": q, "found": selectors.search_publishable_documents(site, q) if q else []}


def _task_groups_found(site, request):
    """Tasks with subtasks the site may show, newest first, matching every word of ?q= with or
    without diacritics (among the 2,000 newest: a title is folded here, not stored folded)."""
    from trienkhai.lib.text import fold

    q = (request.GET.get("q") or "").strip()[:200]
    words = fold(q).split()[:8]
    qs = (
        services.publishable_task_groups(site)
        .exclude(publications__site=site)
        .select_related("lead_unit")
        .order_by("-id")
    )
    if not words:
        return {"q": q, "found": list(qs[:30])}
    found = [t for t in qs[:2000] if all(w in fold(t.title) for w in words)]
    return {"q": q, "found": found[:100]}


KINDS: dict[str, Kind] = {}
KINDS["programme"] = Kind(
    model=ProgrammePublication, target="programme", form=ProgrammePublicationForm,
    chosen="indicators", ids="indicator_ids", publish=services.programme_publish,
    withdraw=services.programme_withdraw, publishable=services.publishable_programmes,
    listing="public:programmes", template="public/manage/programme_list.html",
    others=_not_shown(services.publishable_programmes, "title"), shown=selectors.public_programmes,
    heading=gettext_lazy("Công khai chương trình “%(title)s”"),
    done=gettext_lazy("Chương trình “%(title)s” đã được công khai."),
    withdrawn=gettext_lazy("Chương trình đã được gỡ khỏi trang công khai."),
    initial=lambda programme: {"summary": programme.description},
)  # fmt: skip
KINDS["survey"] = Kind(
    model=SurveyPublication, target="survey", form=SurveyPublicationForm, chosen="questions",
    ids="question_ids", publish=services.survey_publish, withdraw=services.survey_withdraw,
    publishable=services.publishable_surveys, listing="public:surveys",
    template="public/manage/survey_list.html",
    others=_not_shown(services.publishable_surveys, "-created_at"), shown=selectors.public_surveys,
    heading=gettext_lazy("Công khai kết quả “%(title)s”"),
    done=gettext_lazy("Kết quả “%(title)s” đã được công khai."),
    withdrawn=gettext_lazy("Kết quả khảo sát đã được gỡ khỏi trang công khai."),
)  # fmt: skip
KINDS["document"] = Kind(
    model=DocumentPublication, target="document", form=DocumentPublicationForm, chosen="files",
    ids="file_ids", publish=services.document_publish, withdraw=services.document_withdraw,
    publishable=services.publishable_documents, listing="public:documents",
    template="public/manage/document_list.html", others=_documents_found,
    shown=selectors.public_documents, heading=gettext_lazy("Công khai văn bản %(title)s"),
    done=gettext_lazy("Văn bản %(title)s đã được công khai."),
    withdrawn=gettext_lazy("Văn bản đã được gỡ khỏi trang công khai."),
    title=lambda document: document.number_text,
)  # fmt: skip
KINDS["task"] = Kind(
    model=TaskGroupPublication, target="task", form=TaskGroupPublicationForm, chosen="tasks",
    ids="task_ids", publish=services.task_group_publish, withdraw=services.task_group_withdraw,
    publishable=services.publishable_task_groups, listing="public:task_groups",
    template="public/manage/task_group_list.html", others=_task_groups_found,
    shown=selectors.public_task_groups, heading=gettext_lazy("Công khai nhóm nhiệm vụ “%(title)s”"),
    done=gettext_lazy("Nhóm nhiệm vụ “%(title)s” đã được công khai."),
    withdrawn=gettext_lazy("Nhóm nhiệm vụ đã được gỡ khỏi trang công khai."),
    initial=lambda task: {"tasks": list(task.subtasks.values_list("pk", flat=True))},
)  # fmt: skip
KINDS["campaign"] = Kind(
    model=CampaignPublication, target="campaign", form=CampaignPublicationForm,
    chosen="target_groups", ids="group_ids", publish=services.campaign_publish,
    withdraw=services.campaign_withdraw, publishable=services.publishable_campaigns,
    listing="public:campaigns", template="public/manage/campaign_list.html",
    others=_not_shown(services.publishable_campaigns, "-id"), shown=selectors.public_campaigns,
    heading=gettext_lazy("Công khai đợt quán triệt “%(title)s”"),
    done=gettext_lazy("Đợt quán triệt “%(title)s” đã được công khai."),
    withdrawn=gettext_lazy("Đợt quán triệt đã được gỡ khỏi trang công khai."),
    initial=lambda campaign: {
        "target_groups": list(services.campaign_groups(campaign).values_list("pk", flat=True))
    },
)  # fmt: skip


def _publication_for(user, kind: Kind, pk: int):
    publication = get_object_or_404(
        kind.model.objects.select_related("site__unit", kind.target), pk=pk
    )
    _site_for(user, publication.site_id)
    return publication


@login_required
@require_GET
def publication_list(request, pk, kind):
    """What the site shows of one kind, and what it could show next."""
    kind = KINDS[kind]
    site = _site_for(request.user, pk)
    context = {"site": site, "shown": kind.shown(site), **kind.others(site, request)}
    return render(request, kind.template, context)


@login_required
@require_http_methods(["GET", "POST"])
def publication_edit(request, kind, site_pk=None, pk=None):
    """Show a thing (?<kind>=<id>) on the site, or change how it is shown; what was typed stays
    on the page when refused."""
    kind = KINDS[kind]
    publication = _publication_for(request.user, kind, pk) if pk else None
    if publication is not None:
        site, thing = publication.site, getattr(publication, kind.target)
    else:
        site = _site_for(request.user, site_pk)
        chosen = _int(request.GET.get(kind.target))
        thing = kind.publishable(site).filter(pk=chosen).first()
        if thing is None:
            raise Http404
    if request.method == "POST":
        form = kind.form(request.POST, **{kind.target: thing})
        if form.is_valid():
            try:
                kind.publish(
                    actor=request.user,
                    site=site,
                    summary=form.cleaned_data["summary"],
                    publication=publication,
                    revision=form.cleaned_data["revision"] if publication else None,
                    **{kind.target: thing},
                    **{kind.ids: [item.pk for item in form.cleaned_data[kind.chosen]]},
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, kind.done % {"title": kind.title(thing)})
                return redirect(kind.listing, site.pk)
    elif publication is not None:
        form = kind.form(
            initial={
                "summary": publication.summary,
                kind.chosen: list(getattr(publication, kind.chosen).values_list("pk", flat=True)),
                "revision": publication.revision,
            },
            **{kind.target: thing},
        )
    else:
        form = kind.form(initial=kind.initial(thing), **{kind.target: thing})
    return render(
        request,
        "public/manage/publication_form.html",
        {
            "form": form,
            "site": site,
            "publication": publication,
            "heading": kind.heading % {"title": kind.title(thing)},
            "listing": kind.listing,
        },
    )


@login_required
@require_POST
def publication_withdraw(request, kind, pk):
    kind = KINDS[kind]
    publication = _publication_for(request.user, kind, pk)
    site = publication.site
    kind.withdraw(actor=request.user, publication=publication)
    messages.success(request, str(kind.withdrawn))
    return redirect(kind.listing, site.pk)


# --- citizens' comments -------------------------------------------------------------------------
QUEUES = {
    "can-xem": ("needs_review", True),
    "dang-hien": ("status", PublicComment.Status.PUBLISHED),
    "cho-duyet": ("status", PublicComment.Status.PENDING),
    "khong-dang": ("status", PublicComment.Status.REJECTED),
}


def _comment_for(user, pk: int) -> PublicComment:
    comment = get_object_or_404(PublicComment.objects.select_related("site__unit"), pk=pk)
    _site_for(user, comment.site_id)
    return comment


@login_required
@require_GET
def comment_queue(request, pk):
    """The comments to review first (new, or reported), then by state; with the writer's contact,
    for the unit only."""
    site = _site_for(request.user, pk)
    shown = request.GET.get("xem") if request.GET.get("xem") in QUEUES else "can-xem"
    field, value = QUEUES[shown]
    qs = (
        site.comments.filter(**{field: value})
        .select_related("post", "programme__programme")
        .order_by("-reports", "created_at", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/manage/comments.html",
        {
            "site": site,
            "page": page,
            "shown": shown,
            "queues": [
                (key, site.comments.filter(**{f: v}).count()) for key, (f, v) in QUEUES.items()
            ],
            "reject_form": RejectForm(),
        },
    )


@login_required
@require_POST
def comment_act(request, pk, action):
    """Approve, reject (with a reason), reply to, or erase a comment; back to the queue."""
    comment = _comment_for(request.user, pk)
    site_pk = comment.site_id
    try:
        if action == "duyet":
            comments.comment_approve(actor=request.user, comment=comment)
            messages.success(request, _("Ý kiến đã được duyệt và đang hiện."))
        elif action == "khong-dang":
            comments.comment_reject(
                actor=request.user, comment=comment, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Ý kiến sẽ không hiện."))
        elif action == "tra-loi":
            comments.comment_reply(
                actor=request.user, comment=comment, reply=request.POST.get("reply", "")
            )
            messages.success(request, _("Đã lưu trả lời của đơn vị."))
        elif action == "xoa":
            comments.comment_erase(actor=request.user, comment=comment)
            messages.success(request, _("Ý kiến và thông tin của người gửi đã được xóa."))
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    back = request.POST.get("xem")
    query = f"?xem={back}" if back in QUEUES else ""
    return redirect(reverse("public:comments", args=[site_pk]) + query)
