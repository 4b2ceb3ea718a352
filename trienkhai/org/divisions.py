"""Vietnam's administrative divisions since 1-7-2025, loaded from the `vietnam-provinces` package.

The State tree gets a root for the country, the 34 provinces and centrally-run cities, and their
3,321 communes, wards and special zones. With the Party tree, each of them gets its Party
committee (Tỉnh ủy, Thành ủy, Đảng ủy xã/phường/đặc khu) linked to it through
`Unit.counterpart`.

A unit is found again by its `source_key` ("vietnam-provinces/2025:ward:28777"), never by its
administrative code: codes were reused in 2025 (the new Phường An Hội of Vĩnh Long carries the
code of the old An Hội of Bến Tre city), so the code is kept as `official_code`, an attribute.

Creating 6,700 units one by one through treebeard takes minutes; here the paths are computed
and the units, with their first `UnitPeriod`, are written with `bulk_create`.
"""

import importlib.metadata
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.lib.text import fold

from . import services
from .models import Unit, UnitKind, UnitPeriod

SOURCE = "vietnam-provinces/2025"
COUNTRY_KEY = "vietnam-provinces:country"
PARTY_KEY = "vietnam-provinces:party"
COUNTRY_NAME = "Nước Cộng hòa xã hội chủ nghĩa Việt Nam"
PARTY_NAME = "Đảng Cộng sản Việt Nam"
BATCH_SIZE = 500


def province_key(code) -> str:
    return f"{SOURCE}:province:{int(code)}"


def ward_key(code) -> str:
    return f"{SOURCE}:ward:{int(code)}"


def party_province_key(code) -> str:
    return f"{SOURCE}:party:province:{int(code)}"


def party_ward_key(code) -> str:
    return f"{SOURCE}:party:ward:{int(code)}"


def province_code(code) -> str:
    """Provinces are written with two digits, as in the official list: 01, 86."""
    return f"{int(code):02d}"


def ward_code(code) -> str:
    """Communes are written with five digits: 00070, 28777."""
    return f"{int(code):05d}"


def province_names(province) -> tuple[str, str]:
    """(State name, Party committee name): ("Tỉnh Vĩnh Long", "Tỉnh ủy Vĩnh Long"),
    ("Thành phố Hà Nội", "Thành ủy Hà Nội")."""
    city_prefix = "Thành phố "
    if province.name.startswith(city_prefix):
        return province.name, "Thành ủy " + province.name[len(city_prefix) :]
    return "Tỉnh " + province.name, "Tỉnh ủy " + province.name


def ward_names(ward) -> tuple[str, str]:
    """(State name, Party committee name): ("Phường An Hội", "Đảng ủy phường An Hội")."""
    kind = ward.division_type.value  # "phường", "xã", "đặc khu"
    bare = ward.name[len(kind) :].strip() if ward.name.lower().startswith(kind) else ward.name
    return ward.name, f"Đảng ủy {kind} {bare}"


def ensure_roots(
    *, actor=None, with_party: bool = True, audit: bool = True
) -> tuple[Unit, Unit | None]:
    """The country and the Party roots, created through `unit_create` the first time."""

    def root(key: str, name: str, short_name: str) -> Unit:
        unit = Unit.objects.filter(source_key=key).first()
        if unit is None:
            unit = services.unit_create(
                actor=actor,
                parent=None,
                kind=UnitKind.OTHER,
                name=name,
                short_name=short_name,
                source_key=key,
                audit=audit,
            )
        return unit

    country = root(COUNTRY_KEY, COUNTRY_NAME, "Việt Nam")
    party = root(PARTY_KEY, PARTY_NAME, "ĐCSVN") if with_party else None
    return country, party


@dataclass(frozen=True)
class _Spec:
    key: str
    parent_key: str
    kind: str
    name: str
    official_code: str = ""
    counterpart_key: str | None = None


def _levels(with_party: bool) -> list[list[_Spec]]:
    """What the source says, level by level: each level's parents come from an earlier one."""
    import vietnam_provinces as vp

    provinces = sorted(vp.Province.iter_all(), key=lambda p: int(p.code))
    wards = sorted(vp.Ward.iter_all(), key=lambda w: (int(w.province_code), int(w.code)))
    state_provinces, party_provinces, state_wards, party_wards = [], [], [], []
    for p in provinces:
        state_name, party_name = province_names(p)
        state_provinces.append(
            _Spec(
                province_key(p.code),
                COUNTRY_KEY,
                UnitKind.PROVINCE,
                state_name,
                province_code(p.code),
            )
        )
        party_provinces.append(
            _Spec(
                party_province_key(p.code),
                PARTY_KEY,
                UnitKind.PROVINCIAL_PARTY_COMMITTEE,
                party_name,
                counterpart_key=province_key(p.code),
            )
        )
    for w in wards:
        state_name, party_name = ward_names(w)
        state_wards.append(
            _Spec(
                ward_key(w.code),
                province_key(w.province_code),
                UnitKind.COMMUNE,
                state_name,
                ward_code(w.code),
            )
        )
        party_wards.append(
            _Spec(
                party_ward_key(w.code),
                party_province_key(w.province_code),
                UnitKind.GRASSROOTS_PARTY_COMMITTEE,
                party_name,
                counterpart_key=ward_key(w.code),
            )
        )
    if with_party:
        return [state_provinces, party_provinces, state_wards, party_wards]
    return [state_provinces, state_wards]


def _first_free_step(parent: Unit) -> int:
    """The step after the parent's last child in the stored tree."""
    last = (
        Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return 1 if last is None else Unit._str2int(last[-Unit.steplen :]) + 1


def _create_level(new: list[tuple[_Spec, Unit, Unit | None]]) -> list[Unit]:
    """Write the missing units of one level, their parents' child counts and first periods."""
    next_step: dict[int, int] = {}
    units = []
    for spec, parent, counterpart in new:
        step = next_step.get(parent.pk) or _first_free_step(parent)
        next_step[parent.pk] = step + 1
        depth = parent.depth + 1
        units.append(
            Unit(
                kind=spec.kind,
                name=spec.name,
                name_folded=fold(spec.name),
                official_code=spec.official_code,
                source_key=spec.key,
                counterpart=counterpart,
                depth=depth,
                path=Unit._get_path(parent.path, depth, step),
                numchild=0,
            )
        )
    created = Unit.objects.bulk_create(units, batch_size=BATCH_SIZE)
    if any(u.pk is None for u in created):  # backends that cannot return ids from a bulk insert
        ids = dict(
            Unit.objects.filter(source_key__in=[u.source_key for u in created]).values_list(
                "source_key", "pk"
            )
        )
        for u in created:
            u.pk = ids[u.source_key]
    for parent_pk, added in Counter(parent.pk for _, parent, _ in new).items():
        Unit.objects.filter(pk=parent_pk).update(numchild=F("numchild") + added)
    UnitPeriod.objects.bulk_create(
        [
            UnitPeriod(
                unit=unit,
                valid_from=None,
                name=unit.name,
                short_name=unit.short_name,
                name_folded=unit.name_folded,
                kind=unit.kind,
                parent=parent,
            )
            for unit, (_, parent, _) in zip(created, new, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    return created


@transaction.atomic
def divisions_load(*, actor=None, with_party: bool = True) -> dict:
    """Load or refresh the 34 provinces and 3,321 communes (and their Party committees).

    Units already loaded are found by `source_key`; a changed name or code is corrected through
    `unit_update` (audited one by one). Units that have ended are left as they are. Returns the
    counts {"created", "updated", "unchanged"}.
    """
    counts = Counter(created=0, updated=0, unchanged=0)
    roots_before = set(
        Unit.objects.filter(source_key__in=[COUNTRY_KEY, PARTY_KEY]).values_list(
            "source_key", flat=True
        )
    )
    country, party = ensure_roots(actor=actor, with_party=with_party, audit=False)
    for root in (country, party):
        if root is not None:
            counts["unchanged" if root.source_key in roots_before else "created"] += 1
    known = {u.source_key: u for u in Unit.objects.filter(source_key__startswith=SOURCE + ":")}
    known[COUNTRY_KEY] = country
    if party is not None:
        known[PARTY_KEY] = party
    for level in _levels(with_party):
        new = []
        for spec in level:
            counterpart = known.get(spec.counterpart_key) if spec.counterpart_key else None
            unit = known.get(spec.key)
            if unit is None:
                new.append((spec, known[spec.parent_key], counterpart))
                continue
            changes = {}
            if unit.ended_on is None:
                if unit.name != spec.name:
                    changes["name"] = spec.name
                if unit.official_code != spec.official_code:
                    changes["official_code"] = spec.official_code
                if counterpart is not None and unit.counterpart_id != counterpart.pk:
                    changes["counterpart"] = counterpart
            if changes:
                known[spec.key] = services.unit_update(actor=actor, unit=unit, **changes)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for unit in _create_level(new):
            known[unit.source_key] = unit
        counts["created"] += len(new)
    if counts["created"] or counts["updated"]:
        version = importlib.metadata.version("vietnam-provinces")
        audit_record(
            actor=actor,
            obj=country,
            action=AuditEntry.Action.IMPORT,
            changes={key: [None, counts[key]] for key in ("created", "updated", "unchanged")},
            note=(
                f"Nạp danh mục đơn vị hành chính từ vietnam-provinces {version}: "
                f"tạo mới {counts['created']}, cập nhật {counts['updated']}, "
                f"không đổi {counts['unchanged']}"
                + ("; kèm cấp ủy tương ứng." if with_party else "; không kèm cấp ủy.")
            ),
        )
    return dict(counts)
