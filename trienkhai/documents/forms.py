"""Forms of the register pages. They parse and check shapes; the services check meaning."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from trienkhai.lib.dates import format_vi
from trienkhai.org.forms import UnitField, VNDateField
from trienkhai.org.models import Person, Unit

from . import files, numbering
from .models import (
    ISSUED_STATES,
    DocStatus,
    Document,
    DocumentVersion,
    RelationKind,
    System,
    type_choices,
)
from .selectors import ALL_DRAFTS, IN_FORCE
from .widgets import SearchPicker

MAX_FILES = 10
FILE_ERRORS = {
    "required": _("Hãy chọn tệp (PDF, Word .docx hoặc Excel .xlsx)."),
    "invalid": _("Không nhận được tệp. Hãy chọn lại tệp."),
    "missing": _("Không nhận được tệp. Hãy chọn lại tệp."),
    "empty": _("Tệp đã chọn rỗng (0 byte)."),
}


class UnitPickerField(UnitField):
    def __init__(self, *, params: dict | None = None, **kwargs):
        kwargs.setdefault(
            "widget",
            SearchPicker(
                url_name="documents:pick_unit",
                model=Unit,
                placeholder=_("Gõ tên đơn vị để tìm…"),
                params=params,
            ),
        )
        super().__init__(**kwargs)


class PersonPicker(SearchPicker):
    def label_for(self, obj) -> str:
        return obj.full_name


class DocumentPicker(SearchPicker):
    def label_for(self, obj) -> str:
        when = format_vi(obj.issued_on)
        number = obj.number_text or _("Dự thảo")
        return f"{number}{f' ({when})' if when else ''} — {obj.summary[:120]}"


class PersonField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Không tìm thấy cán bộ đã chọn, hoặc bạn không có quyền xem hồ sơ đó.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault(
            "widget",
            PersonPicker(
                url_name="documents:pick_person",
                model=Person,
                placeholder=_("Gõ họ tên cán bộ để tìm…"),
            ),
        )
        super().__init__(**kwargs)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked for its real type and read for search."""

    default_error_messages = FILE_ERRORS

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        items = (
            [d for d in data if d] if isinstance(data, list | tuple) else ([data] if data else [])
        )
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(items) > MAX_FILES:
            raise ValidationError(
                _("Mỗi lần tải lên tối đa %(n)d tệp.") % {"n": MAX_FILES}, code="too_many"
            )
        errors, checked = [], []
        for item in items:
            try:
                super().clean(item, initial)
                files.check_upload(item)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                checked.append(item)
        if errors:
            raise ValidationError(errors)
        return checked


class SingleFileField(forms.FileField):
    default_error_messages = FILE_ERRORS

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        item = super().clean(data, initial)
        if item:
            files.check_upload(item)
        return item


def _not_in_future(day: dt.date | None) -> dt.date | None:
    if day and day > dt.date.today():
        raise ValidationError(
            _("Ngày ban hành %(day)s ở tương lai: văn bản đã ban hành phải có ngày đã qua.")
            % {"day": format_vi(day)}
        )
    return day


# --- the register list ---------------------------------------------------------------------------
class FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm trong số, trích yếu, nội dung"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Ví dụ: ke hoach trien khai, 07-KH/ThU")}
        ),
    )
    system = forms.ChoiceField(
        label=_("Hệ thống"), required=False, choices=[("", _("Tất cả"))] + System.choices
    )
    doc_type = forms.ChoiceField(
        label=_("Loại văn bản"), required=False, choices=[("", _("Tất cả"))] + type_choices()
    )
    issuer = UnitPickerField(
        label=_("Đơn vị ban hành (cả đơn vị trực thuộc)"), required=False, params={"for": "filter"}
    )
    year = forms.IntegerField(
        label=_("Năm ban hành"),
        required=False,
        min_value=1945,
        max_value=2100,
        error_messages={
            "invalid": _("Năm phải là một số, ví dụ 2020."),
            "min_value": _("Năm ban hành phải từ 1945 trở đi."),
            "max_value": _("Năm ban hành không quá 2100."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "year"}),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (IN_FORCE, _("Đang có hiệu lực")),
            (ALL_DRAFTS, _("Đang soạn thảo (mọi bước)")),
        ]
        + DocStatus.choices,
    )

    def __init__(self, *args, issuer_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuer_queryset
        for name in ("system", "doc_type", "status"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Lựa chọn “%(value)s” không hợp lệ; đã bỏ qua điều kiện này."
            )

    def filters(self) -> dict:
        """The filters that were valid; a wrong one is reported and left out, not fatal."""
        data = self.cleaned_data if self.is_bound else {}
        if self.is_bound:
            data = {k: v for k, v in data.items() if k not in self.errors}
        return {
            "q": (data.get("q") or "").replace("\x00", "").strip(),
            "system": data.get("system") or "",
            "doc_type": data.get("doc_type") or "",
            "issuer": data.get("issuer"),
            "year": data.get("year"),
            "status": data.get("status") or "",
        }


# --- registering an issued document --------------------------------------------------------------
class RegisterForm(forms.Form):
    number_text = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=120,
        help_text=_("Ví dụ: 07-KH/ThU, 127-QĐ/TW, 123/QĐ-UBND, 45/2020/NĐ-CP."),
        error_messages={"required": _("Hãy nhập số, ký hiệu văn bản.")},
    )
    doc_type = forms.ChoiceField(
        label=_("Loại văn bản"),
        required=False,
        choices=[("", _("— Theo số, ký hiệu —"))] + type_choices(),
        help_text=_("Chỉ cần chọn khi số không ghi loại văn bản, ví dụ công văn 1234/VPCP-KTTH."),
    )
    issuer_unit = UnitPickerField(
        label=_("Đơn vị ban hành (đơn vị của mình)"), required=False, params={"for": "edit"}
    )
    issuer_name = forms.CharField(
        label=_("Hoặc cơ quan ban hành bên ngoài"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: Ban Bí thư Trung ương Đảng; Chính phủ. Để trống nếu đã chọn ở trên."),
    )
    owner_unit = UnitPickerField(
        label=_("Vào sổ văn bản của đơn vị"),
        required=False,
        params={"for": "edit"},
        help_text=_(
            "Với văn bản của cơ quan bên ngoài: đơn vị nhận và lưu văn bản. Văn bản của đơn vị "
            "mình được vào sổ của chính đơn vị ban hành."
        ),
    )
    issued_on = VNDateField(
        label=_("Ngày ban hành"), error_messages={"required": _("Hãy nhập ngày ban hành.")}
    )
    summary = forms.CharField(
        label=_("Trích yếu"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Hãy nhập trích yếu nội dung văn bản.")},
    )
    signer = PersonField(label=_("Người ký (cán bộ của đơn vị)"), required=False)
    signer_name = forms.CharField(label=_("Hoặc họ tên người ký"), max_length=150, required=False)
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Phó Bí thư Thường trực; T/M Ban Thường vụ, Bí thư."),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[(s.value, s.label) for s in DocStatus if s in ISSUED_STATES],
        initial=DocStatus.ISSUED,
    )
    files = MultipleFileField(
        label=_("Tệp văn bản (không bắt buộc)"),
        required=False,
        help_text=_("PDF, Word (.docx) hoặc Excel (.xlsx); có thể chọn nhiều tệp."),
    )

    def __init__(self, *args, editable_units, people, single_unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].queryset = editable_units
        self.fields["owner_unit"].queryset = editable_units
        self.fields["signer"].queryset = people
        self.single_unit = single_unit
        self.parsed: numbering.DocNumber | None = None

    def clean_number_text(self):
        typed = self.cleaned_data["number_text"]
        try:
            self.parsed = numbering.parse(typed)
        except numbering.NumberError as error:
            raise ValidationError(error.message, code=error.code) from error
        return typed

    def clean_issued_on(self):
        return _not_in_future(self.cleaned_data.get("issued_on"))

    def clean(self):
        data = super().clean()
        unit, name = data.get("issuer_unit"), (data.get("issuer_name") or "").strip()
        if "issuer_unit" in self.errors:
            return data
        if unit and name:
            self.add_error(
                "issuer_name",
                _("Đã chọn đơn vị ban hành ở trên; hãy để trống tên cơ quan bên ngoài."),
            )
        elif not unit and not name:
            self.add_error(
                "issuer_unit",
                _("Hãy chọn đơn vị ban hành, hoặc nhập tên cơ quan ban hành bên ngoài."),
            )
        elif name and not data.get("owner_unit") and "owner_unit" not in self.errors:
            if self.single_unit is not None:
                data["owner_unit"] = self.single_unit
            else:
                self.add_error(
                    "owner_unit", _("Hãy chọn đơn vị vào sổ văn bản của cơ quan bên ngoài.")
                )
        if unit:
            data["owner_unit"] = unit
        doc_type = data.get("doc_type")
        if self.parsed and doc_type and self.parsed.type and doc_type != self.parsed.type:
            self.add_error(
                "doc_type",
                _("Loại văn bản %(chosen)s không khớp với ký hiệu %(code)s trong số hiệu.")
                % {"chosen": doc_type, "code": self.parsed.type},
            )
        if data.get("signer") is None and not (data.get("signer_name") or "").strip():
            data["signer_name"] = ""
        return data


# --- a new draft ---------------------------------------------------------------------------------
class DraftForm(forms.Form):
    system = forms.ChoiceField(
        label=_("Hệ thống văn bản"),
        choices=System.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn văn bản của Đảng hay của Nhà nước.")},
    )
    doc_type = forms.ChoiceField(
        label=_("Loại văn bản"),
        choices=[("", _("— Chọn loại văn bản —"))] + type_choices(),
        error_messages={"required": _("Hãy chọn loại văn bản.")},
    )
    issuer_unit = UnitPickerField(label=_("Đơn vị soạn thảo, ban hành"), params={"for": "draft"})
    summary = forms.CharField(
        label=_("Trích yếu"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Hãy nhập trích yếu nội dung dự thảo.")},
    )
    note = forms.CharField(
        label=_("Ghi chú cho phiên bản 1"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = SingleFileField(label=_("Tệp dự thảo"))

    def __init__(self, *args, editable_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].queryset = editable_units

    def clean(self):
        data = super().clean()
        system, doc_type = data.get("system"), data.get("doc_type")
        if system and doc_type:
            table = numbering.PARTY_TYPES if system == numbering.PARTY else numbering.STATE_TYPES
            if doc_type not in table:
                self.add_error(
                    "doc_type",
                    _("Loại “%(code)s” không dùng cho %(system)s.")
                    % {"code": doc_type, "system": System(system).label.lower()},
                )
        return data


# --- correcting the record -------------------------------------------------------------------------
class EditForm(forms.Form):
    # Checked in clean(): an error on a hidden field would never be seen.
    revision = forms.CharField(widget=forms.HiddenInput, required=False)
    summary = forms.CharField(
        label=_("Trích yếu"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Hãy nhập trích yếu nội dung văn bản.")},
    )
    issued_on = VNDateField(label=_("Ngày ban hành"), required=False)
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    signer = PersonField(label=_("Người ký (cán bộ của đơn vị)"), required=False)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=150, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)

    def __init__(self, *args, document: Document, people, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "revision": document.revision,
                "summary": document.summary,
                "issued_on": document.issued_on,
                "issuer_name": document.issuer_name,
                "signer": document.signer_id,
                "signer_name": document.signer_name,
                "signer_title": document.signer_title,
            },
        )
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["signer"].queryset = people
        if document.is_draft:
            del self.fields["issued_on"]
        else:
            self.fields["issued_on"].required = True
            self.fields["issued_on"].error_messages["required"] = _("Hãy nhập ngày ban hành.")
        if not document.is_external:
            # Our own unit's name is the one it bore on the issue date, kept by the register.
            del self.fields["issuer_name"]
        else:
            self.fields["issuer_name"].required = True
            self.fields["issuer_name"].error_messages["required"] = _(
                "Hãy nhập tên cơ quan ban hành."
            )

    def clean_issued_on(self):
        return _not_in_future(self.cleaned_data.get("issued_on"))

    def clean(self):
        data = super().clean()
        raw = (data.get("revision") or "").strip()
        if raw.isascii() and raw.isdigit() and len(raw) < 10:
            data["revision"] = int(raw)
        else:
            self.add_error(None, _("Biểu mẫu thiếu thông tin phiên bản; hãy tải lại trang."))
        return data

    def changes(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "revision"}
        signer = data.get("signer")
        if signer is not None and not (data.get("signer_name") or "").strip():
            data["signer_name"] = signer.full_name
        return data


# --- relations, status, files ------------------------------------------------------------------------
class RelationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Văn bản này"),
        choices=RelationKind.choices,
        error_messages={"required": _("Hãy chọn quan hệ.")},
    )
    target = forms.ModelChoiceField(
        label=_("Văn bản"),
        queryset=Document.objects.none(),
        error_messages={
            "required": _("Hãy tìm và chọn văn bản liên quan."),
            "invalid_choice": _("Không tìm thấy văn bản đã chọn, hoặc bạn không có quyền xem."),
        },
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, document: Document, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = candidates
        self.fields["target"].widget = DocumentPicker(
            url_name="documents:pick_document",
            model=Document,
            placeholder=_("Gõ số, ký hiệu hoặc trích yếu để tìm…"),
            params={"exclude": document.pk},
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Chuyển sang"), error_messages={"required": _("Hãy chọn trạng thái mới.")}
    )
    note = forms.CharField(
        label=_("Căn cứ, ghi chú"),
        max_length=500,
        required=False,
        help_text=_("Ví dụ: hết hiệu lực theo Quyết định 68-QĐ/TU ngày 02-01-2021."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        # No preselected step: an unnoticed default would mark a document amended by mistake.
        self.fields["status"].choices = [("", _("— Chọn trạng thái mới —")), *choices]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Không thể chuyển văn bản sang trạng thái này."
        )


class FileAddForm(forms.Form):
    files = MultipleFileField(label=_("Tệp"), required=True)
    version = forms.ModelChoiceField(
        label=_("Thuộc phiên bản"),
        queryset=DocumentVersion.objects.none(),
        required=False,
        empty_label=_("— Văn bản (không theo phiên bản) —"),
        error_messages={"invalid_choice": _("Phiên bản này không thuộc văn bản đang xem.")},
    )

    def __init__(self, *args, document: Document, **kwargs):
        super().__init__(*args, **kwargs)
        versions = document.versions.all()
        self.fields["version"].queryset = versions
        if not versions.exists():
            del self.fields["version"]
