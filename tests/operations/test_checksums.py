"""A row's canonical form is the same whatever database and driver returned its values, so
a table's checksum is computed the same way on SQLite and PostgreSQL."""

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from trienkhai.lib.backup import canonical, row_hash

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("kind", "sqlite_value", "postgresql_value"),
    [
        ("bool", 1, True),
        ("bool", 0, False),
        ("int", 7, 7),
        ("datetime", "2020-12-10 01:02:03.000004", dt.datetime(2020, 12, 10, 8, 2, 3, 4, HCM)),
        (
            "datetime",
            dt.datetime(2020, 12, 10, 1, 2, 3),
            dt.datetime(2020, 12, 10, 1, 2, 3, tzinfo=dt.UTC),
        ),
        ("date", "2020-12-10", dt.date(2020, 12, 10)),
        ("time", "07:30:00", dt.time(7, 30)),
        ("decimal", 91.25, Decimal("91.25")),
        ("decimal", 98, Decimal("98.00")),
        ("decimal", "0.1", Decimal("0.10")),
        ("duration", 90_000_000, dt.timedelta(seconds=90)),
        (
            "uuid",
            "0f8fad5bd9cb469fa16570867728950e",
            uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e"),
        ),
        ("json", '{"b": 1, "a": [1.5, "Bến Tre"]}', {"a": [1.5, "Bến Tre"], "b": 1}),
        ("binary", b"\x00\xff", memoryview(b"\x00\xff")),
        ("text", "Thành ủy Bến Tre", "Thành ủy Bến Tre"),
        ("text", None, None),
    ],
)
def test_both_databases_give_one_canonical_value(kind, sqlite_value, postgresql_value):
    assert canonical(sqlite_value, kind) == canonical(postgresql_value, kind)


def test_a_changed_value_changes_the_row_hash():
    assert row_hash([1, "Bến Tre"]) != row_hash([1, "Bến tre"])
    assert row_hash([1, None]) != row_hash([1, ""])
