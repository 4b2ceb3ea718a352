"""Forms of the requirement pages. They parse and check shapes; `requirements.py` checks meaning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import ISSUED_STATES, Document, type_choices
from trienkhai.documents.rules import filter_documents
from trienkhai.documents.widgets import SearchPicker
from trienkhai.org.forms import UnitField, VNDateField
from trienkhai.org.models import UnitKind

from . import rules


class DocumentPicker(SearchPicker):
    def label_for(self, obj) -> str:
        issued = obj.issued_on.strftime("%d-%m-%Y") if obj.issued_on else ""
        return f"{obj.number_text} ({issued}) — {obj.summary[:100]}"


class RequirementForm(forms.Form):
    title = forms.CharField(
        label=_("Nội dung yêu cầu"),
        max_length=300,
        help_text=_("Ví dụ: Ban hành quy chế làm việc nhiệm kỳ 2020–2025."),
        error_messages={"required": _("Hãy nhập nội dung yêu cầu.")},
    )
    set_by = UnitField(label=_("Đơn vị đặt yêu cầu"))
    parent_unit = UnitField(
        label=_("Áp dụng cho các đơn vị thuộc"),
        required=False,
        help_text=_("Để trống: các đơn vị thuộc đơn vị đặt yêu cầu."),
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("Loại đơn vị phải thực hiện"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Hãy chọn ít nhất một loại đơn vị phải thực hiện."),
            "invalid_choice": _("Loại đơn vị “%(value)s” không hợp lệ."),
        },
    )
    direct_only = forms.BooleanField(
        label=_("Chỉ các đơn vị trực thuộc trực tiếp"),
        required=False,
        help_text=_(
            "Ví dụ: các tổ chức cơ sở đảng trực thuộc Thành ủy, không gồm chi bộ trực thuộc "
            "đảng ủy phường."
        ),
    )
    doc_type = forms.ChoiceField(
        label=_("Loại văn bản phải ban hành"),
        choices=[("", _("— Chọn loại văn bản —"))] + type_choices(),
        error_messages={
            "required": _("Hãy chọn loại văn bản các đơn vị phải ban hành."),
            "invalid_choice": _("Loại văn bản “%(value)s” không có trong danh mục."),
        },
    )
    implements = forms.ModelChoiceField(
        label=_("Cụ thể hóa văn bản"),
        queryset=Document.objects.none(),
        required=False,
        help_text=_(
            "Nên chọn: khi đó chỉ văn bản ghi “triển khai thực hiện” hoặc “căn cứ” văn bản này "
            "mới được tính."
        ),
        error_messages={"invalid_choice": _("Không tìm thấy văn bản đã chọn.")},
    )
    due_on = VNDateField(
        label=_("Thời hạn"), error_messages={"required": _("Hãy nhập thời hạn hoàn thành.")}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editable = rules.requirement_setters(user)
        self.fields["set_by"].queryset = editable
        self.fields["parent_unit"].queryset = editable
        self.fields["implements"].queryset = filter_documents(
            user, Document.objects.filter(status__in=ISSUED_STATES)
        )
        self.fields["implements"].widget = DocumentPicker(
            url_name="plans:requirement_pick_document",
            model=Document,
            placeholder=str(_("Gõ số, ký hiệu hoặc trích yếu văn bản…")),
        )


class RequirementEditForm(forms.Form):
    title = forms.CharField(
        label=_("Nội dung yêu cầu"),
        max_length=300,
        error_messages={"required": _("Hãy nhập nội dung yêu cầu.")},
    )
    due_on = VNDateField(
        label=_("Thời hạn"), error_messages={"required": _("Hãy nhập thời hạn hoàn thành.")}
    )
    note = forms.CharField(
        label=_("Lý do thay đổi"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Gia hạn theo Công văn số 125-CV/ThU."),
    )
