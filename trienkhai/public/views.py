"""Public-site pages inside the product: a unit's site settings, its posts, writing and
publishing them. Thin: fetch what the user may see (404 otherwise), check what they may change
(403 otherwise), call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.views import _apply_errors

from . import comments, rules, selectors, services
from .forms import (
    DocumentPublicationForm,
    ImageForm,
    PostForm,
    ProgrammePublicationForm,
    RejectForm,
    SiteForm,
    SurveyPublicationForm,
)
from .models import (
    DocumentPublication,
    Post,
    PostImage,
    ProgrammePublication,
    PublicComment,
    PublicSite,
    SurveyPublication,
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


# --- programmes shown on the site ------------------------------------------------------------------
def _publication_for(user, pk: int) -> ProgrammePublication:
    publication = get_object_or_404(
        ProgrammePublication.objects.select_related("site__unit", "programme"), pk=pk
    )
    _site_for(user, publication.site_id)
    return publication


@login_required
@require_GET
def programme_list(request, pk):
    """The programmes shown on the site, and those of the unit that could be."""
    site = _site_for(request.user, pk)
    shown = selectors.public_programmes(site)
    others = (
        services.publishable_programmes(site)
        .exclude(publications__site=site)
        .select_related("owner_unit")
        .order_by("title")[:100]
    )
    return render(
        request,
        "public/manage/programme_list.html",
        {"site": site, "shown": shown, "others": others},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_publish(request, site_pk=None, pk=None):
    """Show a programme (?programme=) on the site, or change how it is shown."""
    publication = _publication_for(request.user, pk) if pk else None
    if publication is not None:
        site, programme = publication.site, publication.programme
    else:
        site = _site_for(request.user, site_pk)
        programme = (
            services.publishable_programmes(site)
            .filter(pk=_int(request.GET.get("programme")))
            .first()
        )
        if programme is None:
            raise Http404
    if request.method == "POST":
        form = ProgrammePublicationForm(request.POST, programme=programme)
        if form.is_valid():
            try:
                publication = services.programme_publish(
                    actor=request.user,
                    site=site,
                    programme=programme,
                    summary=form.cleaned_data["summary"],
                    indicator_ids=[i.pk for i in form.cleaned_data["indicators"]],
                    publication=publication,
                    revision=form.cleaned_data["revision"] if publication else None,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Chương trình “%(title)s” đã được công khai.") % {"title": programme.title},
                )
                return redirect("public:programmes", site.pk)
    elif publication is not None:
        form = ProgrammePublicationForm(
            programme=programme,
            initial={
                "summary": publication.summary,
                "indicators": list(publication.indicators.values_list("pk", flat=True)),
                "revision": publication.revision,
            },
        )
    else:
        form = ProgrammePublicationForm(
            programme=programme, initial={"summary": programme.description}
        )
    return render(
        request,
        "public/manage/programme_form.html",
        {"form": form, "site": site, "programme": programme, "publication": publication},
    )


@login_required
@require_POST
def programme_withdraw(request, pk):
    publication = _publication_for(request.user, pk)
    site = publication.site
    services.programme_withdraw(actor=request.user, publication=publication)
    messages.success(request, _("Chương trình đã được gỡ khỏi trang công khai."))
    return redirect("public:programmes", site.pk)


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


# --- survey results shown on the site ----------------------------------------------------------
def _survey_publication_for(user, pk: int) -> SurveyPublication:
    publication = get_object_or_404(
        SurveyPublication.objects.select_related("site__unit", "survey"), pk=pk
    )
    _site_for(user, publication.site_id)
    return publication


@login_required
@require_GET
def survey_list(request, pk):
    site = _site_for(request.user, pk)
    others = (
        services.publishable_surveys(site)
        .exclude(publications__site=site)
        .select_related("owner_unit")
        .order_by("-created_at")[:100]
    )
    return render(
        request,
        "public/manage/survey_list.html",
        {"site": site, "shown": selectors.public_surveys(site), "others": others},
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_publish(request, site_pk=None, pk=None):
    """Show a survey's results (?survey=) on the site, or change how they are shown."""
    publication = _survey_publication_for(request.user, pk) if pk else None
    if publication is not None:
        site, survey = publication.site, publication.survey
    else:
        site = _site_for(request.user, site_pk)
        survey = (
            services.publishable_surveys(site).filter(pk=_int(request.GET.get("survey"))).first()
        )
        if survey is None:
            raise Http404
    if request.method == "POST":
        form = SurveyPublicationForm(request.POST, survey=survey)
        if form.is_valid():
            try:
                services.survey_publish(
                    actor=request.user,
                    site=site,
                    survey=survey,
                    summary=form.cleaned_data["summary"],
                    question_ids=[q.pk for q in form.cleaned_data["questions"]],
                    publication=publication,
                    revision=form.cleaned_data["revision"] if publication else None,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("Kết quả “%(title)s” đã được công khai.") % {"title": survey.title}
                )
                return redirect("public:surveys", site.pk)
    elif publication is not None:
        form = SurveyPublicationForm(
            survey=survey,
            initial={
                "summary": publication.summary,
                "questions": list(publication.questions.values_list("pk", flat=True)),
                "revision": publication.revision,
            },
        )
    else:
        form = SurveyPublicationForm(survey=survey)
    return render(
        request,
        "public/manage/survey_form.html",
        {"form": form, "site": site, "survey": survey, "publication": publication},
    )


@login_required
@require_POST
def survey_withdraw(request, pk):
    publication = _survey_publication_for(request.user, pk)
    site = publication.site
    services.survey_withdraw(actor=request.user, publication=publication)
    messages.success(request, _("Kết quả khảo sát đã được gỡ khỏi trang công khai."))
    return redirect("public:surveys", site.pk)


# --- documents shown on the site -----------------------------------------------------------------
def _document_publication_for(user, pk: int) -> DocumentPublication:
    publication = get_object_or_404(
        DocumentPublication.objects.select_related("site__unit", "document"), pk=pk
    )
    _site_for(user, publication.site_id)
    return publication


@login_required
@require_GET
def document_list(request, pk):
    """The documents shown on the site, and a search of those that could be."""
    site = _site_for(request.user, pk)
    q = (request.GET.get("q") or "").strip()[:200]
    found = selectors.search_publishable_documents(site, q) if q else []
    return render(
        request,
        "public/manage/document_list.html",
        {"site": site, "shown": selectors.public_documents(site), "q": q, "found": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_publish(request, site_pk=None, pk=None):
    """Show an issued document (?document=) on the site, or change how it is shown."""
    publication = _document_publication_for(request.user, pk) if pk else None
    if publication is not None:
        site, document = publication.site, publication.document
    else:
        site = _site_for(request.user, site_pk)
        document = (
            services.publishable_documents(site)
            .filter(pk=_int(request.GET.get("document")))
            .first()
        )
        if document is None:
            raise Http404
    if request.method == "POST":
        form = DocumentPublicationForm(request.POST, document=document)
        if form.is_valid():
            try:
                services.document_publish(
                    actor=request.user,
                    site=site,
                    document=document,
                    summary=form.cleaned_data["summary"],
                    file_ids=[f.pk for f in form.cleaned_data["files"]],
                    publication=publication,
                    revision=form.cleaned_data["revision"] if publication else None,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Văn bản %(number)s đã được công khai.") % {"number": document.number_text},
                )
                return redirect("public:documents", site.pk)
    elif publication is not None:
        form = DocumentPublicationForm(
            document=document,
            initial={
                "summary": publication.summary,
                "files": list(publication.files.values_list("pk", flat=True)),
                "revision": publication.revision,
            },
        )
    else:
        form = DocumentPublicationForm(document=document)
    return render(
        request,
        "public/manage/document_form.html",
        {"form": form, "site": site, "document": document, "publication": publication},
    )


@login_required
@require_POST
def document_withdraw(request, pk):
    publication = _document_publication_for(request.user, pk)
    site = publication.site
    services.document_withdraw(actor=request.user, publication=publication)
    messages.success(request, _("Văn bản đã được gỡ khỏi trang công khai."))
    return redirect("public:documents", site.pk)
