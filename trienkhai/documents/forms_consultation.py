"""Forms of the consultation pages. They check shapes; the services in consultation.py check
meaning (a deadline in the past, a round without recipients, a duplicate number...)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trienkhai.org.forms import UnitsField, VNDateField
from trienkhai.org.models import Person, PositionRole, Unit
from trienkhai.org.widgets import MAX_ID

from .models import Comment, Resolution

TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%Hh%M", "%Hh", "%H"]
END_OF_DAY = dt.time(23, 59)


class _SafeIds:
    """Refuse ids the database cannot hold before they reach a `pk__in` query (SQLite raises
    OverflowError on a 25-digit integer)."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        for pk in values:
            if str(pk).isdecimal() and int(pk) > MAX_ID:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid")
        return super().clean(value)


class PeopleField(_SafeIds, forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("Có người được chọn không nằm trong danh sách."),
        "invalid_pk_value": _("Lựa chọn không hợp lệ."),
    }

    def label_from_instance(self, obj):
        return obj.full_name


class GroupsField(_SafeIds, forms.ModelMultipleChoiceField):
    """Units with people in position today, labelled with how many."""

    default_error_messages = {
        "invalid_choice": _("Có đơn vị được chọn không nằm trong danh sách."),
        "invalid_pk_value": _("Lựa chọn không hợp lệ."),
    }

    def __init__(self, **kwargs):
        self.counts: dict[int, int] = {}
        super().__init__(queryset=Unit.objects.none(), **kwargs)

    def label_from_instance(self, obj):
        n = self.counts.get(obj.pk)
        if not n:
            return obj.name
        return ngettext("%(name)s (%(n)d người)", "%(name)s (%(n)d người)", n) % {
            "name": obj.name,
            "n": n,
        }


class ConsultationForm(forms.Form):
    groups = GroupsField(
        label=_("Gửi cho mọi người đang giữ chức vụ ở"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    position_units = UnitsField(
        label=_("Hoặc ở đơn vị khác"),
        required=False,
        help_text=_("Gõ tên đơn vị để tìm, ví dụ “Ban Chấp hành”."),
    )
    position_roles = forms.MultipleChoiceField(
        label=_("Chỉ những người giữ vai trò"),
        choices=PositionRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: mọi người đang giữ chức vụ ở các đơn vị đã chọn."),
        error_messages={"invalid_choice": _("Vai trò không hợp lệ.")},
    )
    persons = PeopleField(
        label=_("Và từng người"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Giữ phím Ctrl để chọn nhiều người. Một người được chọn hai lần chỉ nhận một lần."
        ),
    )
    deadline_date = VNDateField(
        label=_("Hạn góp ý (ngày)"),
        error_messages={"required": _("Hãy nhập hạn góp ý.")},
    )
    deadline_time = forms.TimeField(
        label=_("Giờ"),
        required=False,
        input_formats=TIME_INPUT_FORMATS,
        initial=dt.time(17, 0),
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "17:00"}),
        help_text=_("Để trống: hết ngày (23:59)."),
        error_messages={"invalid": _("Giờ không hợp lệ. Hãy nhập dạng giờ:phút, ví dụ 17:00.")},
    )
    message = forms.CharField(
        label=_("Lời nhắn cho người được xin ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, people, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = people
        field = self.fields["groups"]
        field.queryset = Unit.objects.filter(pk__in=[unit.pk for unit, _n in groups]).order_by(
            "path"
        )
        field.counts = {unit.pk: n for unit, n in groups}

    def deadline(self) -> dt.datetime | None:
        day = self.cleaned_data.get("deadline_date")
        if day is None:
            return None
        moment = dt.datetime.combine(day, self.cleaned_data.get("deadline_time") or END_OF_DAY)
        return timezone.make_aware(moment)

    def units(self) -> list[Unit]:
        chosen = list(self.cleaned_data.get("groups") or [])
        chosen += [u for u in self.cleaned_data.get("position_units") or [] if u not in chosen]
        return chosen


class CommentForm(forms.Form):
    section = forms.CharField(
        label=_("Điều, khoản góp ý"),
        max_length=100,
        required=False,
        help_text=_("Để trống nếu góp ý chung cho cả dự thảo. Ví dụ: Điều 5, khoản 2."),
        error_messages={
            "max_length": _(
                "Điều, khoản góp ý dài quá 100 ký tự; hãy ghi ngắn, ví dụ “Điều 5, khoản 2”."
            )
        },
    )
    text = forms.CharField(
        label=_("Nội dung góp ý"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Hãy nhập nội dung góp ý.")},
    )
    # One token per rendering of the form: submitting it twice records one comment.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Hãy nhập nội dung góp ý."))
        return text


class OnBehalfForm(CommentForm):
    """A comment received on paper, recorded by the organiser for a recipient."""

    recipient = forms.ModelChoiceField(
        label=_("Người góp ý"),
        queryset=None,
        error_messages={
            "required": _("Hãy chọn người góp ý."),
            "invalid_choice": _("Người này không có trong danh sách được xin ý kiến đợt này."),
        },
    )
    field_order = ["recipient", "section", "text"]

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients
        self.fields["recipient"].label_from_instance = lambda r: (
            f"{r.person.full_name}{' — ' + r.title if r.title else ''}"
        )
        self.fields["text"].required = False  # "no comment" needs none

    def clean_text(self):
        return (self.cleaned_data.get("text") or "").strip()


class ResolutionForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Xử lý"),
        choices=Resolution.choices,
        error_messages={
            "invalid_choice": _("Hãy chọn cách xử lý: tiếp thu, tiếp thu một phần hoặc giải trình.")
        },
    )
    response = forms.CharField(
        label=_("Nội dung tiếp thu, giải trình"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentChoiceField(_SafeIds, forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("Có ý kiến được chọn không thuộc dự thảo này."),
        "invalid_pk_value": _("Lựa chọn không hợp lệ."),
    }

    def label_from_instance(self, obj: Comment):
        where = f"{obj.section}: " if obj.section else ""
        text = obj.text if len(obj.text) <= 120 else obj.text[:117] + "…"
        return f"Lần {obj.consultation.round_number} — {obj.recipient.person.full_name} — {where}{text}"


class VersionForm(forms.Form):
    uploaded = forms.FileField(
        label=_("Tệp dự thảo đã chỉnh sửa"),
        help_text=_("PDF, DOCX hoặc XLSX."),
        error_messages={
            "required": _("Hãy chọn tệp dự thảo đã chỉnh sửa."),
            "empty": _("Tệp đã chọn trống rỗng."),
        },
    )
    note = forms.CharField(
        label=_("Ghi chú về phiên bản"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: tiếp thu ý kiến các đồng chí Ủy viên Ban Thường vụ."),
    )
    answers = CommentChoiceField(
        label=_("Các ý kiến được tiếp thu trong phiên bản này"),
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, comments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = comments


class SignerField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Hãy chọn người ký trong danh sách."),
    }

    def to_python(self, value):
        if str(value).isdecimal() and int(value) > MAX_ID:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj):
        return obj.full_name


class SignForm(forms.Form):
    number = forms.IntegerField(
        label=_("Số văn bản"),
        min_value=1,
        max_value=99999,
        required=False,
        help_text=_(
            "Số kế tiếp trong sổ được đề xuất sẵn; có thể sửa. Để trống để lấy số kế tiếp."
        ),
        error_messages={
            "invalid": _("Số văn bản phải là một số nguyên, ví dụ 8."),
            "min_value": _("Số văn bản phải lớn hơn 0."),
            "max_value": _("Số văn bản quá lớn."),
        },
    )
    issued_on = VNDateField(
        label=_("Ngày ký ban hành"), error_messages={"required": _("Hãy nhập ngày ban hành.")}
    )
    signer = SignerField(label=_("Người ký"), queryset=Person.objects.none(), required=False)
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=200,
        required=False,
        help_text=_("Để trống: lấy chức vụ hiện tại của người ký. Ví dụ: Bí thư."),
    )

    def __init__(self, *args, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers
