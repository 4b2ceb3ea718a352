"""Reading Vietnamese text (a resolution, a plan, a news article) into structured items.

A pure library: nothing here imports Django, so it runs in a script, a test or a worker alike.
`extract(text)` is the one entry point (pipeline.py); docs/extraction.md says what it finds.
"""

from .items import Assignment, Deadline, DocRef, Extraction, Quantity, Sentence
from .pipeline import clean, extract

__all__ = [
    "Assignment",
    "Deadline",
    "DocRef",
    "Extraction",
    "Quantity",
    "Sentence",
    "clean",
    "extract",
]
