"""Who may open and change which task: every URL of the task pages, for every role.

A task is seen by those who see its lead unit, its assigning unit or one of its coordinating
units; progress and status are reported by editors of the lead or the assigning unit; comments
come also from coordinating units; the assignment itself is changed by the assigning unit.
Pages answer 404 when the user may not see the task, 403 when they see it but may not do this,
and send anonymous visitors to the login page.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.plans.test_tasks import PNG, make_task, refresh, report
from trienkhai.org import services as org
from trienkhai.org.models import AccessRole, UnitKind
from trienkhai.plans import rules
from trienkhai.plans import tasks as services
from trienkhai.plans.models import Task, TaskStatus

LOGIN = reverse("accounts:login")
ANYTHING = {"note": ""}  # a POST that reaches the view's checks but fills no form


PERSONAS = {
    "admin": "admin_user",
    "manager": "city_secretary",  # manager of the city
    "editor": "propaganda_officer",  # editor of the city
    "ward_editor": "ward_clerk",  # editor of the An Hội ward
    "viewer": "viewer",  # viewer of the city
    "outsider": "outsider",  # an account with no unit
    "anonymous": None,
}

# The task each role meets as its own, a descendant's, a sibling's, an ancestor's: named by
# (lead unit, assigning unit).
TASKS = {
    "own": ("city", "province"),
    "descendant": ("ward", "city"),
    "sibling": ("district", "province"),
    "ancestor": ("province", "province"),
}
WARD_TASKS = {
    "own": ("ward", "city"),
    "descendant": ("cell", "ward"),
    "sibling": ("sibling", "city"),
    "ancestor": ("city", "province"),
}

# see: open the task and its evidence; report: progress and status; comment: comments and
# evidence; change: the assignment itself; add: a subtask under it.
ALL = "see report comment change add"
REPORTER = "see report comment add"
NONE = ""
RIGHTS = {
    # role            own                 descendant          sibling        ancestor
    "admin":       {"own": ALL,        "descendant": ALL,  "sibling": ALL,  "ancestor": ALL},
    "manager":     {"own": REPORTER,   "descendant": ALL,  "sibling": NONE, "ancestor": NONE},
    "editor":      {"own": REPORTER,   "descendant": ALL,  "sibling": NONE, "ancestor": NONE},
    "ward_editor": {"own": REPORTER,   "descendant": ALL,  "sibling": NONE, "ancestor": NONE},
    "viewer":      {"own": "see",      "descendant": "see", "sibling": NONE, "ancestor": NONE},
    "outsider":    {"own": NONE,       "descendant": NONE, "sibling": NONE, "ancestor": NONE},
    "anonymous":   {"own": NONE,       "descendant": NONE, "sibling": NONE, "ancestor": NONE},
}  # fmt: skip

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

TASK_PAGES = [
    ("task page", lambda t: reverse("plans:task", args=[t.pk]), GET, "see"),
    ("edit", lambda t: reverse("plans:task_edit", args=[t.pk]), BOTH, "change"),
    ("progress", lambda t: reverse("plans:task_progress", args=[t.pk]), POST, "report"),
    ("comment", lambda t: reverse("plans:task_comment", args=[t.pk]), POST, "comment"),
    (
        "evidence",
        lambda t: reverse("plans:task_evidence", args=[t.pk, t.comment.pk]),
        GET,
        "see",
    ),
    ("new subtask", lambda t: reverse("plans:task_new") + f"?parent={t.pk}", BOTH, "add"),
]

EVERYONE = "admin manager editor ward_editor viewer outsider"
SITE_PAGES = [
    ("list", reverse("plans:task_list"), GET, EVERYONE),
    ("list filtered", reverse("plans:task_list") + "?status=overdue", GET, EVERYONE),
    ("my units' tasks", reverse("plans:task_mine"), GET, EVERYONE),
    ("export", reverse("plans:task_export"), GET, EVERYONE),
    ("export as CSV", reverse("plans:task_export_csv"), GET, EVERYONE),
    ("my units' export as CSV", reverse("plans:task_export_csv") + "?mine=1", GET, EVERYONE),
    ("unit picker", reverse("plans:task_pick_unit") + "?q=phuong", GET, EVERYONE),
    ("document picker", reverse("plans:task_pick_document") + "?q=kh", GET, EVERYONE),
    ("task picker", reverse("plans:task_pick_task") + "?q=nhiem", GET, EVERYONE),
    ("new task", reverse("plans:task_new"), BOTH, "admin manager editor ward_editor"),
]


def outcome(response):
    if response.status_code == 302:
        return "login" if response.url.startswith(LOGIN) else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


def expected_for(role, rights, method, methods, needed):
    if role == "anonymous":
        return "login"
    if method not in methods:
        return 405
    if needed in rights.split():
        return "ok"
    return 403 if "see" in rights.split() else 404


@pytest.fixture
def world(tree):
    """The persona tree plus a second district; a task for every (lead, assigner) pair used
    above, each with a comment carrying an evidence file."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    tree.tasks = {}
    for lead, assigner in set(TASKS.values()) | set(WARD_TASKS.values()):
        task = make_task(
            tree,
            title=f"Nhiệm vụ của {getattr(tree, lead).name}",
            lead_unit=getattr(tree, lead),
            assigned_by=getattr(tree, assigner),
        )
        task.comment = services.task_comment(
            actor=None,
            task=task,
            text="Minh chứng",
            evidence=SimpleUploadedFile("anh.png", PNG),
        )
        tree.tasks[(lead, assigner)] = task
    return tree


def client_for(request, role):
    client = Client()
    if PERSONAS[role] is not None:
        client.force_login(request.getfixturevalue(PERSONAS[role]))
    return client


MATRIX = [(role, target) for role in PERSONAS for target in TASKS]


@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_task_pages_answer_each_role_by_its_rights(request, world, role, target):
    task = world.tasks[(WARD_TASKS if role == "ward_editor" else TASKS)[target]]
    rights = RIGHTS[role][target]
    client = client_for(request, role)

    wrong = []
    for what, url_of, methods, needed in TASK_PAGES:
        url = url_of(task)
        for method in ("GET", "POST"):
            expected = expected_for(role, rights, method, methods, needed)
            response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
            got = outcome(response)
            if got != expected:
                wrong.append(f"{method} {what} ({url}): expected {expected}, got {got}")

    assert wrong == [], f"{role} on {task.title}:\n" + "\n".join(wrong)
    # Nothing a POST above sent changed a task.
    assert refresh(task).revision == 1


@pytest.mark.parametrize("role", list(PERSONAS))
def test_site_pages_answer_each_role(request, world, role):
    client = client_for(request, role)

    wrong = []
    for what, url, methods, allowed in SITE_PAGES:
        for method in ("GET", "POST"):
            if role == "anonymous":
                expected = "login"
            elif method not in methods:
                expected = 405
            else:
                expected = "ok" if role in allowed.split() else 403
            response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
            got = outcome(response)
            if got != expected:
                wrong.append(f"{method} {what} ({url}): expected {expected}, got {got}")

    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
    assert Task.objects.count() == len(world.tasks)


def test_every_task_page_is_in_the_matrix():
    """A new URL in urls_tasks.py must be added to the tables above."""
    from trienkhai.plans.urls_tasks import urlpatterns

    covered = {
        "task",
        "task_edit",
        "task_progress",
        "task_comment",
        "task_evidence",
        "task_new",
        "task_list",
        "task_mine",
        "task_export",
        "task_export_csv",
        "task_pick_unit",
        "task_pick_document",
        "task_pick_task",
    }
    assert {p.name for p in urlpatterns} == covered


# --- the ward's story --------------------------------------------------------------------------
def test_a_ward_edits_its_own_tasks_reports_sees_what_its_ancestors_assigned_never_a_siblings(
    tree, ward_clerk, propaganda_officer, login
):
    from_city = make_task(tree, title="Thành ủy giao phường An Hội", actor=propaganda_officer)
    from_province = make_task(
        tree, title="Tỉnh ủy giao phường An Hội", assigned_by=tree.province, lead_unit=tree.ward
    )
    to_sibling = make_task(tree, title="Thành ủy giao phường Phú Khương", lead_unit=tree.sibling)
    client = login(ward_clerk)

    # It sees what its ancestors assigned to it, and reports on it.
    listed = [t.title for t in client.get(reverse("plans:task_list")).context["page"]]
    assert listed == ["Thành ủy giao phường An Hội", "Tỉnh ủy giao phường An Hội"]
    reported = client.post(
        reverse("plans:task_progress", args=[from_city.pk]),
        {"status": "in_progress", "progress": "40", "revision": "1"},
    )
    assert reported.status_code == 302 and refresh(from_city).progress == 40
    # It may not rewrite what the city assigned.
    assert client.get(reverse("plans:task_edit", args=[from_province.pk])).status_code == 403

    # Its own tasks (assigned to its cell) it edits.
    created = client.post(
        reverse("plans:task_new") + f"?parent={from_city.pk}",
        {
            "title": "Chi bộ Khu phố 1 góp ý dự thảo",
            "assigned_by": tree.ward.pk,
            "lead_unit": tree.cell.pk,
            "parent": from_city.pk,
            "deadline": "tháng 12-2020",
            "weight": "1",
            "output_issued_by": "lead",
        },
    )
    own = Task.objects.get(title="Chi bộ Khu phố 1 góp ý dự thảo")
    assert created.status_code == 302
    edit_url = reverse("plans:task_edit", args=[own.pk])
    form = client.get(edit_url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title="Chi bộ Khu phố 1 góp ý dự thảo quy chế", deadline="quý I/2021")
    assert client.post(edit_url, data).status_code == 302
    own = refresh(own)
    assert own.title.endswith("quy chế") and own.deadline_text == "quý I/2021"
    assert refresh(from_city).progress == 0  # now derived from its one subtask, at 0 %
    report(own, status="done", actor=ward_clerk)
    assert refresh(from_city).progress == 100

    # The sibling's task: never.
    for name in ("plans:task", "plans:task_edit"):
        assert client.get(reverse(name, args=[to_sibling.pk])).status_code == 404
    assert (
        client.post(
            reverse("plans:task_progress", args=[to_sibling.pk]),
            {"status": "done", "revision": "1"},
        ).status_code
        == 404
    )
    assert refresh(to_sibling).status == TaskStatus.NOT_STARTED
    exported = b"".join(client.get(reverse("plans:task_export")).streaming_content)
    assert len(exported) > 0
    as_csv = b"".join(client.get(reverse("plans:task_export_csv")).streaming_content)
    assert "Thành ủy giao phường An Hội" in as_csv.decode()
    assert "Phú Khương" not in as_csv.decode()
    assert not rules.can_view_task(ward_clerk, to_sibling)


def test_a_coordinating_ward_comments_but_does_not_report(tree, ward_clerk, login):
    task = make_task(tree, lead_unit=tree.sibling, coordinating_units=[tree.ward])
    client = login(ward_clerk)

    page = client.get(reverse("plans:task", args=[task.pk]))
    comment = client.post(reverse("plans:task_comment", args=[task.pk]), {"text": "Đã phối hợp"})
    progress = client.post(
        reverse("plans:task_progress", args=[task.pk]), {"status": "done", "revision": "1"}
    )

    assert page.status_code == 200 and "Gửi ý kiến" in page.content.decode()
    assert comment.status_code == 302 and task.comments.count() == 1
    assert progress.status_code == 403


def test_a_ward_manager_is_still_only_a_ward(tree, login):
    manager = make_user("quanly_anhoi", unit=tree.ward, role=AccessRole.MANAGER)
    city_task = make_task(
        tree, title="Việc của Thành ủy", lead_unit=tree.city, assigned_by=tree.city
    )

    response = login(manager).get(reverse("plans:task", args=[city_task.pk]))

    assert response.status_code == 404


def test_a_stranger_cannot_download_evidence_by_guessing_ids(tree, outsider, ward_clerk, login):
    task = make_task(tree, lead_unit=tree.sibling)
    comment = services.task_comment(
        actor=None, task=task, text="Ảnh", evidence=SimpleUploadedFile("anh.png", PNG)
    )
    other = make_task(tree)
    url = reverse("plans:task_evidence", args=[other.pk, comment.pk])  # a task the clerk sees

    assert login(ward_clerk).get(url).status_code == 404
    assert (
        login(outsider).get(reverse("plans:task_evidence", args=[task.pk, comment.pk])).status_code
        == 404
    )
