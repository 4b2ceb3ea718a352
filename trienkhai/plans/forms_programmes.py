"""Forms of the programme and indicator pages. They parse what is typed (numbers with a decimal
comma, deadlines as officials write them); `programmes.py` and `indicators.py` check meaning."""

import json
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import ISSUED_STATES, Document
from trienkhai.org import rules as org_rules
from trienkhai.org.forms import UnitField, VNDateField
from trienkhai.org.models import Unit
from trienkhai.org.widgets import MAX_ID, UnitPicker

from . import rules
from .forms_tasks import DeadlineField
from .indicators import IndicatorStatus
from .models import Direction, Programme, Rollup

# --- numbers ------------------------------------------------------------------------------------
_VI_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.200 / 1.200,5
_EN_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+")  # 1,200.5
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")


def parse_number(text: str) -> Decimal:
    """A number as typed in Vietnamese or English: 1.200 → 1200, 12,5 → 12.5, 95.5 → 95.5,
    1.200,5 → 1200.5, 95,5% → 95.5. Raises ValueError when it is not a number."""
    raw = re.sub(r"[\s\u00a0]", "", text or "").rstrip("%")
    if _VI_THOUSANDS.fullmatch(raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif _EN_THOUSANDS.fullmatch(raw):
        raw = raw.replace(",", "")
    elif raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    if not _PLAIN.fullmatch(raw):
        raise ValueError(text)
    try:
        return Decimal(raw)
    except InvalidOperation as error:
        raise ValueError(text) from error


class NumberField(forms.Field):
    """A decimal typed with a comma or a point; at most 12 digits before it and 4 after."""

    widget = forms.TextInput

    default_error_messages = {
        "invalid": _("“%(text)s” không phải là số. Hãy nhập số, ví dụ: 1.200 hoặc 12,5."),
        "too_big": _("Số quá lớn: tối đa 12 chữ số phần nguyên."),
        "too_precise": _("Chỉ nhập tối đa 4 chữ số thập phân."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": "40"})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            from .indicators import plain_decimal

            return str(plain_decimal(value)).replace(".", ",")
        return value

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if not text:
            return None
        try:
            number = parse_number(text)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"text": text[:40]}
            ) from None
        sign, digits, exponent = number.as_tuple()
        if exponent < -4:
            raise forms.ValidationError(self.error_messages["too_precise"], code="too_precise")
        if len(digits) + min(exponent, 0) > 12:
            raise forms.ValidationError(self.error_messages["too_big"], code="too_big")
        return number


# --- pickers ------------------------------------------------------------------------------------
class DocumentPicker(forms.Widget):
    """Find a document by its number or summary; the chosen one is a radio input named after the
    field, so the form works without JavaScript too. The search box belongs to no form."""

    template_name = "plans/programmes/widgets/document_picker.html"

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if value in (None, "", []):
            return []
        return [str(getattr(value, "pk", value))]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [
            int(v) for v in context["widget"]["value"] if str(v).isdecimal() and int(v) <= MAX_ID
        ]
        # Only a document the field accepts is shown as chosen: a typed-in id of a document the
        # user may not see must not reveal its number and summary.
        allowed = getattr(self.choices, "queryset", Document.objects.none())
        chosen = list(allowed.filter(pk__in=ids)) if ids else []
        context["widget"].update(
            {
                "chosen": [(d.pk, document_label(d)) for d in chosen],
                "pick_url": reverse("plans:programme_document_pick"),
                "vals": json.dumps({"field": name}),
            }
        )
        return context


def document_label(doc: Document) -> str:
    return f"{doc.number_text or _('Dự thảo')} — {doc.summary[:110]}"


class DocumentField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "Không tìm thấy văn bản đã chọn, hoặc bạn không có quyền xem văn bản đó."
        ),
        "required": _("Hãy tìm và chọn một văn bản."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Document.objects.none())
        kwargs.setdefault("widget", DocumentPicker())
        super().__init__(**kwargs)

    def clean(self, value):
        if value not in self.empty_values and (not str(value).isdecimal() or int(value) > MAX_ID):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return super().clean(value)


class ScopedUnitPicker(UnitPicker):
    """The organisation's unit picker, showing as chosen only units the field accepts (a
    typed-in id of a unit the user may not see must not reveal its name)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = context["widget"]["chosen"]
        allowed = getattr(self.choices, "queryset", None)
        if chosen and allowed is not None:
            keep = set(allowed.filter(pk__in=[u.pk for u in chosen]).values_list("pk", flat=True))
            context["widget"]["chosen"] = [u for u in chosen if u.pk in keep]
        return context


class UnitFilterPicker(ScopedUnitPicker):
    """The unit picker for a GET filter: its search box belongs to no form."""

    template_name = "plans/programmes/widgets/unit_filter.html"


class SafeUnitField(UnitField):
    """A unit field that calls an id too big for the database invalid, as any other."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", ScopedUnitPicker())
        super().__init__(**kwargs)

    def clean(self, value):
        if value not in self.empty_values and (not str(value).isdecimal() or int(value) > MAX_ID):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return super().clean(value)


def visible_documents(user):
    """Issued documents the user may read: what a programme or indicator may carry out."""
    return document_rules.filter_documents(user, Document.objects.filter(status__in=ISSUED_STATES))


# --- programmes ---------------------------------------------------------------------------------
class ProgrammeForm(forms.Form):
    document = DocumentField(
        label=_("Thực hiện nghị quyết, kế hoạch"),
        help_text=_("Gõ số, ký hiệu hoặc trích yếu để tìm, ví dụ: 07-KH/ThU hoặc đô thị loại I."),
    )
    title = forms.CharField(
        label=_("Tên chương trình"),
        max_length=300,
        error_messages={"required": _("Hãy nhập tên chương trình.")},
    )
    field = forms.CharField(
        label=_("Lĩnh vực"),
        max_length=150,
        error_messages={
            "required": _("Hãy nhập lĩnh vực của chương trình, ví dụ: Thương mại, dịch vụ.")
        },
    )
    owner_unit = SafeUnitField(label=_("Đơn vị chủ trì"))
    start_year = forms.IntegerField(
        label=_("Từ năm"),
        min_value=1945,
        max_value=2100,
        error_messages={
            "required": _("Hãy nhập năm bắt đầu."),
            "invalid": _("Năm phải là một số, ví dụ 2020."),
            "min_value": _("Năm phải từ 1945 trở về sau."),
            "max_value": _("Năm phải trước 2100."),
        },
    )
    end_year = forms.IntegerField(
        label=_("Đến năm"),
        min_value=1945,
        max_value=2100,
        error_messages={
            "required": _("Hãy nhập năm kết thúc."),
            "invalid": _("Năm phải là một số, ví dụ 2025."),
            "min_value": _("Năm phải từ 1945 trở về sau."),
            "max_value": _("Năm phải trước 2100."),
        },
    )
    programme_document = DocumentField(
        label=_("Văn bản ban hành chương trình (nếu có)"),
        required=False,
        help_text=_("Ví dụ: Chương trình hành động số 05-CTr/ThU."),
    )
    description = forms.CharField(
        label=_("Mô tả, mục tiêu chung"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        documents = visible_documents(user)
        self.fields["document"].queryset = documents
        self.fields["programme_document"].queryset = documents
        self.fields["owner_unit"].queryset = org_rules.filter_units(
            user, Unit.objects.all(), org_rules.EDIT
        )
        # The fields already in use, offered as suggestions (a datalist) so the list's filter
        # does not split one field into several spellings.
        visible = rules.filter_programmes(user, Programme.objects.all())
        self.field_choices = list(
            visible.order_by("field").values_list("field", flat=True).distinct()[:100]
        )
        self.fields["field"].widget.attrs["list"] = "programme-fields"

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error(
                "end_year",
                _("Năm kết thúc (%(end)s) trước năm bắt đầu (%(start)s) của chương trình.")
                % {"end": end, "start": start},
            )
        return data

    @staticmethod
    def initial_for(programme: Programme) -> dict:
        return {
            "document": programme.document_id,
            "programme_document": programme.programme_document_id,
            "title": programme.title,
            "field": programme.field,
            "owner_unit": programme.owner_unit_id,
            "start_year": programme.start_year,
            "end_year": programme.end_year,
            "description": programme.description,
        }


class ProgrammeFilterForm(forms.Form):
    unit = SafeUnitField(
        label=_("Đơn vị (cả các đơn vị trực thuộc)"), required=False, widget=UnitFilterPicker()
    )
    document = forms.TypedChoiceField(
        label=_("Thực hiện văn bản"), required=False, coerce=int, empty_value=None
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    text = forms.CharField(label=_("Tên chương trình có chữ"), required=False, max_length=100)

    def __init__(self, *args, user, documents, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_rules.filter_units(user, Unit.objects.all())
        self.fields["document"].choices = [("", _("Tất cả"))] + [
            (d.pk, document_label(d)) for d in documents
        ]
        self.fields["field"].choices = [("", _("Tất cả"))] + [(f, f) for f in fields]
        self.fields["document"].error_messages["invalid_choice"] = _(
            "Văn bản đã chọn không có trong danh sách."
        )
        self.fields["field"].error_messages["invalid_choice"] = _(
            "Lĩnh vực đã chọn không có trong danh sách."
        )

    def clean_text(self):
        return self.cleaned_data["text"].replace("\x00", "").strip()


# --- indicators ---------------------------------------------------------------------------------
MEASURE_UNIT_REQUIRED = _(
    "Chỉ tiêu phải có đơn vị tính (ví dụ: hộ, người, vụ, %, điểm) thì số liệu mới so sánh được."
)


class IndicatorForm(forms.Form):
    name = forms.CharField(
        label=_("Tên chỉ tiêu"),
        max_length=300,
        error_messages={"required": _("Hãy nhập tên chỉ tiêu.")},
    )
    measure_unit = forms.CharField(
        label=_("Đơn vị tính"),
        max_length=50,
        error_messages={"required": MEASURE_UNIT_REQUIRED},
        help_text=_("Ví dụ: hộ, người, vụ, %, điểm."),
    )
    direction = forms.ChoiceField(
        label=_("Hướng"),
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn hướng của chỉ tiêu.")},
        help_text=_(
            "“Xóa bỏ” có mục tiêu là 0 (ví dụ: không còn nhà tạm); “Đạt mức” cho tiêu chí có "
            "điểm chuẩn (ví dụ: tiêu chí đô thị loại I)."
        ),
    )
    target_value = NumberField(
        label=_("Giá trị mục tiêu"),
        required=False,
        help_text=_("Bỏ trống với chỉ tiêu “Xóa bỏ” (mục tiêu là 0)."),
    )
    target_date = DeadlineField(label=_("Thời hạn đạt"), required=False)
    baseline_value = NumberField(label=_("Giá trị ban đầu"), required=False)
    baseline_year = forms.IntegerField(
        label=_("Năm gốc"),
        required=False,
        error_messages={"invalid": _("Năm phải là một số, ví dụ 2015.")},
        help_text=_("Năm của giá trị ban đầu, ví dụ 2015."),
    )
    unit = SafeUnitField(label=_("Đơn vị thực hiện chỉ tiêu"))
    by_subunits = forms.BooleanField(
        label=_("Theo dõi số liệu theo từng đơn vị trực thuộc"), required=False
    )
    rollup = forms.ChoiceField(
        label=_("Tổng hợp số liệu các đơn vị trực thuộc"),
        choices=Rollup.choices,
        initial=Rollup.SUM,
        help_text=_("Tỷ lệ (%) thì chọn “Không cộng dồn”."),
    )
    document = DocumentField(label=_("Văn bản đặt chỉ tiêu"), required=False)
    position = forms.IntegerField(
        label=_("Thứ tự"),
        required=False,
        min_value=0,
        max_value=999,
        error_messages={
            "invalid": _("Thứ tự phải là một số."),
            "min_value": _("Thứ tự từ 0 đến 999."),
            "max_value": _("Thứ tự từ 0 đến 999."),
        },
    )

    def __init__(self, *args, user, units, programme: Programme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if programme is not None:
            # An indicator of a programme carries the programme's document.
            del self.fields["document"]
        else:
            self.fields["document"].queryset = visible_documents(user)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        deadline = data.pop("target_date")
        data["target_date"], data["target_precision"] = deadline or (None, "year")
        return data

    @staticmethod
    def initial_for(indicator) -> dict:
        return {
            "name": indicator.name,
            "measure_unit": indicator.measure_unit,
            "direction": indicator.direction,
            "target_value": None
            if indicator.direction == Direction.ELIMINATE
            else indicator.target_value,
            "target_date": (indicator.target_date, indicator.target_precision)
            if indicator.target_date
            else None,
            "baseline_value": indicator.baseline_value,
            "baseline_year": indicator.baseline_year,
            "unit": indicator.unit_id,
            "by_subunits": indicator.by_subunits,
            "rollup": indicator.rollup,
            "document": indicator.document_id,
            "position": indicator.position,
        }


class IndicatorFilterForm(forms.Form):
    unit = SafeUnitField(
        label=_("Đơn vị (cả các đơn vị trực thuộc)"), required=False, widget=UnitFilterPicker()
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("off_track", _("Chậm, không đạt"))]
        + list(IndicatorStatus.choices),
    )
    text = forms.CharField(label=_("Tên chỉ tiêu có chữ"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_rules.filter_units(user, Unit.objects.all())
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Trạng thái đã chọn không có trong danh sách."
        )

    def clean_text(self):
        return self.cleaned_data["text"].replace("\x00", "").strip()


class MeasurementForm(forms.Form):
    unit = SafeUnitField(label=_("Số liệu của đơn vị"))
    value = NumberField(
        label=_("Giá trị"), error_messages={"required": _("Hãy nhập giá trị của số liệu.")}
    )
    measured_on = VNDateField(
        label=_("Ngày số liệu"),
        error_messages={"required": _("Hãy nhập ngày của số liệu, ví dụ 31-12-2020.")},
        help_text=_("Số liệu tính đến ngày nào; số liệu cả năm thì nhập 31-12 của năm đó."),
    )
    source = forms.CharField(
        label=_("Nguồn số liệu"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Báo cáo số 45-BC/ĐU ngày 10-12-2020 của Đảng ủy phường."),
    )
    evidence = forms.FileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("PDF, ảnh (JPEG, PNG), Word hoặc Excel; tối đa 10 MB."),
        error_messages={"invalid": _("Tệp tải lên không hợp lệ, hãy chọn lại tệp.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Every unit the user sees may be chosen: the service then says precisely why a unit
        # outside the indicator's scope, or outside the user's rights, is refused.
        self.fields["unit"].queryset = org_rules.filter_units(user, Unit.objects.all())
