"""Pages of consultation on drafts: opening a round, the organiser's view with the synthesis
table, the recipient's page, revised versions, submitting and signing, and the exports.

Thin: fetch what the user may see (404 when they may not see the draft, 403 when they see it but
may not do this), call a service from consultation.py, render. A service's ValidationError goes
back onto the form, so nothing typed is lost.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Person, Unit

from . import consultation as consult
from . import exports, numbering, rules, selectors, services
from .forms_consultation import (
    CommentForm,
    ConsultationForm,
    OnBehalfForm,
    ResolutionForm,
    SignForm,
    VersionForm,
)
from .models import Comment, Consultation, DocStatus, Document, Resolution


# --- helpers ------------------------------------------------------------------------------------
def _document_for(user, pk: int, check=rules.can_edit) -> Document:
    """The document if the user passes `check`; 404 when they may not even see it, 403 otherwise."""
    document = get_object_or_404(
        Document.objects.select_related("owner_unit", "issuer_unit"), pk=pk
    )
    if not rules.can_view(user, document):
        raise Http404
    if not check(user, document):
        raise PermissionDenied
    return document


def _round_for(user, pk: int, check=rules.can_edit) -> Consultation:
    consultation = get_object_or_404(
        Consultation.objects.select_related(
            "document__owner_unit", "document__issuer_unit", "version", "organiser"
        ),
        pk=pk,
    )
    _document_for(user, consultation.document_id, check)
    return consultation


def _apply_errors(form, error: ValidationError, rename: dict | None = None) -> None:
    """Put a service's ValidationError on the form fields it names (others on the form)."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            field = rename.get(field, field)
            target = field if field in form.fields else None
            for err in errs:
                form.add_error(target, err)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _safe_next(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt:
        return nxt
    return default


def _resolution_form(comment: Comment, data=None) -> ResolutionForm:
    return ResolutionForm(
        data,
        prefix=f"c{comment.pk}",
        initial={"resolution": comment.resolution, "response": comment.response},
    )


# --- opening a round ----------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request, pk):
    document = _document_for(request.user, pk)
    groups = consult.groups_to_consult(document)
    default_day = timezone.localdate() + dt.timedelta(days=7)
    form = ConsultationForm(
        request.POST or None,
        people=consult.people_to_consult(request.user, document),
        groups=groups,
        initial={"deadline_date": default_day},
    )
    form.fields["position_units"].queryset = org_rules.filter_units(
        request.user, Unit.objects.all()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = consult.consultation_open(
                actor=request.user,
                document=document,
                persons=list(data["persons"]),
                position_units=form.units(),
                position_roles=data["position_roles"],
                deadline=form.deadline(),
                message=data["message"],
            )
        except ValidationError as error:
            _apply_errors(form, error, {"deadline": "deadline_date", "position_units": "groups"})
        else:
            messages.success(
                request,
                _("Đã mở đợt lấy ý kiến lần %(n)d và gửi tới %(count)d người.")
                % {"n": consultation.round_number, "count": consultation.recipients.count()},
            )
            return redirect("documents:consultation", consultation.pk)
    return render(
        request,
        "documents/consultation/new.html",
        {
            "form": form,
            "document": document,
            "openable": document.status in consult.OPENABLE,
            "running": document.consultations.filter(closed_at__isnull=True).first(),
        },
    )


# --- the organiser's view -----------------------------------------------------------------------
def _render_round(request, consultation, *, bound=None, behalf_form=None):
    document = consultation.document
    bound = bound or {}
    comments = list(consult.synthesis_rows(consultation))
    rows = [(n, c, bound.get(c.pk) or _resolution_form(c)) for n, c in enumerate(comments, 1)]
    recipients = consult.recipients_of(consultation)
    if behalf_form is None and consultation.is_open:
        behalf_form = OnBehalfForm(
            recipients=consultation.recipients.select_related("person"),
            initial={"submission_key": consult.new_submission_key()},
        )
    context = {
        "consultation": consultation,
        "document": document,
        "rounds": consult.rounds_of(document),
        "stats": consult.round_stats(consultation),
        "recipients": recipients,
        "rows": rows,
        "behalf_form": behalf_form,
        "editable": document.is_draft,
        "can_sign": rules.can_sign(request.user, document),
        "submit_blockers": consult.submit_blockers(document),
        "can_submit": document.status
        in {DocStatus.DRAFT, DocStatus.IN_CONSULTATION, DocStatus.REVISED},
        "interval_minutes": int(consult.reminder_interval().total_seconds() // 60),
    }
    return render(request, "documents/consultation/detail.html", context)


@login_required
@require_GET
def consultation_detail(request, pk):
    consultation = _round_for(request.user, pk)
    return _render_round(request, consultation)


@login_required
@require_POST
def consultation_remind(request, pk):
    consultation = _round_for(request.user, pk)
    try:
        due = consult.consultation_remind(actor=request.user, consultation=consultation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if due:
            messages.success(
                request,
                _("Đã gửi nhắc nhở (thư điện tử và thông báo) tới %(n)d người chưa trả lời.")
                % {"n": due},
            )
        else:
            messages.info(
                request,
                _(
                    "Không có ai cần nhắc: mọi người đã trả lời, hoặc vừa được nhắc trong vòng %(m)d phút."
                )
                % {"m": int(consult.reminder_interval().total_seconds() // 60)},
            )
    return redirect("documents:consultation", consultation.pk)


@login_required
@require_POST
def consultation_close(request, pk):
    consultation = _round_for(request.user, pk)
    consult.consultation_close(actor=request.user, consultation=consultation)
    messages.success(
        request,
        _("Đã kết thúc đợt lấy ý kiến lần %(n)d.") % {"n": consultation.round_number},
    )
    return redirect("documents:consultation", consultation.pk)


@login_required
@require_POST
def comment_resolve(request, pk):
    """The synthesis table, one comment at a time (htmx swaps the row)."""
    comment = get_object_or_404(
        Comment.objects.select_related("consultation__document", "recipient__person"), pk=pk
    )
    consultation = _round_for(request.user, comment.consultation_id)
    form = _resolution_form(comment, request.POST)
    saved = False
    if form.is_valid():
        try:
            comment = consult.comment_resolve(
                actor=request.user,
                comment=comment,
                resolution=form.cleaned_data["resolution"],
                response=form.cleaned_data["response"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            saved = True
    if request.htmx:
        if saved:
            form = _resolution_form(comment)
        n = consultation.comments.filter(pk__lte=comment.pk).count()
        return render(
            request,
            "documents/consultation/partials/comment_row.html",
            {
                "n": n,
                "c": comment,
                "form": form,
                "saved": saved,
                "editable": comment.consultation.document.is_draft,
            },
        )
    if saved:
        messages.success(request, _("Đã lưu cách xử lý ý kiến."))
        return redirect(
            reverse("documents:consultation", args=[consultation.pk]) + f"#comment-{pk}"
        )
    return _render_round(request, consultation, bound={comment.pk: form})


@login_required
@require_POST
def comment_on_behalf(request, pk):
    """A comment (or "no comment") received on paper, recorded by the organiser."""
    consultation = _round_for(request.user, pk)
    form = OnBehalfForm(request.POST, recipients=consultation.recipients.select_related("person"))
    if form.is_valid():
        recipient = form.cleaned_data["recipient"]
        try:
            if "none" in request.POST:
                consult.comment_none(
                    actor=request.user, consultation=consultation, on_behalf_of=recipient
                )
                message = _("Đã ghi nhận: %(name)s không có ý kiến.")
            else:
                consult.comment_submit(
                    actor=request.user,
                    consultation=consultation,
                    section=form.cleaned_data["section"],
                    text=form.cleaned_data["text"],
                    submission_key=form.cleaned_data["submission_key"],
                    on_behalf_of=recipient,
                )
                message = _("Đã ghi ý kiến của %(name)s.")
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, message % {"name": recipient.person.full_name})
            return redirect("documents:consultation", consultation.pk)
    return _render_round(request, consultation, behalf_form=form)


# --- the recipient's page -----------------------------------------------------------------------
def _round_as_recipient(user, pk):
    consultation = get_object_or_404(
        Consultation.objects.select_related("document", "version"), pk=pk
    )
    if not rules.can_view(user, consultation.document):
        raise Http404
    recipient = rules.recipient_for(user, consultation)
    if recipient is None:
        raise PermissionDenied
    return consultation, recipient


@login_required
@require_http_methods(["GET", "POST"])
def respond(request, pk):
    consultation, recipient = _round_as_recipient(request.user, pk)
    form = CommentForm(
        request.POST or None, initial={"submission_key": consult.new_submission_key()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            comment = consult.comment_submit(
                actor=request.user,
                consultation=consultation,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if comment.is_late:
                messages.warning(
                    request,
                    _("Đã ghi nhận ý kiến của đồng chí; ý kiến được đánh dấu gửi sau hạn góp ý."),
                )
            else:
                messages.success(request, _("Đã ghi nhận ý kiến của đồng chí."))
            return redirect("documents:respond", consultation.pk)
    recipient.refresh_from_db()
    own = recipient.comments.select_related("answered_in").order_by("id")
    return render(
        request,
        "documents/consultation/respond.html",
        {
            "consultation": consultation,
            "document": consultation.document,
            "recipient": recipient,
            "files": consult.round_files(consultation),
            "own_comments": own,
            "form": form,
            "can_edit": rules.can_edit(request.user, consultation.document),
        },
    )


@login_required
@require_POST
def respond_none(request, pk):
    consultation, _recipient = _round_as_recipient(request.user, pk)
    try:
        consult.comment_none(actor=request.user, consultation=consultation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận: đồng chí không có ý kiến đối với dự thảo."))
    return redirect("documents:respond", consultation.pk)


@login_required
@require_GET
def round_file(request, pk, file_id):
    """A file of the draft sent in a round, for its recipients and the register's users."""
    consultation = get_object_or_404(Consultation.objects.select_related("document"), pk=pk)
    if not rules.can_view(request.user, consultation.document):
        raise Http404
    stored = next((f for f in consult.round_files(consultation) if f.pk == file_id), None)
    if stored is None:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=stored.original_name)


@login_required
@require_GET
def todo(request):
    """ "Cần góp ý": the rounds the user is asked to comment on, and the open rounds of drafts
    they may organise."""
    person = Person.objects.filter(user=request.user).first()
    asked = consult.rounds_for_person(person)
    editing = org_rules.visible_q(request.user, org_rules.EDIT, "document__owner_unit__path")
    organising = Consultation.objects.filter(closed_at__isnull=True).select_related("document")
    if editing is not None:
        organising = organising.filter(editing)
    organising = organising.order_by("deadline")[:50]
    return render(
        request,
        "documents/consultation/todo.html",
        {"person": person, "asked": asked, "organising": organising},
    )


# --- revising, submitting, signing --------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def version_new(request, pk):
    document = _document_for(request.user, pk)
    comments = Comment.objects.filter(consultation__document=document).select_related(
        "consultation", "recipient__person"
    )
    initial = comments.filter(
        resolution__in=[Resolution.ACCEPTED, Resolution.PARTLY], answered_in__isnull=True
    )
    form = VersionForm(
        request.POST or None,
        request.FILES or None,
        comments=comments.order_by("consultation__round_number", "id"),
        initial={"answers": list(initial.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = consult.version_upload(
                actor=request.user,
                document=document,
                uploaded=form.cleaned_data["uploaded"],
                note=form.cleaned_data["note"],
                answers=list(form.cleaned_data["answers"]),
            )
        except ValidationError as error:
            _apply_errors(form, error, {"file": "uploaded"})
        else:
            messages.success(
                request, _("Đã tải lên dự thảo phiên bản %(n)d.") % {"n": version.number}
            )
            last = document.consultations.order_by("-round_number").first()
            if last is not None:
                return redirect("documents:consultation", last.pk)
            return redirect("documents:detail", document.pk)
    return render(
        request,
        "documents/consultation/version_form.html",
        {"form": form, "document": document, "editable": document.is_draft},
    )


@login_required
@require_POST
def document_submit(request, pk):
    document = _document_for(request.user, pk)
    try:
        consult.document_submit(actor=request.user, document=document)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã trình ký dự thảo."))
    return redirect(_safe_next(request, reverse("documents:detail", args=[document.pk])))


def _suggested_number(document: Document, day: dt.date) -> tuple[int | None, str]:
    """The next free number of the draft's series on `day`, and how it will read."""
    issuer = document.issuer_unit
    code = document.issuer_code
    name = document.issuer_name
    if issuer is not None:
        name, short = services.issuer_as_of(issuer, day)
        code = short or code
    if not code:
        return None, ""
    party = document.system == numbering.PARTY
    number = services.next_number(
        system=document.system,
        issuer_unit=issuer,
        issuer_name=name,
        issuer_code=code,
        doc_type=document.doc_type,
        term=services.term_for(issuer, day) if party else None,
        issued_on=day,
    )
    text = numbering.DocNumber(document.system, number, document.doc_type, code, None).format()
    return number, text


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, pk):
    document = _document_for(request.user, pk, rules.can_sign)
    today = timezone.localdate()
    number, preview = _suggested_number(document, today)
    form = SignForm(
        request.POST or None,
        signers=selectors.signers_for(request.user, document),
        initial={"number": number, "issued_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = consult.document_issue(
                actor=request.user,
                document=document,
                issued_on=data["issued_on"],
                number=data["number"],
                signer=data["signer"],
                signer_title=data["signer_title"],
            )
        except ValidationError as error:
            _apply_errors(form, error, {"number_text": "number"})
        else:
            messages.success(
                request,
                _("Đã ký ban hành văn bản số %(number)s, ngày %(day)s.")
                % {"number": issued.number_text, "day": issued.issued_on.strftime("%d-%m-%Y")},
            )
            return redirect("documents:detail", issued.pk)
    return render(
        request,
        "documents/consultation/sign.html",
        {
            "form": form,
            "document": document,
            "preview": preview,
            "running": document.consultations.filter(closed_at__isnull=True).first(),
            "pending": Comment.objects.filter(
                consultation__document=document, resolution=Resolution.PENDING
            ).count(),
        },
    )


# --- exports ------------------------------------------------------------------------------------
def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def synthesis_docx(request, pk):
    consultation = _round_for(request.user, pk)
    place = request.GET.get("place", "").replace("\x00", "").strip()[:60]
    return _download(
        exports.synthesis_docx(consultation, place=place),
        exports.DOCX_CONTENT_TYPE,
        exports.synthesis_filename(consultation, "docx"),
    )


@login_required
@require_GET
def synthesis_xlsx(request, pk):
    consultation = _round_for(request.user, pk)
    return _download(
        exports.synthesis_xlsx(consultation),
        exports.XLSX_CONTENT_TYPE,
        exports.synthesis_filename(consultation, "xlsx"),
    )
