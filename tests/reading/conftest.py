"""The world of the reading tests: the persona tree with its State side and a second province,
the city's plan 07-KH/ThU, and a text read for it.

Tỉnh ủy Bến Tre ↔ Tỉnh Bến Tre → UBND tỉnh Bến Tre → Sở Nội vụ, Sở Xây dựng tỉnh Bến Tre
Thành ủy Bến Tre ↔ Thành phố Bến Tre → UBND thành phố Bến Tre, Phường An Hội → UBND phường
Tỉnh Tiền Giang → UBND tỉnh Tiền Giang → Sở Nội vụ tỉnh Tiền Giang; Thành phố Mỹ Tho → UBND
"""

import datetime as dt

import pytest

from trienkhai.documents import services as documents
from trienkhai.extraction.items import (
    Assignment,
    Deadline,
    DocRef,
    Extraction,
    Quantity,
    Sentence,
)
from trienkhai.org import services as org
from trienkhai.org.models import Unit, UnitKind
from trienkhai.reading import services
from trienkhai.reading.models import Reading

D = dt.date

# The brief's example, in two sentences.
TEXT = (
    "Giao UBND thành phố chủ trì, phối hợp với Sở Nội vụ xây dựng kế hoạch tuyên truyền, "
    "hoàn thành trước ngày 30-9-2020. Thành phố tổ chức 11 lớp quán triệt theo Kế hoạch số "
    "07-KH/ThU, ngày 7-8-2020."
)


def _unit(parent, kind, name, **kwargs):
    return org.unit_create(actor=None, parent=parent, kind=kind, name=name, **kwargs)


@pytest.fixture
def world(tree):
    w = tree
    w.state_province = _unit(None, UnitKind.PROVINCE, "Tỉnh Bến Tre")
    w.province_committee = _unit(
        w.state_province, UnitKind.PEOPLES_COMMITTEE, "UBND tỉnh Bến Tre", short_name="UBND"
    )
    w.home_affairs = _unit(w.province_committee, UnitKind.DEPARTMENT, "Sở Nội vụ tỉnh Bến Tre")
    w.construction = _unit(w.province_committee, UnitKind.DEPARTMENT, "Sở Xây dựng tỉnh Bến Tre")
    w.state_city = _unit(w.state_province, UnitKind.DISTRICT, "Thành phố Bến Tre")
    w.city_committee = _unit(
        w.state_city, UnitKind.PEOPLES_COMMITTEE, "Ủy ban nhân dân thành phố Bến Tre"
    )
    w.state_ward = _unit(w.state_city, UnitKind.COMMUNE, "Phường An Hội")
    w.ward_committee = _unit(w.state_ward, UnitKind.PEOPLES_COMMITTEE, "UBND Phường An Hội")
    # Elsewhere: the same kinds of units, which a Bến Tre text does not mean.
    w.other_province = _unit(None, UnitKind.PROVINCE, "Tỉnh Tiền Giang")
    w.other_committee = _unit(w.other_province, UnitKind.PEOPLES_COMMITTEE, "UBND tỉnh Tiền Giang")
    w.other_home_affairs = _unit(
        w.other_committee, UnitKind.DEPARTMENT, "Sở Nội vụ tỉnh Tiền Giang"
    )
    w.other_city = _unit(w.other_province, UnitKind.DISTRICT, "Thành phố Mỹ Tho")
    w.other_city_committee = _unit(
        w.other_city, UnitKind.PEOPLES_COMMITTEE, "UBND thành phố Mỹ Tho"
    )
    Unit.objects.filter(pk=w.city.pk).update(counterpart=w.state_city)
    Unit.objects.filter(pk=w.province.pk).update(counterpart=w.state_province)
    Unit.objects.filter(pk=w.ward.pk).update(counterpart=w.state_ward)
    for name in ("city", "province", "ward"):
        setattr(w, name, Unit.objects.get(pk=getattr(w, name).pk))
    w.plan = documents.document_register(
        actor=None,
        owner_unit=w.city,
        issuer_unit=w.city,
        number_text="07-KH/ThU",
        issued_on=D(2020, 8, 7),
        summary="Kế hoạch quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII",
    )
    w.followup = documents.document_register(
        actor=None,
        owner_unit=w.city,
        issuer_unit=w.city,
        number_text="09-KH/ThU",
        issued_on=D(2020, 8, 20),
        summary="Kế hoạch tuyên truyền kết quả Đại hội",
    )
    return w


def span(text: str, phrase: str, after: int = 0) -> tuple[int, int]:
    start = text.index(phrase, after)
    return start, start + len(phrase)


def found_for_text() -> Extraction:
    """What the extractor finds in TEXT, written out, so the service tests do not depend on the
    rules of the day."""
    first_end = TEXT.index("2020.") + len("2020.")
    d_start, d_end = span(TEXT, "hoàn thành trước ngày 30-9-2020")
    deadline = Deadline(TEXT[d_start:d_end], d_start, d_end, "2020-09-30", "day")
    ref_start, ref_end = span(TEXT, "Kế hoạch số 07-KH/ThU")
    q_start, q_end = span(TEXT, "11 lớp")
    return Extraction(
        text=TEXT,
        doc_refs=[
            DocRef(
                text="Kế hoạch số 07-KH/ThU",
                start=ref_start,
                end=ref_end,
                number="07-KH/ThU",
                type="KH",
                issuer="ThU",
                date="2020-08-07",
                system="party",
                kind="Kế hoạch",
            )
        ],
        deadlines=[deadline],
        quantities=[Quantity("11 lớp", q_start, q_end, 11, "lớp")],
        assignments=[
            Assignment(
                text=TEXT[:first_end],
                start=0,
                end=first_end,
                lead="UBND thành phố",
                coordinators=("Sở Nội vụ",),
                task="xây dựng kế hoạch tuyên truyền, hoàn thành trước ngày 30-9-2020",
                deadline="2020-09-30",
                deadline_precision="day",
            )
        ],
        sentences=[Sentence(0, first_end), Sentence(first_end + 1, len(TEXT))],
    )


def make_reading(unit, *, document=None, found: Extraction | None = None, actor=None) -> Reading:
    """A reading stored as `reading_create` stores it, with the given items."""
    found = found or found_for_text()
    return Reading.objects.create(
        unit=unit,
        document=document,
        text=found.text,
        found=services.found_as_json(found),
        created_by=actor,
    )
