"""Sentences, clauses and lines with their spans: the units an assignment is read from.

A sentence ends at ".", "!", "?" followed by a space and a capital or a line break, or at a line
break (paragraphs, bullets and table rows are one line each). Abbreviations with a dot
("TP. Bến Tre", "Tp. Hồ Chí Minh", "TS. ...") and numbers ("1.250", "2.1.") do not end one.
A clause is a part of a sentence between semicolons: plans list several assignments that way.
"""

from __future__ import annotations

import re

from .items import Sentence

_ABBREVIATIONS = {"tp", "tx", "tt", "ts", "ths", "pgs", "gs", "bs", "ks", "q", "h", "p", "x", "đ/c"}
_END = re.compile(r"[.!?…]+(?=[\s\"”)]*(?:\n|\s+[A-ZĐÀ-Ỹ“\"(\-•+]))|\n+")


def split_sentences(text: str) -> list[Sentence]:
    """Sentence spans covering every non-blank stretch of `text`, trimmed of outer spaces."""
    spans: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        if m.group(0)[0] == "." and m.group(0) == ".":
            word = re.search(r"(\S+)$", text[start : m.start()])
            if word and (
                word.group(1).lower().lstrip("(") in _ABBREVIATIONS or word.group(1).isdigit()
            ):
                continue
        _add(spans, text, start, m.end() if m.group(0)[0] != "\n" else m.start())
        start = m.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append(Sentence(start + lead, start + lead + len(stripped)))


def split_clauses(text: str, sentence: Sentence) -> list[Sentence]:
    """The semicolon-separated clauses of a sentence."""
    out = []
    start = sentence.start
    for m in re.finditer(r";", text[sentence.start : sentence.end]):
        _add(out, text, start, sentence.start + m.start())
        start = sentence.start + m.end()
    _add(out, text, start, sentence.end)
    return out
