"""Pages of the register. Thin: fetch what the user may see, call a form and a service, render.

Every page about one document answers 404 when the user may not see it and 403 when they see it
but may not do this.
"""

import datetime as dt
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import fold
from trienkhai.org import rules as org_rules
from trienkhai.org.forms import DATE_INPUT_FORMATS
from trienkhai.org.models import Person, Sector, Unit
from trienkhai.org.widgets import MAX_ID

from . import files, forms, numbering, register_export, rules, selectors, services
from .models import ISSUED_STATES, DocStatus, Document, DocumentFile

CONSULTATION_PANEL = "documents/consultation/_document_panel.html"


# --- helpers ------------------------------------------------------------------------------------
def _document_for(user, pk: int, check=None) -> Document:
    """The document if the user passes `check`; 404 when they may not even see it, 403 otherwise."""
    document = get_object_or_404(
        Document.objects.select_related("issuer_unit", "owner_unit", "term", "signer"), pk=pk
    )
    if not rules.can_view(user, document):
        raise Http404
    if check is not None and not check(user, document):
        raise PermissionDenied
    return document


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (others on the form)."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            target = field if field in form.fields else None
            for err in errs:
                form.add_error(target, err)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _visible_people(user):
    return org_rules.filter_people(user, Person.objects.all())


def _field_name(request) -> str:
    field = request.GET.get("field", "")
    return field if field and field.replace("_", "").isalnum() and len(field) < 40 else "unit"


def _query(request) -> str:
    return request.GET.get("q", "").replace("\x00", "").strip()[:200]


def _id(raw) -> int | None:
    text = str(raw or "").strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


# --- the register -------------------------------------------------------------------------------
def _filter_form(request):
    form = forms.FilterForm(
        request.GET or None, issuer_queryset=selectors.issuer_units(request.user)
    )
    if form.is_bound:
        form.is_valid()
    return form


@login_required
@require_GET
def register(request):
    form = _filter_form(request)
    filters = form.filters()
    page = selectors.search_documents(request.user, **filters, page=request.GET.get("page"))
    export_query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "documents/register.html",
        {
            "form": form,
            "page": page,
            "filtered": any(v for v in filters.values()),
            "export_query": export_query,
            "can_register": selectors.editable_units(request.user, include_ended=True).exists(),
        },
    )


@login_required
@require_GET
def register_xlsx(request):
    """The register as filtered on the page, as an Excel workbook."""
    filters = _filter_form(request).filters()
    documents = selectors.documents_matching(request.user, **filters)
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    register_export.write_register(documents, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=register_export.filename(timezone.localdate()),
        content_type=register_export.XLSX_CONTENT_TYPE,
    )


# --- registering an issued document -----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def register_new(request):
    user = request.user
    editable = selectors.editable_units(user, include_ended=True)
    if not editable.exists():
        raise PermissionDenied
    initial = {}
    if request.method == "GET" and _id(request.GET.get("unit")):
        initial["issuer_unit"] = _id(request.GET.get("unit"))
    form = forms.RegisterForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        editable_units=editable,
        people=_visible_people(user),
        single_unit=selectors.single_editable_unit(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        title = data["signer_title"].strip() or selectors.signer_title(
            data["signer"], data["issuer_unit"], data["issued_on"]
        )
        try:
            with transaction.atomic():
                document = services.document_register(
                    actor=user,
                    owner_unit=data["owner_unit"],
                    number_text=data["number_text"],
                    issued_on=data["issued_on"],
                    summary=data["summary"],
                    issuer_unit=data["issuer_unit"],
                    issuer_name=data["issuer_name"],
                    signer=data["signer"],
                    signer_name=data["signer_name"].strip(),
                    signer_title=title,
                    doc_type=data["doc_type"],
                    status=data["status"],
                )
                for upload in data["files"]:
                    files.file_attach(actor=user, document=document, uploaded=upload)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã vào sổ văn bản %(number)s.") % {"number": document.number_text},
            )
            return redirect("documents:detail", document.pk)
    hint_data = request.POST if form.is_bound else {k: str(v) for k, v in initial.items()}
    return render(
        request,
        "documents/register_form.html",
        {
            "form": form,
            "hint": _number_hint(user, hint_data),
            "lost_files": [f.name for f in request.FILES.getlist("files")] if form.is_bound else [],
        },
    )


def _hint_day(raw: str) -> dt.date:
    for fmt in DATE_INPUT_FORMATS:
        try:
            day = dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
        if 1945 <= day.year <= 2100:
            return day
    return dt.date.today()


def _number_hint(user, data) -> dict | None:
    """The next free number of the series the form describes, or why none can be given."""
    unit = None
    unit_id = _id(data.get("issuer_unit"))
    if unit_id:
        unit = org_rules.filter_units(user, Unit.objects.filter(pk=unit_id)).first()
    issuer_name = (data.get("issuer_name") or "").strip()[:255]
    if unit is None and not issuer_name:
        return None
    day = _hint_day(data.get("issued_on") or "")
    normative, doc_type = False, (data.get("doc_type") or "").strip()
    try:
        parsed = numbering.parse(data.get("number_text") or "")
    except numbering.NumberError:
        parsed = None
    if parsed is not None:
        system, code, normative = parsed.system, parsed.issuer, parsed.year is not None
        doc_type = parsed.type or doc_type or "CV"
        shown_type, year = parsed.type, parsed.year
    elif unit is not None:
        system = {Sector.PARTY: numbering.PARTY, Sector.STATE: numbering.STATE}.get(unit.sector)
        code = services.issuer_as_of(unit, day)[1]
        if system is None or not doc_type:
            return None
        if not code:
            return {"reason": _("Đơn vị chưa có tên viết tắt (ví dụ ThU) nên chưa gợi ý được số.")}
        shown_type, year = doc_type, None
    else:
        return None
    if system == numbering.PARTY and (unit is None or doc_type not in numbering.PARTY_TYPES):
        return None
    term = services.term_for(unit, day) if system == numbering.PARTY else None
    if system == numbering.PARTY and term is None:
        return {
            "reason": _(
                "Số văn bản của Đảng đánh lại từ 01 mỗi nhiệm kỳ; đơn vị chưa khai báo nhiệm kỳ "
                "có ngày %(day)s nên chưa gợi ý được số tiếp theo."
            )
            % {"day": format_vi(day)}
        }
    number = services.next_number(
        system=system,
        issuer_unit=unit,
        issuer_name=issuer_name,
        issuer_code=code,
        doc_type=doc_type,
        term=term,
        issued_on=day,
        normative=normative,
    )
    try:
        text = numbering.DocNumber(system, number, shown_type, code, year).format()
    except Exception:  # an odd issuer code; the hint is only a help
        return None
    series = (
        _("nhiệm kỳ %(term)s") % {"term": term.name}
        if term is not None
        else _("năm %(year)d") % {"year": day.year}
    )
    return {"number": text, "series": series}


@login_required
@require_GET
def next_number(request):
    """htmx: the next free number for the issuer, type and date being typed."""
    return render(
        request,
        "documents/partials/next_number.html",
        {"hint": _number_hint(request.user, request.GET)},
    )


# --- a new draft -----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def draft_new(request):
    user = request.user
    editable = selectors.editable_units(user, include_ended=False)
    if not editable.exists():
        raise PermissionDenied
    initial = {}
    single = selectors.single_editable_unit(user)
    if single is not None and single.ended_on is None:
        initial["issuer_unit"] = single.pk
        initial["system"] = numbering.STATE if single.sector == Sector.STATE else numbering.PARTY
    form = forms.DraftForm(
        request.POST or None, request.FILES or None, initial=initial, editable_units=editable
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = files.draft_create_with_file(
                actor=user,
                issuer_unit=data["issuer_unit"],
                system=data["system"],
                doc_type=data["doc_type"],
                summary=data["summary"],
                note=data["note"],
                uploaded=data["file"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã tạo dự thảo."))
            return redirect("documents:detail", document.pk)
    lost = [f.name for f in request.FILES.getlist("file")] if form.is_bound else []
    return render(request, "documents/draft_form.html", {"form": form, "lost_files": lost})


# --- one document ---------------------------------------------------------------------------------
def _status_choices(document: Document) -> list[tuple[str, str]]:
    """Steps a clerk may take by hand here: the life of an issued document. Drafts move through
    consultation, submission and signing on their own pages."""
    if document.status not in ISSUED_STATES:
        return []
    allowed = services.ALLOWED_STEPS.get(DocStatus(document.status), set())
    return [(s.value, s.label) for s in DocStatus if s in allowed and s != document.status]


def _consultation_panel() -> str | None:
    try:
        get_template(CONSULTATION_PANEL)
    except TemplateDoesNotExist:
        return None
    return CONSULTATION_PANEL


@login_required
@require_GET
def detail(request, pk):
    user = request.user
    document = _document_for(user, pk)
    can_edit = rules.can_edit(user, document)
    status_choices = _status_choices(document) if can_edit else []
    versions = list(document.versions.prefetch_related("files").order_by("number"))
    context = {
        "document": document,
        "can_edit": can_edit,
        "issuer_visible": document.issuer_unit is not None
        and org_rules.can_view_unit(user, document.issuer_unit),
        "owner_visible": org_rules.can_view_unit(user, document.owner_unit),
        "files": document.files.filter(version__isnull=True),
        "versions": versions,
        "timeline": document.status_changes.select_related("by"),
        "audit": audit_entries_for(document)[:50],
        "web": selectors.document_web(document, user),
        "relation_form": forms.RelationForm(document=document, candidates=Document.objects.none())
        if can_edit
        else None,
        "status_form": forms.StatusForm(choices=status_choices) if status_choices else None,
        "consultation_panel": _consultation_panel(),
    }
    return render(request, "documents/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    user = request.user
    document = _document_for(user, pk, rules.can_edit)
    people = _visible_people(user)
    form = forms.EditForm(request.POST or None, document=document, people=people)
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                actor=user,
                document=document,
                revision=form.cleaned_data["revision"],
                **form.changes(),
            )
        except ValidationError as error:
            stored = Document.objects.get(pk=document.pk)
            if stored.revision != form.cleaned_data["revision"]:
                # Someone saved in between: keep what this user typed, show what is stored now,
                # and let a second, deliberate save overwrite it.
                data = request.POST.copy()
                data["revision"] = str(stored.revision)
                form = forms.EditForm(data, document=stored, people=people)
                form.is_valid()
                current = stored
                form.add_error(None, " ".join(error.messages))
                form.add_error(
                    None,
                    _(
                        "Nội dung bạn vừa nhập vẫn được giữ nguyên bên dưới; nội dung hiện đang "
                        "lưu được hiển thị để đối chiếu. Bấm “Lưu” lần nữa nếu vẫn muốn ghi đè."
                    ),
                )
            else:
                _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin văn bản."))
            return redirect("documents:detail", document.pk)
    return render(
        request, "documents/edit.html", {"form": form, "document": document, "current": current}
    )


@login_required
@require_http_methods(["GET", "POST"])
def status(request, pk):
    document = _document_for(request.user, pk, rules.can_edit)
    choices = _status_choices(document)
    if not choices:
        raise PermissionDenied
    form = forms.StatusForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_set_status(
                actor=request.user,
                document=document,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã chuyển trạng thái văn bản."))
            return redirect("documents:detail", document.pk)
    return render(request, "documents/status_form.html", {"form": form, "document": document})


@login_required
@require_http_methods(["GET", "POST"])
def relation_new(request, pk):
    user = request.user
    document = _document_for(user, pk, rules.can_edit)
    candidates = rules.filter_documents(user, Document.objects.exclude(pk=document.pk))
    form = forms.RelationForm(request.POST or None, document=document, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        target, kind = form.cleaned_data["target"], form.cleaned_data["kind"]
        refusal = rules.relation_refusal(user, document, target, kind)
        if refusal is not None:
            form.add_error("target", refusal)
        else:
            try:
                services.relation_add(
                    actor=user,
                    source=document,
                    target=target,
                    kind=kind,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Đã ghi quan hệ giữa hai văn bản."))
                return redirect("documents:detail", document.pk)
    return render(request, "documents/relation_form.html", {"form": form, "document": document})


@login_required
@require_http_methods(["GET", "POST"])
def file_add(request, pk):
    user = request.user
    document = _document_for(user, pk, rules.can_edit)
    form = forms.FileAddForm(request.POST or None, request.FILES or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    files.file_attach(
                        actor=user,
                        document=document,
                        uploaded=upload,
                        version=form.cleaned_data.get("version"),
                    )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã đính kèm tệp."))
            return redirect("documents:detail", document.pk)
    lost = [f.name for f in request.FILES.getlist("files")] if form.is_bound else []
    return render(
        request,
        "documents/file_form.html",
        {"form": form, "document": document, "lost_files": lost},
    )


@login_required
@require_GET
def file_download(request, pk, file_id):
    """A file, to whoever may see its document; never a public media URL."""
    document = _document_for(request.user, pk)
    stored = get_object_or_404(DocumentFile, pk=file_id, document=document)
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("Tệp không còn trên máy chủ.")) from error
    content_types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": register_export.XLSX_CONTENT_TYPE,
    }
    return FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=content_types.get(stored.kind, "application/octet-stream"),
    )


# --- pickers ----------------------------------------------------------------------------------------
def _pick(request, hits, empty_text):
    return render(
        request,
        "documents/partials/pick_results.html",
        {
            "hits": hits,
            "field": _field_name(request),
            "query": _query(request),
            "empty_text": empty_text,
        },
    )


@login_required
@require_GET
def pick_unit(request):
    """htmx: units matching the typed text; `for=edit` lists only units the user may edit,
    `for=draft` only those still active (a draft is written by a unit that exists)."""
    query = _query(request)
    hits = []
    purpose = request.GET.get("for")
    if len(query) >= 2:
        if purpose in ("edit", "draft"):
            qs = selectors.editable_units(request.user, include_ended=purpose == "edit")
            for word in fold(query).split():
                qs = qs.filter(name_folded__contains=word)
            units = list(qs.order_by("ended_on", "depth", "name")[:15])
        else:
            units = selectors.search_issuer_units(request.user, query)
        hits = [(u.pk, u.name, _("(đã kết thúc)") if u.ended_on else "") for u in units]
    return _pick(request, hits, _("Không tìm thấy đơn vị nào."))


@login_required
@require_GET
def pick_person(request):
    query = _query(request)
    hits = []
    if len(query) >= 2:
        qs = _visible_people(request.user).select_related("home_unit")
        for word in fold(query).split():
            qs = qs.filter(name_folded__contains=word)
        hits = [(p.pk, p.full_name, p.home_unit.name) for p in qs.order_by("name_folded")[:15]]
    return _pick(request, hits, _("Không tìm thấy cán bộ nào."))


@login_required
@require_GET
def pick_document(request):
    query = _query(request)
    hits = []
    if len(query) >= 2:
        found = selectors.search_for_picker(
            request.user, query, exclude=_id(request.GET.get("exclude"))
        )
        hits = [
            (
                d.pk,
                f"{d.number_text or _('Dự thảo')} — {d.summary[:120]}",
                format_vi(d.issued_on),
            )
            for d in found
        ]
    return _pick(request, hits, _("Không tìm thấy văn bản nào."))
