"""Forms of the survey builder, audience and codes pages. They parse what is typed; the
services in `builder.py` and `audience.py` check what it means."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from trienkhai.org import rules as org_rules
from trienkhai.org.forms import UnitField, VNDateField
from trienkhai.org.models import Unit
from trienkhai.org.widgets import MAX_ID
from trienkhai.outreach import rules as outreach_rules
from trienkhai.outreach.models import Campaign, TargetGroup

from .models import CHOICE_KINDS, Choice, CodeKind, QuestionKind, Section, Survey


class SafeUnitField(UnitField):
    """A unit field that calls an id too big for the database invalid, as any other."""

    def clean(self, value):
        if value not in self.empty_values and (not str(value).isdecimal() or int(value) > MAX_ID):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return super().clean(value)


class CommaDecimalField(forms.DecimalField):
    """A number typed with a decimal comma or point: 12,5 or 12.5."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Hãy nhập một số, ví dụ 0 hoặc 12,5."),
                "max_digits": _("Số quá lớn."),
                "max_decimal_places": _("Chỉ nhập tối đa 2 chữ số thập phân."),
                "max_whole_digits": _("Số quá lớn."),
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        try:
            return super().to_python(value)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",")
        return value


def _positive(label, **extra):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=1_000_000,
        error_messages={
            "invalid": _("Hãy nhập một số nguyên, ví dụ 250."),
            "min_value": _("Số phiếu không thể âm."),
            "max_value": _("Số quá lớn."),
            "required": _("Hãy nhập số phiếu."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        **extra,
    )


# --- surveys ------------------------------------------------------------------------------------
class SurveyForm(forms.Form):
    title = forms.CharField(
        label=_("Tên cuộc khảo sát"),
        max_length=300,
        error_messages={"required": _("Hãy nhập tên cuộc khảo sát.")},
        help_text=_("Ví dụ: Khảo sát dư luận xã hội về Đại hội Đảng bộ thành phố."),
    )
    intro = forms.CharField(
        label=_("Lời giới thiệu (in ở đầu phiếu)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mục đích khảo sát, cam kết giữ bí mật người trả lời, cách điền phiếu."),
    )
    owner_unit = SafeUnitField(label=_("Đơn vị thực hiện"))
    campaign = forms.ModelChoiceField(
        label=_("Thuộc đợt quán triệt (nếu có)"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("— Không —"),
        error_messages={"invalid_choice": _("Đợt quán triệt đã chọn không có trong danh sách.")},
    )

    def __init__(self, *args, user, survey: Survey | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if survey is None:
            self.fields["owner_unit"].queryset = org_rules.filter_units(
                user, Unit.objects.all(), org_rules.EDIT
            )
        else:
            del self.fields["owner_unit"]
        self.fields["campaign"].queryset = outreach_rules.filter_campaigns(
            user, Campaign.objects.all()
        ).order_by("-id")

    @staticmethod
    def initial_for(survey: Survey) -> dict:
        return {"title": survey.title, "intro": survey.intro, "campaign": survey.campaign_id}


# --- sections and questions ---------------------------------------------------------------------
class SectionForm(forms.Form):
    title = forms.CharField(
        label=_("Tên phần"),
        max_length=300,
        error_messages={"required": _("Hãy nhập tên phần, ví dụ: Phần I. Đánh giá chung.")},
    )
    description = forms.CharField(
        label=_("Hướng dẫn (nếu có)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("Thuộc phần"),
        queryset=Section.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Hãy chọn phần của phiếu."),
            "invalid_choice": _("Phần đã chọn không thuộc phiếu này."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Loại câu hỏi"),
        choices=QuestionKind.choices,
        error_messages={"invalid_choice": _("Hãy chọn loại câu hỏi trong danh sách.")},
    )
    text = forms.CharField(
        label=_("Câu hỏi"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Hãy nhập câu hỏi.")},
    )
    help_text = forms.CharField(
        label=_("Gợi ý trả lời (nếu có)"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Có thể chọn nhiều phương án."),
    )
    required = forms.BooleanField(label=_("Bắt buộc trả lời"), required=False)
    choices = forms.CharField(
        label=_("Các lựa chọn, hoặc thang đánh giá của câu hỏi dạng bảng"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Mỗi dòng một lựa chọn; số thứ tự 1, 2, 3… tự đánh theo thứ tự dòng. Dòng bắt đầu "
            "bằng “Khác” là lựa chọn “Khác (ghi rõ)”. Câu thang đo 1–5 và câu Có/Không tự có "
            "sẵn lựa chọn."
        ),
    )
    allow_other = forms.BooleanField(
        label=_("Thêm lựa chọn “Khác (ghi rõ)”"),
        required=False,
        help_text=_("Cho câu chọn một, chọn nhiều."),
    )
    rows = forms.CharField(
        label=_("Các hàng của bảng"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Chỉ cho câu hỏi dạng bảng: mỗi dòng một nội dung được đánh giá theo thang ở trên."
        ),
    )
    min_value = CommaDecimalField(
        label=_("Giá trị nhỏ nhất"), required=False, help_text=_("Chỉ cho câu hỏi số.")
    )
    max_value = CommaDecimalField(
        label=_("Giá trị lớn nhất"), required=False, help_text=_("Chỉ cho câu hỏi số.")
    )
    condition = forms.TypedChoiceField(
        label=_("Chỉ hỏi khi câu … được trả lời là …"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Để trống: luôn hỏi. Chỉ chọn được câu có lựa chọn đứng trước câu này."),
        error_messages={"invalid_choice": _("Điều kiện đã chọn không có trong danh sách.")},
    )

    def __init__(self, *args, structure, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(survey=structure.survey).order_by(
            "position", "id"
        )
        self.fields["condition"].choices = [("", _("— Luôn hỏi —"))] + condition_choices(
            structure, question
        )

    def clean(self):
        data = super().clean()
        cid = data.get("condition")
        data["condition_choice"] = None
        if cid is not None:
            choice = Choice.objects.select_related("question").filter(pk=cid).first()
            if choice is None:
                self.add_error("condition", _("Điều kiện đã chọn không có trong danh sách."))
            data["condition_choice"] = choice
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "section": d["section"],
            "kind": d["kind"],
            "text": d["text"],
            "help_text": d["help_text"],
            "required": d["required"],
            "allow_other": d["allow_other"],
            "choices_text": d["choices"],
            "rows_text": d["rows"],
            "min_value": d["min_value"],
            "max_value": d["max_value"],
            "condition_choice": d["condition_choice"],
        }

    @staticmethod
    def initial_for(question) -> dict:
        choices = list(question.choice_list)
        if question.kind in (QuestionKind.LIKERT, QuestionKind.YESNO):
            choices = []
        return {
            "section": question.section_id,
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "required": question.required,
            "allow_other": question.allow_other,
            "choices": "\n".join(c.label for c in choices),
            "rows": "\n".join(r.label for r in question.row_list),
            "min_value": question.min_value,
            "max_value": question.max_value,
            "condition": question.condition_choice_id,
        }


def condition_choices(structure, question=None) -> list:
    """Grouped options "C1 · question" → "= 1. Có": the choices of the choice questions that
    come before `question` (every choice question of the form for a new one)."""
    options = []
    for q in structure.questions:
        if question is not None and q.pk == question.pk:
            break
        if q.kind not in CHOICE_KINDS or not q.choice_list:
            continue
        group = f"{q.code} · {q.text[:80]}"
        options.append((group, [(c.pk, f"= {c.value}. {c.label}") for c in q.choice_list]))
    return options


# --- audience, allocations, codes ---------------------------------------------------------------
class AudienceForm(forms.Form):
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Đối tượng khảo sát"),
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Đối tượng đã chọn không có trong danh sách.")},
    )
    total_forms = _positive(_("Tổng số phiếu"), help_text=_("Ví dụ: 250."))
    opens_on = VNDateField(label=_("Ngày mở khảo sát"), required=False)
    closes_on = VNDateField(label=_("Ngày đóng khảo sát"), required=False)
    record_group = forms.BooleanField(
        label=_("Ghi nhận nhóm đối tượng của người trả lời"),
        required=False,
        help_text=_("Kết quả của nhóm có dưới 5 phiếu không được hiển thị."),
    )
    record_unit = forms.BooleanField(
        label=_("Ghi nhận đơn vị của người trả lời"),
        required=False,
        help_text=_("Kết quả của đơn vị có dưới 5 phiếu không được hiển thị."),
    )
    double_entry = forms.BooleanField(
        label=_("Nhập phiếu giấy hai lần (hai người nhập, đối chiếu)"), required=False
    )

    @staticmethod
    def initial_for(survey: Survey) -> dict:
        return {
            "target_groups": list(survey.target_groups.values_list("pk", flat=True)),
            "total_forms": survey.total_forms,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "record_group": survey.record_group,
            "record_unit": survey.record_unit,
            "double_entry": survey.double_entry,
        }


class AllocationForm(forms.Form):
    unit = SafeUnitField(label=_("Đơn vị"))
    target_group = forms.ModelChoiceField(
        label=_("Đối tượng"),
        queryset=TargetGroup.objects.all(),
        required=False,
        empty_label=_("— Mọi đối tượng —"),
        error_messages={"invalid_choice": _("Đối tượng đã chọn không có trong danh sách.")},
    )
    forms = _positive(_("Số phiếu"))

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(path__startswith=survey.owner_unit.path)
        groups = survey.target_groups.all()
        if groups.exists():
            self.fields["target_group"].queryset = groups


class CodesForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại mã"),
        choices=CodeKind.choices,
        initial=CodeKind.PAPER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn loại mã.")},
    )
    allocation = forms.TypedChoiceField(
        label=_("Cho"), required=False, coerce=int, empty_value=None
    )
    extra = forms.IntegerField(
        label=_("Thêm mã dự phòng ngoài số phiếu được phân bổ"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Chỉ khi cần thay phiếu hỏng, mất; chọn một đơn vị ở trên."),
        error_messages={
            "invalid": _("Hãy nhập một số nguyên."),
            "min_value": _("Số mã thêm không thể âm."),
            "max_value": _("Mỗi lần thêm tối đa 1000 mã."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
    )

    def __init__(self, *args, allocations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].choices = [("", _("Mọi đơn vị được phân bổ"))] + [
            (a.pk, _allocation_text(a)) for a in allocations
        ]
        self.fields["allocation"].error_messages["invalid_choice"] = _(
            "Đơn vị đã chọn không có trong danh sách phân bổ."
        )


def _allocation_text(a) -> str:
    return f"{a.unit.name} · {a.target_group.name}" if a.target_group_id else a.unit.name
