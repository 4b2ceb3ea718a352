"""Creating the chosen proposals: through the services (audited), all or nothing, each linked
back to its sentence, and once only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.reading.conftest import TEXT, make_reading
from trienkhai.audit.models import AuditEntry
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents.models import Document, DocumentRelation, RelationKind
from trienkhai.plans.models import Direction, Indicator, Task
from trienkhai.reading import apply, selectors
from trienkhai.reading.models import Reading, ReadingLink

pytestmark = pytest.mark.django_db
D = dt.date
FIRST = (0, TEXT.index("2020.") + 5)
SECOND = (FIRST[1] + 1, len(TEXT))


def chosen_task(world, **kwargs):
    data = {
        "prefix": "task_0",
        "start": FIRST[0],
        "end": FIRST[1],
        "title": "Xây dựng kế hoạch tuyên truyền",
        "lead_unit": world.city_committee,
        "coordinating_units": [world.home_affairs],
        "deadline": D(2020, 9, 30),
        "deadline_precision": "day",
    }
    data.update(kwargs)
    return apply.ChosenTask(**data)


def chosen_indicator(**kwargs):
    data = {
        "prefix": "ind_0",
        "start": SECOND[0],
        "end": SECOND[1],
        "name": "Số lớp quán triệt",
        "target_value": Decimal(11),
        "measure_unit": "lớp",
        "direction": Direction.AT_LEAST,
        "target_date": D(2020, 9, 1),
        "target_precision": "month",
        "programme": None,
    }
    data.update(kwargs)
    return apply.ChosenIndicator(**data)


def chosen_link(world):
    return apply.ChosenReference(
        prefix="ref_0",
        start=SECOND[0],
        end=SECOND[1],
        target=world.plan,
        kind=RelationKind.BASED_ON,
    )


def chosen_new(**kwargs):
    new = {
        "number_text": "127-QĐ/TW",
        "issuer_name": "Ban Bí thư",
        "issued_on": D(2020, 3, 1),
        "summary": "Quy định về chức năng, nhiệm vụ của đảng bộ, chi bộ cơ sở",
    }
    new.update(kwargs)
    return apply.ChosenReference(
        prefix="ref_1", start=0, end=10, target=None, kind=RelationKind.BASED_ON, new=new
    )


def test_the_chosen_items_are_created_and_linked_to_their_sentences(world, city_secretary):
    reading = make_reading(world.city, document=world.followup, actor=city_secretary)
    links, created = apply.reading_apply(
        actor=city_secretary,
        reading=reading,
        references=[chosen_link(world), chosen_new()],
        tasks=[chosen_task(world)],
        indicators=[chosen_indicator()],
    )
    assert created
    task = Task.objects.get()
    assert task.title == "Xây dựng kế hoạch tuyên truyền"
    assert task.assigned_by == world.city and task.lead_unit == world.city_committee
    assert list(task.coordinating_units.all()) == [world.home_affairs]
    assert task.assigning_document == world.followup
    assert (task.deadline, task.deadline_precision) == (D(2020, 9, 30), "day")

    indicator = Indicator.objects.get()
    assert indicator.unit == world.city and indicator.document == world.followup
    assert (indicator.target_value, indicator.measure_unit) == (Decimal(11), "lớp")

    new = Document.objects.get(number_text="127-QĐ/TW")
    assert new.is_external and new.owner_unit == world.city and new.issuer_name == "Ban Bí thư"
    relations = DocumentRelation.objects.filter(source=world.followup)
    assert {(r.target, r.kind) for r in relations} == {
        (world.plan, RelationKind.BASED_ON),
        (new, RelationKind.BASED_ON),
    }

    by_kind = {}
    for link in ReadingLink.objects.filter(reading=reading):
        by_kind.setdefault(link.kind, []).append(link)
    assert by_kind["task"][0].task == task
    assert by_kind["task"][0].sentence == TEXT[: FIRST[1]]
    assert by_kind["indicator"][0].indicator == indicator
    assert by_kind["indicator"][0].sentence.startswith("Thành phố tổ chức 11 lớp")
    assert {link.relation.target for link in by_kind["relation"]} == {world.plan, new}
    assert by_kind["document"][0].document == new
    assert len(links) == 5

    reading.refresh_from_db()
    assert reading.is_applied and reading.applied_by == city_secretary


def test_every_creation_is_in_the_audit_log(world, city_secretary):
    reading = make_reading(world.city, document=world.followup)
    apply.reading_apply(
        actor=city_secretary,
        reading=reading,
        references=[chosen_new()],
        tasks=[chosen_task(world)],
        indicators=[chosen_indicator()],
    )
    for obj in (
        Task.objects.get(),
        Indicator.objects.get(),
        Document.objects.get(number_text="127-QĐ/TW"),
    ):
        entry = audit_entries_for(obj).filter(action=AuditEntry.Action.CREATE).get()
        assert entry.actor == city_secretary
    followup_changes = [e.changes for e in audit_entries_for(world.followup)]
    assert any("relation" in c for c in followup_changes)
    assert audit_entries_for(reading).filter(action=AuditEntry.Action.UPDATE).exists()


def test_a_second_apply_creates_nothing_and_returns_what_was_created(world, city_secretary):
    reading = make_reading(world.city, document=world.followup)
    first, created = apply.reading_apply(
        actor=city_secretary, reading=reading, tasks=[chosen_task(world)]
    )
    again, created_again = apply.reading_apply(
        actor=city_secretary, reading=Reading.objects.get(pk=reading.pk), tasks=[chosen_task(world)]
    )
    assert created and not created_again
    assert [link.pk for link in again] == [link.pk for link in first]
    assert Task.objects.count() == 1


def test_one_refused_item_creates_nothing_and_says_which(world, city_secretary):
    """Sở Nội vụ is a provincial department: the city may not make it lead a task."""
    reading = make_reading(world.city, document=world.followup)
    with pytest.raises(apply.ApplyRefused) as refused:
        apply.reading_apply(
            actor=city_secretary,
            reading=reading,
            references=[chosen_link(world)],
            tasks=[
                chosen_task(world),
                chosen_task(
                    world, prefix="task_1", lead_unit=world.home_affairs, coordinating_units=[]
                ),
            ],
            indicators=[chosen_indicator(prefix="ind_0", measure_unit="")],
        )
    assert set(refused.value.rows) == {"task_1", "ind_0"}
    assert "lead_unit" in refused.value.rows["task_1"].message_dict
    assert "measure_unit" in refused.value.rows["ind_0"].message_dict
    assert Task.objects.count() == 0 and Indicator.objects.count() == 0
    assert not DocumentRelation.objects.filter(source=world.followup).exists()
    assert ReadingLink.objects.count() == 0
    reading.refresh_from_db()
    assert not reading.is_applied  # it can be corrected and applied


def test_a_task_without_a_lead_unit_is_refused(world, city_secretary):
    reading = make_reading(world.city)
    with pytest.raises(apply.ApplyRefused) as refused:
        apply.reading_apply(
            actor=city_secretary, reading=reading, tasks=[chosen_task(world, lead_unit=None)]
        )
    assert "lead_unit" in refused.value.rows["task_0"].message_dict


def test_without_a_document_tasks_have_no_assigning_document_and_no_relation_is_made(
    world, city_secretary
):
    reading = make_reading(world.city)
    apply.reading_apply(
        actor=city_secretary,
        reading=reading,
        references=[apply.ChosenReference(**{**chosen_new().__dict__, "kind": ""})],
        tasks=[chosen_task(world)],
    )
    assert Task.objects.get().assigning_document is None
    assert Document.objects.filter(number_text="127-QĐ/TW").exists()
    assert not DocumentRelation.objects.exists()


def test_work_of_2020_recorded_later_keeps_its_2020_date(world, city_secretary):
    """The city People's Committee ended in 2025; a task from the 2020 plan is still recorded,
    as assigned on the plan's issue date."""
    from trienkhai.org.models import Unit

    Unit.objects.filter(pk=world.city_committee.pk).update(ended_on=D(2025, 7, 1))
    world.city_committee.refresh_from_db()
    reading = make_reading(world.city, document=world.followup)
    apply.reading_apply(actor=city_secretary, reading=reading, tasks=[chosen_task(world)])
    assert Task.objects.get().lead_unit == world.city_committee


def test_only_editors_of_the_reading_unit_apply(world, viewer, ward_clerk):
    reading = make_reading(world.city)
    for user in (viewer, ward_clerk):
        with pytest.raises(ValidationError):
            apply.reading_apply(actor=user, reading=reading, tasks=[chosen_task(world)])
    assert Task.objects.count() == 0


def test_links_to_a_task_give_its_sentence(world, city_secretary):
    reading = make_reading(world.city, document=world.followup)
    apply.reading_apply(actor=city_secretary, reading=reading, tasks=[chosen_task(world)])
    (link,) = selectors.links_to(Task.objects.get())
    assert link.reading == reading and link.anchor == "s0"
    assert selectors.links_to(world.plan) == []
