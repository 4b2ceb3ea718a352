"""Forms of the task pages. They parse what is typed; `tasks.py` checks what it means."""

import datetime as dt
import json
import re
import unicodedata

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import Document, type_choices
from trienkhai.lib import dates
from trienkhai.org.forms import VNDateField
from trienkhai.org.models import Unit
from trienkhai.org.widgets import MAX_ID

from . import selectors_tasks as selectors
from .models import Precision, Programme, Task, TaskStatus


# --- deadlines as officials write them ---------------------------------------------------------
class DeadlineError(ValueError):
    pass


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DAY = re.compile(r"(?:ngày\s*)?(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(
    r"(?:tháng\s*)?(\d{1,2})\s*[-/.]\s*(\d{4})|(?:tháng\s*)?(\d{1,2})\s*năm\s*(\d{4})"
)
_QUARTER = re.compile(
    r"(?:quý|q)\s*(iv|iii|ii|i|[1-4])\s*(?:[-/.]|năm)?\s*(\d{4})|(\d{4})\s*-\s*q([1-4])"
)
_YEAR = re.compile(r"(?:năm\s*)?(\d{4})")
_LEAD_WORDS = re.compile(r"^(?:dự kiến|chậm nhất|hoàn thành|trước|trong|vào|hạn)\s+")


def parse_deadline(text: str) -> tuple[dt.date, str] | None:
    """("tháng 12-2020") → (2020-12-01, "month"). Accepts 20-9-2020, 20/9/2020, 2020-09-20,
    tháng 12-2020, 12/2020, quý IV/2020, Q4-2020, 2020-Q4, năm 2020, 2020; leading words such
    as "trong", "dự kiến", "chậm nhất" are ignored. None for an empty text."""
    raw = unicodedata.normalize("NFC", text or "").strip().lower()
    raw = re.sub(r"\s+", " ", raw)
    while True:
        stripped = _LEAD_WORDS.sub("", raw)
        if stripped == raw:
            break
        raw = stripped
    if not raw:
        return None

    def make(year: int, month: int, day: int) -> dt.date:
        if year < 1900 or year > 2200:
            raise DeadlineError(_("Năm %(year)s chắc là gõ nhầm.") % {"year": year})
        try:
            return dt.date(year, month, day)
        except ValueError as error:
            raise DeadlineError(
                _("Ngày %(d)s-%(m)s-%(y)s không có thật.") % {"d": day, "m": month, "y": year}
            ) from error

    if m := _DAY.fullmatch(raw):
        return make(int(m[3]), int(m[2]), int(m[1])), Precision.DAY
    if m := _ISO.fullmatch(raw):
        return make(int(m[1]), int(m[2]), int(m[3])), Precision.DAY
    if m := _MONTH.fullmatch(raw):
        month, year = (m[1], m[2]) if m[1] else (m[3], m[4])
        if not 1 <= int(month) <= 12:
            raise DeadlineError(_("Tháng %(m)s không có thật.") % {"m": month})
        return make(int(year), int(month), 1), Precision.MONTH
    if m := _QUARTER.fullmatch(raw):
        if m[1]:
            quarter = _ROMAN.get(m[1]) or int(m[1])
            year = int(m[2])
        else:
            year, quarter = int(m[3]), int(m[4])
        return make(year, 3 * (quarter - 1) + 1, 1), Precision.QUARTER
    if m := _YEAR.fullmatch(raw):
        return make(int(m[1]), 1, 1), Precision.YEAR
    raise DeadlineError(
        _(
            "Không hiểu thời hạn “%(text)s”. Hãy nhập như: 20-9-2020 (một ngày), tháng 12-2020, "
            "quý IV/2020 hoặc năm 2020."
        )
        % {"text": text.strip()[:60]}
    )


class DeadlineField(forms.CharField):
    """A deadline with its precision, typed as officials write it; cleans to (date, precision)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault(
            "help_text",
            _("Ví dụ: 20-9-2020; tháng 12-2020; quý IV/2020; năm 2025. Quá hạn là sau hết kỳ đó."),
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", _("ví dụ: tháng 12-2020"))

    def prepare_value(self, value):
        if isinstance(value, tuple):
            return dates.format_deadline_vi(*value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return parse_deadline(text)
        except DeadlineError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


# --- pickers -----------------------------------------------------------------------------------
class Picker(forms.Widget):
    """A search box that lists matches as radio buttons or checkboxes named after the field.

    The chosen values are ordinary inputs, so the form submits them with or without
    JavaScript; the search box belongs to no form (`form=""`), so it never adds a stray value to
    a filter URL or a POST.
    """

    template_name = "plans/tasks/widgets/picker.html"

    def __init__(
        self,
        *,
        url_name: str,
        model,
        multiple: bool = False,
        placeholder="",
        params: dict | None = None,
        attrs=None,
    ):
        super().__init__(attrs)
        self.url_name = url_name
        self.model = model
        self.multiple = multiple
        self.placeholder = placeholder
        self.params = params or {}

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return [v for v in data.getlist(name) if v]
        return data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [
            int(v) for v in context["widget"]["value"] if str(v).isdecimal() and int(v) <= MAX_ID
        ]
        chosen = list(self.model._default_manager.filter(pk__in=ids)) if ids else []
        context["widget"].update(
            {
                "chosen": [(obj.pk, label_of(obj)) for obj in chosen],
                "input_type": "checkbox" if self.multiple else "radio",
                "pick_url": reverse(self.url_name),
                "placeholder": self.placeholder,
                "vals": json.dumps(
                    {"field": name, "multiple": "1" if self.multiple else "0", **self.params}
                ),
            }
        )
        return context


def label_of(obj) -> str:
    if isinstance(obj, Document):
        return f"{obj.number_text or _('Dự thảo')} — {obj.summary[:100]}"
    if isinstance(obj, Task):
        return f"{obj.title[:120]} ({obj.deadline_text})" if obj.deadline else obj.title[:120]
    return str(obj)


def unit_picker(multiple=False, scope=""):
    """Units one may name on a task; with scope "assign", only those one may assign for."""
    return Picker(
        url_name="plans:task_pick_unit",
        model=Unit,
        multiple=multiple,
        placeholder=_("Gõ tên đơn vị để tìm…"),
        params={"scope": scope} if scope else None,
    )


UNIT_ERRORS = {
    "invalid_choice": _("Không tìm thấy đơn vị đã chọn, hoặc bạn không thể chọn đơn vị đó."),
    "invalid_pk_value": _("Lựa chọn đơn vị không hợp lệ."),
    "required": _("Hãy chọn một đơn vị."),
    "invalid_list": _("Lựa chọn đơn vị không hợp lệ."),
}


class _SafeIdsMixin:
    """A 25-digit id overflows the database integer before Django can call it invalid."""

    def _check_ids(self, values):
        for pk in values:
            if not str(pk).isdecimal() or int(pk) > MAX_ID:
                raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")


class PickField(_SafeIdsMixin, forms.ModelChoiceField):
    def clean(self, value):
        if value not in self.empty_values:
            self._check_ids([value])
        return super().clean(value)


class PickManyField(_SafeIdsMixin, forms.ModelMultipleChoiceField):
    def clean(self, value):
        self._check_ids(value or [])
        return super().clean(value)


# --- filters -----------------------------------------------------------------------------------
STATUS_FILTERS = [
    ("", _("Tất cả trạng thái")),
    (selectors.OPEN, _("Đang mở (chưa xong)")),
    (selectors.OVERDUE, _("Quá hạn")),
    (selectors.DUE_SOON, _("Sắp đến hạn")),
    *TaskStatus.choices,
]
SORT_CHOICES = [
    ("deadline", _("Thời hạn sớm trước")),
    ("-deadline", _("Thời hạn muộn trước")),
    ("progress", _("Tiến độ thấp trước")),
    ("-progress", _("Tiến độ cao trước")),
    ("title", _("Tên nhiệm vụ")),
    ("-updated", _("Mới cập nhật")),
]


class TaskFilterForm(forms.Form):
    unit = PickField(
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        widget=unit_picker(),
        error_messages=UNIT_ERRORS,
    )
    scope = forms.ChoiceField(
        label=_("Phạm vi"),
        choices=[("subtree", _("Cả các đơn vị trực thuộc")), ("exact", _("Chỉ đơn vị này"))],
        required=False,
    )
    role = forms.ChoiceField(
        label=_("Vai trò"),
        choices=[
            ("", _("Chủ trì hoặc phối hợp")),
            ("lead", _("Chủ trì")),
            ("coordinating", _("Phối hợp")),
        ],
        required=False,
    )
    status = forms.ChoiceField(label=_("Trạng thái"), choices=STATUS_FILTERS, required=False)
    soon = forms.IntegerField(
        label=_("“Sắp đến hạn”: trong (ngày)"),
        min_value=1,
        max_value=365,
        required=False,
        error_messages={
            "min_value": _("Số ngày phải từ 1 đến 365."),
            "max_value": _("Số ngày phải từ 1 đến 365."),
            "invalid": _("Hãy nhập số ngày là một số nguyên."),
        },
    )
    deadline_from = VNDateField(label=_("Thời hạn từ ngày"), required=False)
    deadline_to = VNDateField(label=_("đến ngày"), required=False)
    programme = forms.ModelChoiceField(
        label=_("Chương trình"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("Tất cả chương trình"),
        error_messages={"invalid_choice": _("Không tìm thấy chương trình đã chọn.")},
    )
    text = forms.CharField(label=_("Tìm trong tên, nội dung"), max_length=200, required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .rules import filter_programmes

        self.fields["unit"].queryset = selectors.pickable_units(user)
        self.fields["programme"].queryset = filter_programmes(user, Programme.objects.all())

    def clean_text(self):
        return self.cleaned_data["text"].replace("\x00", "").strip()

    def clean(self):
        data = super().clean()
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and start > end:
            self.add_error(
                "deadline_to",
                _("Ngày “đến” (%(end)s) trước ngày “từ” (%(start)s).")
                % {"end": dates.format_vi(end), "start": dates.format_vi(start)},
            )
            data.pop("deadline_to", None)
        return data

    def filters(self) -> selectors.TaskFilters:
        """The valid part of what was asked; invalid fields are shown with their error and
        left out of the filter."""
        if not self.is_bound:
            return selectors.TaskFilters()
        self.is_valid()
        data = self.cleaned_data
        unit = data.get("unit")
        programme = data.get("programme")
        return selectors.TaskFilters(
            units=[unit] if unit else None,
            subtree=data.get("scope") != "exact",
            role=data.get("role") or "",
            status=data.get("status") or "",
            soon_days=data.get("soon") or selectors.DUE_SOON_DAYS,
            deadline_from=data.get("deadline_from"),
            deadline_to=data.get("deadline_to"),
            programme_id=programme.pk if programme else None,
            text=data.get("text") or "",
            sort=data.get("sort") or "deadline",
        )


# --- assigning ---------------------------------------------------------------------------------
ISSUER_LEAD, ISSUER_ASSIGNER = "lead", "assigner"


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Tên nhiệm vụ"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Hãy nhập tên nhiệm vụ."),
            "max_length": _(
                "Tên nhiệm vụ dài quá 500 ký tự; hãy đưa phần chi tiết vào mục Nội dung."
            ),
        },
    )
    description = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    assigned_by = PickField(
        label=_("Đơn vị giao"),
        queryset=Unit.objects.none(),
        widget=unit_picker(scope="assign"),
        error_messages={
            **UNIT_ERRORS,
            "invalid_choice": _("Bạn không có quyền giao nhiệm vụ thay cho đơn vị đã chọn."),
            "required": _("Hãy chọn đơn vị giao nhiệm vụ."),
        },
    )
    assigning_document = PickField(
        label=_("Văn bản giao"),
        queryset=Document.objects.none(),
        required=False,
        widget=Picker(
            url_name="plans:task_pick_document",
            model=Document,
            placeholder=_("Gõ số hoặc trích yếu văn bản, ví dụ 07-KH/ThU"),
        ),
        error_messages={"invalid_choice": _("Không tìm thấy văn bản đã chọn.")},
        help_text=_("Kế hoạch, nghị quyết… giao nhiệm vụ này (nếu có)."),
    )
    parent = PickField(
        label=_("Thuộc nhiệm vụ (nhiệm vụ cha)"),
        queryset=Task.objects.none(),
        required=False,
        widget=Picker(
            url_name="plans:task_pick_task",
            model=Task,
            placeholder=_("Gõ tên nhiệm vụ cha để tìm…"),
        ),
        error_messages={"invalid_choice": _("Không tìm thấy nhiệm vụ cha đã chọn.")},
    )
    programme = forms.ModelChoiceField(
        label=_("Chương trình"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("— Không thuộc chương trình nào —"),
        error_messages={"invalid_choice": _("Không tìm thấy chương trình đã chọn.")},
    )
    lead_unit = PickField(
        label=_("Đơn vị chủ trì"),
        queryset=Unit.objects.none(),
        widget=unit_picker(),
        error_messages={**UNIT_ERRORS, "required": _("Hãy chọn đơn vị chủ trì.")},
    )
    coordinating_units = PickManyField(
        label=_("Đơn vị phối hợp"),
        queryset=Unit.objects.none(),
        required=False,
        widget=unit_picker(multiple=True),
        error_messages=UNIT_ERRORS,
    )
    output_text = forms.CharField(
        label=_("Sản phẩm"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Nghị quyết chuyên đề về xây dựng thành phố “5 thông minh”."),
    )
    output_doc_type = forms.ChoiceField(
        label=_("Sản phẩm là văn bản loại"),
        required=False,
        help_text=_("Khi văn bản loại này được ban hành, nhiệm vụ tự chuyển sang hoàn thành."),
    )
    output_issued_by = forms.ChoiceField(
        label=_("Văn bản sản phẩm do ai ban hành"),
        choices=[
            (ISSUER_LEAD, _("Đơn vị chủ trì ban hành")),
            (ISSUER_ASSIGNER, _("Đơn vị giao ban hành (đơn vị chủ trì tham mưu)")),
        ],
        initial=ISSUER_LEAD,
        required=False,
        widget=forms.RadioSelect,
    )
    start_on = VNDateField(label=_("Ngày bắt đầu"), required=False)
    deadline = DeadlineField(label=_("Thời hạn"), required=False)
    weight = forms.IntegerField(
        label=_("Trọng số"),
        initial=1,
        min_value=1,
        max_value=100,
        help_text=_("Dùng khi tính tiến độ của nhiệm vụ cha từ các nhiệm vụ con (1–100)."),
        error_messages={
            "required": _("Hãy nhập trọng số (1–100)."),
            "min_value": _("Trọng số là một số nguyên từ 1 đến 100."),
            "max_value": _("Trọng số là một số nguyên từ 1 đến 100."),
            "invalid": _("Trọng số là một số nguyên từ 1 đến 100."),
        },
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, task: Task | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from trienkhai.documents.rules import filter_documents

        from .rules import filter_programmes

        self.task = task
        assignable = selectors.assignable_units(user)
        if task is not None:
            # The current assigner stays valid even if the user edits it through a parent unit
            # that has since ended or moved.
            assignable = assignable | Unit.objects.filter(pk=task.assigned_by_id)
        self.fields["assigned_by"].queryset = assignable
        pickable = selectors.pickable_units(user)
        self.fields["lead_unit"].queryset = pickable
        self.fields["coordinating_units"].queryset = pickable
        self.fields["assigning_document"].queryset = filter_documents(user, Document.objects.all())
        self.fields["parent"].queryset = selectors.visible_tasks(user)
        self.fields["programme"].queryset = filter_programmes(user, Programme.objects.all())
        self.fields["output_doc_type"].choices = [("", _("— Không phải văn bản —"))] + [
            (code, label) for code, label in type_choices()
        ]
        if task is None:
            del self.fields["revision"]

    def clean(self):
        data = super().clean()
        if data.get("output_issued_by") == ISSUER_ASSIGNER and not data.get("output_doc_type"):
            self.add_error(
                "output_issued_by",
                _("Chỉ chọn đơn vị ban hành khi sản phẩm là một văn bản (hãy chọn loại văn bản)."),
            )
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        deadline = data.get("deadline")
        issuer = None
        if data.get("output_doc_type") and data.get("output_issued_by") == ISSUER_ASSIGNER:
            issuer = data.get("assigned_by")
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "parent": data.get("parent"),
            "programme": data.get("programme"),
            "assigned_by": data["assigned_by"],
            "assigning_document": data.get("assigning_document"),
            "lead_unit": data["lead_unit"],
            "coordinating_units": list(data.get("coordinating_units") or []),
            "output_text": data.get("output_text", ""),
            "output_doc_type": data.get("output_doc_type", ""),
            "output_issuer": issuer,
            "start_on": data.get("start_on"),
            "deadline": deadline[0] if deadline else None,
            "deadline_precision": deadline[1] if deadline else Precision.DAY,
            "weight": data["weight"],
        }

    @staticmethod
    def initial_for(task: Task) -> dict:
        return {
            "title": task.title,
            "description": task.description,
            "assigned_by": task.assigned_by_id,
            "assigning_document": task.assigning_document_id,
            "parent": task.parent_id,
            "programme": task.programme_id,
            "lead_unit": task.lead_unit_id,
            "coordinating_units": list(task.coordinations.values_list("unit_id", flat=True)),
            "output_text": task.output_text,
            "output_doc_type": task.output_doc_type,
            "output_issued_by": ISSUER_ASSIGNER if task.output_issuer_id else ISSUER_LEAD,
            "start_on": task.start_on,
            "deadline": (task.deadline, task.deadline_precision) if task.deadline else "",
            "weight": task.weight,
            "revision": task.revision,
        }


# --- reporting ---------------------------------------------------------------------------------
REPORTABLE_STATUSES = [
    (value, label) for value, label in TaskStatus.choices if value != TaskStatus.DONE_LATE
]


class ProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=REPORTABLE_STATUSES,
        error_messages={"required": _("Hãy chọn trạng thái của nhiệm vụ.")},
        help_text=_("Hoàn thành sau thời hạn được ghi là “Hoàn thành chậm”."),
    )
    progress = forms.IntegerField(
        label=_("Tiến độ (%)"),
        required=False,
        error_messages={"invalid": _("Tiến độ là một số nguyên từ 0 đến 100.")},
    )
    reason = forms.CharField(
        label=_("Lý do tạm hoãn, lùi thời hạn"), max_length=500, required=False
    )
    new_deadline = DeadlineField(label=_("Thời hạn mới"), required=False)
    completed_on = VNDateField(
        label=_("Ngày hoàn thành"),
        required=False,
        help_text=_("Để trống: hôm nay."),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi hủy nhiệm vụ."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, task: Task, derived: bool, **kwargs):
        kwargs.setdefault(
            "initial",
            {"status": task.status if task.status != TaskStatus.DONE_LATE else TaskStatus.DONE,
             "progress": task.progress,
             "revision": task.revision},
        )  # fmt: skip
        super().__init__(*args, **kwargs)
        self.task = task
        if derived:
            # A parent's progress is computed from its subtasks, not typed.
            del self.fields["progress"]

    def clean_progress(self):
        value = self.cleaned_data.get("progress")
        if value is not None and value > 100:
            raise forms.ValidationError(
                _("Tiến độ %(value)s%% vượt quá 100%%. Hãy nhập một số từ 0 đến 100.")
                % {"value": value}
            )
        if value is not None and value < 0:
            raise forms.ValidationError(_("Tiến độ không được âm. Hãy nhập một số từ 0 đến 100."))
        return value

    def service_data(self) -> dict:
        data = self.cleaned_data
        deadline = data.get("new_deadline")
        return {
            "status": data["status"],
            "progress": data.get("progress"),
            "reason": data.get("reason", ""),
            "new_deadline": deadline[0] if deadline else None,
            "new_deadline_precision": deadline[1] if deadline else None,
            "completed_on": data.get("completed_on"),
            "note": data.get("note", ""),
        }


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Ý kiến, kết quả thực hiện"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={
            "required": _("Hãy nhập nội dung ý kiến (ví dụ: kết quả đã làm, tệp gửi kèm)."),
            "max_length": _("Ý kiến dài quá 5.000 ký tự; hãy gửi phần dài dưới dạng tệp."),
        },
    )
    evidence = forms.FileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx) hoặc ảnh PNG, JPEG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
        error_messages={"invalid": _("Không đọc được tệp gửi lên; hãy chọn lại tệp.")},
    )
