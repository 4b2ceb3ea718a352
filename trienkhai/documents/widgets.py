"""A search picker for documents, people and units, built like the organisation's unit picker.

The chosen value is an ordinary radio input named after the field, so the form submits it with or
without JavaScript; htmx only fills the list of matches as one types. The search box itself is
tied to no form (`form=""`): typing in it never adds a stray `q` to a filter URL or a POST.
"""

import json

from django import forms
from django.urls import reverse

from trienkhai.org.widgets import MAX_ID


class SearchPicker(forms.Widget):
    template_name = "documents/widgets/search_picker.html"

    def __init__(
        self, *, url_name: str, model, placeholder: str = "", params: dict | None = None, attrs=None
    ):
        super().__init__(attrs)
        self.url_name = url_name
        self.model = model
        self.placeholder = placeholder
        self.params = params or {}

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if value in (None, "", []):
            return []
        return [str(getattr(value, "pk", value))]

    def label_for(self, obj) -> str:
        return str(obj)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [
            int(v) for v in context["widget"]["value"] if str(v).isdecimal() and int(v) <= MAX_ID
        ]
        chosen = list(self.model._default_manager.filter(pk__in=ids)) if ids else []
        context["widget"].update(
            {
                "chosen": [(obj.pk, self.label_for(obj)) for obj in chosen],
                "pick_url": reverse(self.url_name),
                "placeholder": self.placeholder,
                "vals": json.dumps({"field": name, **self.params}),
            }
        )
        return context
