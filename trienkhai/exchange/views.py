"""Exchange pages. Thin: a document's package as JSON or Excel; an import in two steps (upload
→ preview of every change, then one click applies it all or nothing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document

from . import format as fmt
from . import services, xlsx
from .export import NotExportable, export_filename, export_package
from .models import WAITING, ExchangeImport, ImportStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def export(request, pk: int, extension: str):
    document = get_object_or_404(Document, pk=pk)
    if not document_rules.can_view(request.user, document):
        raise Http404
    try:
        package = export_package(request.user, document)
    except NotExportable as refused:
        messages.error(request, refused.message)
        return redirect("documents:detail", pk)
    filename = export_filename(document, extension)
    if extension == "xlsx":
        response = HttpResponse(xlsx.to_bytes(package), content_type=XLSX_TYPE)
    else:
        response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [fmt.Problem(_("Hãy chọn tệp gói dữ liệu (.json hoặc .xlsx)."))]
        else:
            try:
                file_format, raw = services.read_package(upload)
                record = services.preview(
                    actor=request.user, raw=raw, file_format=file_format, filename=upload.name
                )
                return redirect("exchange:import", record.pk)
            except fmt.PackageInvalid as invalid:
                problems = invalid.problems
    recent = ExchangeImport.objects.filter(created_by=request.user)[:10]
    return render(
        request,
        "exchange/import_new.html",
        {"problems": problems, "recent": recent},
        status=400 if problems else 200,
    )


def _own_import(request, pk: int) -> ExchangeImport:
    """An import is seen only by who uploaded it (it holds their view of the data)."""
    record = get_object_or_404(ExchangeImport, pk=pk)
    if record.created_by_id != request.user.pk:
        raise Http404
    return record


@login_required
@require_GET
def import_detail(request, pk: int):
    record = _own_import(request, pk)
    preview = record.preview
    sections = [
        (name, section.label, preview.get("counts", {}).get(name))
        for name, section in fmt.SECTIONS.items()
        if section.imported
    ]
    return render(
        request,
        "exchange/import_detail.html",
        {
            "record": record,
            "preview": preview,
            "sections": sections,
            "labels": {name: section.label for name, section in fmt.SECTIONS.items()},
            "can_apply": record.status == ImportStatus.PREVIEWED,
            "waiting": record.status in WAITING,
        },
    )


@login_required
@require_POST
def import_apply(request, pk: int):
    record = _own_import(request, pk)
    if record.status != ImportStatus.PREVIEWED:
        raise PermissionDenied
    record = services.request_apply(record=record)
    if record.status == ImportStatus.APPLIED:
        counts = record.preview.get("counts", {})
        messages.success(
            request,
            _("Đã nhập gói dữ liệu: %(created)d mục mới, %(updated)d mục cập nhật.")
            % {
                "created": sum(c["create"] for c in counts.values()),
                "updated": sum(c["update"] for c in counts.values()),
            },
        )
    elif record.preview.get("stale") or record.status == ImportStatus.REJECTED:
        messages.warning(
            request,
            _(
                "Dữ liệu đã thay đổi từ lúc xem trước: đây là kết quả xem trước mới. Hãy xem lại "
                "rồi áp dụng."
            ),
        )
    return redirect("exchange:import", pk)
