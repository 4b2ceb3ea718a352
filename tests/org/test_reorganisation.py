"""Reorganising the tree: renaming, moving, merging, splitting and dissolving units.

Each story starts from the persona tree (see tests/conftest.py): the city party committee of
Bến Tre with its propaganda board, the wards An Hội (with a party cell) and Phú Khương. A second
district, Châu Thành, is added where a story needs somewhere to move a ward to.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from trienkhai.org import selectors, services
from trienkhai.org.models import (
    EndReason,
    Position,
    PositionRole,
    ReorgEvent,
    ReorgEventUnit,
    Unit,
    UnitKind,
    UnitPeriod,
    UnitSuccession,
)

JAN_1_2024 = dt.date(2024, 1, 1)
JUL_1_2025 = dt.date(2025, 7, 1)
AUG_1_2025 = dt.date(2025, 8, 1)

OLD_WARD_NAME = "Đảng ủy Phường An Hội"
NEW_WARD_NAME = "Đảng ủy Phường Phú Tân"


@pytest.fixture
def district(tree):
    """Huyện ủy Châu Thành: a second district under the province."""
    return services.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
        established_on=dt.date(1976, 1, 1),
    )


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def names(periods) -> list[str]:
    return [p.name for p in periods]


def period_rows(unit: Unit) -> list[tuple]:
    return [
        (p.valid_from, p.valid_to, p.name, p.parent.name if p.parent else None)
        for p in selectors.unit_periods(unit)
    ]


def appoint(unit, full_name, *, start_on, end_on=None):
    person = services.person_save(actor=None, full_name=full_name, home_unit=unit)
    return services.position_save(
        actor=None,
        person=person,
        unit=unit,
        role=PositionRole.SECRETARY,
        start_on=start_on,
        end_on=end_on,
    )


# --- rename -------------------------------------------------------------------------------------
def test_renamed_ward_keeps_its_old_name_in_its_history(tree, city_secretary):
    event = services.unit_rename(
        actor=city_secretary,
        unit=tree.ward,
        name=NEW_WARD_NAME,
        short_name="",
        effective_on=JUL_1_2025,
        legal_basis="1664/NQ-UBTVQH15",
    )

    assert fresh(tree.ward).name == NEW_WARD_NAME
    assert period_rows(tree.ward) == [
        (dt.date(2020, 2, 1), JUL_1_2025, OLD_WARD_NAME, "Thành ủy Bến Tre"),
        (JUL_1_2025, None, NEW_WARD_NAME, "Thành ủy Bến Tre"),
    ]
    assert event.kind == ReorgEvent.Kind.RENAME
    assert event.created_by == city_secretary
    assert OLD_WARD_NAME in event.summary and NEW_WARD_NAME in event.summary


def test_search_finds_a_ward_by_its_name_typed_without_diacritics(tree, city_secretary):
    hits = selectors.search_units(city_secretary, "phuong an hoi")

    assert [(h.unit, h.is_former_name) for h in hits] == [(tree.ward, False)]


@pytest.mark.parametrize("typed", ["phuong an hoi", "Phường An Hội", "PHUONG  AN  HOI"])
def test_search_finds_a_renamed_ward_by_its_former_name(tree, city_secretary, typed):
    services.unit_rename(
        actor=city_secretary,
        unit=tree.ward,
        name=NEW_WARD_NAME,
        short_name="",
        effective_on=JUL_1_2025,
    )

    hits = selectors.search_units(city_secretary, typed)

    assert len(hits) == 1
    assert hits[0].unit == tree.ward
    assert hits[0].is_former_name is True
    assert hits[0].matched_name == OLD_WARD_NAME
    current = selectors.search_units(city_secretary, "phu tan")
    assert [(h.unit, h.is_former_name) for h in current] == [(tree.ward, False)]


def test_renaming_to_the_current_name_is_refused(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        services.unit_rename(
            actor=city_secretary,
            unit=tree.city,
            name="Thành ủy Bến Tre",
            short_name="ThU",
            effective_on=JUL_1_2025,
        )
    assert caught.value.message_dict["name"] == ["Tên mới trùng với tên hiện tại."]


# --- move ---------------------------------------------------------------------------------------
def test_moved_ward_takes_its_party_cell_along(tree, district, admin_user):
    event = services.unit_move(
        actor=admin_user, unit=tree.ward, new_parent=district, effective_on=JUL_1_2025
    )

    ward, cell = fresh(tree.ward), fresh(tree.cell)
    assert ward.parent_unit() == district
    assert cell.parent_unit() == ward
    assert cell.is_within(district)
    assert tree.ward not in selectors.children(tree.city)
    assert list(selectors.children(district)) == [ward]
    assert period_rows(ward) == [
        (dt.date(2020, 2, 1), JUL_1_2025, OLD_WARD_NAME, "Thành ủy Bến Tre"),
        (JUL_1_2025, None, OLD_WARD_NAME, "Huyện ủy Châu Thành"),
    ]
    roles = {(p.unit_id, p.role) for p in event.participants.all()}
    assert roles == {
        (tree.ward.pk, ReorgEventUnit.Role.SUBJECT),
        (district.pk, ReorgEventUnit.Role.NEW_PARENT),
        (tree.city.pk, ReorgEventUnit.Role.OLD_PARENT),
    }


@pytest.mark.parametrize("target", ["ward", "cell"], ids=["into-itself", "into-its-own-cell"])
def test_ward_cannot_move_into_itself_or_below_itself(tree, admin_user, target):
    with pytest.raises(ValidationError) as caught:
        services.unit_move(
            actor=admin_user,
            unit=tree.ward,
            new_parent=getattr(tree, target),
            effective_on=JUL_1_2025,
        )
    assert caught.value.message_dict["new_parent"] == [
        "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó."
    ]
    assert fresh(tree.ward).parent_unit() == tree.city


def test_moving_a_ward_under_the_parent_it_already_has_is_refused(tree, admin_user):
    with pytest.raises(ValidationError) as caught:
        services.unit_move(
            actor=admin_user, unit=tree.ward, new_parent=tree.city, effective_on=JUL_1_2025
        )
    assert caught.value.message_dict["new_parent"] == [
        "“Đảng ủy Phường An Hội” đã trực thuộc đơn vị này."
    ]


def test_moving_a_cell_under_a_dissolved_ward_is_refused(tree, admin_user):
    services.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=JUL_1_2025)

    with pytest.raises(ValidationError) as caught:
        services.unit_move(
            actor=admin_user, unit=tree.cell, new_parent=tree.sibling, effective_on=AUG_1_2025
        )
    assert caught.value.message_dict["new_parent"] == [
        "Đơn vị “Đảng ủy Phường Phú Khương” đã kết thúc hoạt động ngày 1-7-2025."
    ]


# --- merge --------------------------------------------------------------------------------------
def test_two_wards_merge_into_a_new_ward_that_takes_over_their_cells(tree, city_secretary):
    serving = appoint(tree.ward, "Nguyễn Văn An", start_on=dt.date(2021, 1, 1))
    leaving_later = appoint(
        tree.sibling, "Trần Thị Bình", start_on=dt.date(2021, 1, 1), end_on=dt.date(2025, 12, 31)
    )
    long_gone = appoint(
        tree.ward, "Lê Văn Cường", start_on=dt.date(2020, 3, 1), end_on=dt.date(2022, 5, 1)
    )

    event, merged = services.unit_merge(
        actor=city_secretary,
        sources=[tree.ward, tree.sibling],
        new_name="Đảng ủy Phường An Hội Phú Khương",
        new_parent=tree.city,
        effective_on=JUL_1_2025,
        legal_basis="1687/NQ-UBTVQH15",
    )

    assert merged.pk not in (tree.ward.pk, tree.sibling.pk)
    assert merged.name == "Đảng ủy Phường An Hội Phú Khương"
    assert merged.kind == UnitKind.GRASSROOTS_PARTY_COMMITTEE
    assert merged.parent_unit() == tree.city
    assert merged.established_on == JUL_1_2025
    assert period_rows(merged) == [
        (JUL_1_2025, None, "Đảng ủy Phường An Hội Phú Khương", "Thành ủy Bến Tre")
    ]
    for source in (tree.ward, tree.sibling):
        source = fresh(source)
        assert (source.ended_on, source.end_reason) == (JUL_1_2025, EndReason.MERGED)
    assert fresh(tree.cell).parent_unit() == merged
    assert list(selectors.children(merged)) == [fresh(tree.cell)]
    assert set(
        UnitSuccession.objects.filter(event=event).values_list("predecessor", "successor")
    ) == {(tree.ward.pk, merged.pk), (tree.sibling.pk, merged.pk)}
    # Holders of the merged wards leave the day before the merger takes effect.
    the_day_before = dt.date(2025, 6, 30)
    assert Position.objects.get(pk=serving.pk).end_on == the_day_before
    assert Position.objects.get(pk=leaving_later.pk).end_on == the_day_before
    assert Position.objects.get(pk=long_gone.pk).end_on == dt.date(2022, 5, 1)


def test_a_ward_merges_into_an_existing_ward(tree, city_secretary):
    services.unit_create(
        actor=None, parent=tree.sibling, kind=UnitKind.PARTY_CELL, name="Chi bộ Khu phố 5"
    )

    event, target = services.unit_merge(
        actor=city_secretary, sources=[tree.sibling], into=tree.ward, effective_on=JUL_1_2025
    )

    assert target == tree.ward
    assert fresh(tree.ward).ended_on is None
    sibling = fresh(tree.sibling)
    assert (sibling.ended_on, sibling.end_reason) == (JUL_1_2025, EndReason.MERGED)
    assert names(selectors.children(tree.ward)) == ["Chi bộ Khu phố 1", "Chi bộ Khu phố 5"]
    assert selectors.successors_now(tree.sibling) == [fresh(tree.ward)]
    assert event.summary == "Sáp nhập Đảng ủy Phường Phú Khương vào “Đảng ủy Phường An Hội”"


def test_a_ward_cannot_be_merged_with_its_own_cell(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        services.unit_merge(
            actor=city_secretary,
            sources=[tree.ward, tree.cell],
            new_name="Đảng ủy mới",
            new_parent=tree.city,
            effective_on=JUL_1_2025,
        )
    assert caught.value.message_dict["sources"] == [
        "“Chi bộ Khu phố 1” trực thuộc “Đảng ủy Phường An Hội”: không thể hợp nhất cấp trên với cấp dưới."
    ]


def test_a_merger_needs_at_least_two_units(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        services.unit_merge(
            actor=city_secretary,
            sources=[tree.ward],
            new_name="Đảng ủy mới",
            new_parent=tree.city,
            effective_on=JUL_1_2025,
        )
    assert caught.value.message_dict["sources"] == ["Hợp nhất cần ít nhất hai đơn vị."]


# --- split --------------------------------------------------------------------------------------
def test_splitting_a_ward_ends_it_and_founds_two_successors(tree, city_secretary):
    event, parts = services.unit_split(
        actor=city_secretary,
        source=tree.sibling,
        parts=[
            {"name": "Đảng ủy Phường Phú Khương Bắc"},
            {"name": "Đảng ủy Phường Phú Khương Nam"},
        ],
        effective_on=JUL_1_2025,
    )

    assert names(parts) == ["Đảng ủy Phường Phú Khương Bắc", "Đảng ủy Phường Phú Khương Nam"]
    for part in parts:
        assert part.parent_unit() == tree.city
        assert part.established_on == JUL_1_2025
        assert part.kind == UnitKind.GRASSROOTS_PARTY_COMMITTEE
    sibling = fresh(tree.sibling)
    assert (sibling.ended_on, sibling.end_reason) == (JUL_1_2025, EndReason.SPLIT)
    assert set(selectors.successors_now(tree.sibling)) == set(parts)
    assert event.kind == ReorgEvent.Kind.SPLIT


def test_part_of_a_ward_splits_off_while_the_ward_continues(tree, city_secretary):
    _, parts = services.unit_split(
        actor=city_secretary,
        source=tree.ward,
        parts=[{"name": "Đảng ủy Phường An Hội Tây"}],
        effective_on=JUL_1_2025,
        source_continues=True,
    )

    ward = fresh(tree.ward)
    assert ward.ended_on is None
    assert fresh(tree.cell).parent_unit() == ward
    assert UnitSuccession.objects.filter(predecessor=ward, successor=parts[0]).exists()


def test_a_ward_with_an_active_cell_cannot_be_split_away(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        services.unit_split(
            actor=city_secretary,
            source=tree.ward,
            parts=[{"name": "Phần 1"}, {"name": "Phần 2"}],
            effective_on=JUL_1_2025,
        )
    assert caught.value.message_dict["parts"] == [
        "“Đảng ủy Phường An Hội” còn đơn vị trực thuộc đang hoạt động; hãy chuyển chúng sang đơn vị mới trước khi chia tách."
    ]
    assert fresh(tree.ward).ended_on is None


def test_a_split_needs_two_new_units(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        services.unit_split(
            actor=city_secretary,
            source=tree.sibling,
            parts=[{"name": "Phần 1"}, {"name": "  "}],
            effective_on=JUL_1_2025,
        )
    assert caught.value.message_dict["parts"] == ["Chia tách cần ít nhất 2 đơn vị mới."]


# --- dissolve -----------------------------------------------------------------------------------
def test_a_ward_is_dissolved_only_after_its_cells(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        services.unit_dissolve(actor=city_secretary, unit=tree.ward, effective_on=JUL_1_2025)
    assert caught.value.messages == [
        "“Đảng ủy Phường An Hội” còn đơn vị trực thuộc đang hoạt động (Chi bộ Khu phố 1). "
        "Hãy chuyển, sáp nhập hoặc giải thể chúng trước."
    ]

    services.unit_dissolve(actor=city_secretary, unit=tree.cell, effective_on=JUL_1_2025)
    event = services.unit_dissolve(
        actor=city_secretary, unit=tree.ward, effective_on=JUL_1_2025, successors=[tree.sibling]
    )

    ward = fresh(tree.ward)
    assert (ward.ended_on, ward.end_reason) == (JUL_1_2025, EndReason.DISSOLVED)
    assert UnitSuccession.objects.filter(
        predecessor=ward, successor=tree.sibling, event=event
    ).exists()
    assert selectors.successors_now(ward) == [tree.sibling]
    assert list(selectors.children(tree.city)) == [tree.board, tree.sibling]
    assert list(selectors.children(tree.city, include_ended=True)) == [
        tree.board,
        ward,
        tree.sibling,
    ]


def test_a_dissolved_ward_cannot_be_dissolved_again(tree, city_secretary):
    services.unit_dissolve(actor=city_secretary, unit=tree.sibling, effective_on=JUL_1_2025)

    with pytest.raises(ValidationError) as caught:
        services.unit_dissolve(actor=city_secretary, unit=tree.sibling, effective_on=AUG_1_2025)
    assert caught.value.messages == [
        "Đơn vị “Đảng ủy Phường Phú Khương” đã kết thúc hoạt động ngày 1-7-2025."
    ]


# --- dates --------------------------------------------------------------------------------------
def test_a_change_cannot_take_effect_before_the_last_change(tree, city_secretary, district):
    services.unit_rename(
        actor=city_secretary,
        unit=tree.ward,
        name=NEW_WARD_NAME,
        short_name="",
        effective_on=JUL_1_2025,
    )
    expected = [
        "Ngày hiệu lực phải sau ngày 1-7-2025, ngày của thay đổi gần nhất của “Đảng ủy Phường Phú Tân”."
    ]

    for attempt in (
        lambda day: services.unit_rename(
            actor=city_secretary, unit=tree.ward, name="Tên khác", short_name="", effective_on=day
        ),
        lambda day: services.unit_move(
            actor=city_secretary, unit=tree.ward, new_parent=district, effective_on=day
        ),
    ):
        for day in (JUL_1_2025, dt.date(2025, 6, 1)):
            with pytest.raises(ValidationError) as caught:
                attempt(day)
            assert caught.value.message_dict["effective_on"] == expected

    services.unit_dissolve(actor=city_secretary, unit=tree.cell, effective_on=JUL_1_2025)
    with pytest.raises(ValidationError) as caught:
        services.unit_dissolve(
            actor=city_secretary, unit=tree.ward, effective_on=dt.date(2025, 6, 1)
        )
    assert caught.value.message_dict["effective_on"] == expected
    assert fresh(tree.ward).name == NEW_WARD_NAME


def test_a_change_cannot_take_effect_before_the_unit_was_established(tree, city_secretary):
    with pytest.raises(ValidationError) as caught:
        services.unit_rename(
            actor=city_secretary,
            unit=tree.ward,
            name=NEW_WARD_NAME,
            short_name="",
            effective_on=dt.date(2020, 1, 15),
        )
    assert caught.value.message_dict["effective_on"] == [
        "Ngày hiệu lực phải sau ngày thành lập 1-2-2020 của “Đảng ủy Phường An Hội”."
    ]


def test_reorganising_never_deletes_anything(tree, city_secretary, district, admin_user):
    appoint(tree.ward, "Nguyễn Văn An", start_on=dt.date(2021, 1, 1))
    seen_units = set(Unit.objects.values_list("pk", flat=True))
    counts = []

    def remember():
        seen_units.update(Unit.objects.values_list("pk", flat=True))
        counts.append((Unit.objects.count(), UnitPeriod.objects.count(), Position.objects.count()))

    remember()
    services.unit_rename(
        actor=city_secretary,
        unit=tree.ward,
        name=NEW_WARD_NAME,
        short_name="",
        effective_on=JAN_1_2024,
    )
    remember()
    services.unit_move(
        actor=admin_user, unit=tree.ward, new_parent=district, effective_on=JUL_1_2025
    )
    remember()
    _, merged = services.unit_merge(
        actor=admin_user,
        sources=[tree.ward, tree.sibling],
        new_name="Đảng ủy Phường Bến Tre Mới",
        new_parent=tree.city,
        effective_on=AUG_1_2025,
    )
    remember()
    services.unit_split(
        actor=admin_user,
        source=tree.board,
        parts=[{"name": "Ban Tuyên giáo"}, {"name": "Ban Dân vận"}],
        effective_on=AUG_1_2025,
    )
    remember()
    services.unit_dissolve(actor=admin_user, unit=tree.cell, effective_on=dt.date(2025, 9, 1))
    remember()

    assert counts == sorted(counts), "a count went down"
    assert set(Unit.objects.values_list("pk", flat=True)) == seen_units


# --- the tree as of a date ----------------------------------------------------------------------
@pytest.fixture
def renamed_then_moved(tree, district, admin_user):
    """The ward is renamed on 1-1-2024 and moves to Châu Thành on 1-7-2025."""
    services.unit_rename(
        actor=admin_user,
        unit=tree.ward,
        name=NEW_WARD_NAME,
        short_name="",
        effective_on=JAN_1_2024,
    )
    services.unit_move(
        actor=admin_user, unit=tree.ward, new_parent=district, effective_on=JUL_1_2025
    )
    return tree


def test_before_the_move_the_ward_sits_under_the_city_with_its_old_name(
    renamed_then_moved, district
):
    tree, day = renamed_then_moved, dt.date(2023, 6, 1)

    under_city = selectors.children_as_of(tree.city, day)
    assert names(under_city) == [
        "Ban Tuyên giáo Thành ủy",
        OLD_WARD_NAME,
        "Đảng ủy Phường Phú Khương",
    ]
    assert {p.name: p.has_children for p in under_city}[OLD_WARD_NAME] is True
    assert list(selectors.children_as_of(district, day)) == []
    assert names(selectors.chain_as_of(tree.cell, day)) == [
        "Tỉnh ủy Bến Tre",
        "Thành ủy Bến Tre",
        OLD_WARD_NAME,
        "Chi bộ Khu phố 1",
    ]


def test_between_rename_and_move_the_ward_has_its_new_name_under_the_city(renamed_then_moved):
    tree, day = renamed_then_moved, dt.date(2024, 6, 1)

    assert NEW_WARD_NAME in names(selectors.children_as_of(tree.city, day))
    assert OLD_WARD_NAME not in names(selectors.children_as_of(tree.city, day))


def test_after_the_move_the_ward_sits_under_the_new_district(renamed_then_moved, district):
    tree, day = renamed_then_moved, AUG_1_2025

    assert NEW_WARD_NAME not in names(selectors.children_as_of(tree.city, day))
    assert names(selectors.children_as_of(district, day)) == [NEW_WARD_NAME]
    assert names(selectors.chain_as_of(tree.cell, day)) == [
        "Tỉnh ủy Bến Tre",
        "Huyện ủy Châu Thành",
        NEW_WARD_NAME,
        "Chi bộ Khu phố 1",
    ]
    # On the day itself the new arrangement holds (periods start inclusive).
    assert names(selectors.children_as_of(district, JUL_1_2025)) == [NEW_WARD_NAME]


def test_successors_now_follows_a_chain_of_two_mergers(tree, city_secretary):
    _, first = services.unit_merge(
        actor=city_secretary,
        sources=[tree.ward, tree.sibling],
        new_name="Đảng ủy Phường Bến Tre Mới",
        new_parent=tree.city,
        effective_on=JUL_1_2025,
    )
    _, second = services.unit_merge(
        actor=city_secretary,
        sources=[first, tree.board],
        new_name="Đảng ủy Khối Bến Tre",
        new_parent=tree.city,
        effective_on=AUG_1_2025,
    )

    assert selectors.successors_now(tree.ward) == [second]
    assert selectors.successors_now(tree.sibling) == [second]
    assert selectors.successors_now(first) == [second]
    assert fresh(tree.cell).parent_unit() == second
