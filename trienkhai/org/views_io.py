"""Import and export of the tree and positions as XLSX. Thin: the work is in `xlsx`."""

import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from . import rules, xlsx
from .forms import UnitField
from .models import Unit
from .widgets import MAX_ID

# Up to this many editable units the target is a plain select; beyond, the search picker.
PLAIN_SELECT_LIMIT = 40
# More errors than this are counted, not listed.
SHOWN_ERRORS = 1000
SPOOL_BYTES = 16 * 1024 * 1024


class _TreeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u00a0\u00a0" * (obj.depth - self.top_depth) + obj.name


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        error_messages={"required": gettext_lazy("Hãy chọn tệp Excel cần nhập.")},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    as_new = forms.BooleanField(
        label=gettext_lazy("Tạo mới toàn bộ (sao chép cơ cấu)"),
        required=False,
        help_text=gettext_lazy(
            "Coi mọi mã tham chiếu trong tệp là mã tạm: mọi dòng đều tạo đơn vị mới dưới đơn vị "
            "nhận dữ liệu. Dùng khi nhập tệp xuất từ một đơn vị khác."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editable = rules.filter_units(
            user, Unit.objects.filter(ended_on__isnull=True), rules.EDIT
        ).order_by("path")
        label = gettext_lazy("Đơn vị nhận dữ liệu")
        help_text = gettext_lazy(
            "Đơn vị mới được thêm vào dưới đơn vị này; các đơn vị đã có được cập nhật phải thuộc "
            "phạm vi của nó."
        )
        few = list(editable[: PLAIN_SELECT_LIMIT + 1])
        if len(few) <= PLAIN_SELECT_LIMIT:
            target = _TreeChoiceField(
                queryset=editable,
                label=label,
                help_text=help_text,
                empty_label=gettext_lazy("— Chọn đơn vị —"),
                error_messages=UnitField.default_error_messages,
            )
            target.top_depth = min((u.depth for u in few), default=1)
        else:
            target = UnitField(queryset=editable, label=label, help_text=help_text)
        self.fields = {"target": target, **self.fields}


def _unit_id(text: str) -> int | None:
    """An id the database can hold, or None ("²" is a digit to Python, 10**30 too big)."""
    text = text.strip()
    if text.isascii() and text.isdigit() and int(text) <= MAX_ID:
        return int(text)
    return None


def _editable_exists(user) -> bool:
    return rules.filter_units(user, Unit.objects.all(), rules.EDIT).exists()


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not _editable_exists(request.user):
        raise PermissionDenied
    initial = {}
    if request.method == "GET" and _unit_id(request.GET.get("unit", "")) is not None:
        initial["target"] = _unit_id(request.GET["unit"])
    form = ImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    errors: list[xlsx.RowError] = []
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            result = xlsx.import_workbook(
                actor=request.user,
                target=target,
                file=form.cleaned_data["file"],
                as_new=form.cleaned_data["as_new"],
            )
        except xlsx.ImportRejected as rejected:
            errors = rejected.errors
        else:
            if result.changed:
                messages.success(
                    request,
                    _(
                        "Đã nhập xong vào “%(unit)s”: thêm %(uc)d đơn vị, cập nhật %(uu)d đơn vị, "
                        "thêm %(pc)d cán bộ, thêm %(qc)d chức vụ, cập nhật %(qu)d chức vụ."
                    )
                    % {
                        "unit": target.name,
                        "uc": result.units_created,
                        "uu": result.units_updated,
                        "pc": result.people_created,
                        "qc": result.positions_created,
                        "qu": result.positions_updated,
                    },
                )
            else:
                messages.info(request, _("Tệp không có thay đổi nào so với dữ liệu hiện có."))
            return redirect("org:unit", pk=target.pk)
    target = None
    if form.is_bound and form.is_valid():
        target = form.cleaned_data["target"]
    elif initial.get("target"):
        target = form.fields["target"].queryset.filter(pk=initial["target"]).first()
    return render(
        request,
        "org/import.html",
        {
            "form": form,
            "errors": errors[:SHOWN_ERRORS],
            "error_count": len(errors),
            "hidden_errors": max(len(errors) - SHOWN_ERRORS, 0),
            "target": target,
        },
    )


def _xlsx_response(fill, filename: str) -> FileResponse:
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    fill(out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=filename, content_type=xlsx.XLSX_CONTENT_TYPE
    )


@login_required
@require_GET
def export_xlsx(request):
    """The subtree of ?unit=<id>, or of the user's top units when no unit is given."""
    raw = request.GET.get("unit", "").strip()
    if raw:
        pk = _unit_id(raw)
        if pk is None:
            raise Http404
        unit = get_object_or_404(Unit, pk=pk)
        if not rules.can_view_unit(request.user, unit):
            raise Http404
        units = [unit]
    else:
        units = list(rules.home_units(request.user))
    return _xlsx_response(lambda out: xlsx.export_workbook(units, out), xlsx.export_filename(units))


@login_required
@require_GET
def template_xlsx(request):
    return _xlsx_response(xlsx.template_workbook, "mau-nhap-to-chuc.xlsx")
