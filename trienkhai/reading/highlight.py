"""The read text as HTML: every sentence a target (`#s<start>`), found items marked in it.

Built from spans, escaping every piece of the text: nothing typed or uploaded reaches the page
as markup. Items that overlap an earlier one are left unmarked rather than nested wrongly.
"""

from __future__ import annotations

from bisect import bisect_right

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from trienkhai.extraction.items import Extraction

KINDS = {
    "doc_ref": _("Số hiệu văn bản"),
    "deadline": _("Thời hạn"),
    "quantity": _("Số lượng"),
}


def _items(found: Extraction) -> list[tuple[int, int, str]]:
    items = []
    for start, end, kind in found.spans():
        if 0 <= start < end <= len(found.text):
            items.append((start, end, kind))
    items.sort()
    kept, last_end = [], -1
    for start, end, kind in items:
        if start >= last_end:
            kept.append((start, end, kind))
            last_end = end
    return kept


def _marked(text: str, start: int, end: int, items, ends: list[int]) -> str:
    out, at = [], start
    # Items do not overlap and are sorted, so their ends are too: start at the first one that
    # ends inside this stretch (a long text has thousands of sentences and items).
    for index in range(bisect_right(ends, start), len(items)):
        a, b, kind = items[index]
        if a >= end:
            break
        a, b = max(a, start), min(b, end)
        if a >= b or a < at:
            continue
        out.append(conditional_escape(text[at:a]))
        out.append(
            format_html('<mark class="hl hl-{}" title="{}">{}</mark>', kind, KINDS[kind], text[a:b])
        )
        at = b
    out.append(conditional_escape(text[at:end]))
    return "".join(out)


def render(found: Extraction, *, linked: set[int] = frozenset()) -> SafeString:
    """The text with its sentences and items marked. `linked` holds the starts of sentences
    something was created from."""
    text = found.text
    items = _items(found)
    ends = [end for _start, end, _kind in items]
    assignment_starts = set()
    for a in found.assignments:
        sentence = found.sentence_at(a.start)
        assignment_starts.add(sentence.start if sentence else a.start)
    sentences = sorted(
        (s for s in found.sentences if 0 <= s.start < s.end <= len(text)), key=lambda s: s.start
    )
    out, at = [], 0
    for sentence in sentences:
        if sentence.start < at:
            continue
        out.append(_marked(text, at, sentence.start, items, ends))
        classes = ["sentence"]
        if sentence.start in assignment_starts:
            classes.append("hl-assignment")
        if sentence.start in linked:
            classes.append("linked")
        out.append(
            format_html(
                '<span class="{}" id="s{}">{}</span>',
                " ".join(classes),
                sentence.start,
                mark_safe(_marked(text, sentence.start, sentence.end, items, ends)),  # noqa: S308 - escaped in _marked
            )
        )
        at = sentence.end
    out.append(_marked(text, at, len(text), items, ends))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above
