"""Forms of the campaign and class pages. They parse what is typed (dates as dd-mm-yyyy, times
as 7h30, deadlines as officials write them, numbers with a thousands point); the services in
`services.py` and `classes.py` check what it means."""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import Document
from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import fold
from trienkhai.org.forms import VNDateField
from trienkhai.org.models import Unit
from trienkhai.plans.forms_programmes import (
    DocumentField,
    SafeUnitField,
    ScopedUnitPicker,
    UnitFilterPicker,
    visible_documents,
)
from trienkhai.plans.forms_tasks import DeadlineField, Picker, PickManyField
from trienkhai.plans.models import Precision

from .models import (
    AttendanceStatus,
    CampaignStatus,
    ClassStatus,
    TargetGroup,
)
from .services import MAX_PEOPLE

PEOPLE_ERRORS = {
    "invalid": _("Số người phải là một số nguyên, ví dụ 120."),
    "min_value": _("Số người không được âm."),
    "max_value": _("Số người quá lớn."),
}


class DocumentsPicker(Picker):
    """Several documents found by number or summary; only documents the field accepts are named
    back (a typed-in id of a document the user may not see reveals nothing)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("url_name", "plans:task_pick_document")
        kwargs.setdefault("model", Document)
        kwargs.setdefault("multiple", True)
        kwargs.setdefault("placeholder", _("Gõ số, ký hiệu hoặc trích yếu, ví dụ 07-KH/ThU"))
        super().__init__(**kwargs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        allowed = getattr(self.choices, "queryset", None)
        chosen = context["widget"]["chosen"]
        if chosen and allowed is not None:
            keep = set(
                allowed.filter(pk__in=[pk for pk, _l in chosen]).values_list("pk", flat=True)
            )
            context["widget"]["chosen"] = [(pk, label) for pk, label in chosen if pk in keep]
        return context


def documents_field(label, help_text=""):
    return PickManyField(
        label=label,
        queryset=Document.objects.none(),
        required=False,
        widget=DocumentsPicker(),
        help_text=help_text,
        error_messages={
            "invalid_choice": _(
                "Không tìm thấy văn bản đã chọn, hoặc bạn không có quyền xem văn bản đó."
            ),
            "invalid_pk_value": _("Lựa chọn văn bản không hợp lệ."),
        },
    )


class PeopleField(forms.IntegerField):
    """A number of people; "1.200" and "1 200" read as 1200."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_PEOPLE)
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", PEOPLE_ERRORS)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 6}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0.]", "", value)
        return super().to_python(value)


class VNTimeField(forms.TimeField):
    """A time as typed: 7:30, 7h30, 7g30, 14h, 14.00."""

    default_error_messages = {
        "invalid": _("Giờ không hợp lệ. Hãy nhập như 7:30, 7h30 hoặc 14h."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TimeInput(attrs={"placeholder": "7:30"}, format="%H:%M"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().lower().replace("giờ", "h")
            m = re.fullmatch(r"(\d{1,2})\s*(?:[:hg.]\s*(\d{1,2})?)?", text)
            if m:
                value = f"{int(m[1]):02d}:{int(m[2] or 0):02d}"
        return super().to_python(value)


def class_label(session) -> str:
    """A class in a choice list: its title, day and organiser (titles repeat across wards)."""
    day = format_vi(timezone.localtime(session.starts_at).date())
    return f"{session.title} ({day}, {session.organiser.name})"


# --- campaigns ----------------------------------------------------------------------------------
class CampaignForm(forms.Form):
    title = forms.CharField(
        label=_("Tên đợt quán triệt"),
        max_length=300,
        error_messages={"required": _("Hãy nhập tên đợt quán triệt.")},
        help_text=_("Ví dụ: Quán triệt Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII."),
    )
    owner_unit = SafeUnitField(label=_("Đơn vị tổ chức"))
    plan_document = DocumentField(
        label=_("Kế hoạch triển khai"),
        required=False,
        help_text=_("Ví dụ: Kế hoạch số 07-KH/ThU."),
    )
    documents = documents_field(
        _("Văn bản quán triệt"), _("Có thể chọn nhiều văn bản: gõ để tìm rồi đánh dấu.")
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Đối tượng"),
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Đối tượng đã chọn không có trong danh sách.")},
    )
    start_on = VNDateField(label=_("Ngày bắt đầu"), required=False)
    deadline = DeadlineField(label=_("Thời hạn hoàn thành"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=CampaignStatus.choices, initial=CampaignStatus.PLANNED
    )
    description = forms.CharField(
        label=_("Nội dung, yêu cầu"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, user, units, **kwargs):
        super().__init__(*args, **kwargs)
        docs = visible_documents(user)
        self.fields["plan_document"].queryset = docs
        self.fields["documents"].queryset = docs
        self.fields["owner_unit"].queryset = units
        self.fields["status"].error_messages["invalid_choice"] = _("Trạng thái không hợp lệ.")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        deadline = data.pop("deadline")
        data["deadline"], data["deadline_precision"] = deadline or (None, Precision.DAY)
        return data

    @staticmethod
    def initial_for(campaign) -> dict:
        return {
            "title": campaign.title,
            "owner_unit": campaign.owner_unit_id,
            "plan_document": campaign.plan_document_id,
            "documents": [d.pk for d in campaign.documents.all()],
            "target_groups": [g.pk for g in campaign.target_groups.all()],
            "start_on": campaign.start_on,
            "deadline": (campaign.deadline, campaign.deadline_precision)
            if campaign.deadline
            else None,
            "status": campaign.status,
            "description": campaign.description,
        }


class CampaignFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *CampaignStatus.choices],
    )
    unit = SafeUnitField(
        label=_("Đơn vị (cả các đơn vị trực thuộc)"), required=False, widget=UnitFilterPicker()
    )
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, units, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].choices = [("", _("Tất cả"))] + [(y, y) for y in years]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Trạng thái đã chọn không có trong danh sách."
        )
        self.fields["year"].error_messages["invalid_choice"] = _(
            "Năm đã chọn không có trong danh sách."
        )


# --- quotas -------------------------------------------------------------------------------------
_PASTE_SPLIT = re.compile(r"\t|;|\s{2,}")


class QuotaGridForm(forms.Form):
    """One number per unit and target group; a blank cell has no quota. A table copied from
    Excel (a unit name, then one number per column) may be pasted instead of typing."""

    paste = forms.CharField(
        label=_("Hoặc dán bảng từ Excel"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mỗi dòng: tên đơn vị, rồi số người của từng đối tượng theo thứ tự các cột trên, "
            "cách nhau bằng phím Tab. Dòng đã dán thay cho số gõ trong bảng."
        ),
    )

    def __init__(self, *args, units, groups, values, **kwargs):
        super().__init__(*args, **kwargs)
        self.units, self.groups = units, groups
        for unit in units:
            for group in groups:
                name = self.cell_name(unit, group)
                self.fields[name] = PeopleField(label=f"{unit.name} · {group.name}")
                self.initial.setdefault(name, values.get((unit.pk, group.pk)))

    @staticmethod
    def cell_name(unit, group) -> str:
        return f"q_{unit.pk}_{group.pk}"

    def rows(self):
        return [(unit, [self[self.cell_name(unit, g)] for g in self.groups]) for unit in self.units]

    def clean_paste(self):
        text = self.cleaned_data["paste"].replace("\x00", "")
        by_name = {fold(u.name): u for u in self.units}
        by_name.update({fold(u.short_name): u for u in self.units if u.short_name})
        pasted, errors = {}, []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            cells = [c.strip() for c in _PASTE_SPLIT.split(line.strip())]
            unit = by_name.get(fold(cells[0]))
            if unit is None:
                errors.append(
                    _("Dòng %(n)s: không có đơn vị “%(name)s” trong bảng.")
                    % {"n": number, "name": cells[0][:80]}
                )
                continue
            numbers = cells[1:]
            if len(numbers) > len(self.groups):
                errors.append(
                    _("Dòng %(n)s: có %(got)s số, bảng chỉ có %(cols)s cột.")
                    % {"n": number, "got": len(numbers), "cols": len(self.groups)}
                )
                continue
            for group, raw in zip(self.groups, numbers, strict=False):
                try:
                    value = PeopleField().clean(raw)
                except forms.ValidationError:
                    errors.append(
                        _("Dòng %(n)s, cột %(col)s: “%(text)s” không phải số người.")
                        % {"n": number, "col": group.name, "text": raw[:20]}
                    )
                    continue
                pasted[(unit.pk, group.pk)] = value
        if errors:
            raise forms.ValidationError(errors)
        self.pasted = pasted
        return text

    def values(self) -> dict:
        """{(unit, group): number or None} of the whole table, pasted lines winning."""
        out = {}
        pasted = getattr(self, "pasted", {})
        for unit in self.units:
            for group in self.groups:
                key = (unit.pk, group.pk)
                n = (
                    pasted[key]
                    if key in pasted
                    else self.cleaned_data.get(self.cell_name(unit, group))
                )
                out[(unit, group)] = n
        return out


class AddRowForm(forms.Form):
    """A GET form adding a unit's row to the quota grid."""

    add = SafeUnitField(label=_("Thêm dòng cho đơn vị"), required=False, widget=UnitFilterPicker())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add"].queryset = units


# --- delegations --------------------------------------------------------------------------------
class DelegateForm(forms.Form):
    children = forms.ModelMultipleChoiceField(
        label=_("Đơn vị trực thuộc trực tiếp"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Đơn vị đã chọn không có trong danh sách.")},
    )
    all_children = forms.BooleanField(
        label=_("Chọn tất cả đơn vị trực thuộc trực tiếp chưa được giao"), required=False
    )
    others = forms.ModelMultipleChoiceField(
        label=_("Đơn vị cấp dưới khác"),
        queryset=Unit.objects.none(),
        required=False,
        widget=ScopedUnitPicker(multiple=True),
        error_messages={
            "invalid_choice": _("Không tìm thấy đơn vị đã chọn, hoặc đơn vị đó đã được giao."),
            "invalid_pk_value": _("Lựa chọn đơn vị không hợp lệ."),
        },
    )
    deadline = DeadlineField(
        label=_("Thời hạn"),
        required=False,
        help_text=_("Bỏ trống: theo thời hạn của đợt quán triệt. Ví dụ: 15-12-2020."),
    )
    instructions = forms.CharField(
        label=_("Yêu cầu"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, children, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        self.fields["others"].queryset = units
        self.children_qs = children

    def clean(self):
        data = super().clean()
        units = {u.pk: u for u in data.get("children") or []}
        units.update({u.pk: u for u in data.get("others") or []})
        if data.get("all_children"):
            units.update({u.pk: u for u in self.children_qs})
        if not units and not self.errors:
            raise forms.ValidationError(_("Hãy chọn ít nhất một đơn vị để giao."))
        data["units"] = list(units.values())
        return data

    def service_data(self) -> dict:
        deadline = self.cleaned_data.get("deadline")
        return {
            "units": self.cleaned_data["units"],
            "deadline": deadline[0] if deadline else None,
            "deadline_precision": deadline[1] if deadline else Precision.DAY,
            "instructions": self.cleaned_data.get("instructions", ""),
        }


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("Báo cáo kết quả"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Hãy nhập nội dung báo cáo kết quả.")},
        help_text=_("Số lớp đã tổ chức, số người đã quán triệt so với dự kiến, khó khăn, đề xuất."),
    )


# --- classes ------------------------------------------------------------------------------------
class ClassForm(forms.Form):
    title = forms.CharField(
        label=_("Tên lớp"),
        max_length=300,
        error_messages={"required": _("Hãy nhập tên lớp.")},
        help_text=_("Ví dụ: Lớp quán triệt cho cán bộ chủ chốt thành phố."),
    )
    organiser = SafeUnitField(label=_("Đơn vị tổ chức lớp"))
    day = VNDateField(
        label=_("Ngày học"), error_messages={"required": _("Hãy nhập ngày học, ví dụ 15-9-2020.")}
    )
    start_time = VNTimeField(
        label=_("Giờ bắt đầu"), error_messages={"required": _("Hãy nhập giờ bắt đầu, ví dụ 7h30.")}
    )
    end_time = VNTimeField(label=_("Giờ kết thúc"), required=False)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    presenters = forms.CharField(
        label=_("Báo cáo viên"),
        max_length=500,
        required=False,
        help_text=_("Ví dụ: Đ/c Nguyễn Văn A, Bí thư Thành ủy."),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=ClassStatus.choices, initial=ClassStatus.PLANNED
    )
    makeup_of = forms.ModelChoiceField(
        label=_("Là lớp học bù cho lớp"),
        queryset=None,
        required=False,
        empty_label=_("— Không phải lớp học bù —"),
        error_messages={"invalid_choice": _("Lớp đã chọn không có trong danh sách.")},
    )
    materials = documents_field(_("Tài liệu"))
    notes = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, organisers, groups, makeups, listed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        self.fields["materials"].queryset = visible_documents(user)
        self.fields["makeup_of"].queryset = makeups
        self.fields["makeup_of"].label_from_instance = class_label
        self.fields["status"].error_messages["invalid_choice"] = _("Trạng thái không hợp lệ.")
        self.groups = list(groups)
        self.listed = listed
        for group in self.groups:
            self.fields[f"exp_{group.pk}"] = PeopleField(label=_("Dự kiến"))
            self.fields[f"att_{group.pk}"] = PeopleField(
                label=_("Thực tế tham dự"), disabled=listed
            )

    def group_rows(self):
        return [(g, self[f"exp_{g.pk}"], self[f"att_{g.pk}"]) for g in self.groups]

    def visible_fields(self):
        # The per-group numbers are laid out as a table by the template, not one by one.
        return [f for f in super().visible_fields() if not f.name.startswith(("exp_", "att_"))]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        day, start, end = data.pop("day"), data.pop("start_time"), data.pop("end_time")
        tz = timezone.get_current_timezone()
        data["starts_at"] = dt.datetime.combine(day, start, tzinfo=tz)
        data["ends_at"] = dt.datetime.combine(day, end, tzinfo=tz) if end else None
        groups = {}
        for group in self.groups:
            expected = data.pop(f"exp_{group.pk}")
            attended = data.pop(f"att_{group.pk}")
            if expected is not None or attended is not None:
                groups[group] = (expected or 0, attended)
        data["groups"] = groups
        return data

    @staticmethod
    def initial_for(session) -> dict:
        start = timezone.localtime(session.starts_at)
        initial = {
            "title": session.title,
            "organiser": session.organiser_id,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": timezone.localtime(session.ends_at).time() if session.ends_at else None,
            "place": session.place,
            "presenters": session.presenters,
            "status": session.status,
            "makeup_of": session.makeup_of_id,
            "materials": [d.pk for d in session.materials.all()],
            "notes": session.notes,
        }
        for g in session.groups.all():
            initial[f"exp_{g.target_group_id}"] = g.expected
            initial[f"att_{g.target_group_id}"] = g.attended
        return initial


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500, required=False)


class AttendeeForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, error_messages={"required": _("Hãy nhập họ và tên.")}
    )
    workplace = forms.CharField(label=_("Đơn vị công tác"), max_length=300, required=False)
    target_group = forms.ModelChoiceField(
        label=_("Đối tượng"),
        queryset=None,
        empty_label=_("— Chọn đối tượng —"),
        error_messages={
            "required": _("Hãy chọn đối tượng."),
            "invalid_choice": _("Đối tượng đã chọn không có trong danh sách."),
        },
    )
    status = forms.ChoiceField(
        label=_("Điểm danh"),
        choices=AttendanceStatus.choices,
        initial=AttendanceStatus.PRESENT,
        widget=forms.RadioSelect,
    )
    made_up_in = forms.ModelChoiceField(
        label=_("Đã học bù tại lớp"),
        queryset=None,
        required=False,
        empty_label=_("— Chưa học bù —"),
        help_text=_("Chỉ với người vắng: lớp nơi người đó đã học bù."),
        error_messages={"invalid_choice": _("Lớp đã chọn không có trong danh sách.")},
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, groups, makeups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = groups
        self.fields["made_up_in"].queryset = makeups
        self.fields["made_up_in"].label_from_instance = class_label
        self.fields["status"].error_messages["invalid_choice"] = _("Điểm danh không hợp lệ.")

    @staticmethod
    def initial_for(attendee) -> dict:
        return {
            "full_name": attendee.full_name,
            "workplace": attendee.workplace,
            "target_group": attendee.target_group_id,
            "status": attendee.status,
            "made_up_in": attendee.made_up_in_id,
            "note": attendee.note,
        }
