"""Input cleaning: one spelling of Vietnamese, whatever typed or converted the text.

- Unicode NFC, so "ủ" is one character whether it came composed or decomposed;
- "Ð" (U+00D0, Icelandic eth) and "ð", typed for "Đ"/"đ" by old keyboards, become "Đ"/"đ";
- dashes and minus signs become "-" (document numbers and dates are written with them), and
  non-breaking or odd spaces become plain spaces;
- the old tone placement on open syllables (hoà, thuỷ, uỷ ban) becomes the one the Party's and
  the State's documents use today (hòa, thủy, ủy ban); "quý", "quỹ" are left alone (their "u"
  belongs to the consonant), and so are closed syllables ("hoàn", "khuyến").
Character offsets: every step maps one character to one character, so a span found in the
normalised text is the same span in the (NFC) input.
"""

import re
import unicodedata

# Tone marks as combining characters: grave, acute, hook above, tilde, dot below.
TONES = "\u0300\u0301\u0309\u0303\u0323"
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2009\u200a"), " ")
_ETH = {ord("\u00d0"): "Đ", ord("\u00f0"): "đ"}
_ONE_TABLE = {**_ETH, **_DASHES, **_SPACES}
_ODD = re.compile("[" + "".join(map(chr, _ONE_TABLE)) + "]")
_LETTER = r"[^\W\d_]"
# An open syllable ending in oa, oe or uy with the tone on its last vowel ("hoà", "thuỷ"),
# not after q ("quý"), not followed by another letter ("hoàn").
_OLD_TONE = re.compile(
    rf"(?<![qQ])([oOuU])([aAeEyY][{TONES}])(?!{_LETTER}|[\u0300-\u036f])",
)


def _tone_to_first(match: re.Match) -> str:
    first, second = match.group(1), match.group(2)
    if (first in "oO") != (second[0] in "aAeE"):
        return match.group(0)  # "oy" and "ua": not the pairs this rule is about
    return unicodedata.normalize("NFC", first + second[1]) + second[0]


def normalise(text: str) -> str:
    """The text in one spelling (see the module docstring), as NFC, one character per input
    character of the NFC input."""
    text = unicodedata.normalize("NFC", text)
    if _ODD.search(text):
        text = text.translate(_ONE_TABLE)
    # Work on decomposed vowels only where the rule may apply, then compose again.
    decomposed = unicodedata.normalize("NFD", text)
    if not any(t in decomposed for t in TONES):
        return text
    return unicodedata.normalize("NFC", _OLD_TONE.sub(_tone_to_first, decomposed))
