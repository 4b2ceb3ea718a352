"""The form of the text to read: paste it or upload a file, for a unit or for a document.

The form parses what is sent; `services.py` reads it and checks what it means. The review of
what the text proposes is in `forms_review.py`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from trienkhai.org.models import Unit
from trienkhai.plans.forms_tasks import UNIT_ERRORS, PickField, unit_picker
from trienkhai.plans.selectors_tasks import assignable_units

from . import services


class ReadForm(forms.Form):
    unit = PickField(
        label=_("Đơn vị lập kế hoạch"),
        queryset=Unit.objects.none(),
        widget=unit_picker(scope="assign"),
        help_text=_("Đơn vị giao các nhiệm vụ đọc được trong văn bản."),
        error_messages={
            **UNIT_ERRORS,
            "invalid_choice": _("Bạn không có quyền lập kế hoạch cho đơn vị đã chọn."),
            "required": _("Hãy chọn đơn vị lập kế hoạch."),
        },
    )
    text = forms.CharField(
        label=_("Dán nội dung văn bản"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Nghị quyết, kế hoạch, thông báo hoặc bài báo: dán toàn văn hoặc một phần."),
    )
    file = forms.FileField(
        label=_("hoặc chọn tệp"),
        required=False,
        help_text=_("Tệp văn bản .txt, Word .docx hoặc PDF có lớp chữ."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf"}),
        error_messages={
            "invalid": _("Không đọc được tệp gửi lên; hãy chọn lại tệp."),
            "empty": _("Tệp gửi lên không có nội dung."),
        },
    )

    def __init__(self, *args, user, with_unit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields["unit"].queryset = assignable_units(user)
        else:
            del self.fields["unit"]

    def clean(self):
        data = super().clean()
        text = data.get("text") or ""
        upload = data.get("file")
        if "file" in self.errors:
            return data
        if upload and text.strip():
            self.add_error(
                "file",
                _(
                    "Bạn vừa dán nội dung vừa chọn tệp: hãy xóa nội dung đã dán, hoặc bỏ chọn "
                    "tệp, rồi đọc lại."
                ),
            )
        elif not upload and not text.strip():
            self.add_error("text", _("Hãy dán nội dung văn bản hoặc chọn một tệp để đọc."))
        elif len(text) > services.MAX_TEXT_CHARS:
            self.add_error(
                "text",
                _(
                    "Nội dung dài %(n)s ký tự, vượt quá giới hạn %(limit)s ký tự. Hãy chỉ dán "
                    "phần cần lập kế hoạch (ví dụ: phần “Tổ chức thực hiện”)."
                )
                % {
                    "n": services._thousands(len(text)),
                    "limit": services._thousands(services.MAX_TEXT_CHARS),
                },
            )
        return data
