"""Pages of a survey's audience and quota (target groups, total, period, allocations to units)
and of its one-time codes (batches, counts, the file for mail merge). Only the survey's managers
reach them; a unit with part of the quota sees its line on the survey's home page."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from trienkhai.org.views import _apply_errors

from . import audience as services
from . import forms_builder as forms
from . import rules, selectors
from .models import CodeKind
from .responses import code_display
from .views_builder import survey_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdecimal() and len(raw) < 8 else None


@login_required
@require_http_methods(["GET", "POST"])
def audience(request, pk):
    user = request.user
    survey = survey_for(user, pk, rules.can_manage_survey)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and "delete" in request.POST:
        action = "delete"
    settings_form = forms.AudienceForm(
        request.POST if action == "settings" else None,
        initial=forms.AudienceForm.initial_for(survey),
    )
    add_form = forms.AllocationForm(request.POST if action == "add" else None, survey=survey)
    table_errors: list[str] = []
    typed: dict[int, str] = {}
    if action == "settings" and settings_form.is_valid():
        try:
            services.audience_update(actor=user, survey=survey, **settings_form.cleaned_data)
        except ValidationError as error:
            _apply_errors(settings_form, error)
        else:
            messages.success(request, _("Đã lưu đối tượng, số phiếu và thời gian khảo sát."))
            return redirect("surveys:audience", survey.pk)
    elif action == "add" and add_form.is_valid():
        try:
            services.allocation_save(actor=user, survey=survey, **add_form.cleaned_data)
        except ValidationError as error:
            _apply_errors(add_form, error)
        else:
            messages.success(request, _("Đã phân bổ phiếu."))
            return redirect("surveys:audience", survey.pk)
    elif action == "allocations":
        numbers = {}
        for key, raw in request.POST.items():
            if not key.startswith("forms-") or not key[6:].isdecimal() or len(key) > 30:
                continue
            typed[int(key[6:])] = raw
            number = _number(raw)
            if number is None:
                table_errors.append(
                    _("“%(raw)s” không phải là số phiếu: hãy nhập số nguyên, ví dụ 25.")
                    % {"raw": raw[:20]}
                )
            numbers[int(key[6:])] = number
        if not table_errors:
            try:
                services.allocations_update(actor=user, survey=survey, forms_by_id=numbers)
            except ValidationError as error:
                table_errors = error.messages
            else:
                messages.success(request, _("Đã lưu số phiếu phân bổ."))
                return redirect("surveys:audience", survey.pk)
    elif action == "delete":
        allocation = survey.allocations.filter(pk=_number(request.POST.get("delete"))).first()
        if allocation is not None:
            try:
                services.allocation_delete(actor=user, allocation=allocation)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Đã bỏ dòng phân bổ."))
        return redirect("surveys:audience", survey.pk)
    allocations = list(selectors.allocations_for(user, survey))
    for a in allocations:
        a.typed = typed.get(a.pk, a.forms)
    allocated = sum(a.forms for a in allocations)
    return render(
        request,
        "surveys/audience.html",
        {
            "survey": survey,
            "settings_form": settings_form,
            "add_form": add_form,
            "allocations": allocations,
            "allocated": allocated,
            "table_errors": table_errors,
            "balanced": survey.total_forms > 0 and allocated == survey.total_forms,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def codes(request, pk):
    user = request.user
    survey = survey_for(user, pk, rules.can_manage_survey)
    allocations = list(selectors.allocations_for(user, survey))
    initial = {"kind": CodeKind.PAPER}
    chosen = _number(request.GET.get("allocation"))
    if chosen is not None:
        initial["allocation"] = chosen
    form = forms.CodesForm(request.POST or None, allocations=allocations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        allocation = next((a for a in allocations if a.pk == data["allocation"]), None)
        try:
            made = services.codes_generate(
                actor=user,
                survey=survey,
                kind=data["kind"],
                allocation=allocation,
                extra=data["extra"] or 0,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã tạo %(n)d mã phiếu (đợt %(batch)d).")
                % {"n": len(made), "batch": made[0].batch},
            )
            return redirect("surveys:codes", survey.pk)
    totals = selectors.survey_totals(survey)
    return render(
        request,
        "surveys/codes.html",
        {
            "survey": survey,
            "form": form,
            "allocations": allocations,
            "batches": selectors.code_batches(survey),
            "totals": totals,
        },
    )


def _export_rows(survey, batch, allocation_id):
    for code in selectors.codes_of_batch(survey, batch, allocation_id).iterator(chunk_size=2000):
        a = code.allocation
        yield [
            code_display(code.code),
            services.code_link(code.code),
            a.unit.name if a else "",
            a.target_group.name if a and a.target_group_id else "",
            code.batch,
            str(code.get_kind_display()),
        ]


@login_required
@require_GET
def codes_export(request, pk):
    """The codes of a batch (or all), with their personal links, unit and group: the file a
    clerk merges into letters or e-mails. It says nothing about which codes were used."""
    survey = survey_for(request.user, pk, rules.can_manage_survey)
    batch = _number(request.GET.get("batch"))
    allocation_id = _number(request.GET.get("allocation"))
    header = [_("Mã phiếu"), _("Đường dẫn"), _("Đơn vị"), _("Đối tượng"), _("Đợt"), _("Loại")]
    rows = _export_rows(survey, batch, allocation_id)
    name = f"ma-phieu-{survey.pk}" + (f"-dot-{batch}" if batch is not None else "")
    name = slugify(name) or "ma-phieu"
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    book = Workbook(write_only=False)
    ws = book.active
    ws.title = _("Mã phiếu")[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    for column, width in zip("ABCDEF", (14, 48, 40, 28, 6, 16), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
