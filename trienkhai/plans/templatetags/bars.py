"""The progress bar of the dashboards and results pages, written in Python.

A province's dashboard draws two bars on each of its communes' rows: as an `{% include %}` each,
those 336 bars cost more than the query behind the table. The markup is what the partial drew:
an SVG with attributes only, since the page's Content-Security-Policy allows no inline style.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html

register = template.Library()

GREEN = "#1d6b36"


def _width(pct) -> str:
    """The bar's length out of 100, as SVG reads a number (a dot, never a decimal comma)."""
    try:
        value = float(str(pct).replace(",", "."))
    except ValueError:
        return "0"
    value = min(max(value, 0.0), 100.0)
    return f"{value:g}"


@register.simple_tag
def bar(pct, color=""):
    """`{% bar 45 %}` or `{% bar pct "#0b4f9c" %}`: a bar filled to `pct` percent."""
    return format_html(
        '<svg class="bar" width="100%" height="10" viewBox="0 0 100 10" preserveAspectRatio="none"'
        ' role="img" aria-label="{}%"><rect width="100" height="10" fill="#e3e6ea"/>'
        '<rect width="{}" height="10" fill="{}"/></svg>',
        localize(pct),
        _width(pct),
        color or GREEN,
    )
