"""Forms of the review: one small form per proposal, and the form that holds them all.

The review is one HTML form holding a row form per proposal (prefix "ref_0", "task_2",
"ind_1"), each with an "include" box; the fields of a row that is not included are ignored,
whatever they hold. The forms parse what is typed; `apply.py` and the services it calls check
what it means.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import RelationKind
from trienkhai.lib import dates
from trienkhai.org.forms import VNDateField
from trienkhai.org.models import Unit
from trienkhai.plans.forms_programmes import NumberField
from trienkhai.plans.forms_tasks import (
    UNIT_ERRORS,
    DeadlineField,
    PickField,
    PickManyField,
    unit_picker,
)
from trienkhai.plans.models import Direction, Programme
from trienkhai.plans.selectors_tasks import pickable_units

from .apply import ApplyRefused, ChosenIndicator, ChosenReference, ChosenTask
from .proposals import LINK, Proposals
from .proposals import NEW as NEW_REFERENCE

NEW = "new"


class _Row(forms.Form):
    include = forms.BooleanField(label=_("Tạo"), required=False)
    required_when_included: dict = {}

    def add_prefix(self, field_name):
        # "task_0_lead_unit", not "task_0-lead_unit": the unit picker's search names its
        # results after the field, and accepts only letters, digits and "_" in that name.
        return f"{self.prefix}_{field_name}" if self.prefix else field_name

    def included(self) -> bool:
        if not self.is_bound:
            return bool(self.initial.get("include"))
        field = self.fields["include"]
        return bool(
            field.clean(
                field.widget.value_from_datadict(self.data, self.files, self.add_prefix("include"))
            )
        )

    def clean(self):
        data = super().clean()
        if data.get("include"):
            for name, message in self.required_when_included.items():
                if name in self.fields and name not in self.errors and not data.get(name):
                    self.add_error(name, message)
        return data


class ReferenceRow(_Row):
    target = forms.ChoiceField(label=_("Văn bản trong sổ"), required=False)
    kind = forms.ChoiceField(
        label=_("Quan hệ của văn bản đang đọc với văn bản này"),
        choices=RelationKind.choices,
        required=False,
    )
    number_text = forms.CharField(label=_("Số, ký hiệu"), max_length=80, required=False)
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    issued_on = VNDateField(label=_("Ngày ban hành"), required=False)
    summary = forms.CharField(
        label=_("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, proposal, with_relation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.with_relation = with_relation
        choices = [("", _("— Chọn văn bản —"))] if len(proposal.candidates) > 1 else []
        choices += [(str(d.pk), f"{d.number_text} — {d.summary[:90]}") for d in proposal.candidates]
        if not proposal.candidates:
            choices = [(NEW, _("Vào sổ như văn bản mới của cơ quan khác"))]
        self.fields["target"].choices = choices
        if not with_relation:
            del self.fields["kind"]
        if proposal.candidates:
            for name in ("number_text", "issuer_name", "issued_on", "summary"):
                del self.fields[name]

    @property
    def is_new(self) -> bool:
        return not self.proposal.candidates

    def clean(self):
        data = super().clean()
        if not data.get("include"):
            return data
        if not data.get("target"):
            self.add_error("target", _("Hãy chọn văn bản trong sổ."))
        if self.with_relation and not data.get("kind"):
            self.add_error("kind", _("Hãy chọn quan hệ giữa hai văn bản."))
        if self.is_new:
            needed = {
                "number_text": _("Hãy nhập số, ký hiệu văn bản."),
                "issuer_name": _("Hãy nhập tên cơ quan ban hành."),
                "issued_on": _("Hãy nhập ngày ban hành."),
                "summary": _("Hãy nhập trích yếu nội dung văn bản."),
            }
            for name, message in needed.items():
                if name not in self.errors and not data.get(name):
                    self.add_error(name, message)
        return data

    def chosen(self) -> ChosenReference:
        data = self.cleaned_data
        target = None
        if not self.is_new:
            target = next(
                (d for d in self.proposal.candidates if str(d.pk) == data.get("target")), None
            )
        return ChosenReference(
            prefix=self.prefix,
            start=self.proposal.sentence[0],
            end=self.proposal.sentence[1],
            target=target,
            kind=data.get("kind", "") if self.with_relation else "",
            new={
                "number_text": data.get("number_text", ""),
                "issuer_name": data.get("issuer_name", ""),
                "issued_on": data.get("issued_on"),
                "summary": data.get("summary", ""),
            }
            if self.is_new
            else None,
        )

    @staticmethod
    def initial_for(proposal) -> dict:
        initial = {"include": proposal.checked, "kind": proposal.kind}
        if proposal.target is not None:
            initial["target"] = str(proposal.target.pk)
        if not proposal.candidates:
            initial.update({"target": NEW, **proposal.new})
        return initial


class TaskRow(_Row):
    title = forms.CharField(
        label=_("Tên nhiệm vụ"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _(
                "Tên nhiệm vụ dài quá 500 ký tự; hãy đưa phần chi tiết vào mục Nội dung."
            )
        },
    )
    lead_unit = PickField(
        label=_("Đơn vị chủ trì"),
        queryset=Unit.objects.none(),
        required=False,
        widget=unit_picker(),
        error_messages=UNIT_ERRORS,
    )
    coordinating_units = PickManyField(
        label=_("Đơn vị phối hợp"),
        queryset=Unit.objects.none(),
        required=False,
        widget=unit_picker(multiple=True),
        error_messages=UNIT_ERRORS,
    )
    deadline = DeadlineField(label=_("Thời hạn"), required=False)
    required_when_included = {
        "title": _("Hãy nhập tên nhiệm vụ."),
        "lead_unit": _("Hãy chọn đơn vị chủ trì."),
    }

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        units = pickable_units(user)
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units

    def chosen(self) -> ChosenTask:
        data = self.cleaned_data
        deadline = data.get("deadline")
        return ChosenTask(
            prefix=self.prefix,
            start=self.proposal.sentence[0],
            end=self.proposal.sentence[1],
            title=data.get("title", ""),
            lead_unit=data.get("lead_unit"),
            coordinating_units=list(data.get("coordinating_units") or []),
            deadline=deadline[0] if deadline else None,
            deadline_precision=deadline[1] if deadline else dates.DAY,
        )

    @staticmethod
    def initial_for(proposal) -> dict:
        lead = proposal.lead.unit
        coordinators = []
        for match in proposal.coordinators:
            unit = match.unit
            if unit is not None and unit != lead and unit.pk not in coordinators:
                coordinators.append(unit.pk)
        return {
            "include": proposal.checked,
            "title": proposal.title,
            "lead_unit": lead.pk if lead else None,
            "coordinating_units": coordinators,
            "deadline": proposal.deadline or "",
        }


class IndicatorRow(_Row):
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300, required=False)
    target_value = NumberField(label=_("Giá trị mục tiêu"), required=False)
    measure_unit = forms.CharField(label=_("Đơn vị tính"), max_length=50, required=False)
    direction = forms.ChoiceField(label=_("Hướng"), choices=Direction.choices, required=False)
    deadline = DeadlineField(label=_("Thời hạn đạt"), required=False)
    programme = forms.ModelChoiceField(
        label=_("Chương trình"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("— Không thuộc chương trình nào —"),
        error_messages={"invalid_choice": _("Không tìm thấy chương trình đã chọn.")},
    )
    required_when_included = {
        "name": _("Hãy nhập tên chỉ tiêu."),
        "target_value": _("Hãy nhập giá trị mục tiêu của chỉ tiêu."),
        "measure_unit": _("Hãy nhập đơn vị tính."),
        "direction": _("Hãy chọn hướng của chỉ tiêu."),
        "deadline": _(
            "Chỉ tiêu có mục tiêu thì phải có thời hạn đạt, ví dụ: 2020, 12-2020 hoặc quý IV/2020."
        ),
    }

    def __init__(self, *args, proposal, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["programme"].queryset = Programme.objects.filter(
            pk__in=[p.pk for p in programmes]
        )
        if not programmes:
            del self.fields["programme"]

    def chosen(self) -> ChosenIndicator:
        data = self.cleaned_data
        deadline = data.get("deadline")
        return ChosenIndicator(
            prefix=self.prefix,
            start=self.proposal.sentence[0],
            end=self.proposal.sentence[1],
            name=data.get("name", ""),
            target_value=data.get("target_value"),
            measure_unit=data.get("measure_unit", ""),
            direction=data.get("direction") or Direction.AT_LEAST,
            target_date=deadline[0] if deadline else None,
            target_precision=deadline[1] if deadline else dates.YEAR,
            programme=data.get("programme"),
        )

    @staticmethod
    def initial_for(proposal) -> dict:
        return {
            "include": proposal.checked,
            "name": proposal.name,
            "target_value": proposal.target_value,
            "measure_unit": proposal.measure_unit,
            "direction": proposal.direction,
            "deadline": proposal.deadline or "",
            "programme": proposal.programme.pk if proposal.programme else None,
        }


class ReviewForm:
    """Every proposal's row form, built from the proposals (and the POST, when applying)."""

    def __init__(self, proposals: Proposals, *, user, data=None):
        self.proposals = proposals
        bound = data is not None
        with_relation = proposals.reading.document is not None
        self.references = [
            ReferenceRow(
                data if bound else None,
                prefix=p.prefix,
                initial=ReferenceRow.initial_for(p),
                proposal=p,
                with_relation=with_relation,
            )
            for p in proposals.references
            if p.mode in (LINK, NEW_REFERENCE)
        ]
        self.tasks = [
            TaskRow(
                data if bound else None,
                prefix=p.prefix,
                initial=TaskRow.initial_for(p),
                proposal=p,
                user=user,
            )
            for p in proposals.tasks
        ]
        self.indicators = [
            IndicatorRow(
                data if bound else None,
                prefix=p.prefix,
                initial=IndicatorRow.initial_for(p),
                proposal=p,
                programmes=proposals.programmes,
            )
            for p in proposals.indicators
        ]
        self.non_field_errors: list[str] = []

    @property
    def rows(self):
        return [*self.references, *self.tasks, *self.indicators]

    def by_prefix(self, prefix: str):
        return next((row for row in self.rows if row.prefix == prefix), None)

    def is_valid(self) -> bool:
        """True when every included row is valid (rows left out are not checked)."""
        ok = True
        for row in self.rows:
            if row.included() and not row.is_valid():
                ok = False
        if ok and not any(row.included() for row in self.rows):
            self.non_field_errors.append(
                _("Chưa chọn mục nào để tạo: hãy đánh dấu ô “Tạo” ở những mục cần tạo.")
            )
            ok = False
        return ok

    def chosen(self) -> dict:
        included = [row for row in self.rows if row.included()]
        return {
            "references": [r.chosen() for r in included if isinstance(r, ReferenceRow)],
            "tasks": [r.chosen() for r in included if isinstance(r, TaskRow)],
            "indicators": [r.chosen() for r in included if isinstance(r, IndicatorRow)],
        }

    def add_refusal(self, refused: ApplyRefused) -> None:
        for prefix, error in refused.rows.items():
            row = self.by_prefix(prefix)
            if row is None:
                self.non_field_errors.extend(error.messages)
                continue
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    target = _FIELD_ALIASES.get(name, name)
                    for err in errors:
                        row.add_error(target if target in row.fields else None, err)
            else:
                for message in error.messages:
                    row.add_error(None, message)
        self.non_field_errors.append(
            _("Chưa tạo mục nào: hãy sửa các mục được báo lỗi bên dưới rồi bấm tạo lại.")
        )

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.is_bound and row.errors)


# Service field names that the review rows call otherwise.
_FIELD_ALIASES = {
    "target_date": "deadline",
    "deadline_precision": "deadline",
    "unit": "programme",
}
