"""Task pages. Thin: fetch what the user may see (404 otherwise), check what they may change
(403 otherwise), call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.lib import streaming
from trienkhai.org import rules as org_rules
from trienkhai.org.views import _apply_errors
from trienkhai.org.widgets import MAX_ID

from . import forms_tasks as forms
from . import rules, task_exports
from . import selectors_tasks as selectors
from . import tasks as services
from .models import Task, TaskComment

PAGE_SIZE = 50


# --- helpers -----------------------------------------------------------------------------------
def _task_for(user, pk: int, check=None) -> Task:
    """The task if the user sees it (404 otherwise) and passes `check` (403 otherwise)."""
    task = selectors.task_for_page(pk)
    if task is None or not rules.can_view_task(user, task):
        raise Http404
    if check is not None and not check(user, task):
        raise PermissionDenied
    return task


def _query(request) -> str:
    return request.GET.get("q", "").replace("\x00", "").strip()[:200]


def _int_param(request, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID:
        return int(raw)
    return None


def _list_context(request, *, mine: bool):
    """The filter form, the filters and the tasks the user sees (unfiltered yet); shared by the
    lists and the export, so the file holds exactly what the page shows."""
    user = request.user
    form = forms.TaskFilterForm(request.GET or None, user=user)
    filters = form.filters()
    own_units = []
    if mine:
        own_units = list(org_rules.home_units(user))
        filters.units = own_units
        filters.subtree = request.GET.get("scope") == "subtree"
    return form, filters, selectors.visible_tasks(user, within=filters.units), own_units


def _stale_form(form_class, request, error: services.StaleTask, **kwargs):
    """The user's form as they typed it, now carrying the current revision: saving again is a
    deliberate choice made after being told, never a silent overwrite."""
    data = request.POST.copy()
    data["revision"] = str(error.current_revision)
    form = form_class(data, request.FILES or None, **kwargs)
    form.is_valid()
    form.add_error(None, error.messages[0])
    return form


# --- lists -------------------------------------------------------------------------------------
@login_required
@require_GET
def task_list(request):
    return _render_list(request, mine=False)


@login_required
@require_GET
def task_mine(request):
    """Nhiệm vụ của đơn vị tôi: tasks the user's own units lead or coordinate."""
    return _render_list(request, mine=True)


def _render_list(request, *, mine: bool):
    form, filters, visible, own_units = _list_context(request, mine=mine)
    counts, page = selectors.list_page(visible, filters, request.GET.get("page"), PAGE_SIZE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    if mine:
        export_query["mine"] = "1"
    return render(
        request,
        "plans/tasks/list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "mine": mine,
            "own_units": own_units,
            "subtree": filters.subtree,
            "soon_days": filters.soon_days,
            "today": selectors.today(),
            "export_url": reverse("plans:task_export") + "?" + export_query.urlencode(),
            "export_csv_url": reverse("plans:task_export_csv") + "?" + export_query.urlencode(),
            "can_create": _can_create(request.user),
        },
    )


def _can_create(user) -> bool:
    return org_rules.is_admin(user) or selectors.assignable_units(user).exists()


@login_required
@require_GET
def task_export(request):
    """The same filters as the list, as XLSX, streamed (see `task_exports`)."""
    return _export(request, task_exports.xlsx, streaming.XLSX_CONTENT_TYPE, "xlsx")


@login_required
@require_GET
def task_export_csv(request):
    """The same file as CSV (UTF-8 with a byte-order mark), for other tools; streamed."""
    return _export(request, task_exports.csv, streaming.CSV_CONTENT_TYPE, "csv")


def _export(request, write, content_type: str, extension: str):
    mine = request.GET.get("mine") == "1"
    _form, filters, visible, _own = _list_context(request, mine=mine)
    qs = selectors.apply_filters(visible, filters)
    day = timezone.localdate()
    response = StreamingHttpResponse(write(qs, day), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-{day:%Y%m%d}.{extension}"'
    return response


# --- one task ----------------------------------------------------------------------------------
@login_required
@require_GET
def task_detail(request, pk):
    task = _task_for(request.user, pk)
    return _render_detail(request, task)


def _render_detail(request, task, *, progress_form=None, comment_form=None, status=200):
    user = request.user
    children = selectors.subtasks(task)
    terms, weights, weighted = selectors.progress_breakdown(children)
    can_report = rules.can_report_on_task(user, task)
    can_comment = rules.can_comment_on_task(user, task)
    if can_report and progress_form is None:
        progress_form = forms.ProgressForm(task=task, derived=bool(children))
    if can_comment and comment_form is None:
        comment_form = forms.CommentForm()
    today = selectors.today()
    context = {
        "task": task,
        "chain": [(t, rules.can_view_task(user, t)) for t in selectors.task_chain(task)],
        "children": children,
        "terms": terms,
        "weights": weights,
        "weighted": weighted,
        "coordinations": list(task.coordinations.all()),
        "comments": selectors.comments_of(task),
        "audit": audit_entries_for(task)[:50],
        "overdue": task.is_overdue(today),
        "today": today,
        "can_report": can_report,
        "can_comment": can_comment,
        "can_change": rules.can_change_assignment(user, task),
        "can_add_subtask": org_rules.can_edit_unit(user, task.lead_unit)
        and task.lead_unit.ended_on is None,
        "progress_form": progress_form,
        "comment_form": comment_form,
        "output_type_name": _type_name(task.output_doc_type),
    }
    return render(request, "plans/tasks/detail.html", context, status=status)


def _type_name(code: str) -> str:
    from trienkhai.documents.models import type_choices

    return dict(type_choices()).get(code, code) if code else ""


@login_required
@require_POST
def task_progress(request, pk):
    task = _task_for(request.user, pk, rules.can_report_on_task)
    derived = services.has_subtasks(task)
    form = forms.ProgressForm(request.POST, task=task, derived=derived)
    if form.is_valid():
        try:
            services.task_report_progress(
                actor=request.user,
                task=task,
                revision=form.cleaned_data["revision"],
                **form.service_data(),
            )
        except services.StaleTask as error:
            form = _stale_form(forms.ProgressForm, request, error, task=task, derived=derived)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã cập nhật tiến độ, trạng thái nhiệm vụ."))
            return redirect("plans:task", task.pk)
    task = selectors.task_for_page(task.pk)
    return _render_detail(request, task, progress_form=form)


@login_required
@require_POST
def task_comment(request, pk):
    task = _task_for(request.user, pk, rules.can_comment_on_task)
    form = forms.CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.task_comment(
                actor=request.user,
                task=task,
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data.get("evidence"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã gửi ý kiến."))
            return redirect(reverse("plans:task", args=[task.pk]) + "#comments")
    return _render_detail(request, task, comment_form=form)


@login_required
@require_GET
def task_evidence(request, pk, comment_pk):
    """An evidence file, for those who see the task."""
    task = _task_for(request.user, pk)
    comment = get_object_or_404(TaskComment, pk=comment_pk, task=task)
    if not comment.evidence:
        raise Http404
    try:
        handle = comment.evidence.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = comment.evidence.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        handle,
        as_attachment=True,
        filename=comment.evidence_name or f"minh-chung.{extension}",
        content_type=services.EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


# --- assigning ---------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def task_new(request):
    user = request.user
    initial = {"weight": 1, "output_issued_by": forms.ISSUER_LEAD}
    parent = None
    parent_id = _int_param(request, "parent")
    if request.GET.get("parent") and parent_id is None:
        raise Http404
    if parent_id is not None:
        parent = _task_for(user, parent_id)  # 404 before 403: an unseen task stays unseen
    if not _can_create(user):
        raise PermissionDenied
    if parent is not None:
        # A subtask is usually the lead unit breaking its task down.
        initial.update(
            {
                "parent": parent.pk,
                "programme": parent.programme_id,
                "assigned_by": parent.lead_unit_id,
                "assigning_document": parent.assigning_document_id,
            }
        )
    unit_id = _int_param(request, "unit")
    if unit_id is not None and parent is None:
        initial["assigned_by"] = unit_id
    form = forms.TaskForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=user, **form.service_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã giao nhiệm vụ “%(title)s”.") % {"title": task.title})
            return redirect("plans:task", task.pk)
    return render(request, "plans/tasks/form.html", {"form": form, "task": None, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    user = request.user
    task = _task_for(user, pk, rules.can_change_assignment)
    if request.method == "POST":
        form = forms.TaskForm(request.POST, user=user, task=task)
    else:
        form = forms.TaskForm(user=user, task=task, initial=forms.TaskForm.initial_for(task))
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data.get("revision")
        if revision is None:
            form.add_error(None, _("Biểu mẫu thiếu số phiên bản; hãy tải lại trang rồi sửa lại."))
        else:
            data = form.service_data()
            try:
                services.task_update(actor=user, task=task, revision=revision, **data)
            except services.StaleTask as error:
                form = _stale_form(forms.TaskForm, request, error, user=user, task=task)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Đã lưu thay đổi của nhiệm vụ."))
                return redirect("plans:task", task.pk)
    return render(request, "plans/tasks/form.html", {"form": form, "task": task, "parent": None})


# --- pickers (htmx) ----------------------------------------------------------------------------
def _pick_field(request) -> str:
    field = request.GET.get("field", "unit")
    return field if field.replace("_", "").isalnum() else "unit"


def _render_pick(request, hits):
    return render(
        request,
        "plans/tasks/partials/pick_results.html",
        {
            "hits": hits,
            "field": _pick_field(request),
            "query": _query(request),
            "input_type": "checkbox" if request.GET.get("multiple") == "1" else "radio",
        },
    )


@login_required
@require_GET
def pick_unit(request):
    query = _query(request)
    units = []
    if len(query) >= 2:
        if request.GET.get("scope") == "assign":
            units = selectors.search_units_in(selectors.assignable_units(request.user), query)
        else:
            units = selectors.search_pickable_units(request.user, query)
    return _render_pick(request, [(u.pk, u.name) for u in units])


@login_required
@require_GET
def pick_document(request):
    query = _query(request)
    docs = selectors.search_documents(request.user, query) if len(query) >= 2 else []
    return _render_pick(request, [(d.pk, forms.label_of(d)) for d in docs])


@login_required
@require_GET
def pick_task(request):
    query = _query(request)
    found = selectors.search_tasks(request.user, query) if len(query) >= 2 else []
    return _render_pick(request, [(t.pk, forms.label_of(t)) for t in found])
