"""The unit picker: a search box that lists matching units as radio buttons (or checkboxes).

It works as a plain form control: the chosen units are ordinary inputs named after the field,
so the form submits them with or without JavaScript; htmx only fills the list as one types.
"""

from django import forms
from django.urls import reverse

from .models import Unit

MAX_ID = 2**63 - 1


class UnitPicker(forms.Widget):
    template_name = "org/widgets/unit_picker.html"

    def __init__(self, attrs=None, multiple: bool = False):
        super().__init__(attrs)
        self.multiple = multiple

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
        # Only ids the database can hold: "²" passes isdigit() but not int(), and a 25-digit
        # number overflows the column; the field itself reports such values as invalid.
        ids = [
            int(v) for v in context["widget"]["value"] if str(v).isdecimal() and int(v) <= MAX_ID
        ]
        # Only units the field may offer are named back: an id typed into the form for a unit
        # outside the user's scope must not reveal that unit's name.
        allowed = getattr(getattr(self, "choices", None), "queryset", None)
        base = allowed if allowed is not None else Unit.objects.none()
        chosen = list(base.filter(pk__in=ids).order_by("name")) if ids else []
        context["widget"].update(
            {
                "chosen": chosen,
                "multiple": self.multiple,
                "input_type": "checkbox" if self.multiple else "radio",
                "pick_url": reverse("org:pick"),
            }
        )
        return context
