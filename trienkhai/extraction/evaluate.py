"""Scoring the extractor against hand-annotated texts (docs/extraction.md, "Scoring").

Items are matched one to one per text: an extracted item takes the first annotated item it
matches that no other item took. Precision = matched / extracted, recall = matched / annotated.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = ("doc_refs", "deadlines", "quantities", "assignments")


def fold(text: str) -> str:
    """Lower case, no diacritics, one space: how leads are compared."""
    text = (text or "").replace("Đ", "D").replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s,]+", " ", text.lower()).strip()


def _unit_words(unit: str) -> list[str]:
    return re.sub(r"[,;]", " ", unicodedata.normalize("NFC", unit or "").lower()).split()


def _same_number(a, b) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


def matches(field_name: str, got: dict, want: dict) -> bool:
    """Whether an extracted item counts as the annotated one (the table in docs/extraction.md)."""
    if field_name == "doc_refs":
        return all(got.get(k) == want.get(k) for k in ("number", "type", "issuer", "date"))
    if field_name == "deadlines":
        return got.get("date") == want.get("date") and got.get("precision") == want.get("precision")
    if field_name == "quantities":
        if not _same_number(got.get("value"), want.get("value")):
            return False
        a, b = _unit_words(got.get("unit")), _unit_words(want.get("unit"))
        short, long = sorted((a, b), key=len)
        return bool(short) and long[: len(short)] == short
    if field_name == "assignments":
        a, b = fold(got.get("lead")), fold(want.get("lead"))
        return bool(a and b) and (a in b or b in a) and got.get("deadline") == want.get("deadline")
    raise ValueError(field_name)


@dataclass
class Score:
    matched: int = 0
    extracted: int = 0
    annotated: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.annotated if self.annotated else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict:
        return {
            "matched": self.matched,
            "extracted": self.extracted,
            "annotated": self.annotated,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def score_one(name: str, got: dict, want: dict, scores: dict[str, Score]) -> None:
    """Add one text's items to `scores`, noting what was wrong for the verbose report."""
    for field_name in FIELDS:
        score = scores[field_name]
        extracted, annotated = got.get(field_name, []), want.get(field_name, [])
        score.extracted += len(extracted)
        score.annotated += len(annotated)
        taken = [False] * len(annotated)
        for item in extracted:
            for i, wanted in enumerate(annotated):
                if not taken[i] and matches(field_name, item, wanted):
                    taken[i] = True
                    score.matched += 1
                    break
            else:
                score.misses.append(f"{name}: extra {json.dumps(item, ensure_ascii=False)}")
        for i, wanted in enumerate(annotated):
            if not taken[i]:
                score.misses.append(f"{name}: missed {json.dumps(wanted, ensure_ascii=False)}")


def corpus_files(directory: Path) -> list[tuple[Path, Path]]:
    """Every text with its annotation under `directory` (recursively), sorted."""
    pairs = []
    for text_path in sorted(directory.rglob("*.txt")):
        annotation = text_path.with_suffix(".json")
        if annotation.exists():
            pairs.append((text_path, annotation))
    return pairs


def evaluate(directory: Path, read, extract) -> tuple[dict[str, Score], int]:
    """Scores per field over the corpus under `directory`, and the number of texts.

    `read(path) -> str` and `extract(text) -> Extraction` are passed in, so the command uses the
    same readers as the pages.
    """
    scores = {name: Score() for name in FIELDS}
    pairs = corpus_files(directory)
    for text_path, annotation_path in pairs:
        want = json.loads(annotation_path.read_text(encoding="utf-8"))
        got = extract(read(text_path)).as_json()
        score_one(str(text_path.relative_to(directory)), got, want, scores)
    return scores, len(pairs)
