"""From what was found to what is proposed: references matched to the register (or new), tasks
with units matched to the tree, targets from quantities; and reading a text in the first place.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.reading.conftest import TEXT, make_reading, span
from trienkhai.documents import services as documents
from trienkhai.documents.models import RelationKind
from trienkhai.extraction.items import Assignment, Deadline, DocRef, Extraction, Quantity, Sentence
from trienkhai.plans import programmes
from trienkhai.reading import services
from trienkhai.reading.models import Reading
from trienkhai.reading.proposals import KNOWN, LINK, NEW, SELF, propose

pytestmark = pytest.mark.django_db
D = dt.date


# --- reading ---------------------------------------------------------------------------------------
def test_reading_a_text_keeps_the_cleaned_text_and_what_was_found(world, city_secretary):
    reading = services.reading_create(
        actor=city_secretary, unit=world.city, document=world.followup, text=TEXT
    )
    assert reading.text == TEXT
    found = services.extraction_of(reading)
    assert [r.number for r in found.doc_refs] == ["07-KH/ThU"]
    assert found.assignments and found.assignments[0].lead == "UBND thành phố"
    assert [(q.value, q.unit) for q in found.quantities] == [(11, "lớp")]
    assert reading.created_by == city_secretary


def test_old_spellings_and_control_characters_are_cleaned_before_reading(world, city_secretary):
    text = "Giao UBND thành phố chủ trì xây dựng kế hoạch\x00, hoàn thành trong tháng 9-2020."
    reading = services.reading_create(actor=city_secretary, unit=world.city, text=text)
    assert "\x00" not in reading.text


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x00"])
def test_an_empty_text_is_refused(world, city_secretary, text):
    with pytest.raises(ValidationError) as error:
        services.reading_create(actor=city_secretary, unit=world.city, text=text)
    assert "không có nội dung" in error.value.message_dict["text"][0]
    assert Reading.objects.count() == 0


def test_a_text_too_long_is_refused(world, city_secretary):
    with pytest.raises(ValidationError) as error:
        services.reading_create(
            actor=city_secretary, unit=world.city, text="a" * (services.MAX_TEXT_CHARS + 1)
        )
    assert "vượt quá giới hạn" in error.value.message_dict["text"][0]


def test_only_editors_of_the_unit_read_for_it(world, viewer, ward_clerk):
    for user in (viewer, ward_clerk):
        with pytest.raises(ValidationError):
            services.reading_create(actor=user, unit=world.city, text=TEXT)
    with pytest.raises(ValidationError):
        services.reading_create(actor=ward_clerk, unit=world.city, document=world.plan, text=TEXT)


# --- references ------------------------------------------------------------------------------------
def test_a_reference_in_the_register_is_linked_with_a_relation_kind(world, city_secretary):
    reading = make_reading(world.city, document=world.followup)
    proposals = propose(reading, city_secretary)
    (ref,) = proposals.references
    assert ref.mode == LINK
    assert ref.target == world.plan
    assert ref.kind == RelationKind.BASED_ON  # "... theo Kế hoạch số 07-KH/ThU"
    assert ref.checked and not ref.related


def test_the_document_being_read_is_not_proposed_as_its_own_reference(world, city_secretary):
    reading = make_reading(world.city, document=world.plan)
    (ref,) = propose(reading, city_secretary).references
    assert ref.mode == SELF


def test_an_already_recorded_relation_is_not_ticked(world, city_secretary):
    documents.relation_add(
        actor=None, source=world.followup, target=world.plan, kind=RelationKind.IMPLEMENTS
    )
    reading = make_reading(world.city, document=world.followup)
    (ref,) = propose(reading, city_secretary).references
    assert ref.related and not ref.checked


def _with_refs(*refs: tuple[str, str, str | None]) -> Extraction:
    """A text citing the given (phrase, number, date) references."""
    text = " ".join(f"Thực hiện {phrase}." for phrase, _n, _d in refs)
    out, at, sentences = [], 0, []
    for phrase, number, date in refs:
        start, end = span(text, phrase, at)
        sentences.append(Sentence(start - len("Thực hiện "), end + 1))
        from trienkhai.documents import numbering

        parsed = numbering.parse(number)
        out.append(
            DocRef(
                text=phrase,
                start=start,
                end=end,
                number=number,
                type=parsed.type,
                issuer=parsed.issuer,
                date=date,
                system=parsed.system,
                kind=phrase.split(" số")[0],
            )
        )
        at = end
    return Extraction(text=text, doc_refs=out, sentences=sentences)


def test_a_reference_not_in_the_register_is_proposed_as_a_new_external_document(
    world, city_secretary
):
    text = "Thực hiện Quy định số 127-QĐ/TW ngày 1-3-2020 của Ban Bí thư về chức năng."
    start, end = span(text, "Quy định số 127-QĐ/TW")
    ref = DocRef("Quy định số 127-QĐ/TW", start, end, "127-QĐ/TW", "QĐ", "TW", "2020-03-01",
                 "party", "Quy định")  # fmt: skip
    found = Extraction(text=text, doc_refs=[ref], sentences=[Sentence(0, len(text))])
    reading = make_reading(world.city, document=world.followup, found=found)
    (ref,) = propose(reading, city_secretary).references
    assert ref.mode == NEW
    assert ref.new["number_text"] == "127-QĐ/TW"
    assert ref.new["issued_on"] == D(2020, 3, 1)
    assert ref.new["issuer_name"] == "Ban Bí thư"
    assert ref.new["summary"] == "Quy định số 127-QĐ/TW"
    assert ref.kind == RelationKind.IMPLEMENTS  # "Thực hiện Quy định ..."
    assert ref.checked


def test_a_new_reference_without_a_date_is_not_ticked(world, city_secretary):
    found = _with_refs(("Nghị quyết số 45/2020/NĐ-CP", "45/2020/NĐ-CP", None))
    reading = make_reading(world.city, document=world.followup, found=found)
    (ref,) = propose(reading, city_secretary).references
    assert ref.mode == NEW and not ref.checked
    assert ref.new["issuer_name"] == "Chính phủ"


def test_the_same_number_of_another_issuer_is_told_apart_by_date_and_issuer(world, city_secretary):
    """Every city committee numbers its plans from 01-KH/ThU: the one of the text's issuer, of
    the date written beside the number, is meant."""
    documents.document_register(
        actor=None,
        owner_unit=world.city,
        number_text="07-KH/ThU",
        issued_on=D(2020, 8, 7),
        summary="Kế hoạch của Thành ủy Mỹ Tho",
        issuer_name="Thành ủy Mỹ Tho",
    )
    documents.document_register(
        actor=None,
        owner_unit=world.city,
        number_text="07-KH/ThU",
        issued_on=D(2015, 9, 1),
        summary="Kế hoạch của nhiệm kỳ trước",
        issuer_name="Thành ủy Bến Tre (nhiệm kỳ trước)",
    )
    reading = make_reading(world.city, document=world.followup)
    (ref,) = propose(reading, city_secretary).references
    assert len(ref.candidates) == 2  # the one of 2015 has another date
    assert ref.target == world.plan


def test_without_a_document_references_in_the_register_are_only_shown(world, city_secretary):
    reading = make_reading(world.city)
    (ref,) = propose(reading, city_secretary).references
    assert ref.mode == KNOWN and not ref.checked


def test_a_reference_the_user_may_not_see_is_not_proposed_as_a_match(world, ward_clerk):
    """A sibling ward's plan is not in the An Hội ward's view: its record is not revealed, the
    reference is proposed as a new document of the An Hội register."""
    documents.document_register(
        actor=None,
        owner_unit=world.sibling,
        issuer_unit=world.sibling,
        number_text="03-KH/ĐU",
        issued_on=D(2020, 9, 1),
        summary="Kế hoạch của Đảng ủy Phường Phú Khương",
    )
    text = "Theo Kế hoạch số 03-KH/ĐU ngày 1-9-2020, các chi bộ tổ chức học tập."
    start, end = span(text, "Kế hoạch số 03-KH/ĐU")
    ref = DocRef("Kế hoạch số 03-KH/ĐU", start, end, "03-KH/ĐU", "KH", "ĐU", "2020-09-01",
                 "party", "Kế hoạch")  # fmt: skip
    found = Extraction(text=text, doc_refs=[ref], sentences=[Sentence(0, len(text))])
    (proposal,) = propose(make_reading(world.ward, found=found), ward_clerk).references
    assert proposal.mode == NEW and proposal.candidates == []


# --- tasks -----------------------------------------------------------------------------------------
def test_an_assignment_becomes_a_task_with_matched_units_and_deadline(world, city_secretary):
    reading = make_reading(world.city, document=world.followup)
    proposals = propose(reading, city_secretary)
    (task,) = proposals.tasks
    assert task.title == "Xây dựng kế hoạch tuyên truyền"
    assert task.lead.unit == world.city_committee
    assert [m.unit for m in task.coordinators] == [world.home_affairs]
    assert task.deadline == (D(2020, 9, 30), "day")
    assert task.checked
    assert task.sentence == (0, TEXT.index("2020.") + 5)
    assert proposals.assigner == world.city


def test_a_generic_coordinator_is_left_empty(world, city_secretary):
    text = (
        "Giao UBND thành phố chủ trì, phối hợp với các sở, ngành tỉnh tham mưu cấp ủy xây dựng "
        "Nghị quyết chuyên đề, dự kiến trong tháng 12-2020."
    )
    found = Extraction(
        text=text,
        assignments=[
            Assignment(
                text=text,
                start=0,
                end=len(text),
                lead="UBND thành phố",
                coordinators=("các sở, ngành tỉnh",),
                task="tham mưu cấp ủy xây dựng Nghị quyết chuyên đề, dự kiến trong tháng 12-2020",
                deadline="2020-12",
                deadline_precision="month",
            )
        ],
        deadlines=[Deadline("dự kiến trong tháng 12-2020", *span(text, "dự kiến"), "2020-12", "")],
        sentences=[Sentence(0, len(text))],
    )
    found.deadlines[0] = Deadline(
        "dự kiến trong tháng 12-2020",
        text.index("dự kiến"),
        len(text) - 1,
        "2020-12",
        "month",
    )
    (task,) = propose(make_reading(world.city, found=found), city_secretary).tasks
    assert task.lead.unit == world.city_committee
    assert task.coordinators[0].unit is None
    assert task.unmatched == ["các sở, ngành tỉnh"]
    assert task.deadline == (D(2020, 12, 1), "month")
    assert task.title == "Tham mưu cấp ủy xây dựng Nghị quyết chuyên đề"


def test_an_unknown_lead_is_left_for_the_user(world, city_secretary):
    text = "Giao Ban Chỉ đạo 35 chủ trì rà soát."
    found = Extraction(
        text=text,
        assignments=[Assignment(text, 0, len(text), "Ban Chỉ đạo 35", (), "rà soát", None, None)],
        sentences=[Sentence(0, len(text))],
    )
    (task,) = propose(make_reading(world.city, found=found), city_secretary).tasks
    assert task.lead.unit is None and task.deadline is None
    assert not task.checked  # ticking it means choosing the lead unit


# --- indicators ------------------------------------------------------------------------------------
def test_a_quantity_becomes_an_unticked_target(world, city_secretary):
    proposals = propose(make_reading(world.city, document=world.followup), city_secretary)
    (ind,) = proposals.indicators
    assert ind.name == "Số lớp quán triệt"
    assert ind.target_value == Decimal("11") and ind.measure_unit == "lớp"
    assert not ind.checked and ind.programme is None
    assert ind.deadline is None  # no deadline in its sentence


def test_a_percentage_is_a_rate_and_the_documents_programme_is_offered(world, city_secretary):
    programme = programmes.programme_create(
        actor=None,
        document=world.followup,
        title="Tuyên truyền",
        field="Tuyên truyền",
        owner_unit=world.city,
        start_year=2020,
        end_year=2025,
    )
    text = "Phấn đấu 98,5% đảng viên được quán triệt, hoàn thành trong năm 2020."
    found = Extraction(
        text=text,
        quantities=[Quantity("98,5%", *span(text, "98,5%"), 98.5, "%")],
        deadlines=[Deadline("hoàn thành trong năm 2020", *span(text, "hoàn thành trong năm 2020"),
                            "2020", "year")],
        sentences=[Sentence(0, len(text))],
    )  # fmt: skip
    reading = make_reading(world.city, document=world.followup, found=found)
    proposals = propose(reading, city_secretary)
    (ind,) = proposals.indicators
    assert ind.name == "Tỷ lệ đảng viên được quán triệt"
    assert ind.target_value == Decimal("98.5") and ind.measure_unit == "%"
    assert ind.deadline == (D(2020, 1, 1), "year")
    assert proposals.programmes == [programme] and ind.programme == programme


def test_the_stored_items_survive_a_change_of_the_extractor(world, city_secretary):
    """Rows written by another version (an unknown key, a missing one) are read or skipped,
    never a crash."""
    reading = make_reading(world.city)
    reading.found["quantities"][0]["confidence"] = 0.9
    reading.found["doc_refs"][0].pop("number")
    reading.save()
    found = services.extraction_of(reading)
    assert len(found.quantities) == 1 and found.doc_refs == []
