"""Document numbers as clerks type them, and as the register stores them."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trienkhai.documents.numbering import (
    KNOWN_ISSUERS,
    PARTY,
    PARTY_TYPES,
    STATE,
    STATE_TYPES,
    DocNumber,
    NumberError,
    normalise,
    parse,
)


@pytest.mark.parametrize(
    ("typed", "system", "number", "year", "type_", "issuer"),
    [
        ("07-KH/ThU", PARTY, 7, None, "KH", "ThU"),
        ("127-QĐ/TW", PARTY, 127, None, "QĐ", "TW"),
        ("01-NQ/TU", PARTY, 1, None, "NQ", "TU"),
        ("15-CTr/ThU", PARTY, 15, None, "CTr", "ThU"),
        ("08-QĐi/TW", PARTY, 8, None, "QĐi", "TW"),
        ("15-KH/BTGTU", PARTY, 15, None, "KH", "BTGTU"),
        ("367-QĐ/TWĐTN-VP", PARTY, 367, None, "QĐ", "TWĐTN-VP"),
        ("123/QĐ-UBND", STATE, 123, None, "QĐ", "UBND"),
        ("45/2020/NĐ-CP", STATE, 45, 2020, "NĐ", "CP"),
        ("1210/2016/UBTVQH13", STATE, 1210, 2016, None, "UBTVQH13"),
        ("26/2022/UBTVQH15", STATE, 26, 2022, None, "UBTVQH15"),
        ("202/2025/QH15", STATE, 202, 2025, None, "QH15"),
        ("1234/VPCP-KTTH", STATE, 1234, None, None, "VPCP-KTTH"),
        ("15/QĐ-TTg", STATE, 15, None, "QĐ", "TTg"),
    ],
)
def test_official_numbers_are_read_into_their_parts(typed, system, number, year, type_, issuer):
    doc = parse(typed)
    assert (doc.system, doc.number, doc.year, doc.type, doc.issuer) == (
        system,
        number,
        year,
        type_,
        issuer,
    )
    assert doc.format() == typed


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Số 07-KH/ThU", "07-KH/ThU"),
        ("số: 5/qd-ubnd", "05/QĐ-UBND"),
        ("Số07-KH/ThU", "07-KH/ThU"),
        ("07 - KH / ThU", "07-KH/ThU"),
        ("57-nq/tw", "57-NQ/TW"),
        ("98-QD/TW", "98-QĐ/TW"),
        ("45/2020/ND-CP", "45/2020/NĐ-CP"),
        ("7-KH/ThU", "07-KH/ThU"),
        ("12-NQ/\u00d0U", "12-NQ/ĐU"),  # the Icelandic Eth of old fonts
        (unicodedata.normalize("NFD", "127-QĐ/TW"), "127-QĐ/TW"),
        ("01\u2013KH/HU", "01-KH/HU"),  # an en dash
        ("12/ĐA-UBND", "12/ĐA-UBND"),
        ("12/DA-UBND", "12/DA-UBND"),  # Dự án, not Đề án
    ],
)
def test_what_clerks_type_is_normalised(typed, canonical):
    assert normalise(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("", "empty", "Chưa nhập"),
        ("KH/ThU", "no_number", "không bắt đầu bằng số"),
        ("07-XYZ/ThU", "unknown_type", "không phải loại văn bản của Đảng"),
        ("07-KH", "no_issuer", "thiếu cơ quan ban hành"),
        ("0-KH/ThU", "zero", "lớn hơn 0"),
        ("12/3000/QĐ-UBND", "bad_year", "Năm 3000"),
        ("12//QĐ", "malformed", "Không đọc được"),
    ],
)
def test_a_malformed_number_gets_a_reason_a_clerk_understands(typed, code, words):
    with pytest.raises(NumberError) as caught:
        parse(typed)
    assert caught.value.code == code
    assert words in caught.value.message
    assert caught.value.message_en


party_numbers = st.builds(
    DocNumber,
    system=st.just(PARTY),
    number=st.integers(1, 99999),
    type=st.sampled_from(sorted(PARTY_TYPES)),
    issuer=st.sampled_from(["TW", "TU", "ThU", "HU", "ĐU", "CB", "BTGTU", "TWĐTN-VP"]),
    year=st.none(),
)
state_numbers = st.builds(
    DocNumber,
    system=st.just(STATE),
    number=st.integers(1, 999999),
    type=st.one_of(st.none(), st.sampled_from(sorted(t for t in STATE_TYPES if "-" not in t))),
    issuer=st.sampled_from(["UBND", "CP", "TTg", "VPCP-KTTH", "UBTVQH15", "QH15", "BNV-VPCP"]),
    year=st.one_of(st.none(), st.integers(1945, 2100)),
)


@given(st.one_of(party_numbers, state_numbers))
def test_format_then_parse_gives_back_the_same_number(doc):
    if doc.system == STATE and doc.type is None and "-" in doc.issuer:
        head = doc.issuer.split("-")[0]
        # "VPCP-KTTH" stays an official letter only while its head is no type code
        assert head not in STATE_TYPES
    assert parse(doc.format()) == doc


@given(st.text(max_size=60))
def test_random_text_raises_nothing_but_a_number_error(text):
    try:
        doc = parse(text)
    except NumberError:
        return
    assert normalise(doc.format()) == doc.format()


@given(
    st.text(alphabet="0123456789-/ sốSốKHQĐDđThUTWNQCPUBND.:\u00d0\u2013", max_size=30),
)
def test_mangled_numbers_raise_nothing_but_a_number_error(text):
    try:
        doc = parse(text)
    except NumberError:
        return
    assert parse(doc.format()) == doc


def test_known_issuers_keep_their_letter_case():
    for issuer in KNOWN_ISSUERS:
        assert parse(f"01-NQ/{issuer.upper()}").issuer == issuer


def test_the_library_needs_no_django():
    import subprocess
    import sys

    code = (
        "import sys, trienkhai.documents.numbering as n; "
        "assert 'django' not in sys.modules; print(n.normalise('07-kh/thu'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "07-KH/ThU"
