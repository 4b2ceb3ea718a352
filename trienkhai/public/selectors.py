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


def public_task_groups(site: PublicSite):
    return site.task_groups.select_related("task__lead_unit").order_by("task__title")


ROWS_PER_PAGE = 100  # of a task group's subtasks, of a campaign's units


def public_task_group(site: PublicSite, pk: int, page=None):
    """A task group shown on the site: the task, one page of the subtasks chosen in deadline
    order, how many of them all are done, open and overdue, and the day of the latest change
    among them; None when not shown there."""
    from django.core.paginator import Paginator
    from django.db.models import Count, Max, Q
    from django.utils import timezone

    from trienkhai.plans.models import OPEN_STATUSES, TaskStatus

    publication = site.task_groups.select_related("task__lead_unit").filter(pk=pk).first()
    if publication is None:
        return None
    chosen = publication.tasks.all()
    today = timezone.localdate()
    is_open = Q(status__in=sorted(OPEN_STATUSES))
    counts = chosen.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE])),
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(deadline_end__lt=today)),
        changed=Max("updated_at"),
    )
    changed = max(filter(None, [publication.task.updated_at, counts.pop("changed")]))
    publication.counts = counts
    publication.as_of = timezone.localdate(changed)
    publication.rows = Paginator(
        chosen.select_related("lead_unit")
        .only(
            "id", "title", "lead_unit__name", "deadline", "deadline_precision", "deadline_end",
            "status", "progress", "completed_on",
        )
        .order_by("deadline_end", "id"),
        ROWS_PER_PAGE,
    ).get_page(page)  # fmt: skip
    return publication


def public_campaigns(site: PublicSite):
    return site.campaigns.select_related("campaign__owner_unit").order_by("-published_at")


def public_campaign(site: PublicSite, pk: int, page=None):
    """A campaign shown on the site: its issued documents, and the people of the chosen target
    groups expected and reached, in total and by delegated unit (one page of units), counted
    from the classes held; with the day of the latest change of a class held. None when not
    shown there."""
    from django.core.paginator import Paginator
    from django.db.models import Max
    from django.utils import timezone

    from trienkhai.documents.models import ISSUED_STATES
    from trienkhai.outreach.completion import Cell, completion_matrix
    from trienkhai.outreach.models import ClassStatus

    publication = (
        site.campaigns.select_related("campaign__owner_unit", "campaign__plan_document")
        .filter(pk=pk)
        .first()
    )
    if publication is None:
        return None
    campaign = publication.campaign
    chosen = set(publication.target_groups.values_list("pk", flat=True))
    matrix = completion_matrix(campaign, user=None)
    groups = [g for g in matrix.groups if g.pk in chosen]

    def shown(row):
        cells = [row.cells[g.pk] for g in groups]
        total = Cell.of(sum(c.expected for c in cells), sum(c.reached for c in cells))
        return {
            "unit": row.unit, "own": row.own, "cells": cells, "total": total,
            "classes": row.classes_held,
        }  # fmt: skip

    publication.groups = groups
    publication.total = shown(matrix.total)
    publication.rows = Paginator([shown(row) for row in matrix.rows], ROWS_PER_PAGE).get_page(page)
    documents = list(
        campaign.documents.filter(status__in=ISSUED_STATES).order_by("issued_on", "id")
    )
    plan = campaign.plan_document
    plan = plan if plan is not None and plan.status in ISSUED_STATES else None
    everything = [d for d in (plan, *documents) if d is not None]
    shown_here = dict(site.documents.filter(document__in=everything).values_list("document", "pk"))
    for document in everything:  # linked to its page when the site shows it too
        document.public_pk = shown_here.get(document.pk)
    publication.plan, publication.documents = plan, documents
    last = campaign.classes.filter(status=ClassStatus.HELD).aggregate(last=Max("updated_at"))
    publication.as_of = timezone.localdate(last["last"]) if last["last"] else None
    return publication


def search_shown(site: PublicSite, q: str, limit: int = 50) -> list[dict]:
    """What the site shows besides its news that matches every word of `q`, with or without
    diacritics: programmes, task groups, campaigns and surveys by their name and introduction
    (a site shows tens of them: folded here), documents by their number and summary (folded in
    the database). Each as {kind (its heading on the home page), title, route, pk}."""
    from django.utils.translation import gettext as _

    words = fold(q).split()[:8]
    if not words:
        return []
    found = []
    for kind, route, publications, name in (
        (
            _("Chương trình hành động"),
            "public_site:programme",
            public_programmes(site),
            "programme",
        ),
        (_("Nhiệm vụ"), "public_site:task", public_task_groups(site), "task"),
        (_("Học tập, quán triệt"), "public_site:campaign", public_campaigns(site), "campaign"),
        (_("Kết quả khảo sát"), "public_site:survey", public_surveys(site), "survey"),
    ):
        for publication in publications:
            title = getattr(publication, name).title
            text = fold(f"{title} {publication.summary}")
            if all(word in text for word in words):
                found.append({"kind": kind, "title": title, "route": route, "pk": publication.pk})
    documents = site.documents.select_related("document")
    for word in words:
        documents = documents.filter(document__search_text__contains=word)
    for publication in documents.order_by("-document__issued_on", "-pk")[:limit]:
        document = publication.document
        found.append({
            "kind": _("Văn bản"), "title": f"{document.number_text}: {document.summary}",
            "route": "public_site:document", "pk": publication.pk,
        })  # fmt: skip
    return found[:limit]
