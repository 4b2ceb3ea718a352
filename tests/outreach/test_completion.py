"""The completion matrix: people reached against expected, per unit and target group, rolled up
the tree, with the units behind schedule flagged (see tests/outreach/builders.py for the
numbers)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.outreach.builders import at, campaign_world, hold
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind
from trienkhai.outreach import services
from trienkhai.outreach.completion import (
    completion_matrix,
    is_behind,
    progress_by_campaign,
)
from trienkhai.outreach.models import ClassStatus

MID = dt.date(2020, 9, 20)  # the sibling's deadline passed, the ward's is in 5 days
AFTER = dt.date(2020, 10, 5)  # every deadline passed


@pytest.fixture
def w(tree):
    return campaign_world(tree)


def by_name(matrix):
    return {(r.unit.name, r.own): r for r in matrix.rows}


def test_the_city_sees_its_own_classes_and_each_delegated_ward_rolled_up(w, city_secretary):
    m = completion_matrix(w.campaign, user=city_secretary, today=MID)
    rows = by_name(m)

    assert [g.code for g in m.groups] == ["can-bo-chu-chot", "dang-vien"]
    own = rows[("Thành ủy Bến Tre", True)]
    assert (own.total.reached, own.total.expected, own.total.percent) == (45, 50, 90)
    assert own.classes_held == 1
    # The cell's class counts for its ward; the ward's planned class counts for nobody.
    ward = rows[("Đảng ủy Phường An Hội", False)]
    assert ward.cells[w.members.pk].reached == 30
    assert ward.cells[w.members.pk].expected == 100
    assert ward.cells[w.members.pk].percent == 30
    assert ward.cells[w.cadres.pk].percent is None  # nothing expected
    assert ward.classes_held == 1
    assert ward.delegation == w.ward_delegation
    # The sibling's cancelled class counts for nobody either.
    sibling = rows[("Đảng ủy Phường Phú Khương", False)]
    assert (sibling.total.reached, sibling.total.expected) == (70, 80)
    assert sibling.total.percent == 87  # 87.5 rounded down

    assert (m.total.total.reached, m.total.total.expected) == (145, 230)
    assert m.total.total.percent == 63
    assert m.total.classes_held == 3
    assert m.total.cells[w.members.pk].reached == 100


def test_behind_is_judged_on_each_units_own_deadline(w, city_secretary):
    rows = by_name(completion_matrix(w.campaign, user=city_secretary, today=MID))

    # Sibling: deadline 15-9 passed with 70 of 80.
    assert rows[("Đảng ủy Phường Phú Khương", False)].behind
    # Ward: deadline 25-9 within a week, 30 of 100 is under half.
    assert rows[("Đảng ủy Phường An Hội", False)].behind
    # City's own part: campaign deadline 30-9 is ten days away.
    assert not rows[("Thành ủy Bến Tre", True)].behind

    early = by_name(completion_matrix(w.campaign, user=city_secretary, today=dt.date(2020, 9, 10)))
    assert not early[("Đảng ủy Phường An Hội", False)].behind


def test_a_unit_that_reached_everyone_is_behind_until_it_reports(w, tree, city_secretary):
    hold(w, tree.sibling, "Lớp bù", at(9, 16), [(w.members, 10, 10)])
    rows = by_name(completion_matrix(w.campaign, user=city_secretary, today=AFTER))
    assert rows[("Đảng ủy Phường Phú Khương", False)].total.percent == 100
    assert rows[("Đảng ủy Phường Phú Khương", False)].behind  # not reported

    services.delegation_report(
        actor=None, delegation=w.sibling_delegation, report="Đã quán triệt 80/80 đảng viên."
    )
    rows = by_name(completion_matrix(w.campaign, user=city_secretary, today=AFTER))
    assert not rows[("Đảng ủy Phường Phú Khương", False)].behind


def test_the_behind_rule():
    end = dt.date(2020, 9, 30)
    assert is_behind(expected=10, reached=9, deadline_end=end, today=dt.date(2020, 10, 1))
    assert not is_behind(expected=10, reached=10, deadline_end=end, today=dt.date(2020, 10, 1))
    assert is_behind(expected=10, reached=4, deadline_end=end, today=dt.date(2020, 9, 23))
    assert not is_behind(expected=10, reached=5, deadline_end=end, today=dt.date(2020, 9, 23))
    assert not is_behind(expected=10, reached=0, deadline_end=end, today=dt.date(2020, 9, 22))
    assert not is_behind(expected=10, reached=0, deadline_end=None, today=dt.date(2030, 1, 1))


def test_a_ward_clerk_sees_only_its_wards_row_and_totals(w, ward_clerk):
    m = completion_matrix(w.campaign, user=ward_clerk, today=MID)

    assert [r.unit.name for r in m.rows] == ["Đảng ủy Phường An Hội"]
    assert m.partial
    assert (m.total.total.reached, m.total.total.expected) == (30, 100)
    assert m.total.classes_held == 1
    assert m.total.behind  # judged by the ward's own deadline
    assert [d.unit.name for d in m.delegations] == ["Đảng ủy Phường An Hội"]


def test_drilling_down_into_the_ward_shows_its_cell(w, tree, city_secretary, ward_clerk):
    for user in (city_secretary, ward_clerk):
        m = completion_matrix(w.campaign, user=user, root=tree.ward, today=MID)
        rows = by_name(m)
        assert set(rows) == {("Đảng ủy Phường An Hội", True), ("Chi bộ Khu phố 1", False)}
        # The ward's quota sits on the ward itself; the cell held the class.
        assert rows[("Đảng ủy Phường An Hội", True)].total.expected == 100
        assert rows[("Chi bộ Khu phố 1", False)].total.reached == 30
        assert (m.total.total.reached, m.total.total.expected) == (30, 100)
        assert rows[("Chi bộ Khu phố 1", False)].depth == 1


def test_a_delegation_deeper_in_the_tree_stays_a_row_of_its_own(w, tree, city_secretary):
    services.delegation_create(actor=None, campaign=w.campaign, units=[tree.cell])
    rows = by_name(completion_matrix(w.campaign, user=city_secretary, today=MID))
    assert rows[("Chi bộ Khu phố 1", False)].total.reached == 30
    assert rows[("Chi bộ Khu phố 1", False)].depth == 2
    # The ward's row still rolls up its cell; the city's own part is not reduced twice.
    assert rows[("Đảng ủy Phường An Hội", False)].total.reached == 30
    assert rows[("Thành ủy Bến Tre", True)].total.reached == 45


def test_the_matrix_costs_a_few_queries_whatever_the_number_of_classes(w, tree, city_secretary):
    for day in range(1, 21):
        hold(w, tree.cell, f"Lớp {day}", at(8, day), [(w.members, 5, 5)])
    for n in range(10):
        ward = org.unit_create(
            actor=None,
            parent=tree.city,
            kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
            name=f"Đảng ủy xã {n}",
        )
        services.delegation_create(actor=None, campaign=w.campaign, units=[ward])
        hold(w, ward, f"Lớp xã {n}", at(9, 3), [(w.members, 5, 4)])
    with CaptureQueriesContext(connection) as queries:
        m = completion_matrix(w.campaign, user=city_secretary, today=MID)
    assert len(m.rows) == 13
    assert by_name(m)[("Đảng ủy Phường An Hội", False)].total.reached == 130
    assert len(queries) <= 15


def test_held_classes_count_once_their_status_says_so(w, city_secretary):
    from trienkhai.outreach import classes

    classes.class_update(actor=None, session=w.cell_class, status=ClassStatus.PLANNED)
    rows = by_name(completion_matrix(w.campaign, user=city_secretary, today=MID))
    assert rows[("Đảng ủy Phường An Hội", False)].total.reached == 0


def test_the_list_progress_matches_the_matrix(w, city_secretary, ward_clerk, outsider):
    whole = progress_by_campaign([w.campaign], user=city_secretary, today=MID)[w.campaign.pk]
    assert (whole.total.reached, whole.total.expected, whole.classes_held) == (145, 230, 3)
    assert not whole.behind  # the campaign's deadline is ten days away, more than half reached

    part = progress_by_campaign([w.campaign], user=ward_clerk, today=MID)[w.campaign.pk]
    assert (part.total.reached, part.total.expected) == (30, 100)
    assert part.behind
    assert part.deadline_end == dt.date(2020, 9, 25)
