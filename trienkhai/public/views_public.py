"""The public site, without login: a unit's news, one post, the Atom feed. Only what is published
on an open site is reachable; anything else is a 404, exactly as for an address that never
existed, so a draft's address reveals nothing."""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.org.views import _apply_errors
from trienkhai.surveys.throttle import client_address

from . import comments, selectors
from .forms import CommentForm
from .models import Post, PublicComment

PAGE_SIZE = 10
HOME_DOCUMENTS = 10  # the latest on the home page; all of them on their own page


def _site(slug: str):
    site = selectors.open_site(slug)
    if site is None:
        raise Http404
    return site


def absolute(request, path: str) -> str:
    """An address others can open (shared links, the feed, Open Graph)."""
    base = getattr(settings, "TRIENKHAI_SITE_URL", "") or request.build_absolute_uri("/")
    return base.rstrip("/") + path


@require_GET
def home(request, slug):
    site = _site(slug)
    q = (request.GET.get("q") or "").strip()[:200]
    category = (request.GET.get("chuyen-muc") or "").strip()[:120]
    posts = Paginator(selectors.public_posts(site, q=q, category=category), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    documents = list(selectors.public_documents(site)[: HOME_DOCUMENTS + 1])
    return render(
        request,
        "public/site/home.html",
        {
            "site": site,
            "posts": posts,
            "q": q,
            "found": selectors.search_shown(site, q) if q else [],
            "category": category,
            "categories": site.categories.filter(posts__status="published").distinct(),
            "programmes": selectors.public_programmes(site),
            "surveys": selectors.public_surveys(site),
            "documents": documents[:HOME_DOCUMENTS],
            "more_documents": len(documents) > HOME_DOCUMENTS,
            "task_groups": selectors.public_task_groups(site),
            "campaigns": selectors.public_campaigns(site),
            "page_url": absolute(request, reverse("public_site:home", args=[site.slug])),
        },
    )


def _commented(request, site, url: str, *, post=None, publication=None):
    """(form, redirect): a comment sent by POST is taken and the page shown again with a thanks
    (redirect), or refused with what was typed kept (form with errors); a GET gives an empty form."""
    if request.method != "POST":
        return CommentForm(), None
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comments.comment_submit(
                site=site,
                post=post,
                publication=publication,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                body=form.cleaned_data["body"],
                honeypot=form.cleaned_data["website"],
                address=client_address(request),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return form, redirect(url + "?da-gui=1#y-kien")
    return form, None


def _first_image(request, site, post) -> str:
    first = next(iter(post.images.all()), None)
    return (
        absolute(request, reverse("public_site:image", args=[site.slug, first.pk])) if first else ""
    )


@require_http_methods(["GET", "POST"])
def post(request, slug, post_slug):
    site = _site(slug)
    found = selectors.public_post(site, post_slug)
    if found is None:
        raise Http404
    url = reverse("public_site:post", args=[site.slug, found.slug])
    form, done = _commented(request, site, url, post=found)
    if done:
        return done
    return render(
        request,
        "public/site/post.html",
        {
            "site": site,
            "post": found,
            "page_url": absolute(request, url),
            "comments": selectors.shown_comments(post=found),
            "og_image": _first_image(request, site, found),
            "form": form,
            "sent": request.GET.get("da-gui") == "1",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def programme(request, slug, pk):
    """A programme as the unit chose to show it: its introduction and the chosen indicators, each
    with its latest value and the date of that value; citizens' comments on it."""
    site = _site(slug)
    publication = selectors.public_programme(site, pk)
    if publication is None:
        raise Http404
    url = reverse("public_site:programme", args=[site.slug, pk])
    form, done = _commented(request, site, url, publication=publication)
    if done:
        return done
    return render(
        request,
        "public/site/programme.html",
        {
            "site": site,
            "publication": publication,
            "programme": publication.programme,
            "page_url": absolute(request, url),
            "comments": selectors.shown_comments(publication=publication),
            "form": form,
            "sent": request.GET.get("da-gui") == "1",
        },
        status=400 if form.errors else 200,
    )


@require_POST
def comment_report(request, slug, pk):
    """ "Báo cáo vi phạm": the comment goes back to the moderators' queue."""
    site = _site(slug)
    comment = get_object_or_404(
        PublicComment, pk=pk, site=site, status=PublicComment.Status.PUBLISHED
    )
    comments.comment_report(comment=comment)
    target = (
        reverse("public_site:post", args=[site.slug, comment.post.slug])
        if comment.post_id
        else reverse("public_site:programme", args=[site.slug, comment.programme_id])
    )
    return redirect(target + "?da-bao-cao=1#y-kien")


def _shown_page(request, slug, pk, *, kind: str, select, paged=False, **extra):
    """The page of a thing shown on an open site (`kind`: its name in the template and the
    route, "document" for public_site:document; `paged`: its rows come a page at a time,
    ?page=), or a 404 when the site does not show it."""
    site = _site(slug)
    publication = select(site, pk, **({"page": request.GET.get("page")} if paged else {}))
    if publication is None:
        raise Http404
    return render(
        request,
        f"public/site/{kind}.html",
        {
            "site": site,
            "publication": publication,
            kind: getattr(publication, kind),
            "page_url": absolute(request, reverse(f"public_site:{kind}", args=[site.slug, pk])),
            **{name: value(publication) for name, value in extra.items()},
        },
    )


@require_GET
def survey(request, slug, pk):
    """A survey's results as the unit chose to show them: counts and percentages of the chosen
    questions, hidden below the anonymity threshold; never a free text or a single form."""
    from trienkhai.surveys.models import MIN_CELL

    return _shown_page(
        request, slug, pk, kind="survey", select=selectors.public_survey,
        results=lambda p: p.results, min_cell=lambda p: MIN_CELL,
    )  # fmt: skip


@require_GET
def document(request, slug, pk):
    """An issued document as the unit chose to show it: number, date, issuer, summary, the
    introduction for the public and the files chosen."""
    return _shown_page(request, slug, pk, kind="document", select=selectors.public_document)


@require_GET
def task_group(request, slug, pk):
    """A group of tasks as the unit chose to show it: the subtasks chosen, each with its lead
    unit, deadline, status and progress, as of the latest change among them."""
    return _shown_page(
        request, slug, pk, kind="task", select=selectors.public_task_group, paged=True
    )


@require_GET
def campaign(request, slug, pk):
    """A dissemination campaign as the unit chose to show it: its documents and how many people
    of the chosen target groups the classes held have reached, by delegated unit."""
    return _shown_page(
        request, slug, pk, kind="campaign", select=selectors.public_campaign, paged=True
    )


@require_GET
def documents(request, slug):
    """Every document the site shows, newest issued first, 20 a page."""
    site = _site(slug)
    page = Paginator(selectors.public_documents(site), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "public/site/documents.html",
        {
            "site": site,
            "documents": page,
            "page_url": absolute(request, reverse("public_site:documents", args=[site.slug])),
        },
    )


@require_GET
def document_file(request, slug, pk, file_id):
    """A file chosen for the public, of a document shown on an open site."""
    from django.http import FileResponse

    site = _site(slug)
    publication = get_object_or_404(site.documents, pk=pk)
    stored = get_object_or_404(publication.files, pk=file_id)
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    return FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=types.get(stored.kind, "application/octet-stream"),
    )


@require_GET
def image(request, slug, pk):
    """A picture of a published post of an open site."""
    from .models import PostImage
    from .views import image_response

    site = _site(slug)
    found = get_object_or_404(PostImage, pk=pk, post__site=site, post__status=Post.Status.PUBLISHED)
    return image_response(found)


@require_GET
def sitemap(request, slug):
    """Every page of the site, for search engines: the home page, the published posts, the
    programmes, task groups, campaigns, survey results and documents shown, the documents list."""
    site = _site(slug)
    pages = [(reverse("public_site:home", args=[site.slug]), None)]
    pages += [
        (reverse("public_site:post", args=[site.slug, p.slug]), p.published_on)
        for p in selectors.public_posts(site).only("slug", "published_on")
    ]
    shown = (
        ("public_site:programme", site.programmes),
        ("public_site:task", site.task_groups),
        ("public_site:campaign", site.campaigns),
        ("public_site:survey", site.surveys),
        ("public_site:document", site.documents),
    )
    for route, publications in shown:
        pages += [
            (reverse(route, args=[site.slug, pk]), timezone.localdate(changed))
            for pk, changed in publications.order_by("pk").values_list("pk", "updated_at")
        ]
    pages.append((reverse("public_site:documents", args=[site.slug]), None))
    return render(
        request,
        "public/site/sitemap.xml",
        {"pages": [(absolute(request, path), day) for path, day in pages]},
        content_type="application/xml; charset=utf-8",
    )


class PostsFeed(Feed):
    """The site's 20 latest posts as Atom, for newsreaders and other sites."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        self.request = request
        return _site(slug)

    def title(self, site):
        return site.title

    def subtitle(self, site):
        return site.intro or _("Tin của %(unit)s") % {"unit": site.unit.name}

    def link(self, site):
        return reverse("public_site:home", args=[site.slug])

    def items(self, site):
        return selectors.public_posts(site)[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body[:300]

    def item_link(self, item):
        return reverse("public_site:post", args=[item.site.slug, item.slug])

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return dt.datetime.combine(item.published_on, dt.time(8, 0))

    def item_categories(self, item):
        return [c.name for c in item.categories.all()]


feed = PostsFeed()
