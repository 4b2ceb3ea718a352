"""Importers and parsers fed garbage: they refuse it with their own errors, never crash.

Each importer gets random bytes, truncated and bit-flipped copies of a valid file, and valid
workbooks (built by the module's own template or export) whose cells are overwritten with odd
values: huge strings, formulas, wrong types, dates far out of range. The only exceptions
allowed are those the module documents for bad input.
"""

import contextlib
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from trienkhai.documents import numbering
from trienkhai.exchange import format as fmt
from trienkhai.exchange import services as exchange_services
from trienkhai.exchange import xlsx as exchange_xlsx
from trienkhai.extraction.pipeline import extract
from trienkhai.lib import upload
from trienkhai.lib.dates import parse_deadline
from trienkhai.org import xlsx as org_xlsx
from trienkhai.org.forms import VNDateField
from trienkhai.outreach import attendance_xlsx

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            '=HYPERLINK("http://example.invalid","bấm")',
            "=1/0",
            "=A1",
            "@SUM(1)",
            "<script>alert(1)</script>",
            "31-02-2020",
            "00-00-0000",
            "9999-12-31",
            "2020-Q5",
            "\x00",
            "Tỉnh ủy Bến Tre",
            "x" * 5000,
        ]
    ),
)
odd_cell = st.one_of(
    st.none(),
    odd_text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)
edits = st.lists(
    st.tuples(st.integers(1, 8), st.integers(1, 14), odd_cell), min_size=1, max_size=25
)


def mutate(data: bytes, changes, *, sheet: int | None = None) -> bytes:
    """The workbook with `changes` [(row, column, value)] written into one of its sheets."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets = book.worksheets if sheet is None else [book.worksheets[sheet]]
    for number, (row, column, value) in enumerate(changes):
        ws = sheets[number % len(sheets)]
        try:
            ws.cell(row=row, column=column).value = value
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses some values
            ws.cell(row=row, column=column).value = repr(value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def damaged(data: bytes):
    """Truncated or bit-flipped copies of `data`, and plain random bytes (positions drawn
    independently of the file's length, which varies with the time it was written)."""
    return st.one_of(
        st.binary(max_size=2000),
        st.integers(1, 10**6).map(lambda n: data[: n % len(data)]),
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8).map(
            lambda flips: _flip(data, flips)
        ),
        st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail),
    )


def _flip(data: bytes, flips) -> bytes:
    out = bytearray(data)
    for at, byte in flips:
        out[at % len(out)] = byte
    return bytes(out)


# --- org: units and positions -----------------------------------------------------------------
@pytest.fixture
def org_template():
    out = io.BytesIO()
    org_xlsx.template_workbook(out)
    return out.getvalue()


@pytest.fixture
def org_export(tree):
    out = io.BytesIO()
    org_xlsx.export_workbook([tree.city], out)
    return out.getvalue()


def _org_import(tree, data: bytes) -> None:
    with contextlib.suppress(org_xlsx.ImportRejected):
        org_xlsx.import_workbook(actor=None, target=tree.city, file=data)


@FUZZ
@given(changes=edits, base=st.sampled_from(["template", "export"]))
def test_org_import_of_odd_cells(tree, org_template, org_export, changes, base):
    data = org_template if base == "template" else org_export
    _org_import(tree, mutate(data, changes))


@FUZZ
@given(data=st.data())
def test_org_import_of_damaged_files(tree, org_export, data):
    _org_import(tree, data.draw(damaged(org_export)))


# --- outreach: a class's attendance list -----------------------------------------------------------
@pytest.fixture
def session(target_groups, tree):
    from tests.outreach.builders import campaign_world

    w = campaign_world(tree)
    return w.campaign.classes.exclude(status="cancelled").first()


@pytest.fixture
def attendance_template(session):
    return attendance_xlsx.template_bytes(session)


def _attendance_import(session, data: bytes, mode: str) -> None:
    with contextlib.suppress(attendance_xlsx.ImportRejected):
        attendance_xlsx.attendance_import(actor=None, session=session, file=data, mode=mode)


@FUZZ
@given(changes=edits, mode=st.sampled_from([attendance_xlsx.REPLACE, attendance_xlsx.APPEND]))
def test_attendance_import_of_odd_cells(session, attendance_template, changes, mode):
    _attendance_import(session, mutate(attendance_template, changes, sheet=0), mode)


@FUZZ
@given(data=st.data())
def test_attendance_import_of_damaged_files(session, attendance_template, data):
    _attendance_import(session, data.draw(damaged(attendance_template)), attendance_xlsx.REPLACE)


# --- exchange: packages ---------------------------------------------------------------------------
def _row_values():
    names = sorted({spec.name for section in fmt.SECTIONS.values() for spec in section.fields})
    return st.dictionaries(st.sampled_from(names), odd_cell.map(_jsonable), max_size=8)


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
packages = st.fixed_dictionaries(
    {"format": st.just(fmt.FORMAT), "version": st.sampled_from([fmt.VERSION, "1", 2, None])},
    optional={
        name: st.one_of(st.lists(_row_values(), max_size=4), json_values) for name in fmt.SECTIONS
    }
    | {name: json_values for name in fmt.META_FIELDS if name not in ("format", "version")},
)


@FUZZ
@given(payload=st.one_of(packages, json_values))
def test_exchange_check_of_random_json(payload):
    with contextlib.suppress(fmt.PackageInvalid):
        fmt.check(payload)


@FUZZ
@given(payload=packages)
def test_exchange_read_package_of_random_json(payload):
    data = json.dumps(payload).encode()
    with contextlib.suppress(fmt.PackageInvalid):
        fmt.check(exchange_services.read_package(data)[1])


@FUZZ
@given(data=st.binary(max_size=3000))
def test_exchange_read_package_of_random_bytes(data):
    with contextlib.suppress(fmt.PackageInvalid):
        exchange_services.read_package(data)


@pytest.fixture(scope="module")
def exchange_workbook():
    package = {"format": fmt.FORMAT, "version": fmt.VERSION}
    out = io.BytesIO()
    exchange_xlsx.write_workbook(package, out)
    return out.getvalue()


@FUZZ
@given(changes=edits)
def test_exchange_workbook_of_odd_cells(db, exchange_workbook, changes):
    data = mutate(exchange_workbook, changes)
    with contextlib.suppress(upload.FileRejected, fmt.PackageInvalid):
        fmt.check(exchange_xlsx.read_workbook(data))
    with contextlib.suppress(fmt.PackageInvalid):
        exchange_services.read_package(data)


@FUZZ
@given(data=st.data())
def test_exchange_workbook_damaged(db, exchange_workbook, data):
    with contextlib.suppress(upload.FileRejected, fmt.PackageInvalid):
        fmt.check(exchange_xlsx.read_workbook(data.draw(damaged(exchange_workbook))))


# --- text parsers -------------------------------------------------------------------------------
number_like = st.one_of(
    st.text(max_size=90),
    st.from_regex(r"\A[0-9]{0,6}[-/ ]?[A-ZĐa-z]{0,4}[-/ ]?[A-ZĐa-z0-9-]{0,10}\Z"),
)


@settings(max_examples=300, deadline=None)
@given(raw=number_like)
def test_document_numbers_parse_or_say_why(raw):
    with contextlib.suppress(numbering.NumberError):
        numbering.parse(raw)


deadline_like = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,3}(-[0-9]{1,3})?|-Q[0-9])?\Z"),
)


@settings(max_examples=300, deadline=None)
@given(text=deadline_like)
def test_deadlines_parse_or_raise_value_error(text):
    with contextlib.suppress(ValueError):
        parse_deadline(text)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=20), st.from_regex(r"\A[0-9]{1,6}[-/.][0-9]{1,4}[-/.][0-9]{1,6}\Z")
    )
)
def test_form_dates_clean_or_raise_validation_error(text):
    with contextlib.suppress(ValidationError):
        VNDateField().clean(text)


sentence_parts = st.sampled_from(
    [
        "Giao Ban Tuyên giáo chủ trì",
        "hoàn thành trước ngày 31-02-2020",
        "quý V năm 2025",
        "tháng 13/2020",
        "Nghị quyết số 99999999999999999999-NQ/TW",
        "ngày 00 tháng 00 năm 0000",
        "đạt 1e400%",
        "100.000.000.000.000.000.000 người",
        "\n\n1.\n",
        "a)",
        "trước ngày 29/2/2021",
        "năm 99999",
    ]
)


@settings(max_examples=100, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.lists(st.one_of(sentence_parts, st.text(max_size=10)), max_size=15).map(" ".join),
    )
)
def test_extraction_never_raises(text):
    extract(text)
