"""Pages of requirements on subordinate units and of the compliance matrix. Thin: fetch what the
user may see, call `requirements` (writes) or `compliance` (reads), render."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import ISSUED_STATES, Document
from trienkhai.documents.selectors import search_for_picker
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.views import _apply_errors, _query
from trienkhai.org.widgets import MAX_ID

from . import compliance, requirements, rules
from .forms_requirements import RequirementEditForm, RequirementForm
from .models import Requirement

MAX_COLUMNS = 30


def _id(value) -> int | None:
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def _requirement_for(user, pk: int, manage: bool = False) -> Requirement:
    """The requirement if the user may see it (404 otherwise); with `manage`, 403 unless they
    may change it."""
    visible = rules.filter_requirements(user, Requirement.objects.filter(pk=pk))
    requirement = get_object_or_404(
        visible.select_related("set_by", "parent_unit", "implements", "created_by")
    )
    if manage and not rules.can_manage_requirement(user, requirement):
        raise PermissionDenied
    return requirement


def _level(request) -> int:
    return _id(request.GET.get("level")) or 1


def _counts_for(user, page_requirements) -> dict:
    targets = compliance.visible_targets(user, page_requirements)
    return compliance.column_counts(targets, timezone.localdate())


# --- list, set, change ---------------------------------------------------------------------------
@login_required
@require_GET
def requirement_list(request):
    """Requirements the user sets or must meet, with how far each has been met."""
    document = _visible_document(request.user, request.GET.get("document"))
    unit = _visible_unit(request.user, request.GET.get("unit"))
    qs = compliance.requirements_for(request.user, document=document, unit=unit)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    counts = _counts_for(request.user, list(page.object_list))
    rows = [(r, counts.get(r.pk, compliance.Counts())) for r in page.object_list]
    can_set = rules.can_set_requirements(request.user)
    return render(
        request,
        "plans/requirements/list.html",
        {"page": page, "rows": rows, "document": document, "unit": unit, "can_set": can_set},
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_new(request):
    user = request.user
    editable = rules.requirement_setters(user)
    if not editable.exists():
        raise PermissionDenied
    initial = {}
    homes = list(editable.order_by("depth", "path")[:2])
    if len(homes) == 1 or (homes and homes[0].depth < homes[-1].depth):
        initial["set_by"] = homes[0].pk
    doc_id = _id(request.GET.get("document"))
    if doc_id:
        initial["implements"] = doc_id
    form = RequirementForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            requirement = requirements.requirement_create(
                actor=user,
                title=data["title"],
                set_by=data["set_by"],
                parent_unit=data["parent_unit"],
                unit_kinds=data["unit_kinds"],
                direct_only=data["direct_only"],
                doc_type=data["doc_type"],
                implements=data["implements"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã đặt yêu cầu “%(title)s” cho %(n)d đơn vị.")
                % {"title": requirement.title, "n": requirement.targets.count()},
            )
            return redirect("plans:requirement", requirement.pk)
    return render(request, "plans/requirements/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request, pk):
    requirement = _requirement_for(request.user, pk, manage=True)
    form = RequirementEditForm(
        request.POST or None,
        initial={"title": requirement.title, "due_on": requirement.due_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            requirements.requirement_update(
                actor=request.user, requirement=requirement, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu yêu cầu."))
            return redirect("plans:requirement", requirement.pk)
    return render(
        request, "plans/requirements/edit.html", {"form": form, "requirement": requirement}
    )


@login_required
@require_GET
def requirement_detail(request, pk):
    requirement = _requirement_for(request.user, pk)
    matrix = compliance.build_matrix(
        request.user, [requirement], level=_level(request), page=request.GET.get("page")
    )
    return render(
        request,
        "plans/requirements/detail.html",
        {
            "requirement": requirement,
            "matrix": matrix,
            "counts": matrix.counts[0],
            "can_manage": rules.can_manage_requirement(request.user, requirement),
            "target_count": requirement.targets.count(),
            "audit": audit_entries_for(requirement)[:30],
            "export_query": f"r={requirement.pk}&level={matrix.level}",
        },
    )


# --- the matrix -----------------------------------------------------------------------------------
def _visible_document(user, value) -> Document | None:
    if value in (None, ""):
        return None
    pk = _id(value)
    document = Document.objects.filter(pk=pk).first() if pk else None
    if document is None or not document_rules.can_view(user, document):
        raise Http404
    return document


def _visible_unit(user, value) -> Unit | None:
    if value in (None, ""):
        return None
    pk = _id(value)
    unit = Unit.objects.filter(pk=pk).first() if pk else None
    if unit is None or not org_rules.can_view_unit(user, unit):
        raise Http404
    return unit


def _matrix_selection(request):
    """The requirements chosen by ?r=…, ?document=… and ?unit=…, as the user may see them."""
    document = _visible_document(request.user, request.GET.get("document"))
    unit = _visible_unit(request.user, request.GET.get("unit"))
    raw_ids = request.GET.getlist("r")
    ids = [i for i in (_id(v) for v in raw_ids) if i] if raw_ids else None
    if raw_ids and not ids:
        raise Http404
    qs = compliance.requirements_for(request.user, document=document, unit=unit, ids=ids)
    chosen = list(qs[: MAX_COLUMNS + 1])
    if ids and not chosen:
        raise Http404
    truncated = len(chosen) > MAX_COLUMNS
    return chosen[:MAX_COLUMNS], {"document": document, "unit": unit, "truncated": truncated}


def _selection_query(request, level) -> str:
    parts = [f"r={r}" for r in request.GET.getlist("r") if _id(r)]
    for key in ("document", "unit"):
        if _id(request.GET.get(key)):
            parts.append(f"{key}={_id(request.GET.get(key))}")
    parts.append(f"level={level}")
    return "&".join(parts)


@login_required
@require_GET
def compliance_matrix(request):
    chosen, context = _matrix_selection(request)
    matrix = compliance.build_matrix(
        request.user, chosen, level=_level(request), page=request.GET.get("page")
    )
    context.update(
        {
            "matrix": matrix,
            "export_query": _selection_query(request, matrix.level),
        }
    )
    return render(request, "plans/requirements/matrix.html", context)


@login_required
@require_GET
def compliance_xlsx(request):
    chosen, _context = _matrix_selection(request)
    out = io.BytesIO()
    compliance.write_xlsx(request.user, chosen, out, level=_level(request))
    day = timezone.localdate()
    response = HttpResponse(out.getvalue(), content_type=compliance.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="tuan-thu-{day:%Y%m%d}.xlsx"'
    return response


@login_required
@require_GET
def pick_document(request):
    """htmx: issued documents matching the typed number or words, for the requirement form."""
    query = _query(request)
    field = request.GET.get("field", "implements")
    if not field.replace("_", "").isalnum():
        field = "implements"
    found = search_for_picker(request.user, query) if len(query) >= 2 else []
    hits = [
        (d.pk, f"{d.number_text} — {d.summary[:100]}", d.issued_on.strftime("%d-%m-%Y"))
        for d in found
        if d.status in ISSUED_STATES and d.issued_on
    ]
    return render(
        request,
        "plans/requirements/partials/pick_documents.html",
        {"hits": hits, "field": field, "query": query},
    )
