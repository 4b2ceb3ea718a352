"""Forms of the organisation pages. They parse and check shapes; the services check meaning."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import AccessRole, Person, Position, PositionRole, Term, Unit, UnitKind
from .widgets import MAX_ID, UnitPicker

DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y"]


class VNDateField(forms.DateField):
    """A date as officials type it: 7-8-2020, 07/08/2020 or 2020-08-07 (day before month)."""

    widget = forms.DateInput(
        attrs={"placeholder": "dd-mm-yyyy", "inputmode": "numeric"}, format="%d-%m-%Y"
    )
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ. Hãy nhập theo dạng ngày-tháng-năm, ví dụ 07-08-2020."),
        "year": _("Ngày không hợp lệ: năm %(year)s chắc là gõ nhầm."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        # "01-01-0001" parses, and the services' "the day before" would then overflow.
        if day is not None and day.year < 1000:
            raise forms.ValidationError(
                self.error_messages["year"], code="year", params={"year": f"{day.year:04d}"}
            )
        return day


class UnitField(forms.ModelChoiceField):
    """A unit chosen with the search picker; the queryset is narrowed by the view."""

    default_error_messages = {
        "invalid_choice": _(
            "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền với đơn vị đó."
        ),
        "required": _("Hãy chọn một đơn vị."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.all())
        kwargs.setdefault("widget", UnitPicker())
        super().__init__(**kwargs)


class UnitsField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền với đơn vị đó."
        ),
        "required": _("Hãy chọn ít nhất một đơn vị."),
        "invalid_pk_value": _("Lựa chọn đơn vị không hợp lệ."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.all())
        kwargs.setdefault("widget", UnitPicker(multiple=True))
        super().__init__(**kwargs)

    def clean(self, value):
        # A 25-digit id overflows SQLite's integer in the `pk__in` query before Django can call
        # it invalid; refuse it here as any other id that is not a unit.
        for pk in value or []:
            if str(pk).isdecimal() and int(pk) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class LegalBasisMixin(forms.Form):
    legal_basis = forms.CharField(
        label=_("Căn cứ (số văn bản)"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Nghị quyết 1687/NQ-UBTVQH15 ngày 16-6-2025."),
    )


class UnitCreateForm(LegalBasisMixin):
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitKind.choices)
    name = forms.CharField(label=_("Tên đơn vị"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    official_code = forms.CharField(label=_("Mã chính thức"), max_length=40, required=False)
    established_on = VNDateField(label=_("Ngày thành lập"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea, required=False)

    field_order = [
        "kind",
        "name",
        "short_name",
        "official_code",
        "established_on",
        "legal_basis",
        "notes",
    ]

    def clean_established_on(self):
        day = self.cleaned_data.get("established_on")
        if day and day > dt.date.today():
            raise forms.ValidationError(_("Ngày thành lập không thể ở tương lai."))
        return day


class UnitEditForm(forms.ModelForm):
    counterpart = UnitField(label=_("Đơn vị tương ứng"), required=False)
    established_on = VNDateField(label=_("Ngày thành lập"), required=False)

    class Meta:
        model = Unit
        fields = ["name", "short_name", "official_code", "established_on", "counterpart", "notes"]
        help_texts = {
            "name": _(
                "Chỉ sửa lỗi chính tả ở đây. Đổi tên thật sự hãy dùng “Đổi tên”, để giữ lịch sử."
            )
        }


class RenameForm(LegalBasisMixin):
    name = forms.CharField(label=_("Tên mới"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt mới"), max_length=60, required=False)
    effective_on = VNDateField(label=_("Ngày hiệu lực"))
    field_order = ["name", "short_name", "effective_on", "legal_basis"]


class MoveForm(LegalBasisMixin):
    new_parent = UnitField(label=_("Trực thuộc đơn vị mới"))
    effective_on = VNDateField(label=_("Ngày hiệu lực"))
    field_order = ["new_parent", "effective_on", "legal_basis"]


class MergeForm(LegalBasisMixin):
    MODE_NEW, MODE_INTO = "new", "into"
    others = UnitsField(
        label=_("Các đơn vị cùng hợp nhất"),
        required=False,
        help_text=_("Đơn vị đang xem luôn nằm trong danh sách hợp nhất."),
    )
    mode = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[
            (MODE_NEW, _("Hợp nhất thành một đơn vị mới")),
            (MODE_INTO, _("Sáp nhập vào một đơn vị đang có")),
        ],
        widget=forms.RadioSelect,
        initial=MODE_NEW,
    )
    into = UnitField(label=_("Đơn vị nhận sáp nhập"), required=False)
    new_name = forms.CharField(label=_("Tên đơn vị mới"), max_length=255, required=False)
    new_short_name = forms.CharField(
        label=_("Tên viết tắt đơn vị mới"), max_length=60, required=False
    )
    new_kind = forms.ChoiceField(
        label=_("Loại đơn vị mới"), choices=UnitKind.choices, required=False
    )
    new_parent = UnitField(label=_("Đơn vị mới trực thuộc"), required=False)
    effective_on = VNDateField(label=_("Ngày hiệu lực"))
    field_order = [
        "others",
        "mode",
        "into",
        "new_name",
        "new_short_name",
        "new_kind",
        "new_parent",
        "effective_on",
        "legal_basis",
    ]

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.MODE_INTO and not data.get("into"):
            self.add_error("into", _("Hãy chọn đơn vị nhận sáp nhập."))
        if data.get("mode") == self.MODE_NEW:
            if not (data.get("new_name") or "").strip():
                self.add_error("new_name", _("Hãy nhập tên đơn vị mới sau hợp nhất."))
            if not data.get("new_parent"):
                self.add_error("new_parent", _("Hãy chọn đơn vị cấp trên của đơn vị mới."))
        return data


class SplitForm(LegalBasisMixin):
    parts = forms.CharField(
        label=_("Các đơn vị mới"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mỗi dòng một tên đơn vị mới. Các đơn vị mới trực thuộc cùng cấp trên với đơn vị bị chia tách."
        ),
    )
    source_continues = forms.BooleanField(
        label=_("Đơn vị cũ vẫn tiếp tục hoạt động (tách một phần)"), required=False
    )
    effective_on = VNDateField(label=_("Ngày hiệu lực"))
    field_order = ["parts", "source_continues", "effective_on", "legal_basis"]

    def clean_parts(self):
        names = [line.strip() for line in self.cleaned_data["parts"].splitlines() if line.strip()]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Có tên đơn vị mới bị lặp lại."))
        limit = Unit._meta.get_field("name").max_length
        for name in names:
            if len(name) > limit:
                raise forms.ValidationError(
                    _("Tên “%(name)s…” dài quá %(limit)d ký tự.")
                    % {"name": name[:40], "limit": limit}
                )
        return names


class DissolveForm(LegalBasisMixin):
    effective_on = VNDateField(label=_("Ngày hiệu lực"))
    successors = UnitsField(label=_("Đơn vị kế thừa (nếu có)"), required=False)
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận giải thể đơn vị này. Dữ liệu vẫn được lưu để tra cứu."),
        error_messages={"required": _("Hãy đánh dấu xác nhận trước khi giải thể.")},
    )
    field_order = ["effective_on", "legal_basis", "successors", "confirm"]


class TermForm(forms.ModelForm):
    start_on = VNDateField(label=_("Bắt đầu"))
    end_on = VNDateField(label=_("Kết thúc"), required=False)

    class Meta:
        model = Term
        fields = ["name", "number", "start_on", "end_on"]

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", _("Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu."))
        return data


class PersonForm(forms.ModelForm):
    home_unit = UnitField(label=_("Đơn vị quản lý hồ sơ"))
    username = forms.CharField(
        label=_("Tài khoản đăng nhập (nếu có)"),
        max_length=150,
        required=False,
        help_text=_("Tên đăng nhập của một tài khoản đã có, để gắn với cán bộ này."),
    )

    class Meta:
        model = Person
        fields = ["full_name", "email", "phone", "home_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.user_id:
            self.fields["username"].initial = self.instance.user.get_username()

    def clean_username(self):
        name = self.cleaned_data.get("username", "").strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(_("Không có tài khoản “%(name)s”.") % {"name": name})
        other = Person.objects.filter(user=user).exclude(pk=self.instance.pk).first()
        if other:
            raise forms.ValidationError(
                _("Tài khoản này đã gắn với cán bộ %(person)s.") % {"person": other.full_name}
            )
        return user


class PositionForm(forms.ModelForm):
    person = forms.ModelChoiceField(
        label=_("Cán bộ"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("Hãy chọn một cán bộ trong danh sách.")},
    )
    start_on = VNDateField(label=_("Từ ngày"))
    end_on = VNDateField(label=_("Đến ngày"), required=False)

    class Meta:
        model = Position
        fields = ["person", "role", "title", "term", "start_on", "end_on", "note"]

    def __init__(self, *args, unit: Unit, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["term"].queryset = Term.objects.filter(unit=unit)
        self.fields["role"].choices = PositionRole.choices

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", _("Ngày thôi giữ chức vụ không được trước ngày bắt đầu."))
        return data


class AccessForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"), choices=AccessRole.choices)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Không có tài khoản đang hoạt động tên “%(name)s”.") % {"name": name}
            )
        return user


class AsOfForm(forms.Form):
    as_of = VNDateField(label=_("Xem cây tổ chức tại ngày"), required=False)
