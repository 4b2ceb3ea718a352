"""The two small pieces of the compliance matrix, written in Python: a cell and a counts cell.

A matrix page shows hundreds of each (200 units by up to 30 requirements, a counts cell per
sub-tree and requirement); an `{% include %}` apiece cost more than the queries behind the page.
The markup is the same as it was in the partial templates, which now call these tags.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

ICONS = {"done": "✔", "late": "◐", "missing": "○"}


def _n(value) -> str:
    """A number as a template writes it (a count is a plain int unless thousands are grouped)."""
    if isinstance(value, int) and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return localize(value)


@register.simple_tag
def compliance_counts(c):
    """Units that complied out of those required, the percentage bar and the counts by state."""
    head = format_html("<strong>{}/{}</strong>", _n(c.complied), _n(c.total))
    if not c.total:
        return head
    states = _("đúng hạn %(d)s · chậm %(l)s · chưa đến hạn %(m)s · quá hạn %(o)s") % {
        "d": _n(c.done),
        "l": _n(c.late),
        "m": _n(c.missing),
        "o": _n(c.overdue),
    }
    pct = c.pct_complied
    return format_html(
        '{} ({}%)<br><progress max="100" value="{}" aria-label="{}">{}%</progress>\n'
        '<br><span class="muted">{}</span>',
        head,
        localize(pct),
        str(int(pct)),
        _("Tỷ lệ đã ban hành"),
        localize(pct),
        states,
    )


@register.simple_tag
def compliance_cell(cell):
    """One unit's state for one requirement, with the document that decided it."""
    if cell is None:
        return format_html(
            '<span class="muted" title="{}">—</span>',
            _("Yêu cầu không áp dụng cho đơn vị này"),
        )
    parts = [
        format_html(
            '<span class="state state-{}">{} {}</span>',
            cell.state,
            ICONS.get(cell.state, "✖"),
            cell.label,
        )
    ]
    if cell.document:
        parts.append(
            format_html(
                '<br><a href="{}">{}</a> <span class="muted">{}</span>',
                reverse("documents:detail", args=[cell.document.pk]),
                cell.document.number_text,
                format_date(cell.document.issued_on, "d-m-Y") if cell.document.issued_on else "",
            )
        )
    if cell.by_successor:
        parts.append(
            format_html('<br><span class="muted">{}</span>', _("văn bản của đơn vị kế thừa"))
        )
    return mark_safe("".join(parts))
