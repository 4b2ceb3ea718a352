"""Reading pages. Thin: fetch what the user may see (404 otherwise), check what they may do (403
otherwise), call a form and a service, render.

- "Đọc văn bản" on a document's page: paste or upload its text;
- "Lập kế hoạch từ văn bản": the same for a unit, with no document;
- the reading's page: the text with what was found marked, and the proposals to confirm (or,
  once created, what was created).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.org import rules as org_rules
from trienkhai.org.views import _apply_errors
from trienkhai.plans.selectors_tasks import assignable_units

from . import forms, forms_review, highlight, rules, selectors, services
from .apply import ApplyRefused, reading_apply
from .models import Reading
from .proposals import propose


# --- helpers -------------------------------------------------------------------------------------
def _document_for(user, pk: int) -> Document:
    """A document the user sees (404) and whose register they keep (403)."""
    document = get_object_or_404(
        Document.objects.select_related("owner_unit", "issuer_unit"), pk=pk
    )
    if not document_rules.can_view(user, document):
        raise Http404
    if not (
        document_rules.can_edit(user, document) and rules.can_read_for(user, document.owner_unit)
    ):
        raise PermissionDenied
    return document


def _reading_for(user, pk: int, check=None) -> Reading:
    reading = get_object_or_404(
        Reading.objects.select_related("unit", "document__issuer_unit", "created_by"), pk=pk
    )
    if not rules.can_view(user, reading):
        raise Http404
    if check is not None and not check(user, reading):
        raise PermissionDenied
    return reading


def _post_or_none(request):
    """The POST data, or None when it is too large to be read (a huge paste): the page then
    says so instead of failing."""
    if request.method != "POST":
        return None, None, False
    try:
        return request.POST, request.FILES, False
    except RequestDataTooBig:
        return None, None, True


def _single_unit(user):
    units = list(assignable_units(user)[:2])
    return units[0] if len(units) == 1 else None


def _read(request, *, document: Document | None):
    """The paste-or-upload form, for a document or for a unit; a new reading on success."""
    user = request.user
    data, files, too_big = _post_or_none(request)
    initial = {}
    if document is None and (unit := _single_unit(user)) is not None:
        initial["unit"] = unit.pk
    form = forms.ReadForm(data, files, user=user, with_unit=document is None, initial=initial)
    too_big_error = ""
    if too_big:
        too_big_error = _(
            "Nội dung gửi lên quá lớn để đọc. Hãy chỉ dán phần cần lập kế hoạch (ví dụ: phần "
            "“Tổ chức thực hiện”), hoặc gửi tệp thay vì dán."
        )
    elif data is not None and form.is_valid():
        unit = document.owner_unit if document is not None else form.cleaned_data["unit"]
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                text, source = services.text_of_upload(upload), upload.name
            else:
                text, source = form.cleaned_data["text"], ""
            reading = services.reading_create(
                actor=user, unit=unit, document=document, text=text, source_name=source
            )
        except ValidationError as error:
            if upload and hasattr(error, "error_dict") and "text" in error.error_dict:
                form.add_error("file", error.error_dict["text"])
            else:
                _apply_errors(form, error)
        else:
            return redirect("reading:detail", reading.pk)
    return render(
        request,
        "reading/new.html",
        {"form": form, "document": document, "too_big_error": too_big_error},
    )


# --- pages ---------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def read_document(request, pk):
    """ "Đọc văn bản": the text of a document of the user's register."""
    document = _document_for(request.user, pk)
    return _read(request, document=document)


@login_required
@require_http_methods(["GET", "POST"])
def read_for_unit(request):
    """ "Lập kế hoạch từ văn bản": a text read for one of the user's units."""
    if not org_rules.is_admin(request.user) and not assignable_units(request.user).exists():
        raise PermissionDenied
    return _read(request, document=None)


def _render_detail(request, reading: Reading, *, review=None, status=200):
    user = request.user
    can_apply = rules.can_apply(user, reading)
    links = list(selectors.links_of(reading)) if reading.is_applied else []
    proposals = None
    if review is None and can_apply and not reading.is_applied:
        proposals = propose(reading, user)
        review = forms_review.ReviewForm(proposals, user=user)
    elif review is not None:
        proposals = review.proposals
    found = proposals.found if proposals is not None else services.extraction_of(reading)
    context = {
        "reading": reading,
        "found": found,
        "text_html": highlight.render(found, linked={link.start for link in links}),
        "counts": {
            "doc_refs": len(found.doc_refs),
            "deadlines": len(found.deadlines),
            "quantities": len(found.quantities),
            "assignments": len(found.assignments),
        },
        "proposals": proposals,
        "review": review,
        "can_apply": can_apply,
        "links": links,
        "document_visible": reading.document is not None
        and document_rules.can_view(user, reading.document),
    }
    return render(request, "reading/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk):
    reading = _reading_for(request.user, pk)
    return _render_detail(request, reading)


@login_required
@require_POST
def apply(request, pk):
    """Create the chosen proposals; a second submission shows what the first created."""
    user = request.user
    reading = _reading_for(user, pk, rules.can_apply)
    if reading.is_applied:
        messages.info(request, _("Các mục của lần đọc này đã được tạo trước đó; không tạo thêm."))
        return redirect("reading:detail", reading.pk)
    proposals = propose(reading, user)
    review = forms_review.ReviewForm(proposals, user=user, data=request.POST)
    if review.is_valid():
        try:
            links, created = reading_apply(actor=user, reading=reading, **review.chosen())
        except ApplyRefused as refused:
            review.add_refusal(refused)
        except ValidationError as error:
            review.non_field_errors.extend(error.messages)
        else:
            if created:
                messages.success(
                    request,
                    _("Đã tạo %(n)d mục từ văn bản.") % {"n": len(links)},
                )
            else:
                messages.info(
                    request, _("Các mục của lần đọc này đã được tạo trước đó; không tạo thêm.")
                )
            return redirect(reverse("reading:detail", args=[reading.pk]) + "#created")
    reading.refresh_from_db()
    return _render_detail(request, reading, review=review)
