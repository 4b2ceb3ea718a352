"""The one entry point: text in, every found item out, with spans into the cleaned text."""

from __future__ import annotations

from .assignments import find_assignments
from .datetext import find_dates, first_year
from .deadlines import find_deadlines
from .doc_refs import find_doc_refs
from .items import Extraction
from .normalise import normalise
from .quantities import find_quantities
from .sentences import split_sentences

try:  # the legacy-encoding repair (TCVN3, VNI) is optional until its module lands
    from .legacy import repair as _repair
except ImportError:  # pragma: no cover

    def _repair(text: str) -> str:
        return text


def clean(text: str) -> str:
    """Legacy encodings repaired, then one spelling (normalise.py); "\\r\\n" → "\\n"."""
    return normalise(_repair(text.replace("\r\n", "\n").replace("\r", "\n")))


def extract(text: str) -> Extraction:
    """Read `text` (any spelling) and propose its structure. Never raises on odd input."""
    text = clean(text if isinstance(text, str) else "")
    dates = find_dates(text, year_hint=first_year(text))
    issue_dates: set[tuple[int, int]] = set()
    doc_refs = find_doc_refs(text, dates, issue_dates)
    deadlines = find_deadlines(text, dates, issue_dates)
    excluded = [(d.start, d.end) for d in dates]
    excluded += [(r.start, r.end) for r in doc_refs]
    excluded += _all_number_spans(text)
    quantities = find_quantities(text, excluded)
    sentences = split_sentences(text)
    assignments = find_assignments(text, sentences, deadlines)
    return Extraction(
        text=text,
        doc_refs=doc_refs,
        deadlines=deadlines,
        quantities=quantities,
        assignments=assignments,
        sentences=sentences,
    )


def _all_number_spans(text: str) -> list[tuple[int, int]]:
    """Every mention of a document number, not only the first (quantities skip them all)."""
    from .doc_refs import _PARTY, _STATE

    return [m.span() for m in _PARTY.finditer(text)] + [m.span() for m in _STATE.finditer(text)]
