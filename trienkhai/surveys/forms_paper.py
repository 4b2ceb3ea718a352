"""Forms of the paper entry screen and of the resolution of a mismatch. Every input is a plain
text box, so what was typed comes back as typed when something is wrong; `paper_typing.parse` reads
it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import paper, paper_typing
from .responses import normalize_code

ALLOW_BLANK_LABEL = _("Phiếu để trống câu bắt buộc: vẫn ghi nhận phiếu như trên giấy")


def _widget(slot: paper_typing.Slot) -> forms.TextInput:
    attrs = {"autocomplete": "off", "class": f"paper-{slot.kind}"}
    if slot.kind in ("choice", "multi"):
        attrs.update({"inputmode": "numeric", "size": "3" if slot.kind == "choice" else "8"})
    elif slot.kind == "number":
        attrs.update({"inputmode": "decimal", "size": "8"})
    else:
        attrs.update({"size": "40"})
    if slot.maxlength:
        attrs["maxlength"] = str(slot.maxlength)
    return forms.TextInput(attrs=attrs)


class _SlotsMixin:
    """Text inputs for the questions' slots, and the rows that lay them out."""

    def _add_slots(self, item_list):
        self.slot_of = {}
        for item in item_list:
            for slot in item.slots:
                self.fields[slot.name] = forms.CharField(
                    label=slot.label, required=False, strip=False, widget=_widget(slot)
                )
                self.slot_of.setdefault(item.question.pk, slot.name)
                if slot.kind in ("choice", "multi"):
                    # For paper_entry.js, which shows the label of the number typed.
                    self.fields[slot.name].widget.attrs["data-choices"] = " | ".join(
                        f"{c.value}={c.label}" for c in item.question.choice_list
                    )

    def raw(self) -> dict:
        return {name: self.data.get(self.add_prefix(name), "") for name in self.fields}

    def rows(self, item_list):
        """(item, [(slot, bound field)]) in tab order, for the template."""
        return [(item, [(slot, self[slot.name]) for slot in item.slots]) for item in item_list]

    def put_errors(self, errors: dict[int, str], labels: dict[int, str] | None = None):
        """Put per-question messages on the question's first input; bare messages from
        `answers.validate` get the question's label in front."""
        for qid, message in errors.items():
            if labels and qid in labels:
                message = paper_typing.labelled(labels[qid], message)
            name = self.slot_of.get(qid)
            if name and name in self.fields and not self.has_error(name):
                self.add_error(name, message)
            elif not name:
                self.add_error(None, message)

    def focus(self, first: str | None = None) -> None:
        """Put the cursor on the first input with an error, else on `first`."""
        for bound in self.fields.values():
            bound.widget.attrs.pop("autofocus", None)
        target = next((name for name in self.fields if self.has_error(name)), first)
        if target in self.fields:
            self.fields[target].widget.attrs["autofocus"] = True


class PaperEntryForm(_SlotsMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã phiếu"),
        max_length=60,
        error_messages={"required": _("Xin gõ mã in trên phiếu.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "size": "14",
                "class": "paper-code",
            }
        ),
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.items = paper_typing.items(structure)
        self.labels = {item.question.pk: item.label for item in self.items}
        self._add_slots(self.items)
        self.fields["allow_blank"] = forms.BooleanField(label=ALLOW_BLANK_LABEL, required=False)
        self.parsed = None

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Xin gõ mã in trên phiếu."))
        return code

    def clean(self):
        cleaned = super().clean()
        self.parsed = paper_typing.parse(
            self.structure, self.raw(), allow_blank=bool(cleaned.get("allow_blank"))
        )
        self.put_errors(self.parsed.errors)
        return cleaned

    @property
    def blank_offer(self) -> bool:
        """Whether to offer "the paper left a required question blank"."""
        return bool(self.parsed and self.parsed.blank_required) or bool(
            self.is_bound and self.data.get("allow_blank")
        )

    def layout(self):
        return self.rows(self.items)


class PaperResolveForm(_SlotsMixin, forms.Form):
    """One choice per differing question: the first typing, the second, or a value typed
    again (with the same digits as on the entry screen)."""

    FIRST, SECOND, TYPED = "1", "2", "typed"

    def __init__(self, *args, structure, mismatch: paper.Mismatch, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.mismatch = mismatch
        differing = {row.question.pk for row in mismatch.rows}
        all_items = paper_typing.items(structure)
        self.items = [item for item in all_items if item.question.pk in differing]
        self.labels = {item.question.pk: item.label for item in all_items}
        for row in mismatch.rows:
            self.fields[f"pick_{row.question.pk}"] = forms.ChoiceField(
                label=_("Câu %(q)s: giá trị đúng") % {"q": row.label},
                required=False,
                widget=forms.RadioSelect,
                choices=[
                    (self.FIRST, _("Lần nhập 1: %(v)s") % {"v": row.first}),
                    (self.SECOND, _("Lần nhập 2: %(v)s") % {"v": row.second}),
                    (self.TYPED, _("Gõ lại giá trị đúng (ô bên dưới)")),
                ],
            )
        self._add_slots(self.items)
        self.fields["allow_blank"] = forms.BooleanField(label=ALLOW_BLANK_LABEL, required=False)
        self.resolved = None
        self.blank_required: list[int] = []

    def clean(self):
        cleaned = super().clean()
        first, second = self.mismatch.first.data, self.mismatch.second.data
        typed_ids = set()
        picks = {}
        raw = self.raw()
        for item in self.items:
            qid = item.question.pk
            pick = cleaned.get(f"pick_{qid}") or ""
            typed = any(raw.get(slot.name, "").strip() for slot in item.slots)
            if pick == self.FIRST:
                picks[qid] = first
            elif pick == self.SECOND:
                picks[qid] = second
            elif pick == self.TYPED or typed:
                typed_ids.add(qid)
            else:
                self.add_error(
                    f"pick_{qid}",
                    _("Câu %(q)s: xin chọn giá trị đúng.") % {"q": self.labels[qid]},
                )
        allow_blank = bool(cleaned.get("allow_blank"))
        if typed_ids:
            parsed = paper_typing.parse(self.structure, raw, allow_blank=True, only=typed_ids)
            self.put_errors(parsed.errors)
            picks.update(dict.fromkeys(typed_ids, parsed.data))
        self.resolved = paper_typing.merged(first, picks)
        check = paper_typing.parse_check(self.structure, self.resolved, allow_blank=allow_blank)
        self.blank_required = check.blank_required
        for qid, message in check.errors.items():
            name = f"pick_{qid}" if f"pick_{qid}" in self.fields else None
            if name is None or not self.has_error(name):
                self.add_error(name, message)
        return cleaned

    @property
    def blank_offer(self) -> bool:
        return bool(self.blank_required) or bool(self.is_bound and self.data.get("allow_blank"))

    def layout(self):
        picks = {row.question.pk: self[f"pick_{row.question.pk}"] for row in self.mismatch.rows}
        return [
            (row, picks[row.question.pk], [(s, self[s.name]) for s in item.slots])
            for row, item in zip(self.mismatch.rows, self.items, strict=True)
        ]
