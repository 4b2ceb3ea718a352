"""Documents: the register with the register page's filters, one document with its relations
and files, registering an issued document, recording a relation, downloading a file, and the
consultation rounds with the comments one may see. The same rules and services as the pages
(documents.rules, selectors, services, consultation)."""

import html

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from trienkhai.documents import consultation as consult
from trienkhai.documents import register_export, rules, selectors, services
from trienkhai.documents.models import (
    INVERSE_LABELS,
    ISSUED_STATES,
    Consultation,
    DocStatus,
    Document,
    DocumentFile,
    DocumentRelation,
    RelationKind,
    System,
)
from trienkhai.documents.views import _signer_title, _single_editable_unit
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Person, Unit

from .conventions import ApiView, Cursor, idempotent_create, query_date, query_id
from .errors import ApiError
from .serializers_documents import (
    TYPE_CODES,
    CommentOut,
    ConsultationOut,
    DocumentDetailOut,
    DocumentIn,
    DocumentOut,
    DocumentRef,
    RelationIn,
)

STATUSES = [selectors.IN_FORCE, selectors.ALL_DRAFTS, *DocStatus.values]
DOCUMENT_FILTERS = [
    OpenApiParameter("q", str, description="words of the number, summary, issuer or files' text"),
    OpenApiParameter("system", str, enum=System.values),
    OpenApiParameter("doc_type", str, enum=TYPE_CODES),
    OpenApiParameter("issuer", int, description="issued by this unit or a unit under it"),
    OpenApiParameter("owner", int, description="kept in this unit's register"),
    OpenApiParameter("year", int, description="year of issue"),
    OpenApiParameter("status", str, enum=STATUSES),
    OpenApiParameter("issued_from", OpenApiTypes.DATE),
    OpenApiParameter("issued_to", OpenApiTypes.DATE),
]
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": register_export.XLSX_CONTENT_TYPE,
}


class AnyAccept(DefaultContentNegotiation):
    """A download answers whatever the client accepts (errors stay JSON), never 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# --- reading helpers ------------------------------------------------------------------------------
def _document_for(user, pk: int, check=None) -> Document:
    """404 when the user may not see the document, 403 when they see it but fail `check`."""
    document = get_object_or_404(
        Document.objects.select_related("issuer_unit", "owner_unit"), pk=pk
    )
    if not rules.can_view(user, document):
        raise Http404
    if check is not None and not check(user, document):
        raise ApiError(403, "forbidden", _("Bạn không có quyền sửa văn bản này."))
    return document


def _choice(params, name, allowed):
    value = params.get(name, "")
    if value and value not in allowed:
        raise ApiError(
            400,
            "invalid",
            _("Lựa chọn “%(value)s” không hợp lệ.") % {"value": value[:50]},
            name,
        )
    return value


def _filter_unit(user, params, name):
    """A unit to filter by, among those the register page offers (yours and those above)."""
    pk = query_id(params, name)
    if pk is None:
        return None
    unit = selectors.issuer_units(user).filter(pk=pk).first()
    if unit is None:
        raise ApiError(
            400,
            "invalid",
            _("Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn chọn được.") % {"id": pk},
            name,
        )
    return unit


def _ref(document) -> dict:
    return DocumentRef(document).data


def _relations(document: Document, user) -> tuple[list, list, dict]:
    """Both ways, only documents the user sees: the page's web of relations, plus the documents
    implementing this one (the page shows those as a tree)."""
    web = selectors.document_web(document, user)
    out = [
        {
            "id": link.relation.pk,
            "kind": link.relation.kind,
            "label": str(link.label),
            "note": link.relation.note,
            "document": _ref(link.document),
        }
        for link in web.outgoing
    ]
    incoming = [
        {
            "id": link.relation.pk,
            "kind": link.relation.kind,
            "label": str(link.label),
            "note": link.relation.note,
            "document": _ref(link.document),
        }
        for link in web.incoming
    ]
    implementers = (
        DocumentRelation.objects.filter(
            target=document,
            kind=RelationKind.IMPLEMENTS,
            source__in=rules.filter_documents(user, Document.objects.all()),
        )
        .select_related("source")
        .order_by("source__issued_on", "id")
    )
    incoming += [
        {
            "id": relation.pk,
            "kind": relation.kind,
            "label": str(INVERSE_LABELS[RelationKind.IMPLEMENTS]),
            "note": relation.note,
            "document": _ref(relation.source),
        }
        for relation in implementers
    ]
    implementation = {
        "count": web.implementation_count,
        "units": web.implementation_units,
        "truncated": web.truncated,
    }
    return out, incoming, implementation


def _files(document: Document, base: str) -> list[dict]:
    rows = document.files.select_related("version").order_by("id")
    return [
        {
            "id": f.pk,
            "name": f.original_name,
            "kind": f.kind,
            "size": f.size,
            "version": f.version.number if f.version_id else None,
            "uploaded_at": f.uploaded_at,
            "download": f"{base}files/{f.pk}/",
        }
        for f in rows
    ]


def _detail(request, document: Document) -> dict:
    out, incoming, implementation = _relations(document, request.user)
    base = request.path if request.path.endswith(f"/{document.pk}/") else ""
    if not base:  # answering a POST: the document's own address
        base = f"{request.path.rstrip('/').rsplit('/documents', 1)[0]}/documents/{document.pk}/"
    context = {
        "relations_out": out,
        "relations_in": incoming,
        "implementation": implementation,
        "files": _files(document, base),
    }
    return DocumentDetailOut(document, context=context).data


def _plain(error: ValidationError) -> ValidationError:
    """A service's message as text: the page's duplicate-number message carries a link."""
    if not hasattr(error, "error_dict"):
        return ValidationError([html.unescape(strip_tags(str(m))) for m in error.messages])
    return ValidationError(
        {
            field: [html.unescape(strip_tags(str(m))) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    )


# --- the register ---------------------------------------------------------------------------------
class DocumentList(mixins.ListModelMixin, ApiView):
    """The register as you see it, newest first; POST enters an issued document in a register
    (Idempotency-Key honoured)."""

    serializer_class = DocumentOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        year = query_id(params, "year")
        if year is not None and not 1945 <= year <= 2100:
            raise ApiError(400, "invalid", _("Năm ban hành phải từ 1945 trở đi."), "year")
        qs = selectors.documents_matching(
            user,
            q=params.get("q", "").replace("\x00", "").strip()[:200],
            doc_type=_choice(params, "doc_type", TYPE_CODES),
            issuer=_filter_unit(user, params, "issuer"),
            year=year,
            status=_choice(params, "status", STATUSES),
            system=_choice(params, "system", System.values),
        )
        owner = _filter_unit(user, params, "owner")
        if owner is not None:
            qs = qs.filter(owner_unit=owner)
        start, end = query_date(params, "issued_from"), query_date(params, "issued_to")
        if start is not None:
            qs = qs.filter(issued_on__gte=start)
        if end is not None:
            qs = qs.filter(issued_on__lte=end)
        return qs.select_related("issuer_unit", "owner_unit").only(
            *selectors.LIST_FIELDS,
            "year",
            "issuer_unit__id",
            "issuer_unit__name",
            "owner_unit__id",
            "owner_unit__name",
        )

    @extend_schema(parameters=DOCUMENT_FILTERS, operation_id="documents_list")
    def get(self, request):
        return self.list(request)

    @extend_schema(request=DocumentIn, responses={201: DocumentDetailOut})
    def post(self, request):
        user = request.user
        editable = org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT)
        if not editable.exists():
            raise ApiError(403, "forbidden", _("Bạn không có quyền vào sổ văn bản của đơn vị nào."))
        incoming = DocumentIn(data=request.data)
        incoming.is_valid(raise_exception=True)

        def create():
            data = _resolve_register(user, editable, dict(incoming.validated_data))
            try:
                document = services.document_register(actor=user, **data)
            except ValidationError as error:
                raise _plain(error) from None
            document = Document.objects.select_related("issuer_unit", "owner_unit").get(
                pk=document.pk
            )
            location = f"{request.path}{document.pk}/"
            return _detail(request, document), location

        return idempotent_create(request, "documents", create)


def _resolve_register(user, editable, data: dict) -> dict:
    """Ids → the units and person the user may name, as the register form does; an own unit's
    document goes into its issuer's register."""
    errors = {}

    def unit(field):
        pk = data.get(field)
        if pk is None:
            return None
        found = editable.filter(pk=pk).first()
        if found is None:
            errors[field] = _("Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn chọn được.") % {
                "id": pk
            }
        return found

    issuer, owner = unit("issuer_unit"), unit("owner_unit")
    name = (data.get("issuer_name") or "").strip()
    signer = None
    if data.get("signer") is not None:
        signer = org_rules.filter_people(user, Person.objects.all()).filter(pk=data["signer"])
        signer = signer.first()
        if signer is None:
            errors["signer"] = _(
                "Không tìm thấy cán bộ đã chọn, hoặc bạn không có quyền xem hồ sơ đó."
            )
    if "issuer_unit" not in errors:
        if issuer is not None and name:
            errors["issuer_name"] = _(
                "Đã chọn đơn vị ban hành ở trên; hãy để trống tên cơ quan bên ngoài."
            )
        elif issuer is None and not name:
            errors["issuer_unit"] = _(
                "Hãy chọn đơn vị ban hành, hoặc nhập tên cơ quan ban hành bên ngoài."
            )
        elif issuer is None and owner is None and "owner_unit" not in errors:
            owner = _single_editable_unit(user)
            if owner is None:
                errors["owner_unit"] = _("Hãy chọn đơn vị vào sổ văn bản của cơ quan bên ngoài.")
    if errors:
        raise ValidationError(errors)
    title = (data.get("signer_title") or "").strip() or _signer_title(
        signer, issuer, data["issued_on"]
    )
    return {
        "owner_unit": issuer or owner,
        "number_text": data["number_text"],
        "issued_on": data["issued_on"],
        "summary": data["summary"],
        "issuer_unit": issuer,
        "issuer_name": name,
        "signer": signer,
        "signer_name": (data.get("signer_name") or "").strip(),
        "signer_title": title,
        "doc_type": data.get("doc_type") or "",
        "status": data.get("status") or DocStatus.ISSUED,
    }


class DocumentDetail(ApiView):
    serializer_class = DocumentDetailOut

    def get(self, request, pk: int):
        document = _document_for(request.user, pk)
        return Response(_detail(request, document))


# --- relations ------------------------------------------------------------------------------------
class RelationCreate(ApiView):
    """Record that this document <kind> another (editors of its register). A loop, a duplicate
    or a document you may not see comes back as an error on `target`."""

    serializer_class = RelationIn

    @extend_schema(request=RelationIn, responses={201: DocumentDetailOut})
    def post(self, request, pk: int):
        user = request.user
        document = _document_for(user, pk, rules.can_edit)
        incoming = RelationIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data

        def create():
            target = rules.filter_documents(user, Document.objects.all()).filter(pk=data["target"])
            target = target.first()
            if target is None:
                raise ValidationError(
                    {"target": _("Không tìm thấy văn bản đã chọn, hoặc bạn không có quyền xem.")}
                )
            kind = data["kind"]
            changes_target = kind in services.CHAIN_KINDS and target.status in {
                DocStatus.ISSUED,
                DocStatus.AMENDED,
            }
            if (
                changes_target
                and document.status in ISSUED_STATES
                and not rules.can_edit(user, target)
            ):
                # As on the page: replacing or amending an issued document changes its status,
                # which is for whoever keeps its register.
                raise ValidationError(
                    {
                        "target": _(
                            "Ghi nhận quan hệ này sẽ chuyển trạng thái của “%(target)s”, nhưng bạn "
                            "không có quyền sửa văn bản đó. Hãy đề nghị đơn vị giữ sổ của văn bản "
                            "đó ghi nhận."
                        )
                        % {"target": target.number_text or target.summary[:60]}
                    }
                )
            services.relation_add(
                actor=user, source=document, target=target, kind=kind, note=data.get("note", "")
            )
            fresh = Document.objects.select_related("issuer_unit", "owner_unit").get(pk=pk)
            location = request.path.removesuffix("relations/")
            return _detail(request, fresh), location

        return idempotent_create(request, f"documents/{pk}/relations", create)


# --- files ----------------------------------------------------------------------------------------
class FileDownload(ApiView):
    """A file of a document, to whoever may see the document (as the page's download)."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **{(200, t): OpenApiResponse(OpenApiTypes.BINARY) for t in CONTENT_TYPES.values()},
        }
    )
    def get(self, request, pk: int, file_id: int):
        document = _document_for(request.user, pk)
        stored = get_object_or_404(DocumentFile, pk=file_id, document=document)
        try:
            handle = stored.file.open("rb")
        except (FileNotFoundError, OSError) as error:
            raise ApiError(404, "not_found", _("Tệp không còn trên máy chủ.")) from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=stored.original_name,
            content_type=CONTENT_TYPES.get(stored.kind, "application/octet-stream"),
        )


# --- consultations --------------------------------------------------------------------------------
class ConsultationList(mixins.ListModelMixin, ApiView):
    """The rounds of comments on a draft, to whoever sees the document (its consultation box)."""

    serializer_class = ConsultationOut

    def get_queryset(self):
        document = _document_for(self.request.user, self.kwargs["pk"])
        self.document = document
        return consult.rounds_of(document)

    def get_serializer_context(self):
        user, document = self.request.user, getattr(self, "document", None)
        if document is None:  # the schema generator asks without a request's document
            return super().get_serializer_context()
        person = getattr(user, "person", None)
        asked = set()
        if person is not None:
            asked = set(
                document.consultations.filter(recipients__person=person).values_list(
                    "pk", flat=True
                )
            )
        return {
            **super().get_serializer_context(),
            "asked": asked,
            "organiser": rules.can_edit(user, document),
        }

    @extend_schema(operation_id="document_consultations_list")
    def get(self, request, pk: int):
        return self.list(request)


class InOrder(Cursor):
    """Comments in the synthesis table's order."""

    ordering = "id"


class CommentList(mixins.ListModelMixin, ApiView):
    """The comments of a round: all of them for the draft's editors (the synthesis table), your
    own for a person asked (the answering page); 403 for anyone else who sees the draft."""

    serializer_class = CommentOut
    pagination_class = InOrder

    def get_queryset(self):
        user = self.request.user
        consultation = get_object_or_404(
            Consultation.objects.select_related("document__owner_unit"), pk=self.kwargs["pk"]
        )
        document = _document_for(user, consultation.document_id)
        if rules.can_edit(user, document):
            return consult.synthesis_rows(consultation)
        recipient = rules.recipient_for(user, consultation)
        if recipient is None:
            raise ApiError(
                403, "forbidden", _("Bạn không có trong danh sách được xin ý kiến đợt này.")
            )
        return recipient.comments.select_related("recipient__person", "answered_in")

    @extend_schema(operation_id="consultation_comments_list")
    def get(self, request, pk: int):
        return self.list(request)
