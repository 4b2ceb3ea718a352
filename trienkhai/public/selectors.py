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
        .prefetch_related("categories", "images")
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
    for indicator, (series, chart) in zip(indicators, _charts(indicators), strict=True):
        indicator.series, indicator.chart = series, chart
    publication.shown_indicators = indicators
    return publication


def _charts(indicators) -> list[tuple[list, str]]:
    """(series over the years, SVG chart) of each indicator, drawn once per state of its values:
    the key holds the number and the last id of its measurements, its target and baseline, the
    year and the language, so a new or corrected value draws it again (drawing is most of a
    programme page's time)."""
    from django.core.cache import cache
    from django.db.models import Count, Max
    from django.utils import timezone
    from django.utils.translation import get_language

    from trienkhai.plans import selectors_programmes as plans
    from trienkhai.plans.models import Measurement

    state = {
        row["indicator"]: (row["n"], row["last"])
        for row in Measurement.objects.filter(indicator__in=[i.pk for i in indicators])
        .values("indicator")
        .annotate(n=Count("pk"), last=Max("pk"))
        .order_by()
    }
    year = timezone.localdate().year
    out = []
    for ind in indicators:
        key = "public-chart:" + _digest(
            str(part)
            for part in (
                ind.pk, *state.get(ind.pk, (0, 0)), ind.target_value, ind.target_date,
                ind.baseline_value, ind.baseline_year, ind.name, ind.measure_unit, year,
                get_language(),
            )
        )  # fmt: skip
        found = cache.get(key)
        if found is None:
            series = plans.indicator_series(ind)
            found = (series, plans.indicator_chart(ind, series))
            cache.set(key, found, 24 * 3600)
        out.append(found)
    return out


def shown_comments(*, post=None, publication=None):
    """The comments shown under a post or a programme, oldest first: name, day, text, reply."""
    from .models import PublicComment

    qs = PublicComment.objects.filter(status=PublicComment.Status.PUBLISHED)
    qs = qs.filter(post=post) if post is not None else qs.filter(programme=publication)
    return qs.only("id", "name", "body", "reply", "created_at", "replied_at").order_by(
        "created_at", "id"
    )


def _digest(parts) -> str:
    import hashlib

    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def public_surveys(site: PublicSite):
    return site.surveys.select_related("survey__owner_unit").order_by("-published_at")


def public_survey(site: PublicSite, pk: int):
    """A survey's results shown on the site: the forms counted, as of today, and the results of
    the chosen questions only (all hidden below the anonymity threshold); None when not shown."""
    from trienkhai.surveys.results import results_for

    publication = site.surveys.select_related("survey__owner_unit").filter(pk=pk).first()
    if publication is None:
        return None
    chosen = set(publication.questions.values_list("pk", flat=True))
    results = results_for(publication.survey)
    publication.results = results
    publication.shown_results = [r for r in results.questions if r.question.pk in chosen]
    return publication


def public_documents(site: PublicSite):
    return site.documents.select_related("document").order_by(
        "-document__issued_on", "-published_at"
    )


def public_document(site: PublicSite, pk: int):
    return site.documents.select_related("document").prefetch_related("files").filter(pk=pk).first()


def search_publishable_documents(site: PublicSite, q: str, limit: int = 50):
    """Issued documents the site may show, matching every word of `q` (number or summary, with
    or without diacritics), newest first; not those shown already."""
    from .services import publishable_documents

    qs = publishable_documents(site).exclude(publications__site=site)
    for word in fold(q).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("-issued_on", "-id")[:limit]
