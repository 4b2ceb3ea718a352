"""A dashboard's row per sub-unit, written in Python.

A province's dashboard has a row for each of its communes (168 for Hồ Chí Minh City): drawn by
the template language, cell by cell, those rows cost about as much as the queries behind them.
The markup is what the template drew.
"""

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .bars import bar

register = template.Library()

BLUE = "#0b4f9c"


@register.simple_tag
def branch_rows(branches, unit):
    """The `<tr>` of each branch: who leads, tasks, overdue, done, compliance."""
    dashboard = reverse("plans:dashboard")
    ended = format_html(' <span class="tag ended">{}</span>', _("đã kết thúc"))
    outside = _("Giao cho đơn vị ngoài phạm vi (ví dụ cơ quan chính quyền)")
    itself = _("%(name)s (trực tiếp chủ trì)") % {"name": unit.name}
    rows = []
    for b in branches:
        if b.unit:
            who = format_html('<a href="{}?unit={}">{}</a>', dashboard, b.unit.pk, b.unit.name)
            if b.unit.ended_on:
                who += ended
        else:
            who = format_html("{}", outside if b.outside else itself)
        overdue = format_html("<strong>{}</strong>", localize(b.overdue)) if b.overdue else "0"
        done = (
            format_html("{}% {}", localize(b.done_percent), bar(b.done_percent)) if b.tasks else "—"
        )
        complied = (
            format_html(
                "{}/{} ({}%) {}",
                localize(b.fulfilled),
                localize(b.cells),
                localize(b.compliance_percent),
                bar(b.compliance_percent, BLUE),
            )
            if b.cells
            else "—"
        )
        rows.append(
            format_html(
                "<tr>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n</tr>",
                who,
                localize(b.tasks),
                overdue,
                done,
                complied,
            )
        )
    return mark_safe("".join(rows))
