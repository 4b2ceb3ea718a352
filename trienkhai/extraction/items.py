"""What the extractor finds: plain dataclasses with their character span in the normalised text.

`start`/`end` index the text that `extract` returns as `Extraction.text` (the normalised input),
so a page can highlight `text[start:end]` and a created task can point back to its sentence.
`as_json()` gives the documented shape of `trienkhai extract --json` (docs/extraction.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class DocRef:
    text: str  # as written in the text ("Kế hoạch số 07-KH/ThU")
    start: int
    end: int
    number: str  # canonical ("07-KH/ThU")
    type: str | None  # "KH"; None when the number carries no type code
    issuer: str  # "ThU"
    date: str | None  # "2020-08-07" when the issue date is written beside it
    system: str  # "party" or "state"
    kind: str = ""  # the document's kind as named before the number ("Kế hoạch"), if any
    title: str = ""  # the quoted or "về ..." title after it, if any

    def as_json(self) -> dict:
        return {"number": self.number, "type": self.type, "issuer": self.issuer, "date": self.date}


@dataclass(frozen=True)
class Deadline:
    text: str  # "chậm nhất đến ngày 20-9-2020"
    start: int
    end: int
    date: str  # "2020-09-20", "2020-12", "2025-Q4", "2025"
    precision: str  # "day", "month", "quarter", "year"

    def as_json(self) -> dict:
        return {"text": self.text, "date": self.date, "precision": self.precision}


@dataclass(frozen=True)
class Quantity:
    text: str  # "250 phiếu"
    start: int
    end: int
    value: int | float
    unit: str  # "phiếu", "%"

    def as_json(self) -> dict:
        return {"text": self.text, "value": self.value, "unit": self.unit}


@dataclass(frozen=True)
class Assignment:
    text: str  # the sentence (or bullet) the assignment was read from
    start: int
    end: int
    lead: str
    coordinators: tuple[str, ...]
    task: str
    deadline: str | None  # as Deadline.date
    deadline_precision: str | None = None

    def as_json(self) -> dict:
        return {
            "lead": self.lead,
            "coordinators": list(self.coordinators),
            "task": self.task,
            "deadline": self.deadline,
        }


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass
class Extraction:
    text: str  # the normalised input; every span indexes it
    doc_refs: list[DocRef] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "doc_refs": [item.as_json() for item in self.doc_refs],
            "deadlines": [item.as_json() for item in self.deadlines],
            "quantities": [item.as_json() for item in self.quantities],
            "assignments": [item.as_json() for item in self.assignments],
        }

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding character `offset` (for "linked back to the sentence")."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def spans(self) -> list[tuple[int, int, str]]:
        """Every found item as (start, end, field), sorted, for highlighting."""
        found = [(d.start, d.end, "doc_ref") for d in self.doc_refs]
        found += [(d.start, d.end, "deadline") for d in self.deadlines]
        found += [(q.start, q.end, "quantity") for q in self.quantities]
        return sorted(found)


def to_dict(item) -> dict:
    """Every attribute, spans included (the `--json` output's extra keys)."""
    return asdict(item)
