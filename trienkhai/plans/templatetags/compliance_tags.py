"""The pieces of the compliance matrix, written in Python: a cell, a counts cell, and the rows.

A matrix page shows hundreds of each (200 units by up to 30 requirements, a counts cell per
sub-tree and requirement); an `{% include %}` apiece cost more than the queries behind the page,
and so did a tag per cell once the cells were stored. The rows of a page are drawn by one tag
each for the units and for the sub-trees, which resolve the labels and links once per page.
The markup is the same as the templates' was.
"""

from html import escape  # Django's escape() is this, behind a wrapper for lazy text

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


class _CountsWriter:
    """Counts cells, with the page's wording translated and escaped once and each number
    localised once (a matrix page writes hundreds of them with a few dozen distinct numbers)."""

    def __init__(self):
        self.numbers: dict = {}
        self.states = escape(_("đúng hạn %(d)s · chậm %(l)s · chưa đến hạn %(m)s · quá hạn %(o)s"))
        self.label = escape(_("Tỷ lệ đã ban hành"))

    def n(self, value) -> str:
        key = (type(value), value)
        if key not in self.numbers:
            self.numbers[key] = escape(_n(value))
        return self.numbers[key]

    def __call__(self, c) -> str:
        n = self.n
        head = f"<strong>{n(c.complied)}/{n(c.total)}</strong>"
        if not c.total:
            return mark_safe(head)
        states = self.states % {
            "d": n(c.done),
            "l": n(c.late),
            "m": n(c.missing),
            "o": n(c.overdue),
        }
        pct = c.pct_complied
        shown = n(pct)
        return mark_safe(
            f'{head} ({shown}%)<br><progress max="100" value="{int(pct)}" '
            f'aria-label="{self.label}">{shown}%</progress>\n'
            f'<br><span class="muted">{states}</span>'
        )


@register.simple_tag
def compliance_counts(c):
    """Units that complied out of those required, the percentage bar and the counts by state."""
    return _CountsWriter()(c)


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


class _Links:
    """Links of one kind made by replacing the id in one reversed URL (reverse() per row cost
    more than the row)."""

    MARK = 987654321

    def __init__(self, name: str):
        self.head, self.tail = reverse(name, args=[self.MARK]).split(str(self.MARK))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


class _CellWriter:
    """The state cells of one page: each state's badge translated once."""

    def __init__(self):
        self.badges = {
            state: str(
                format_html(
                    '<span class="state state-{}">{} {}</span>',
                    state,
                    ICONS.get(state, "✖"),
                    label,
                )
            )
            for state, label in ((s, str(lbl)) for s, lbl in _state_labels().items())
        }
        self.absent = str(
            format_html(
                '<span class="muted" title="{}">—</span>',
                _("Yêu cầu không áp dụng cho đơn vị này"),
            )
        )
        self.successor = str(
            format_html('<br><span class="muted">{}</span>', _("văn bản của đơn vị kế thừa"))
        )
        self.document = _Links("documents:detail")

    def __call__(self, cell) -> str:
        if cell is None:
            return self.absent
        out = self.badges[cell.state]
        doc = cell.document
        if doc:
            day = format_date(doc.issued_on, "d-m-Y") if doc.issued_on else ""
            out += (
                f'<br><a href="{escape(self.document(doc.pk))}">{escape(doc.number_text)}</a> '
                f'<span class="muted">{escape(day)}</span>'
            )
        if cell.by_successor:
            out += self.successor
        return out


def _state_labels():
    from trienkhai.plans.compliance import STATE_LABELS

    return STATE_LABELS


@register.simple_tag
def matrix_unit_rows(matrix):
    """The rows of the matrix's page: number, unit (with its end and successors), the sub-tree it
    falls in, and a cell per requirement."""
    cell_html = _CellWriter()
    unit_link = _Links("org:unit")
    ended_tag = '<br><span class="tag ended">{}</span>'
    successors_label = str(format_html('<br><span class="muted">{}</span> ', _("Kế thừa:")))
    start = matrix.page.start_index() if matrix.page else 1
    out = []
    for i, row in enumerate(matrix.rows):
        unit = row.unit
        parts = [
            f"<tr><td>{start + i}</td>\n",
            f'<td><a href="{escape(unit_link(unit.pk))}">{escape(unit.name)}</a>',
        ]
        if row.ended_note:
            parts.append(str(format_html(ended_tag, row.ended_note)))
        if row.successors:
            parts.append(successors_label)
            parts.append(
                ", ".join(
                    f'<a href="{escape(unit_link(s.pk))}">{escape(s.name)}</a>'
                    for s in row.successors
                )
            )
        parts.append("</td>\n")
        if matrix.level:
            group = row.group
            name = group.name if group and group.pk != unit.pk else ""
            parts.append(f"<td>{escape(name)}</td>")
        parts.append("\n")
        parts.extend(f"<td>{cell_html(cell)}</td>" for cell in row.cells)
        parts.append("</tr>")
        out.append("".join(parts))
    return mark_safe("".join(out))


@register.simple_tag
def matrix_group_rows(matrix):
    """A row per sub-tree: its name and its counts per requirement (and all together)."""
    ended = str(format_html(' <span class="tag ended">{}</span>', _("đã kết thúc")))
    several = len(matrix.requirements) > 1
    counts_html = _CountsWriter()
    out = []
    for g in matrix.groups:
        if g.unit:
            head = str(format_html("{}", g.unit.name)) + (ended if g.unit.ended_on else "")
        else:
            head = str(format_html("{}", g.path))
        cells = [f"<td>{counts_html(c)}</td>" for c in g.counts]
        if several:
            cells.append(f"<td>{counts_html(g.total)}</td>")
        out.append(f'<tr><th scope="row">{head}</th>{"".join(cells)}</tr>')
    return mark_safe("".join(out))
