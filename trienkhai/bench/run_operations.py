"""The operations `trienkhai bench run` times: each one's target, user, page and bound.

`prepare(name, context)` finds what the operation needs in the data (or raises NoData with the
reason) and returns a Case: the view to time through the test client, the bound to time bare,
and what to do untimed before each run (a fresh one-time code for a submission).
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from trienkhai.org.models import Unit

from . import bounds_plans, bounds_reads, bounds_surveys
from .run_targets import Targets

NAMES = [
    "dashboard_national",
    "dashboard_province",
    "dashboard_city",
    "compliance_matrix",
    "tasks_page_1",
    "tasks_page_100",
    "document_search",
    "subtree",
    "survey_results",
    "survey_submit",
]


class NoData(Exception):
    """The data an operation needs is not in the database: it is skipped, with this reason."""


class ViewFailed(Exception):
    """The page did not answer as a user would see it (a status other than expected)."""


@dataclass
class Case:
    kind: str  # which p95 target applies: dashboard, list, results, submit
    detail: str
    view: Callable[[], object]
    bound: Callable[[], object]
    view_before: Callable[[], None] | None = None
    bound_before: Callable[[], None] | None = None
    overrides: dict = field(default_factory=dict)  # settings for the runs (no cache…)

    def settings(self):
        return override_settings(**self.overrides) if self.overrides else contextlib.nullcontext()


class Context:
    """What several operations share, found once: the target units and the logged-in clients."""

    def __init__(self):
        self.today = timezone.localdate()
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append("testserver")  # the test client's host, in process only
        self._clients: dict[int, Client] = {}

    @cached_property
    def targets(self) -> Targets:
        return Targets()

    def client_for(self, user) -> Client:
        if user.pk not in self._clients:
            client = Client(secure=bool(getattr(settings, "SECURE_SSL_REDIRECT", False)))
            client.force_login(user)  # logged in once, as a browser stays
            self._clients[user.pk] = client
        return self._clients[user.pk]


def get(client: Client, url: str, expected: int = 200) -> int:
    response = client.get(url)
    if response.status_code != expected:
        raise ViewFailed(f"GET {url}: HTTP {response.status_code}")
    return len(response.content)


def prepare(name: str, context: Context, runs: int) -> Case:
    return PREPARERS[name](context, runs)


# --- dashboards -----------------------------------------------------------------------------------
def _dashboard(context: Context, unit: Unit, user, label: str) -> Case:
    url = reverse("plans:dashboard") + "?" + urlencode({"unit": unit.pk})
    client = context.client_for(user)
    periods = bounds_plans.due_periods(unit.path, context.today)
    return Case(
        kind="dashboard",
        detail=f"{label}: {unit.name} ({context.targets.size(unit):,} units), as {user.username}",
        view=lambda: get(client, url),
        bound=lambda: bounds_plans.dashboard(unit.path, context.today, periods),
    )


def dashboard_national(context: Context, runs: int) -> Case:
    t = context.targets
    if t.national is None:
        raise NoData("no data: no unit above the provinces (each province is a root)")
    return _dashboard(context, t.national, t.admin(), "whole tree")


def dashboard_province(context: Context, runs: int) -> Case:
    t = context.targets
    if t.province is None:
        raise NoData("no data: no provincial party committee")
    return _dashboard(context, t.province, t.manager("province", t.province), "province")


def dashboard_city(context: Context, runs: int) -> Case:
    t = context.targets
    if t.city is None:
        raise NoData("no data: no unit below a province")
    return _dashboard(context, t.city, t.manager("city", t.city), "city level")


# --- the compliance matrix ------------------------------------------------------------------------
def compliance_matrix(context: Context, runs: int) -> Case:
    from trienkhai.plans import compliance
    from trienkhai.plans.views_requirements import MAX_COLUMNS

    t = context.targets
    if t.province is None:
        raise NoData("no data: no provincial party committee")
    province, user = t.province, t.manager("province", t.province)
    chosen = compliance.requirements_for(user, unit=province)[:MAX_COLUMNS]
    if not chosen:
        raise NoData(f"no data: no requirement set by or under {province.name}")
    cells = compliance.visible_targets(user, chosen).count()
    url = reverse("plans:compliance") + "?" + urlencode({"unit": province.pk})
    client = context.client_for(user)
    return Case(
        kind="dashboard",
        detail=f"{province.name}: {len(chosen)} requirements, {cells:,} cells",
        view=lambda: get(client, url),
        bound=lambda: bounds_plans.compliance_matrix(
            province.path,
            province.pk,
            province.path,
            context.today,
            MAX_COLUMNS,
            compliance.PAGE_SIZE,
        ),
    )


# --- the task list --------------------------------------------------------------------------------
def _task_list(context: Context, page: int) -> Case:
    from trienkhai.plans import selectors_tasks
    from trienkhai.plans.views_tasks import PAGE_SIZE

    t = context.targets
    if t.province is None:
        raise NoData("no data: no provincial party committee")
    province, user = t.province, t.manager("province", t.province)
    filters = selectors_tasks.TaskFilters(units=[province], status=selectors_tasks.OPEN)
    total = selectors_tasks.apply_filters(selectors_tasks.visible_tasks(user), filters).count()
    pages = -(-total // PAGE_SIZE)
    if pages < page:
        raise NoData(
            f"no data: the open tasks of {province.name} fill {pages} page(s) of {PAGE_SIZE}, "
            f"not {page}"
        )
    query = {"unit": province.pk, "scope": "subtree", "status": "open", "sort": "deadline"}
    url = reverse("plans:task_list") + "?" + urlencode({**query, "page": page})
    client = context.client_for(user)
    soon = selectors_tasks.DUE_SOON_DAYS
    return Case(
        kind="list",
        detail=f"open tasks of {province.name}, page {page} of {pages:,} ({total:,} tasks)",
        view=lambda: get(client, url),
        bound=lambda: bounds_plans.task_list(province.path, context.today, page, PAGE_SIZE, soon),
    )


def tasks_page_1(context: Context, runs: int) -> Case:
    return _task_list(context, 1)


def tasks_page_100(context: Context, runs: int) -> Case:
    return _task_list(context, 100)


# --- the register and the tree --------------------------------------------------------------------
def document_search(context: Context, runs: int) -> Case:
    from trienkhai.documents import selectors

    t = context.targets
    if t.province is None:
        raise NoData("no data: no provincial party committee")
    province, user = t.province, t.manager("province", t.province)
    words = t.search_words(province)
    if not words:
        raise NoData(f"no data: no document with a summary in {province.name}")
    url = reverse("documents:register") + "?" + urlencode({"q": words})
    client = context.client_for(user)
    found = selectors.search_documents(user, q=words).paginator.count
    return Case(
        kind="list",
        detail=f'"{words}" as a manager of {province.name} ({found:,} found)',
        view=lambda: get(client, url),
        bound=lambda: bounds_reads.register_search(
            province.path, words, selectors.PAGE_SIZE, selectors.COUNT_LIMIT
        ),
    )


def subtree(context: Context, runs: int) -> Case:
    t = context.targets
    if t.province is None:
        raise NoData("no data: no provincial party committee")
    province, user = t.province, t.manager("province", t.province)
    url = reverse("org:tree_children", args=[province.pk])
    client = context.client_for(user)
    children = Unit.objects.filter(
        path__startswith=province.path, depth=province.depth + 1, ended_on__isnull=True
    ).count()
    return Case(
        kind="list",
        detail=f"tree of {province.name} opened: {children:,} child unit(s)",
        view=lambda: get(client, url),
        bound=lambda: len(bounds_reads.children(province.pk)),
    )


# --- surveys --------------------------------------------------------------------------------------
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def survey_results(context: Context, runs: int) -> Case:
    from trienkhai.surveys.models import QuestionKind

    t = context.targets
    survey, forms = t.survey_with_most_forms()
    if survey is None:
        raise NoData("no data: no survey with a submitted form")
    user = t.manager("survey", survey.owner_unit)
    numbers = list(survey.questions.filter(kind=QuestionKind.NUMBER).values_list("pk", flat=True))
    url = reverse("surveys:results", args=[survey.pk])
    client = context.client_for(user)
    return Case(
        kind="results",
        detail=f"{forms:,} forms of “{survey.title[:40]}”, cold (no cache)",
        view=lambda: get(client, url),
        bound=lambda: bounds_surveys.results(survey.pk, numbers, survey.record_group),
        # The number statistics are kept in the cache until a form arrives: time them.
        overrides={"CACHES": NO_CACHE},
    )


def survey_submit(context: Context, runs: int) -> Case:
    from . import run_submission

    t = context.targets
    survey = t.open_survey()
    if survey is None:
        raise NoData("no data: no survey taking forms (open, in its dates, with an allocation)")
    user = t.manager("survey", survey.owner_unit)
    return run_submission.case(survey, user, runs, context.today)


PREPARERS = {
    "dashboard_national": dashboard_national,
    "dashboard_province": dashboard_province,
    "dashboard_city": dashboard_city,
    "compliance_matrix": compliance_matrix,
    "tasks_page_1": tasks_page_1,
    "tasks_page_100": tasks_page_100,
    "document_search": document_search,
    "subtree": subtree,
    "survey_results": survey_results,
    "survey_submit": survey_submit,
}
assert list(PREPARERS) == NAMES
