"""Unit names as texts write them, read relative to the text's issuer.

"UBND thành phố" in a text of the Bến Tre City Party Committee is the People's Committee of
Bến Tre city, not Mỹ Tho's and not the ward's; "Sở Nội vụ" is Bến Tre province's; a name that
means several units gives no match, and neither do two equally good candidates.
"""

import datetime as dt

import pytest

from trienkhai.org import services as org
from trienkhai.org.models import Unit, UnitKind
from trienkhai.reading.matching import UnitMatcher, is_generic, parse, place_of, words

pytestmark = pytest.mark.django_db


def matcher(world, issuer=None, **kwargs):
    return UnitMatcher(issuer=issuer or world.city, **kwargs)


def test_abbreviations_are_written_out_and_diacritics_folded():
    assert words("UBND TP. Bến Tre") == ["uy", "ban", "nhan", "dan", "thanh", "pho", "ben", "tre"]
    assert words("BTV Thành uỷ") == ["ban", "thuong", "vu", "thanh", "uy"]
    assert words("Ủy ban MTTQ") == ["uy", "ban", "mat", "tran", "to", "quoc"]


def test_a_trailing_level_word_is_read_relative_to_the_issuer():
    assert parse("UBND thành phố").level == "thanh pho"
    assert parse("UBND thành phố").head == ("uy", "ban", "nhan", "dan")
    assert parse("Ban Tuyên giáo Thành ủy").level == "thanh uy"
    assert parse("đồng chí Bí thư Đảng ủy phường").level == "phuong"
    assert parse("Sở Nội vụ").level == ""
    assert place_of("Thành ủy Bến Tre") == ["ben", "tre"]


@pytest.mark.parametrize(
    "name",
    [
        "các sở, ngành tỉnh",
        "Các cơ quan liên quan",
        "các cấp ủy",
        "đơn vị",
        "Bí thư Đảng ủy xã, phường",
        "UBND huyện và thành phố",
        "",
        "  ",
    ],
)
def test_names_of_several_units_are_generic(name):
    assert is_generic(name)


def test_ubnd_thanh_pho_is_the_city_committee_of_the_issuer(world):
    assert matcher(world).match("UBND thành phố") == world.city_committee
    assert matcher(world).match("Ủy ban nhân dân thành phố") == world.city_committee
    assert matcher(world).match("ubnd tp.") == world.city_committee


def test_the_same_words_mean_another_city_for_another_issuer(world):
    mytho_party = org.unit_create(
        actor=None,
        parent=world.province,
        kind=UnitKind.CITY_PARTY_COMMITTEE,
        name="Thành ủy Mỹ Tho",
        short_name="ThU",
    )
    Unit.objects.filter(pk=mytho_party.pk).update(counterpart=world.other_city)
    mytho_party.refresh_from_db()
    assert matcher(world, mytho_party).match("UBND thành phố") == world.other_city_committee


def test_ubnd_tinh_is_the_provincial_committee(world):
    assert matcher(world).match("UBND tỉnh") == world.province_committee


def test_a_body_of_the_city_committee(world):
    assert matcher(world).match("Ban Tuyên giáo Thành ủy") == world.board
    assert matcher(world).match("Ban Tuyên giáo Thành ủy Bến Tre") == world.board
    assert matcher(world).match("ban tuyen giao thanh uy") == world.board
    # Its Party cell has the same words and more: the body itself is meant.
    org.unit_create(
        actor=None,
        parent=world.city,
        kind=UnitKind.PARTY_CELL,
        name="Chi bộ Ban Tuyên giáo Thành ủy",
    )
    assert matcher(world).match("Ban Tuyên giáo Thành ủy") == world.board


def test_a_department_is_the_one_of_the_issuers_province(world):
    assert matcher(world).match("Sở Nội vụ") == world.home_affairs
    assert matcher(world).match("Sở Nội vụ tỉnh Bến Tre") == world.home_affairs
    assert matcher(world).match("Sở Nội vụ tỉnh Tiền Giang") == world.other_home_affairs


def test_a_named_ward(world):
    assert matcher(world).match("Đảng ủy Phường An Hội") == world.ward
    assert matcher(world).match("UBND Phường An Hội") == world.ward_committee


def test_the_level_word_alone_is_the_issuers_own_unit(world):
    assert matcher(world).match("Thành ủy") == world.city
    assert matcher(world).match("thành phố") == world.state_city


def test_generic_names_are_left_for_the_user(world):
    m = matcher(world).explain("các sở, ngành tỉnh")
    assert m.unit is None and m.reason == "generic"


def test_two_equally_good_units_are_left_for_the_user(world):
    """Without an issuer there is nothing to prefer one province's department by."""
    m = UnitMatcher(issuer=None).explain("Sở Nội vụ")
    assert m.unit is None and m.reason == "ambiguous"
    assert set(m.candidates) == {world.home_affairs, world.other_home_affairs}


def test_a_relative_name_without_such_a_unit_around_the_issuer_is_no_match(world):
    """Which ward "UBND phường" means, in the city's text, cannot be told."""
    m = matcher(world).explain("UBND phường")
    assert m.unit is None and m.reason == "none"
    assert matcher(world, world.ward).match("UBND phường") == world.ward_committee


def test_an_unknown_unit_is_no_match(world):
    m = matcher(world).explain("Ban Quản lý dự án đầu tư xây dựng")
    assert m.unit is None and m.reason == "none"


def test_only_units_the_user_may_pick_are_proposed(world):
    units = Unit.objects.exclude(pk=world.city_committee.pk)
    assert matcher(world, units=units).match("UBND thành phố") is None


def test_a_unit_that_had_ended_by_the_day_of_the_text_is_not_proposed(world):
    Unit.objects.filter(pk=world.city_committee.pk).update(ended_on=dt.date(2020, 1, 1))
    assert matcher(world, day=dt.date(2020, 8, 7)).match("UBND thành phố") is None
    Unit.objects.filter(pk=world.city_committee.pk).update(ended_on=dt.date(2025, 7, 1))
    assert matcher(world, day=dt.date(2020, 8, 7)).match("UBND thành phố") == world.city_committee
