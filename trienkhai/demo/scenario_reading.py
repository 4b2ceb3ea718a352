"""The founding scenario read as text: the demo's article about the city's plan, read on
07-KH/ThU, waiting on the review screen with its proposals (nothing is created from it: that is
the click the demo leaves to its visitor).

The text (`demo_data/ben-tre-cu-the-hoa.txt`) is written for the demo in the genre of the
provincial newspaper's article and carries its facts; see the note at its top. Built through
`trienkhai.reading.services` (actor=None), as a clerk pasting it would.
"""

from pathlib import Path

from django.db import transaction

from trienkhai.documents.models import Document
from trienkhai.reading import services
from trienkhai.reading.models import Reading

from .scenario_documents import D

TEXT_FILE = Path(__file__).resolve().parent / "demo_data" / "ben-tre-cu-the-hoa.txt"
PLAN_NUMBER, PLAN_DAY = "07-KH/ThU", D(2020, 8, 7)


def plan_document() -> Document | None:
    return Document.objects.filter(number_text=PLAN_NUMBER, issued_on=PLAN_DAY).first()


def is_loaded() -> bool:
    return Reading.objects.filter(source_name=TEXT_FILE.name, document=plan_document()).exists()


@transaction.atomic
def load_reading_scenario() -> bool:
    """Read the demo's article on 07-KH/ThU; False when done already, or when the document or
    the text is not there (a partial data set)."""
    document = plan_document()
    if document is None or not TEXT_FILE.exists() or is_loaded():
        return False
    services.reading_create(
        actor=None,
        unit=document.owner_unit,
        document=document,
        text=TEXT_FILE.read_text(encoding="utf-8"),
        source_name=TEXT_FILE.name,
    )
    return True
