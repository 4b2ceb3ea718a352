"""Exchange packages through the API: export a document's implementation (JSON or XLSX), import
in two steps (POST the file → a dry-run preview; POST apply → all or nothing), the same services
as the pages (trienkhai.exchange)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.exchange import format as fmt
from trienkhai.exchange import services, xlsx
from trienkhai.exchange.export import NotExportable, export_filename, export_package
from trienkhai.exchange.models import ExchangeImport, ImportStatus

from .conventions import AnyAccept, ApiView, idempotent_create, query_id
from .errors import ApiError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChangeOut(serializers.Serializer):
    section = serializers.CharField()
    row = serializers.IntegerField()
    label = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "error"])
    changes = serializers.DictField(child=serializers.ListField(allow_null=True))
    messages = serializers.ListField(child=serializers.CharField())


class ComplianceCheckOut(serializers.Serializer):
    cells = serializers.IntegerField()
    same = serializers.IntegerField()
    different = serializers.IntegerField()


class ImportOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    filename = serializers.CharField()
    file_format = serializers.CharField()
    status = serializers.ChoiceField(choices=ImportStatus.values)
    created_at = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    compliance = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return f"/api/exchange/imports/{obj.pk}/"

    def get_counts(self, obj) -> dict[str, dict[str, int]]:
        return obj.preview.get("counts", {})

    def get_errors(self, obj) -> int:
        return obj.preview.get("errors", 0)

    def get_compliance(self, obj) -> dict[str, int]:
        return obj.preview.get("compliance", {})

    def get_changes(self, obj) -> list[dict]:
        return obj.preview.get("changes", [])


class ImportIn(serializers.Serializer):
    file = serializers.FileField(help_text="the package: .json or .xlsx as exported")


def _invalid(invalid: fmt.PackageInvalid) -> ApiError:
    first = invalid.problems[0]
    where = ""
    if first.section:
        where = f"{first.section}" + (f"[{first.row}]" if first.row else "")
        where += f".{first.field}" if first.field else ""
    return ApiError(400, "invalid_package", str(first.message), where or "file")


class ExchangeExport(ApiView):
    """A document's whole implementation as you see it: documents, programmes, indicators and
    values, tasks with lead and coordinating units, requirements and compliance."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        operation_id="exchange_export",
        parameters=[
            OpenApiParameter("document", int, required=True, description="the root document"),
            OpenApiParameter("format", str, enum=["json", "xlsx"], description="default json"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request):
        params = request.query_params
        pk = query_id(params, "document")
        if pk is None:
            raise ApiError(400, "invalid", _("Hãy cho biết văn bản (document)."), "document")
        kind = params.get("format", "json")
        if kind not in ("json", "xlsx"):
            raise ApiError(400, "invalid", _("Định dạng phải là json hoặc xlsx."), "format")
        document = get_object_or_404(
            document_rules.filter_documents(request.user, Document.objects.all()), pk=pk
        )
        try:
            package = export_package(request.user, document)
        except NotExportable as refused:
            raise ApiError(400, "invalid", refused.message, "document") from None
        filename = export_filename(document, kind)
        if kind == "xlsx":
            response = HttpResponse(xlsx.to_bytes(package), content_type=XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return Response(package, headers={"Content-Disposition": f'inline; filename="{filename}"'})


class ImportCreate(ApiView):
    """Upload a package (multipart `file`, or the JSON package as the body): nothing is written;
    the answer is the dry run: what would be created, updated, and every refusal."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = ImportOut

    @extend_schema(
        operation_id="exchange_imports_create",
        request={"multipart/form-data": ImportIn, "application/json": OpenApiTypes.OBJECT},
        responses={201: ImportOut},
    )
    def post(self, request):
        def create():
            upload = request.FILES.get("file")
            try:
                if upload is not None:
                    file_format, raw = services.read_package(upload)
                    name = upload.name
                elif isinstance(request.data, dict) and "format" in request.data:
                    file_format, raw, name = "json", request.data, ""
                else:
                    raise ApiError(
                        400,
                        "invalid",
                        _(
                            "Hãy gửi tệp gói dữ liệu (trường file) hoặc gói JSON trong thân yêu cầu."
                        ),
                        "file",
                    )
                record = services.preview(
                    actor=request.user, raw=raw, file_format=file_format, filename=name
                )
            except fmt.PackageInvalid as invalid:
                raise _invalid(invalid) from None
            return ImportOut(record).data, f"/api/exchange/imports/{record.pk}/"

        return idempotent_create(request, "exchange/imports", create)


def _own(request, pk: int) -> ExchangeImport:
    """An import is the uploader's alone (its preview shows their view of the data)."""
    return get_object_or_404(ExchangeImport, pk=pk, created_by=request.user)


class ImportDetail(ApiView):
    serializer_class = ImportOut

    @extend_schema(operation_id="exchange_imports_retrieve")
    def get(self, request, pk: int):
        return Response(ImportOut(_own(request, pk)).data)


class ImportApply(ApiView):
    """Apply a previewed import, all or nothing: 200 once applied, or 202 while a background
    worker applies it (read the import until `status` is `applied`). 409 when the data changed
    since the preview (the import then holds the new preview); 422 when it has refusals."""

    serializer_class = ImportOut

    @extend_schema(
        operation_id="exchange_imports_apply",
        request=None,
        responses={200: ImportOut, 202: ImportOut},
    )
    def post(self, request, pk: int):
        record = _own(request, pk)
        if record.status == ImportStatus.APPLIED:
            return Response(ImportOut(record).data)
        if record.status in (ImportStatus.QUEUED, ImportStatus.APPLYING):
            raise ApiError(
                409, "conflict", _("Gói đang được xử lý; hãy đọc lại trạng thái sau ít giây.")
            )
        if record.status in (ImportStatus.REJECTED, ImportStatus.FAILED):
            raise ApiError(
                422,
                "import_has_errors",
                _("Gói có dòng không nhập được; hãy sửa tệp rồi gửi lại."),
            )
        record = services.request_apply(record=record)
        if record.status == ImportStatus.APPLYING:
            return Response(ImportOut(record).data, status=202)
        if record.status != ImportStatus.APPLIED:
            raise ApiError(
                409,
                "conflict",
                _(
                    "Dữ liệu đã thay đổi từ lúc xem trước; hãy xem lại bản xem trước mới rồi áp dụng."
                ),
            )
        return Response(ImportOut(record).data)
