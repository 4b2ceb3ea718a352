"""Official document numbers: parse, validate and format Party and State numbers.

A pure library (no Django): the register, the importers and the text extraction all use it.

Party numbers:  ``07-KH/ThU``  number - TYPE / ISSUER     (per type, restarting every term)
State numbers:  ``123/QĐ-UBND``  number / TYPE - ISSUER   (per issuer, per calendar year)
                ``45/2020/NĐ-CP``  number / year / TYPE - ISSUER   (legal normative documents)
                ``1210/2016/UBTVQH13``  no type code (acts of the National Assembly and its
                Standing Committee); ``1234/VPCP-KTTH``  official letters: no type code either.

`parse` is tolerant of what clerks and old files do: a "Số"/"số:" prefix, spaces around the
separators, NFD text, the Icelandic Ð for Đ, "D" typed for "Đ" in type codes (QD, ND, DU),
lower case ("57-nq/tw"). It raises `NumberError` (a ValueError) with a reason a clerk can act
on, in Vietnamese and English, and never any other exception.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PARTY, STATE = "party", "state"

# Party document types (Quy định 66-QĐ/TW, then 399-QĐ/TW of 2026; Hướng dẫn 36-HD/VPTW).
PARTY_TYPES = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định, Quy định",
    "QĐi": "Quy định (2018–2020)",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "TT": "Thông tri",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "TC": "Thông cáo",
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "CTr": "Chương trình",
    "CTHĐ": "Chương trình hành động",
    "CTrHĐ": "Chương trình hành động",
    "ĐA": "Đề án",
    "PA": "Phương án",
    "TTr": "Tờ trình",
    "CV": "Công văn",
    "BB": "Biên bản",
    "QyĐ": "Quy định",
}

# State document types (Decree 30/2020/NĐ-CP, Appendix III; plus the legal normative types).
STATE_TYPES = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch",
    "L": "Luật",
    "PL": "Pháp lệnh",
    "SL": "Sắc lệnh",
    "QĐ-TTg": "Quyết định của Thủ tướng",
}

# Issuers whose letter case is meaningful; anything else is written in capitals.
KNOWN_ISSUERS = [
    "TW",
    "VPTW",
    "BTCTW",
    "BTGTW",
    "BDVTW",
    "BTGDVTW",
    "UBKTTW",
    "BKTTW",
    "BNCTW",
    "TU",
    "VPTU",
    "BTGTU",
    "BTCTU",
    "BDVTU",
    "BTGDVTU",
    "UBKTTU",
    "ThU",
    "VPThU",
    "BTGThU",
    "BTCThU",
    "HU",
    "QU",
    "TxU",
    "ĐU",
    "ĐUK",
    "CB",
    "ĐH",
    "BCSĐ",
    "BCĐ",
    "ĐTN",
    "TWĐTN",
    "TTg",
    "CP",
    "VPCP",
    "QH",
    "UBND",
    "HĐND",
    "UBTVQH",
    "BNV",
    "BTC",
    "BXD",
    "BGDĐT",
    "BYT",
    "BCA",
    "BQP",
    "BTP",
]


class NumberError(ValueError):
    """A number that cannot be read; `message` in Vietnamese, `message_en` in English."""

    def __init__(self, code: str, message: str, message_en: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_en = message_en


@dataclass(frozen=True)
class DocNumber:
    system: str  # PARTY or STATE
    number: int
    type: str | None  # canonical type code, None when the number carries none
    issuer: str
    year: int | None = None

    def format(self) -> str:
        return format_number(self)

    def __str__(self) -> str:
        return self.format()


def _fold(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").upper()


_PARTY_TYPE_KEYS = {_fold(code): code for code in PARTY_TYPES}
# Folded keys; where two codes fold alike (ĐA, DA) the Đ form wins, as old files drop the bar.
_STATE_TYPE_KEYS = {_fold(code): code for code in reversed(list(STATE_TYPES)) if "-" not in code}
_ISSUER_KEYS = {_fold(code): code for code in KNOWN_ISSUERS}

_PREFIX = re.compile(r"^\s*(?:s[oố]\s*(?:hiệu)?\s*[:.]?\s*)(?=\d)", re.IGNORECASE)
_SPACES_AROUND = re.compile(r"\s*([-/])\s*")
_PART = r"[0-9A-Za-zĐđÀ-ỹ]+"
_PARTY_RE = re.compile(rf"^0*(\d{{1,5}})-({_PART})/({_PART}(?:-{_PART})*)$")
_STATE_YEAR_RE = re.compile(rf"^0*(\d{{1,6}})/(\d{{4}})/({_PART}(?:-{_PART})*)$")
_STATE_RE = re.compile(rf"^0*(\d{{1,6}})/({_PART}(?:-{_PART})*)$")


def clean(raw: str) -> str:
    """The number as a clerk meant it: NFC, Đ, no prefix, no inner spaces, dashes unified."""
    if not isinstance(raw, str):
        raise NumberError("empty", "Chưa nhập số, ký hiệu văn bản.", "No document number given.")
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\u00d0", "Đ").replace("\u00f0", "đ")
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    text = _PREFIX.sub("", text.strip())
    text = _SPACES_AROUND.sub(r"\1", text).strip().rstrip(".,;")
    return text


def _canonical_type(code: str, table: dict[str, str], names: dict[str, str]) -> str | None:
    """Exact code first (ĐA and DA are different State types), then case- and Đ-insensitive."""
    if code in names:
        return code
    for known in names:
        if known.upper() == code.upper():
            return known
    return table.get(_fold(code))


def _canonical_issuer(code: str) -> str:
    parts = code.split("-")
    out = []
    for part in parts:
        known = _ISSUER_KEYS.get(_fold(part))
        if known:
            out.append(known)
        elif part.islower():
            out.append(part.upper())
        else:
            out.append(part)
    return "-".join(out)


def _number(digits: str) -> int:
    value = int(digits)
    if value == 0:
        raise NumberError(
            "zero", "Số văn bản phải lớn hơn 0.", "A document number must be greater than 0."
        )
    return value


def parse(raw: str) -> DocNumber:
    """Read a Party or State document number; raise `NumberError` with the reason if it isn't one."""
    text = clean(raw)
    if not text:
        raise NumberError("empty", "Chưa nhập số, ký hiệu văn bản.", "No document number given.")
    if len(text) > 80:
        raise NumberError(
            "too_long",
            "Số, ký hiệu văn bản quá dài (tối đa 80 ký tự).",
            "The document number is too long (80 characters at most).",
        )
    if not text[0].isdigit():
        raise NumberError(
            "no_number",
            f"“{text}” không bắt đầu bằng số thứ tự của văn bản (ví dụ 07-KH/ThU hoặc 123/QĐ-UBND).",
            f"“{text}” does not start with the document's serial number (e.g. 07-KH/ThU or 123/QĐ-UBND).",
        )
    match = _PARTY_RE.match(text)
    if match:
        digits, type_code, issuer = match.groups()
        canonical = _canonical_type(type_code, _PARTY_TYPE_KEYS, PARTY_TYPES)
        if canonical is None:
            raise NumberError(
                "unknown_type",
                f"“{type_code}” không phải loại văn bản của Đảng (ví dụ NQ, KH, QĐ, CTr, BC).",
                f"“{type_code}” is not a Party document type (e.g. NQ, KH, QĐ, CTr, BC).",
            )
        return DocNumber(PARTY, _number(digits), canonical, _canonical_issuer(issuer))
    match = _STATE_YEAR_RE.match(text)
    if match:
        digits, year, rest = match.groups()
        year_value = int(year)
        if not 1945 <= year_value <= 2100:
            raise NumberError(
                "bad_year",
                f"Năm {year} trong số văn bản không hợp lệ.",
                f"The year {year} in the document number is not valid.",
            )
        type_code, issuer = _split_state(rest)
        return DocNumber(STATE, _number(digits), type_code, issuer, year_value)
    match = _STATE_RE.match(text)
    if match:
        digits, rest = match.groups()
        type_code, issuer = _split_state(rest)
        return DocNumber(STATE, _number(digits), type_code, issuer)
    if "/" not in text:
        raise NumberError(
            "no_issuer",
            f"“{text}” thiếu cơ quan ban hành sau dấu “/” (ví dụ 07-KH/ThU, 123/QĐ-UBND).",
            f"“{text}” lacks the issuer after “/” (e.g. 07-KH/ThU, 123/QĐ-UBND).",
        )
    raise NumberError(
        "malformed",
        f"Không đọc được “{text}”. Số văn bản của Đảng có dạng 07-KH/ThU; của Nhà nước có dạng "
        "123/QĐ-UBND hoặc 45/2020/NĐ-CP.",
        f"Cannot read “{text}”. Party numbers look like 07-KH/ThU; State numbers like 123/QĐ-UBND "
        "or 45/2020/NĐ-CP.",
    )


def _split_state(rest: str) -> tuple[str | None, str]:
    """ "QĐ-UBND" → ("QĐ", "UBND"); "UBTVQH13" → (None, "UBTVQH13"); "VPCP-KTTH" → (None, ...)."""
    head, sep, tail = rest.partition("-")
    if sep and tail:
        if _fold(head) == "QD" and _fold(tail).startswith("TTG"):
            return "QĐ", _canonical_issuer(tail)
        canonical = _canonical_type(head, _STATE_TYPE_KEYS, STATE_TYPES)
        if canonical is not None:
            return canonical, _canonical_issuer(tail)
    return None, _canonical_issuer(rest)


def format_number(doc: DocNumber) -> str:
    """The canonical written form: 07-KH/ThU, 05/QĐ-UBND, 45/2020/NĐ-CP, 1210/2016/UBTVQH13."""
    if doc.system == PARTY:
        return f"{doc.number:02d}-{doc.type}/{doc.issuer}"
    head = f"{doc.number:02d}"
    if doc.year is not None:
        head = f"{head}/{doc.year}"
    return f"{head}/{doc.type}-{doc.issuer}" if doc.type else f"{head}/{doc.issuer}"


def normalise(raw: str) -> str:
    """The canonical form of a typed number (raises `NumberError` like `parse`)."""
    return parse(raw).format()


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except NumberError:
        return False
    return True
