"""The organisation tree of the benchmark data set, with the real names of 2025.

    1 root                  Đảng Cộng sản Việt Nam (as `org.divisions` loads it: the national
                            dashboard is this root's)
    34 provinces            Tỉnh ủy, Thành ủy (from vietnam-provinces)
    3,321 communes          Đảng ủy xã, phường, đặc khu (real 2025 names)
    52,000 grassroots units Chi bộ thôn, khu phố (15 or 16 per commune)

treebeard's paths are computed here and the units written with `bulk_create` (each with its first
`UnitPeriod`, as the reorganisation services would), so a whole country takes seconds instead of
the minutes treebeard's one-by-one `add_child` would. Works on PostgreSQL and SQLite (the tree
benchmark compares both).
"""

import datetime as dt
from dataclasses import dataclass

FOUNDED = dt.date(1930, 2, 3)
MERGED = dt.date(2025, 7, 1)  # the communes and their cells of the 2025 reform
NATIONAL_CELLS = 52_000
# Depths in treebeard's numbering: the Party's root, then provinces, communes, grassroots units.
ROOT_DEPTH, PROVINCE_DEPTH, COMMUNE_DEPTH, CELL_DEPTH = 1, 2, 3, 4


@dataclass
class TreeCounts:
    provinces: int
    communes: int
    cells: int

    @property
    def units(self) -> int:
        return 1 + self.provinces + self.communes + self.cells  # the root too


def national_provinces() -> list:
    """The 34 provinces and centrally-run cities, in the order of their folded names."""
    from vietnam_provinces import Province

    from trienkhai.lib.text import fold

    return sorted(Province.iter_all(), key=lambda p: fold(p.name))


def cells_per_commune(cells: int) -> dict[int, int]:
    """Grassroots units of each commune (by ward code) when the whole country has `cells`:
    the same for a commune whether the whole country or one province is built."""
    from trienkhai.lib.text import fold

    provinces = national_provinces()
    wards_of = _wards_by_province()
    communes = sum(len(w) for w in wards_of.values())
    per, extra = divmod(cells, communes)
    out, index = {}, 0
    for province in provinces:
        for ward in sorted(wards_of[province.code], key=lambda w: fold(w.name)):
            out[int(ward.code)] = per + (1 if index < extra else 0)
            index += 1
    return out


def _wards_by_province() -> dict:
    from vietnam_provinces import Ward

    wards_of: dict = {}
    for ward in Ward.iter_all():
        wards_of.setdefault(ward.province_code, []).append(ward)
    return wards_of


def build_tree(
    *,
    province_codes: list[int] | None = None,
    cells: int = NATIONAL_CELLS,
    communes_limit: int | None = None,
    cells_each: int | None = None,
) -> TreeCounts:
    """Insert provinces (all, or those of `province_codes`) → their communes → grassroots units.

    `cells` is the national total the per-commune numbers are taken from; `communes_limit` and
    `cells_each` shrink a province further (for the tests' tiny scale).
    """
    from django.db import transaction
    from vietnam_provinces import VietNamDivisionType

    from trienkhai.lib.text import fold
    from trienkhai.org.divisions import (
        PARTY_KEY,
        PARTY_NAME,
        province_code,
        province_names,
        ward_code,
        ward_names,
    )
    from trienkhai.org.models import Unit, UnitKind, UnitPeriod

    provinces = national_provinces()
    if province_codes is not None:
        provinces = [p for p in provinces if int(p.code) in province_codes]
    wards_of = _wards_by_province()
    per_commune = cells_per_commune(cells)

    def unit(path, depth, numchild, kind, name, short, code="", key=None, established=FOUNDED):
        return Unit(
            path=path,
            depth=depth,
            numchild=numchild,
            kind=kind,
            name=name,
            short_name=short,
            name_folded=fold(name),
            official_code=code,
            source_key=key,
            established_on=established,
        )

    root_path = Unit._get_path(None, ROOT_DEPTH, 1)
    units = [
        unit(
            root_path,
            ROOT_DEPTH,
            len(provinces),
            UnitKind.OTHER,
            PARTY_NAME,
            "ĐCSVN",
            key=PARTY_KEY,
        )
    ]
    counts = TreeCounts(0, 0, 0)
    for pi, province in enumerate(provinces, 1):
        ppath = Unit._get_path(root_path, PROVINCE_DEPTH, pi)
        wards = sorted(wards_of[province.code], key=lambda w: fold(w.name))[:communes_limit]
        party_name = province_names(province)[1]
        units.append(
            unit(
                ppath,
                PROVINCE_DEPTH,
                len(wards),
                UnitKind.PROVINCIAL_PARTY_COMMITTEE,
                party_name,
                "ThU" if party_name.startswith("Thành ủy") else "TU",
                province_code(province.code),
                f"bench:province:{int(province.code)}",
            )
        )
        counts.provinces += 1
        for wi, ward in enumerate(wards, 1):
            wpath = Unit._get_path(ppath, COMMUNE_DEPTH, wi)
            n_cells = cells_each if cells_each is not None else per_commune[int(ward.code)]
            units.append(
                unit(
                    wpath,
                    COMMUNE_DEPTH,
                    n_cells,
                    UnitKind.GRASSROOTS_PARTY_COMMITTEE,
                    ward_names(ward)[1],
                    "ĐU",
                    ward_code(ward.code),
                    f"bench:ward:{int(ward.code)}",
                    MERGED,
                )
            )
            counts.communes += 1
            place = {
                VietNamDivisionType.PHUONG: "Khu phố",
                VietNamDivisionType.XA: "Thôn",
            }.get(ward.division_type, "Khu dân cư")
            for ci in range(1, n_cells + 1):
                units.append(
                    unit(
                        Unit._get_path(wpath, CELL_DEPTH, ci),
                        CELL_DEPTH,
                        0,
                        UnitKind.PARTY_CELL,
                        f"Chi bộ {place} {ci}",
                        "CB",
                        established=MERGED,
                    )
                )
            counts.cells += n_cells
    with transaction.atomic():
        Unit.objects.bulk_create(units, batch_size=5000)
        ids = dict(Unit.objects.values_list("path", "id"))
        periods = [
            UnitPeriod(
                unit_id=ids[u.path],
                valid_from=u.established_on,
                name=u.name,
                short_name=u.short_name,
                name_folded=u.name_folded,
                kind=u.kind,
                parent_id=ids.get(u.path[: -Unit.steplen]),
            )
            for u in units
        ]
        UnitPeriod.objects.bulk_create(periods, batch_size=5000)
    return counts
