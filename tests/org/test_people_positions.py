"""People and the positions they hold: appointments with dates, terms, who may see whom."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trienkhai.org import rules, selectors, services
from trienkhai.org.models import Person, PositionRole


def person(full_name, home_unit):
    return services.person_save(actor=None, full_name=full_name, home_unit=home_unit)


def appoint(who, unit, *, start_on, end_on=None, role=PositionRole.SECRETARY, **extra):
    return services.position_save(
        actor=None, person=who, unit=unit, role=role, start_on=start_on, end_on=end_on, **extra
    )


def term(unit, name, start_on, end_on=None):
    return services.term_save(actor=None, unit=unit, name=name, start_on=start_on, end_on=end_on)


def test_an_appointment_has_a_start_and_an_end(tree):
    an = person("Nguyễn Văn An", tree.city)
    khoa_xii = term(tree.city, "Khóa XII", dt.date(2020, 10, 1), dt.date(2025, 9, 30))

    position = appoint(
        an,
        tree.city,
        start_on=dt.date(2020, 10, 15),
        end_on=dt.date(2025, 9, 30),
        term=khoa_xii,
        title="Bí thư Thành ủy",
    )

    assert (position.start_on, position.end_on) == (dt.date(2020, 10, 15), dt.date(2025, 9, 30))
    assert position.display_title == "Bí thư Thành ủy"
    assert list(selectors.positions_of_person(an)) == [position]


def test_an_appointment_cannot_end_before_it_starts(tree):
    an = person("Nguyễn Văn An", tree.city)

    with pytest.raises(ValidationError) as caught:
        appoint(an, tree.city, start_on=dt.date(2021, 5, 1), end_on=dt.date(2021, 4, 30))
    assert caught.value.message_dict["end_on"] == [
        "Ngày thôi giữ chức vụ không được trước ngày bắt đầu."
    ]


def test_nobody_can_be_appointed_in_a_dissolved_ward_after_it_ended(tree):
    binh = person("Trần Thị Bình", tree.sibling)
    services.unit_dissolve(actor=None, unit=tree.sibling, effective_on=dt.date(2025, 7, 1))

    for start in (dt.date(2025, 7, 1), dt.date(2025, 8, 1)):
        with pytest.raises(ValidationError) as caught:
            appoint(binh, tree.sibling, start_on=start)
        assert caught.value.message_dict["start_on"] == [
            "Đơn vị “Đảng ủy Phường Phú Khương” đã kết thúc ngày 1-7-2025; "
            "không thể giữ chức vụ từ ngày này."
        ]
    # Recording a past appointment there is still possible.
    past = appoint(binh, tree.sibling, start_on=dt.date(2021, 1, 1), end_on=dt.date(2025, 6, 30))
    assert past.pk is not None


def test_nobody_can_hold_a_post_before_the_unit_was_established(tree):
    an = person("Nguyễn Văn An", tree.ward)

    with pytest.raises(ValidationError) as caught:
        appoint(an, tree.ward, start_on=dt.date(2019, 12, 31))
    assert caught.value.message_dict["start_on"] == [
        "Ngày bắt đầu không thể trước ngày thành lập 1-2-2020 của đơn vị."
    ]


def test_an_appointment_cannot_name_a_term_of_another_unit(tree):
    an = person("Nguyễn Văn An", tree.ward)
    city_term = term(tree.city, "Khóa XII", dt.date(2020, 10, 1))

    with pytest.raises(ValidationError) as caught:
        appoint(an, tree.ward, start_on=dt.date(2021, 1, 1), term=city_term)
    assert caught.value.message_dict["term"] == ["Nhiệm kỳ được chọn không thuộc đơn vị này."]


def test_a_term_cannot_end_before_it_starts(tree):
    with pytest.raises(ValidationError) as caught:
        term(tree.city, "Khóa XIII", dt.date(2025, 10, 1), dt.date(2025, 9, 1))
    assert caught.value.message_dict["end_on"] == [
        "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu."
    ]


@pytest.fixture
def city_holders(tree):
    """A secretary in office, one who left years ago, and a deputy whose term ends today."""
    today = dt.date.today()
    return {
        "current": appoint(
            person("Nguyễn Văn An", tree.city), tree.city, start_on=dt.date(2020, 10, 1)
        ),
        "past": appoint(
            person("Lê Văn Cường", tree.city),
            tree.city,
            start_on=dt.date(2015, 10, 1),
            end_on=dt.date(2020, 9, 30),
        ),
        "last_day": appoint(
            person("Phạm Thị Dung", tree.city),
            tree.city,
            role=PositionRole.DEPUTY_SECRETARY,
            start_on=dt.date(2020, 10, 1),
            end_on=today,
        ),
    }


def test_current_and_past_holders_are_told_apart(tree, city_holders):
    current = list(selectors.positions_of(tree.city, current=True))
    past = list(selectors.positions_of(tree.city, current=False))

    assert current == [city_holders["current"], city_holders["last_day"]]
    assert past == [city_holders["past"]]


def test_the_unit_page_lists_current_and_past_holders_apart(tree, city_holders, viewer, login):
    page = login(viewer).get(reverse("org:unit", args=[tree.city.pk])).content.decode()

    current_part, past_part = page.split("Cán bộ đã giữ chức vụ", 1)
    current_part = current_part.split("Cán bộ đang giữ chức vụ", 1)[1]
    past_part = past_part.split("<h2>Nhiệm kỳ", 1)[0]
    assert "Nguyễn Văn An" in current_part and "Phạm Thị Dung" in current_part
    assert "Lê Văn Cường" not in current_part
    assert "Lê Văn Cường" in past_part and "30-09-2020" in past_part
    assert "Nguyễn Văn An" not in past_part


def test_holders_of_a_dissolved_ward_become_past_holders(tree):
    binh = appoint(
        person("Trần Thị Bình", tree.sibling), tree.sibling, start_on=dt.date(2021, 1, 1)
    )

    services.unit_dissolve(actor=None, unit=tree.sibling, effective_on=dt.date(2025, 7, 1))

    assert list(selectors.positions_of(tree.sibling, current=True)) == []
    assert [(p.pk, p.end_on) for p in selectors.positions_of(tree.sibling, current=False)] == [
        (binh.pk, dt.date(2025, 6, 30))
    ]


# --- who sees whom ------------------------------------------------------------------------------
@pytest.fixture
def people(tree):
    an = person("Nguyễn Văn An", tree.ward)
    binh = person("Trần Thị Bình", tree.sibling)
    cuong = person("Lê Văn Cường", tree.city)
    dung = person("Phạm Thị Dung", tree.cell)
    # Cường's record is kept by the city, but he is also the secretary of the ward.
    appoint(cuong, tree.ward, start_on=dt.date(2021, 1, 1))
    return {"an": an, "binh": binh, "cuong": cuong, "dung": dung}


def visible_names(user):
    return set(rules.filter_people(user, Person.objects.all()).values_list("full_name", flat=True))


def test_ward_clerk_sees_people_of_their_ward_and_not_of_the_sibling_ward(people, ward_clerk):
    assert visible_names(ward_clerk) == {"Nguyễn Văn An", "Phạm Thị Dung", "Lê Văn Cường"}


def test_city_viewer_sees_everyone_in_the_city(people, viewer):
    assert visible_names(viewer) == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
    }


def test_outsider_sees_nobody(people, outsider):
    assert visible_names(outsider) == set()


def test_ward_clerk_cannot_open_a_person_of_the_sibling_ward(people, ward_clerk, login):
    client = login(ward_clerk)

    assert client.get(reverse("org:person", args=[people["binh"].pk])).status_code == 404
    assert client.get(reverse("org:person", args=[people["an"].pk])).status_code == 200
    listing = client.get(reverse("org:people")).content.decode()
    assert "Nguyễn Văn An" in listing
    assert "Trần Thị Bình" not in listing


def test_ward_clerk_sees_but_cannot_edit_a_city_cadre_serving_in_the_ward(
    people, ward_clerk, login
):
    client = login(ward_clerk)
    cuong = people["cuong"]

    assert client.get(reverse("org:person", args=[cuong.pk])).status_code == 200
    assert client.get(reverse("org:person_edit", args=[cuong.pk])).status_code == 403
    assert rules.can_view_person(ward_clerk, cuong)
    assert not rules.can_edit_person(ward_clerk, cuong)


def test_the_person_page_shows_their_career(people, viewer, login):
    page = login(viewer).get(reverse("org:person", args=[people["cuong"].pk])).content.decode()

    assert "Quá trình giữ chức vụ" in page
    assert "Đảng ủy Phường An Hội" in page
    assert "01-01-2021" in page
