"""Reads of public sites: what the public sees (published posts and the programmes shown on an
open site, nothing else) and what editors see inside the product."""

from django.db.models import QuerySet

from trienkhai.lib.text import fold

from .models import Post, PublicSite


def open_site(slug: str) -> PublicSite | None:
    """The site at /p/<slug>/, when its unit has opened it (None otherwise: a 404)."""
    return PublicSite.objects.select_related("unit").filter(slug=slug, is_open=True).first()


def public_posts(site: PublicSite, *, q: str = "", category: str = "") -> QuerySet[Post]:
    """The site's published posts, newest first; `q` matches every word with or without
    diacritics; `category` is a category's slug."""
    qs = Post.objects.filter(site=site, status=Post.Status.PUBLISHED)
    for word in fold(q).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    if category:
        qs = qs.filter(categories__slug=category)
    return qs.order_by("-published_on", "-id").prefetch_related("categories")


def public_post(site: PublicSite, slug: str) -> Post | None:
    return (
        Post.objects.filter(site=site, slug=slug, status=Post.Status.PUBLISHED)
        .prefetch_related("categories")
        .first()
    )


def public_programmes(site: PublicSite):
    """The programmes shown on the site, with what is needed to list them."""
    return site.programmes.select_related("programme__owner_unit").order_by("programme__title")


def public_programme(site: PublicSite, pk: int):
    """A programme shown on the site, its chosen indicators assessed as of today, each with the
    date of its latest value and its chart; None when it is not shown there."""
    from trienkhai.plans import selectors_programmes as plans

    publication = site.programmes.select_related("programme__owner_unit").filter(pk=pk).first()
    if publication is None:
        return None
    indicators = plans.attach_assessments(
        list(publication.indicators.select_related("unit").order_by("position", "id"))
    )
    for indicator in indicators:
        indicator.series = plans.indicator_series(indicator)
        indicator.chart = plans.indicator_chart(indicator, indicator.series)
    publication.shown_indicators = indicators
    return publication


def shown_comments(*, post=None, publication=None):
    """The comments shown under a post or a programme, oldest first: name, day, text, reply."""
    from .models import PublicComment

    qs = PublicComment.objects.filter(status=PublicComment.Status.PUBLISHED)
    qs = qs.filter(post=post) if post is not None else qs.filter(programme=publication)
    return qs.only("id", "name", "body", "reply", "created_at", "replied_at").order_by(
        "created_at", "id"
    )
