"""Vietnamese typed in the legacy TCVN3 (ABC) and VNI encodings, found and turned into Unicode.

Before Unicode, offices typed Vietnamese in TCVN3 (fonts .VnTime, .VnArial, the "ABC" keyboard)
or in VNI (fonts VNI-Times, VNI-Helve): 8-bit codes that only those fonts draw right. Such text
still arrives, three ways: old .txt files in those bytes; Word files whose runs use those fonts;
and text that went through a wrong decode and shows as mojibake in a Unicode string
("Uû ban nh©n d©n tØnh" is TCVN3, "UÛy ban nhaân daân tænh" is VNI, both read as cp1252).

- TCVN3 (TCVN 5712:1993, table VN3) gives each small letter with its marks one byte; capitals
  exist only for Ă Â Ê Ô Ơ Ư Đ (the "...H" fonts such as .VnTimeH draw small codes as capitals).
- VNI writes a base letter followed by a mark byte ("aâ" = â, "aø" = à, "eä" = ệ); ơ, ư, đ and
  the toned i are single bytes.

Detection is conservative, so normal Unicode text is never damaged: a word speaks for an
encoding when it is no Vietnamese syllable as it stands and becomes one once converted; a text is
converted only when such words clearly outnumber the other non-ASCII words. Lines that hold a
letter beyond Latin-1 (ư, ạ, đ ...) are Unicode already and are never touched.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300\u0301\u0309\u0303\u0323"
_TONES = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))
_CIRC, _BREVE, _HORN = "\u0302\u0306\u031b"

# --- TCVN3: one byte per letter; each vowel's five tones in the order grave, hook, tilde,
# acute, dot below. The gaps (0xBA, 0xBF-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0) hold no letter.
_TCVN3_RUNS = (
    (0xA1, "ĂÂÊÔƠƯĐăâêôơưđ"),
    (0xB5, "àảãáạ"),
    (0xBB, "ằẳẵắ"),
    (0xC6, "ặầẩẫấậè"),
    (0xCE, "ẻẽéẹềểễếệìỉ"),
    (0xDC, "ĩíịò"),
    (0xE1, "ỏõóọồổỗốộờởỡớợù"),
    (0xF1, "ủũúụừửữứựỳỷỹýỵ"),
)
_TCVN3_DECODE = {start + i: ch for start, chars in _TCVN3_RUNS for i, ch in enumerate(chars)}
_TCVN3_ENCODE = {ch: code for code, ch in _TCVN3_DECODE.items()}
# "ư" is 0xAD, a soft hyphen: copied out of a PDF it often comes back as a minus sign.
_TCVN3_TABLE = {**_TCVN3_DECODE, 0x2212: "ư"}

# --- VNI: base letter + mark. Marks after a plain vowel (a e o u y, ơ, ư); after a, e, o for the
# circumflex; after a for the breve; the toned i and ơ, ư, đ are letters of their own.
_VNI_TONE = {"": "", _GRAVE: "ø", _ACUTE: "ù", _HOOK: "û", _TILDE: "õ", _DOT: "ï"}
_VNI_CIRC = {"": "â", _GRAVE: "à", _ACUTE: "á", _HOOK: "å", _TILDE: "ã", _DOT: "ä"}
_VNI_BREVE = {"": "ê", _GRAVE: "è", _ACUTE: "é", _HOOK: "ú", _TILDE: "ü", _DOT: "ë"}
_VNI_I = {"": "i", _GRAVE: "ì", _ACUTE: "í", _HOOK: "æ", _TILDE: "ó", _DOT: "ò"}
_SHAPES = {
    "a": ("", _CIRC, _BREVE),
    "e": ("", _CIRC),
    "i": ("",),
    "o": ("", _CIRC, _HORN),
    "u": ("", _HORN),
    "y": ("",),
}


def _vni_sequence(base: str, shape: str, tone: str) -> str:
    if base == "i":
        return _VNI_I[tone]
    if shape == _CIRC:
        return base + _VNI_CIRC[tone]
    if shape == _BREVE:
        return base + _VNI_BREVE[tone]
    if shape == _HORN:
        return {"o": "ô", "u": "ö"}[base] + _VNI_TONE[tone]
    if base == "y" and tone == _DOT:
        return "yî"
    return base + _VNI_TONE[tone]


def _vietnamese_vowels():
    """Every Vietnamese vowel letter (small), with the parts it is written from."""
    for base, shapes in _SHAPES.items():
        for shape in shapes:
            for tone in _VNI_TONE:
                yield unicodedata.normalize("NFC", base + shape + tone), base, shape, tone


_VNI_ENCODE = {"đ": "ñ", "Đ": "Ñ"}
for _letter, _base, _shape, _tone in _vietnamese_vowels():
    _VNI_ENCODE[_letter] = _vni_sequence(_base, _shape, _tone)
    _VNI_ENCODE[_letter.upper()] = _vni_sequence(_base, _shape, _tone).upper()
_VNI_DECODE: dict[str, str] = {}
for _letter, _seq in _VNI_ENCODE.items():
    if _seq != _letter:
        _VNI_DECODE[_seq] = _letter
        if len(_seq) == 2:  # a capital with a small mark, or the reverse, as hurried typing leaves
            _VNI_DECODE.setdefault(_seq[0] + _seq[1].swapcase(), _letter)
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI_DECODE), key=len, reverse=True)))
# Base + mark pairs no Western spelling uses (French "où", "goût", "naïf", "Noël" are not here).
_VNI_STRONG = re.compile(
    r"(?i:[aeo][âàáåãä]|a[êè]|[aeuyôö][øûõ]|o[øõ]|[aeuyôö]ù|[eôö]ï)|(?<![^\W\d_])[ñÑ](?=[^\W\d_])"
)

# --- Vietnamese syllables, to judge a word before and after conversion.
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_OPEN = (
    "a|e|ê|i|o|ô|ơ|u|ư|y|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|uy|ưa|ưi|ưu|ươi|ươu"
    "|uôi|uya|iêu|yêu|oa|oe|oai|oay|oao|oeo|uây|uê|uơ|uyu"
)
_CLOSED = "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y|iê|yê|uô|ươ|oa|oă|oe|oo|uâ|uê|uy|uyê"
_SYLLABLE = re.compile(
    rf"(?:{_ONSET})?(?:(?:{_OPEN})|(?:{_CLOSED})(?:(?P<stop>ch|[cptk])|nh|ng|m|n))"
)

# A word: letters, the Latin-1 symbols TCVN3 uses for letters, and a minus sign inside a word.
_WORD_CHAR = r"(?:[^\W\d_]|[\u00a1-\u00bf\u00d7\u00f7])"
_TOKEN = re.compile(rf"(?:{_WORD_CHAR}|(?<={_WORD_CHAR})\u2212|\u2212(?={_WORD_CHAR}))+")
_MIN_SHARE = 0.6  # of the non-ASCII words that decide, the share that must speak for a legacy code
_LEGACY_RANGE = re.compile("[\u0080-\u00ff\u2212\u0300-\u036f]")  # combining: NFD input


@functools.lru_cache(maxsize=16384)
def _is_syllable(word: str) -> bool:
    """Whether `word` is spelled as one Vietnamese syllable (one tone at most; a syllable
    ending in c, ch, p, t carries the acute or the dot below)."""
    parts = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in parts if c in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    match = _SYLLABLE.fullmatch(bare)
    if match is None:
        return False
    return not match.group("stop") or (bool(tones) and tones[0] in (_ACUTE, _DOT))


def _convert_word(word: str, encoding: str) -> str:
    if encoding == TCVN3:
        return word.translate(_TCVN3_TABLE)
    return _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], word)


def _strong(word: str, encoding: str) -> bool:
    """A sign one word is enough for: TCVN3 symbols, or a capital inside a word beside a small
    letter ("nh©n", "ViÖt", "CÊp"); VNI pairs no other language writes ("Vieät", "ñaûng")."""
    if encoding == VNI:
        return _VNI_STRONG.search(word) is not None
    has_ascii = any(c.isascii() and c.isalpha() for c in word)
    symbol = any(not c.isalpha() for c in word)
    capital_inside = any(
        "\u00a0" < word[i] <= "\u00ff"
        and word[i].isupper()
        and (word[i - 1].islower() or word[i + 1 : i + 2].islower())
        for i in range(1, len(word))
    )
    return has_ascii and (symbol or capital_inside)


def _unicode_line(line: str) -> bool:
    """A letter beyond Latin-1 (ư, ạ, đ, or any other script) means the line is Unicode."""
    return any(ord(c) > 0xFF and c.isalpha() for c in line)


def _words(lines) -> list[str]:
    return [w for line in lines for w in _TOKEN.findall(line) if not w.isascii()]


def _share(words: list[str], encoding: str) -> float:
    """The share of the deciding words that speak for `encoding`; 0 without a sure sign."""
    speak = against = strong = 0
    for word in words:
        converted = _convert_word(word, encoding)
        before, after = _is_syllable(word), _is_syllable(converted)
        if after and not before:
            speak += 1
            strong += _strong(word, encoding)
        elif not after:  # a syllable spoilt, or a word neither reading explains
            against += 1
    # Words of ordinary Latin-1 letters alone never decide: French "où" reads as VNI "ó",
    # Norwegian "på", "må" as TCVN3 "pồ", "mồ". A real legacy text is full of sure signs.
    if not strong:
        return 0.0
    return speak / (speak + against)


def _choose(lines) -> str | None:
    words = _words(lines)
    if not words:
        return None
    shares = {encoding: _share(words, encoding) for encoding in ENCODINGS}
    best = max(shares, key=shares.get)
    return best if shares[best] >= _MIN_SHARE else None


def _lines(text: str) -> list[str]:
    """The text's lines, NFC, ends kept (so joining them gives the NFC text back)."""
    return unicodedata.normalize("NFC", text).splitlines(keepends=True)


def detect(text: str) -> str | None:
    """The legacy encoding, "tcvn3" or "vni", of the text (of its lines that could be legacy),
    read as cp1252 or Latin-1; None when it is not legacy, or when the evidence is thin."""
    if not isinstance(text, str) or not _LEGACY_RANGE.search(text):
        return None
    return _choose(line for line in _lines(text) if not _unicode_line(line))


def _line_refuses(line: str, encoding: str) -> bool:
    """A line of a legacy text that reads as Unicode: a word of it is a syllable that the
    conversion would spoil ("các" → "cỏc"), and no word of it speaks for the encoding."""
    refuse = False
    for word in _words([line]):
        before, after = _is_syllable(word), _is_syllable(_convert_word(word, encoding))
        if after and not before:
            return False
        refuse = refuse or (before and not after)
    return refuse


def _convert_line(line: str, encoding: str) -> str:
    if encoding != TCVN3:
        return _TOKEN.sub(lambda m: _convert_word(m.group(), encoding), line)
    # TCVN3 has no toned capitals: a line or word typed in capitals gets them back.
    letters = [c for c in line if c.isascii() and c.isalpha()]
    shouting = len(letters) >= 3 and not any(c.islower() for c in letters)

    def word(match: re.Match) -> str:
        original = match.group()
        converted = _convert_word(original, encoding)
        capitals = [c for c in original if c.isascii() and c.isalpha()]
        if shouting or (len(capitals) >= 2 and not any(c.islower() for c in capitals)):
            return converted.upper()
        return converted

    return _TOKEN.sub(word, line)


def convert(text: str, encoding: str) -> str:
    """`text` read as `encoding` ("tcvn3" or "vni"), whatever detection says: for text known to
    be legacy (a run in a .VnTime or VNI-Times font). NFC."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    converted = "".join(_convert_line(line, encoding) for line in _lines(text))
    return unicodedata.normalize("NFC", converted)


def repair(text: str) -> str:
    """The text with its legacy-encoded lines converted to Unicode (NFC) when detection is
    sure; otherwise the text exactly as given."""
    if not isinstance(text, str) or not _LEGACY_RANGE.search(text):
        return text
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if not _unicode_line(line)]
    encoding = _choose(lines[i] for i in candidates)
    if encoding is None:
        return text
    for i in candidates:
        if not _line_refuses(lines[i], encoding):
            lines[i] = _convert_line(lines[i], encoding)
    return unicodedata.normalize("NFC", "".join(lines))


def encode_legacy(text: str, encoding: str) -> bytes:
    """`text` written in TCVN3 or VNI bytes, as an old editor would save it: for tests and for
    showing what a legacy file looks like. TCVN3 has no toned capitals: they are written small.
    Raises ValueError for a character the encoding cannot hold."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii() or ch == "\u00a0":
            out += ch.encode("latin-1")
        elif encoding == TCVN3 and (ch in _TCVN3_ENCODE or ch.lower() in _TCVN3_ENCODE):
            out.append(_TCVN3_ENCODE.get(ch, _TCVN3_ENCODE.get(ch.lower())))
        elif encoding == VNI and ch in _VNI_ENCODE:
            out += _VNI_ENCODE[ch].encode("cp1252")
        else:
            try:  # typographic quotes and dashes live in 0x80-0x9F, as in cp1252
                code = ch.encode("cp1252")
            except UnicodeEncodeError:
                code = b"\xff"
            if not 0x80 <= code[0] <= 0x9F:
                raise ValueError(f"{ch!r} cannot be written in {encoding.upper()}")
            out += code
    return bytes(out)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 told by its zero bytes: most Vietnamese characters are below U+0100."""
    sample = data[:8192]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _as_unicode(data: bytes) -> str | None:
    """The text when the bytes are a Unicode encoding (BOM, UTF-16 by zeros, UTF-8), else None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    codec = _utf16_without_bom(data)
    if codec:
        return data[: len(data) // 2 * 2].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken bytes (a cut-off file) is still UTF-8.
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    wide = sum(1 for c in text if ord(c) > 0x7F) - broken
    return text if wide >= 10 * broken else None


def decode_bytes(data: bytes) -> str:
    """The text of a file's raw bytes: a BOM, UTF-16 (with or without BOM), UTF-8, else one of
    the 8-bit Vietnamese encodings: TCVN3, VNI or cp1258 (Windows Vietnamese, whose combining
    tone marks are composed here). Legacy mojibake inside Unicode is repaired. NFC; never raises."""
    if not data:
        return ""
    text = _as_unicode(data)
    if text is not None:
        return unicodedata.normalize("NFC", repair(text))
    encoding = detect(data.decode("latin-1"))
    if encoding is not None:  # bytes 0x80-0x9F are quotes and dashes, as in cp1252
        return convert(data.decode("cp1252", errors="replace"), encoding)
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return unicodedata.normalize("NFC", text)


_TCVN3_FONT = re.compile(r"\.vn", re.IGNORECASE)
_VNI_FONT = re.compile(r"vni[-_ ]", re.IGNORECASE)


def font_encoding(font_name: str | None) -> str | None:
    """The legacy encoding a font name implies: ".VnTime", ".VnArialH" → "tcvn3";
    "VNI-Times", "VNI-Helve" → "vni"; any other font → None."""
    name = (font_name or "").strip()
    if _TCVN3_FONT.match(name):
        return TCVN3
    if _VNI_FONT.match(name):
        return VNI
    return None


def capitals_font(font_name: str | None) -> bool:
    """A TCVN3 capitals font (".VnTimeH", ".VnArialH"): it draws the small codes as capitals."""
    name = (font_name or "").strip()
    return font_encoding(name) == TCVN3 and name.endswith("H")
