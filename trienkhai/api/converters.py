"""Path converters of the API."""

from django.urls import register_converter


class IdConverter:
    """An object id: at most 18 digits, so no id overflows the database's 64-bit integers."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
