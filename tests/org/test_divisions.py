"""`trienkhai load-divisions`: the 34 provinces and 3,321 communes of 1-7-2025, and their Party
committees, loaded fast, idempotently, with codes kept as attributes."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from trienkhai.audit.models import AuditEntry
from trienkhai.org import selectors, services
from trienkhai.org.divisions import (
    COUNTRY_KEY,
    PARTY_KEY,
    divisions_load,
    party_province_key,
    party_ward_key,
    province_key,
    ward_key,
)
from trienkhai.org.models import Unit, UnitKind, UnitPeriod

PROVINCES, COMMUNES = 34, 3321
ALL = 2 + 2 * (PROVINCES + COMMUNES)


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """Load the divisions once for a class of tests; roll everything back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = divisions_load()
        yield counts
        transaction.set_rollback(True)


def by_key(key: str) -> Unit:
    return Unit.objects.get(source_key=key)


def assert_tree_is_consistent():
    """Paths, depths and child counts agree (treebeard's find_problems is too slow here)."""
    rows = list(Unit.objects.values_list("path", "depth", "numchild"))
    step = Unit.steplen
    paths = {path for path, _, _ in rows}
    children = Counter(path[:-step] for path, depth, _ in rows if depth > 1)
    for path, depth, numchild in rows:
        assert len(path) == depth * step
        assert depth == 1 or path[:-step] in paths
        assert numchild == children[path], path


@pytest.mark.usefixtures("loaded")
class TestLoaded:
    def test_first_load_creates_everything(self, loaded):
        assert loaded == {"created": ALL, "updated": 0, "unchanged": 0}

    def test_34_provinces_and_3321_communes(self, db):
        assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == PROVINCES
        assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == COMMUNES
        country = by_key(COUNTRY_KEY)
        assert country.name == "Nước Cộng hòa xã hội chủ nghĩa Việt Nam"
        assert selectors.children(country).count() == PROVINCES
        assert by_key(province_key(1)).name == "Thành phố Hà Nội"
        assert by_key(province_key(86)).name == "Tỉnh Vĩnh Long"

    def test_party_tree_mirrors_the_state_tree(self, db):
        party = by_key(PARTY_KEY)
        assert party.name == "Đảng Cộng sản Việt Nam"
        assert selectors.children(party).count() == PROVINCES
        assert Unit.objects.filter(kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE).count() == PROVINCES
        assert Unit.objects.filter(kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE).count() == COMMUNES
        assert by_key(party_province_key(79)).name == "Thành ủy Hồ Chí Minh"
        assert by_key(party_province_key(86)).name == "Tỉnh ủy Vĩnh Long"
        assert by_key(party_ward_key(28777)).name == "Đảng ủy phường An Hội"
        special = Unit.objects.filter(
            kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE, name__startswith="Đảng ủy đặc khu"
        )
        assert special.count() == 13

    def test_counterparts_are_linked(self, db):
        linked = Unit.objects.filter(counterpart__isnull=False)
        assert linked.count() == PROVINCES + COMMUNES
        ward_party = by_key(party_ward_key(28777))
        assert ward_party.counterpart == by_key(ward_key(28777))
        assert by_key(party_province_key(86)).counterpart == by_key(province_key(86))
        # Every commune Party committee sits under the Party committee of its commune's province.
        mismatched = [
            u
            for u in Unit.objects.filter(kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE).select_related(
                "counterpart"
            )[:400]
            if selectors.ancestors(u).last().counterpart_id
            != selectors.ancestors(u.counterpart).last().pk
        ]
        assert mismatched == []

    def test_codes_are_attributes_not_keys(self, db):
        an_hoi = by_key(ward_key(28777))
        assert an_hoi.official_code == "28777"
        assert by_key(province_key(86)).official_code == "86"
        assert by_key(province_key(1)).official_code == "01"
        assert by_key(ward_key(70)).official_code == "00070"
        # A code may be borne again by another unit (codes were reused in 2025).
        old = services.unit_create(
            actor=None,
            parent=None,
            kind=UnitKind.COMMUNE,
            name="Phường An Hội (thành phố Bến Tre, trước 2025)",
            official_code="28777",
        )
        assert set(Unit.objects.filter(official_code="28777")) == {an_hoi, old}

    def test_subtree_of_vinh_long_includes_phuong_an_hoi(self, db):
        vinh_long = by_key(province_key(86))
        names = set(selectors.subtree(vinh_long).values_list("name", flat=True))
        assert "Phường An Hội" in names
        assert selectors.children(vinh_long).count() == 124

    def test_tree_is_consistent_and_every_unit_has_a_first_period(self, db):
        assert_tree_is_consistent()
        assert UnitPeriod.objects.count() == Unit.objects.count()
        an_hoi = by_key(ward_key(28777))
        period = an_hoi.periods.get()
        assert (period.name, period.kind, period.parent) == (
            "Phường An Hội",
            UnitKind.COMMUNE,
            by_key(province_key(86)),
        )
        assert period.name_folded == "phuong an hoi"
        assert an_hoi.name_folded == "phuong an hoi"

    def test_one_audit_entry_summarises_the_import(self, db):
        entries = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT)
        assert entries.count() == 1
        entry = entries.get()
        assert entry.object_id == str(by_key(COUNTRY_KEY).pk)
        assert entry.changes["created"] == [None, ALL]
        assert "vietnam-provinces" in entry.note

    def test_running_twice_duplicates_nothing(self, db):
        units, periods, audits = (
            Unit.objects.count(),
            UnitPeriod.objects.count(),
            AuditEntry.objects.count(),
        )
        assert divisions_load() == {"created": 0, "updated": 0, "unchanged": ALL}
        assert (Unit.objects.count(), UnitPeriod.objects.count(), AuditEntry.objects.count()) == (
            units,
            periods,
            audits,
        )

    def test_a_changed_name_is_put_back_and_audited(self, db):
        an_hoi = by_key(ward_key(28777))
        services.unit_update(actor=None, unit=an_hoi, name="Phuong An Hoi")
        assert divisions_load() == {"created": 0, "updated": 1, "unchanged": ALL - 1}
        an_hoi.refresh_from_db()
        assert an_hoi.name == "Phường An Hội"
        assert an_hoi.periods.get().name == "Phường An Hội"

    def test_new_units_go_after_children_added_by_hand(self, db):
        vinh_long = by_key(province_key(86))
        own = services.unit_create(
            actor=None,
            parent=vinh_long,
            kind=UnitKind.PEOPLES_COMMITTEE,
            name="UBND tỉnh Vĩnh Long",
        )
        # Pretend one ward is missing, then load again: it is added beside the hand-made unit.
        ward = by_key(ward_key(28777))
        Unit.objects.filter(pk=ward.pk).update(source_key="tạm:28777")
        assert divisions_load()["created"] == 1
        again = by_key(ward_key(28777))
        assert again.pk != ward.pk
        assert again.path > own.path
        assert_tree_is_consistent()


def test_state_only_then_party(db):
    counts = divisions_load(with_party=False)
    assert counts == {"created": 1 + PROVINCES + COMMUNES, "updated": 0, "unchanged": 0}
    assert not Unit.objects.filter(source_key=PARTY_KEY).exists()
    assert not Unit.objects.filter(kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE).exists()
    counts = divisions_load()
    assert counts == {
        "created": 1 + PROVINCES + COMMUNES,
        "updated": 0,
        "unchanged": 1 + PROVINCES + COMMUNES,
    }
    assert by_key(party_ward_key(28777)).counterpart == by_key(ward_key(28777))


def test_command_reports_counts_in_vietnamese(db):
    out = io.StringIO()
    call_command("load_divisions", "--no-party", stdout=out)
    text = out.getvalue()
    assert "Đã nạp danh mục đơn vị hành chính" in text
    assert f"tạo mới {1 + PROVINCES + COMMUNES:,}".replace(",", ".") in text
    out = io.StringIO()
    call_command("load_divisions", stdout=out)
    assert "không đổi 3.356" in out.getvalue()
