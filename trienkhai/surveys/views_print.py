"""The print-ready paper form (PDF) for staff: the survey's managers print any unused codes,
the editors of a unit with a quota print the codes of their own part of it."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from trienkhai.org import rules as org_rules

from . import paper_pdf, rules
from .models import Allocation, Code, CodeKind, Survey

PROBLEM = "surveys/respond/print_problem.html"


def _int(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


def _problem(request, survey: Survey, message: str, status: int = 400):
    return render(request, PROBLEM, {"survey": survey, "message": message}, status=status)


def _codes_for(user, survey: Survey, allocation: Allocation | None):
    """The unused codes the user may print, or PermissionDenied."""
    codes = Code.objects.filter(survey=survey, used=False)
    if rules.can_manage_survey(user, survey):
        return codes.filter(allocation=allocation) if allocation else codes
    if allocation is not None:
        if not org_rules.can_edit_unit(user, allocation.unit):
            raise PermissionDenied
        return codes.filter(allocation=allocation)
    if not rules.can_enter_paper(user, survey):
        raise PermissionDenied
    own = org_rules.visible_q(user, min_rank=org_rules.EDIT, field="allocation__unit__path")
    return codes.filter(own) if own is not None else codes


@login_required
@require_GET
def form_pdf(request, pk):
    """One copy per unused code the user may print. ?allocation=ID: that part of the quota;
    ?batch=N: one batch of codes; ?kind=paper|link: one kind of code; ?copies=N: the first N;
    ?blank=1: one specimen without a code."""
    survey = get_object_or_404(Survey.objects.select_related("owner_unit"), pk=pk)
    if not rules.can_view_survey(request.user, survey):
        raise Http404
    allocation = None
    if request.GET.get("allocation"):
        allocation = (
            Allocation.objects.select_related("unit")
            .filter(survey=survey, pk=_int(request.GET["allocation"]))
            .first()
        )
        if allocation is None:
            raise Http404
    codes = _codes_for(request.user, survey, allocation)
    name = f"phieu-khao-sat-{survey.pk}" + (f"-phan-{allocation.pk}" if allocation else "")
    if request.GET.get("blank"):
        return _pdf(paper_pdf.form_pdf(survey, [""]), f"{name}-mau.pdf")
    if request.GET.get("kind") in CodeKind.values:
        codes = codes.filter(kind=request.GET["kind"])
    if request.GET.get("batch"):
        codes = codes.filter(batch=_int(request.GET["batch"]) or 0)
    copies = None
    if request.GET.get("copies"):
        copies = _int(request.GET["copies"])
        if copies is None:
            return _problem(request, survey, _("Số bản cần in phải là một số nguyên dương."))
    available = codes.count()
    wanted = min(available, copies) if copies else available
    if wanted > paper_pdf.MAX_COPIES:
        return _problem(
            request,
            survey,
            _(
                "Mỗi lần in được tối đa %(max)s bản, còn %(n)s mã phiếu chưa dùng. Xin in theo "
                "từng đơn vị, từng đợt mã, hoặc ghi số bản cần in."
            )
            % {"max": f"{paper_pdf.MAX_COPIES:,}".replace(",", "."), "n": available},
        )
    if not wanted:
        return _problem(
            request,
            survey,
            _("Không còn mã phiếu chưa dùng để in. Xin tạo thêm mã phiếu trước khi in."),
            status=200,
        )
    texts = list(codes.order_by("id").values_list("code", flat=True)[:wanted])
    try:
        content = paper_pdf.form_pdf(survey, texts)
    except paper_pdf.TooManyPages as too_many:
        return _problem(
            request,
            survey,
            _(
                "Phiếu này dài, mỗi lần chỉ in được %(max)s bản. Xin in theo từng đơn vị, từng "
                "đợt mã, hoặc ghi số bản cần in."
            )
            % {"max": too_many.copies},
        )
    return _pdf(content, f"{name}.pdf")


def _pdf(content: bytes, filename: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
