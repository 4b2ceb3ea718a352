"""Documents: the register with the register page's filters, one document with its relations
and files, registering an issued document, recording a relation, downloading a file, and the
consultation rounds with the comments one may see. The same rules and services as the pages
(documents.rules, selectors, services, consultation)."""

import datetime as dt
import hashlib
import html

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from trienkhai.documents import consultation as consult
from trienkhai.documents import files, forms, register_export, rules, selectors, services
from trienkhai.documents.forms_consultation import END_OF_DAY, SignForm, VersionForm
from trienkhai.documents.models import (
    INVERSE_LABELS,
    Comment,
    Consultation,
    DocStatus,
    Document,
    DocumentFile,
    DocumentRelation,
    RelationKind,
    System,
)
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Person, Unit

from .conventions import (
    AnyAccept,
    ApiView,
    Cursor,
    etag_of,
    idempotent_create,
    query_date,
    query_id,
    revision_from,
    stale,
)
from .errors import ApiError
from .serializers_documents import (
    TYPE_CODES,
    CommentIn,
    CommentOut,
    ConsultationIn,
    ConsultationOut,
    DocumentDetailOut,
    DocumentIn,
    DocumentOut,
    DocumentPatchIn,
    DocumentRef,
    DraftIn,
    FilesIn,
    IssueIn,
    NoCommentIn,
    RecipientOut,
    RelationIn,
    RemindOut,
    ResolutionIn,
    VersionIn,
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
        editable = selectors.editable_units(user, include_ended=True)
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
            owner = selectors.single_editable_unit(user)
            if owner is None:
                errors["owner_unit"] = _("Hãy chọn đơn vị vào sổ văn bản của cơ quan bên ngoài.")
    if errors:
        raise ValidationError(errors)
    title = (data.get("signer_title") or "").strip() or selectors.signer_title(
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
    """One document (its ETag is its revision); PATCH corrects its record as the edit page."""

    serializer_class = DocumentDetailOut

    def get(self, request, pk: int):
        document = _document_for(request.user, pk)
        return Response(_detail(request, document), headers={"ETag": etag_of(document)})

    @extend_schema(
        request=DocumentPatchIn,
        responses={200: DocumentDetailOut},
        operation_id="documents_partial_update",
    )
    def patch(self, request, pk: int):
        user = request.user
        document = _document_for(user, pk, rules.can_edit)
        incoming = DocumentPatchIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        revision = revision_from(request, document)
        if revision != document.revision:
            raise stale()
        data = dict(incoming.validated_data)
        data.pop("revision", None)
        errors = {}
        if "issued_on" in data and document.is_draft:
            errors["issued_on"] = _("Dự thảo chưa có ngày ban hành; ngày được ghi khi ký ban hành.")
        if "issuer_name" in data and not document.is_external:
            errors["issuer_name"] = _(
                "Tên đơn vị ban hành được giữ đúng như ngày ban hành; chỉ sửa được tên cơ quan "
                "bên ngoài."
            )
        if errors:
            raise ValidationError(errors)
        # The edit page's form, filled with what is stored and what is sent: the same checks.
        fields = {
            "summary": document.summary,
            "issued_on": document.issued_on,
            "issuer_name": document.issuer_name,
            "signer": document.signer_id,
            "signer_name": document.signer_name,
            "signer_title": document.signer_title,
            **data,
        }
        fields = {k: _form_value(v) for k, v in fields.items()}
        fields["revision"] = str(revision)
        form = forms.EditForm(fields, document=document, people=_visible_people(user))
        if not form.is_valid():
            raise _form_error(form)
        try:
            services.document_update(
                actor=user, document=document, revision=revision, **form.changes()
            )
        except ValidationError:
            if Document.objects.get(pk=pk).revision != revision:
                raise stale() from None
            raise
        fresh = _document_for(user, pk)
        return Response(_detail(request, fresh), headers={"ETag": etag_of(fresh)})


# --- writing: helpers -----------------------------------------------------------------------------
def _visible_people(user):
    return org_rules.filter_people(user, Person.objects.all())


def _form_value(value) -> str:
    """A value as a page's form receives it (ISO dates are among the formats it reads)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _form_error(form, rename: dict | None = None) -> ValidationError:
    """A page form's errors as a service's ValidationError: a 400 naming the fields."""
    rename = rename or {}
    return ValidationError(
        {rename.get(field, field): errs for field, errs in form.errors.as_data().items()}
    )


def _renamed(error: ValidationError, rename: dict) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({rename.get(f, f): errs for f, errs in error.error_dict.items()})


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class _Upload:
    """A multipart request as idempotent_create sees it: its fields and each file's sha256, so
    a retry with another file under the same name is another request, not a replay."""

    def __init__(self, request):
        self.headers, self.user = request.headers, request.user
        data = {name: request.POST.getlist(name) for name in request.POST}
        for name in request.FILES:
            data[f"{name}.sha256"] = [_sha256(f) for f in request.FILES.getlist(name)]
        self.data = data


def _fresh(user, pk: int) -> Document:
    return _document_for(user, pk)


def _location(pk: int) -> str:
    return reverse("api:document", args=[pk])


# --- drafts ---------------------------------------------------------------------------------------
class DraftCreate(ApiView):
    """Start a draft in one of your units' registers with its file, as the draft page
    (multipart/form-data; Idempotency-Key honoured)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = DraftIn

    @extend_schema(
        operation_id="documents_drafts_create",
        request={"multipart/form-data": DraftIn},
        responses={201: DocumentDetailOut},
    )
    def post(self, request):
        user = request.user
        editable = selectors.editable_units(user, include_ended=False)
        if not editable.exists():
            raise ApiError(403, "forbidden", _("Bạn không có quyền soạn dự thảo ở đơn vị nào."))
        DraftIn(data=request.data).is_valid(raise_exception=True)

        def create():
            form = forms.DraftForm(request.POST, request.FILES, editable_units=editable)
            if not form.is_valid():
                raise _form_error(form)
            data = form.cleaned_data
            document = files.draft_create_with_file(
                actor=user,
                issuer_unit=data["issuer_unit"],
                system=data["system"],
                doc_type=data["doc_type"],
                summary=data["summary"],
                note=data["note"],
                uploaded=data["file"],
            )
            return _detail(request, _fresh(user, document.pk)), _location(document.pk)

        return idempotent_create(_Upload(request), "documents/drafts", create)


class DocumentIssue(ApiView):
    """Record the signature of a draft (managers of its register, as the signing page): it gets
    the next free number of its series (or the one given) and its date, and is issued."""

    serializer_class = IssueIn

    @extend_schema(
        operation_id="documents_issue", request=IssueIn, responses={200: DocumentDetailOut}
    )
    def post(self, request, pk: int):
        user = request.user
        document = _document_for(user, pk, rules.can_edit)
        if not document.is_draft:
            raise ApiError(409, "conflict", _("Văn bản này đã được ban hành."))
        if not rules.can_sign(user, document):
            raise ApiError(
                403,
                "forbidden",
                _("Chỉ người quản lý sổ văn bản của đơn vị mới ghi nhận ký ban hành được."),
            )
        incoming = IssueIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        versioned = request.headers.get("If-Match") or "revision" in incoming.validated_data
        if versioned and revision_from(request, document) != document.revision:
            raise stale()
        fields = {k: _form_value(v) for k, v in incoming.validated_data.items()}
        form = SignForm(fields, signers=selectors.signers_for(user, document))
        if not form.is_valid():
            raise _form_error(form)
        data = form.cleaned_data
        try:
            consult.document_issue(
                actor=user,
                document=document,
                issued_on=data["issued_on"],
                number=data["number"],
                signer=data["signer"],
                signer_title=data["signer_title"],
            )
        except ValidationError as error:
            raise _renamed(_plain(error), {"number_text": "number"}) from None
        fresh = _fresh(user, pk)
        return Response(_detail(request, fresh), headers={"ETag": etag_of(fresh)})


class DocumentSubmit(ApiView):
    """Send a draft for signature once every round is closed and every comment answered."""

    serializer_class = DocumentDetailOut

    @extend_schema(
        operation_id="documents_submit", request=None, responses={200: DocumentDetailOut}
    )
    def post(self, request, pk: int):
        user = request.user
        document = _document_for(user, pk, rules.can_edit)
        consult.document_submit(actor=user, document=document)
        fresh = _fresh(user, pk)
        return Response(_detail(request, fresh), headers={"ETag": etag_of(fresh)})


# --- files and versions ---------------------------------------------------------------------------
class FileUpload(ApiView):
    """Attach files to a document (editors of its register), with the page's checks: real PDF,
    DOCX or XLSX, size limit, at most 10 at once, not twice the same (multipart/form-data)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = FilesIn

    @extend_schema(
        operation_id="document_files_create",
        request={"multipart/form-data": FilesIn},
        responses={201: DocumentDetailOut},
    )
    def post(self, request, pk: int):
        user = request.user
        document = _document_for(user, pk, rules.can_edit)
        incoming = FilesIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        if incoming.validated_data.get("version") and not document.versions.exists():
            raise ValidationError({"version": _("Phiên bản này không thuộc văn bản đang xem.")})

        def create():
            form = forms.FileAddForm(request.POST, request.FILES, document=document)
            if not form.is_valid():
                raise _form_error(form)
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    files.file_attach(
                        actor=user,
                        document=document,
                        uploaded=upload,
                        version=form.cleaned_data.get("version"),
                    )
            return _detail(request, _fresh(user, pk)), _location(pk)

        return idempotent_create(_Upload(request), f"documents/{pk}/files", create)


class VersionCreate(ApiView):
    """A revised version of a draft with its file, linked to the comments it takes in: an open
    round ends and the draft becomes "revised" (multipart/form-data)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = VersionIn

    @extend_schema(
        operation_id="document_versions_create",
        request={"multipart/form-data": VersionIn},
        responses={201: DocumentDetailOut},
    )
    def post(self, request, pk: int):
        user = request.user
        document = _document_for(user, pk, rules.can_edit)
        incoming = VersionIn(data=request.data)
        incoming.is_valid(raise_exception=True)

        def create():
            comments = Comment.objects.filter(consultation__document=document).select_related(
                "consultation", "recipient__person"
            )
            form = VersionForm(
                MultiValueDict(
                    {
                        "note": [request.POST.get("note", "")],
                        "answers": [str(a) for a in incoming.validated_data.get("answers", [])],
                    }
                ),
                MultiValueDict({"uploaded": request.FILES.getlist("file")}),
                comments=comments,
            )
            if not form.is_valid():
                raise _form_error(form, {"uploaded": "file"})
            try:
                consult.version_upload(
                    actor=user,
                    document=document,
                    uploaded=form.cleaned_data["uploaded"],
                    note=form.cleaned_data["note"],
                    answers=list(form.cleaned_data["answers"]),
                )
            except ValidationError as error:
                raise _renamed(error, {"uploaded": "file"}) from None
            return _detail(request, _fresh(user, pk)), _location(pk)

        return idempotent_create(_Upload(request), f"documents/{pk}/versions", create)


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
            refusal = rules.relation_refusal(user, document, target, kind)
            if refusal is not None:
                raise ValidationError({"target": refusal})
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
        document = getattr(self, "document", None)
        if document is None:  # the schema generator asks without a request's document
            return super().get_serializer_context()
        return {**super().get_serializer_context(), **_round_context(self.request.user, document)}

    @extend_schema(operation_id="document_consultations_list")
    def get(self, request, pk: int):
        return self.list(request)

    @extend_schema(
        operation_id="document_consultations_create",
        request=ConsultationIn,
        responses={201: ConsultationOut},
    )
    def post(self, request, pk: int):
        """Open a round on a draft (editors of its register): the latest version goes to the
        chosen people, who are notified; the draft goes "in consultation"."""
        user = request.user
        document = _document_for(user, pk, rules.can_edit)
        incoming = ConsultationIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data

        def create():
            persons, units, deadline = _recipients_and_deadline(user, document, data)
            consultation = consult.consultation_open(
                actor=user,
                document=document,
                persons=persons,
                position_units=units,
                position_roles=data.get("position_roles", []),
                deadline=deadline,
                message=data.get("message", ""),
            )
            return (
                _round_out(user, document, consultation.pk),
                reverse("api:consultation", args=[consultation.pk]),
            )

        return idempotent_create(request, f"documents/{pk}/consultations", create)


def _recipients_and_deadline(user, document, data):
    """Ids → the people and units the opening page offers; the deadline as a moment."""
    errors = {}
    wanted = set(data.get("persons", []))
    persons = list(consult.people_to_consult(user, document).filter(pk__in=wanted))
    if len(persons) != len(wanted):
        errors["persons"] = _("Có người được chọn không nằm trong danh sách.")
    wanted = set(data.get("position_units", []))
    units = list(org_rules.filter_units(user, Unit.objects.filter(pk__in=wanted)).order_by("path"))
    if len(units) != len(wanted):
        errors["position_units"] = _(
            "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền với đơn vị đó."
        )
    deadline = _deadline(data["deadline"])
    if deadline is None:
        errors["deadline"] = _(
            "Hạn góp ý “%(text)s” phải có dạng 2020-09-15T17:00:00+07:00 hoặc 2020-09-15."
        ) % {"text": data["deadline"][:40]}
    if errors:
        raise ValidationError(errors)
    return persons, units, deadline


def _deadline(text: str) -> dt.datetime | None:
    """An ISO moment (without an offset: the site's time), or a day (its end, as the page)."""
    text = text.strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), END_OF_DAY)
        else:
            moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is None or not 1945 <= moment.year <= 2100:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _round_context(user, document) -> dict:
    """Whether the user is asked in each round and organises them (what ConsultationOut says)."""
    person = getattr(user, "person", None)
    asked = set()
    if person is not None:
        asked = set(
            document.consultations.filter(recipients__person=person).values_list("pk", flat=True)
        )
    return {"asked": asked, "organiser": rules.can_edit(user, document)}


def _round_out(user, document, pk: int) -> dict:
    consultation = consult.rounds_of(document).get(pk=pk)
    return ConsultationOut(consultation, context=_round_context(user, document)).data


def _round_for(user, pk: int, check=None) -> tuple[Consultation, Document]:
    """A round and its draft: 404 when one may not see the draft, 403 when failing `check`."""
    consultation = get_object_or_404(Consultation, pk=pk)
    document = _document_for(user, consultation.document_id)
    if check is not None and not check(user, document):
        raise ApiError(
            403, "forbidden", _("Chỉ người giữ sổ văn bản của dự thảo mới làm được việc này.")
        )
    return consultation, document


class ConsultationDetail(ApiView):
    """One round, to whoever sees the draft."""

    serializer_class = ConsultationOut

    def get(self, request, pk: int):
        consultation, document = _round_for(request.user, pk)
        return Response(_round_out(request.user, document, consultation.pk))


class ConsultationClose(ApiView):
    """End a round (its organisers): no more comments are taken. Closing twice changes nothing."""

    serializer_class = ConsultationOut

    @extend_schema(
        operation_id="consultations_close", request=None, responses={200: ConsultationOut}
    )
    def post(self, request, pk: int):
        consultation, document = _round_for(request.user, pk, rules.can_edit)
        consult.consultation_close(actor=request.user, consultation=consultation)
        return Response(_round_out(request.user, document, consultation.pk))


class ConsultationRemind(ApiView):
    """Remind (e-mail and notice) those who have not answered; people reminded within the
    reminder interval are skipped."""

    serializer_class = RemindOut

    @extend_schema(operation_id="consultations_remind", request=None, responses={200: RemindOut})
    def post(self, request, pk: int):
        consultation, _document = _round_for(request.user, pk, rules.can_edit)
        due = consult.consultation_remind(actor=request.user, consultation=consultation)
        return Response({"reminders": due})


class RecipientList(mixins.ListModelMixin, ApiView):
    """The people asked in a round and whether they answered (its organisers): the ids to
    record a comment received on paper."""

    serializer_class = RecipientOut
    pagination_class = None

    def get_queryset(self):
        consultation, _document = _round_for(self.request.user, self.kwargs["pk"], rules.can_edit)
        return consultation.recipients.select_related("person").order_by("id")

    @extend_schema(operation_id="consultation_recipients_list")
    def get(self, request, pk: int):
        return self.list(request)


def _answering(user, document, consultation, recipient_id):
    """Who answers: the user, when asked; or, for an organiser, the recipient named."""
    if recipient_id is not None:
        if not rules.can_edit(user, document):
            raise ApiError(
                403,
                "forbidden",
                _("Chỉ người tổ chức lấy ý kiến mới ghi ý kiến thay người khác được."),
            )
        recipient = consultation.recipients.select_related("person").filter(pk=recipient_id)
        recipient = recipient.first()
        if recipient is None:
            raise ValidationError(
                {"recipient": _("Người này không có trong danh sách được xin ý kiến đợt này.")}
            )
        return recipient
    if rules.recipient_for(user, consultation) is None:
        raise ApiError(403, "forbidden", _("Bạn không có trong danh sách được xin ý kiến đợt này."))
    return None


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

    @extend_schema(
        operation_id="consultation_comments_create",
        request=CommentIn,
        responses={201: CommentOut},
    )
    def post(self, request, pk: int):
        """Answer a round with a comment (a person asked), or record one received on paper
        (an organiser, naming the `recipient`). After the deadline it is taken and marked late."""
        user = request.user
        consultation, document = _round_for(user, pk)
        incoming = CommentIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        behalf = _answering(user, document, consultation, data.get("recipient"))

        def create():
            comment = consult.comment_submit(
                actor=user,
                consultation=consultation,
                section=data.get("section", ""),
                text=data["text"],
                on_behalf_of=behalf,
            )
            row = Comment.objects.select_related("recipient__person", "answered_in")
            return CommentOut(row.get(pk=comment.pk)).data, request.path

        return idempotent_create(request, f"consultations/{pk}/comments", create)


class NoComment(ApiView):
    """ "No comment" is an answer: from a person asked, or recorded by an organiser."""

    serializer_class = NoCommentIn

    @extend_schema(
        operation_id="consultations_no_comment", request=NoCommentIn, responses={200: RecipientOut}
    )
    def post(self, request, pk: int):
        user = request.user
        consultation, document = _round_for(user, pk)
        incoming = NoCommentIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        behalf = _answering(user, document, consultation, incoming.validated_data.get("recipient"))
        recipient = consult.comment_none(actor=user, consultation=consultation, on_behalf_of=behalf)
        return Response(RecipientOut(recipient).data)


class CommentResolve(ApiView):
    """The synthesis table, one comment at a time (editors of the draft's register): accepted,
    partly accepted or explained, with the response."""

    serializer_class = CommentOut

    @extend_schema(
        operation_id="comments_partial_update", request=ResolutionIn, responses={200: CommentOut}
    )
    def patch(self, request, pk: int):
        user = request.user
        comment = get_object_or_404(Comment, pk=pk)
        _round_for(user, comment.consultation_id, rules.can_edit)
        incoming = ResolutionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        consult.comment_resolve(
            actor=user,
            comment=comment,
            resolution=incoming.validated_data["resolution"],
            response=incoming.validated_data.get("response", ""),
        )
        row = Comment.objects.select_related("recipient__person", "answered_in").get(pk=pk)
        return Response(CommentOut(row).data)
