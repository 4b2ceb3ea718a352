"""Vietnamese text helpers: normalisation and diacritic folding for search and matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Old and new tone placement differ only in where the mark sits (hoà/hòa, uỷ/ủy); folding
# removes marks entirely, so both spellings meet at the same key.


def normalize(text: str) -> str:
    """NFC, the Icelandic Eth (U+00D0) read as Vietnamese Đ, dashes unified, spaces collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower-case ASCII key without diacritics: "Phường An Hội" -> "phuong an hoi"."""
    if not text:
        return ""
    text = normalize(text).replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()
