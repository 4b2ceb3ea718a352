"""Legacy Vietnamese encodings (TCVN3, VNI): found when they are there, never when they are not."""

import codecs
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trienkhai.extraction import legacy
from trienkhai.extraction.legacy import (
    capitals_font,
    convert,
    decode_bytes,
    detect,
    encode_legacy,
    font_encoding,
    repair,
)

SCENARIO = Path(__file__).resolve().parents[3] / "shared" / "scenario"
CORPUS = Path(__file__).resolve().parent / "corpus"

# Syllables that the legacy encodings always give away (a sign one word is enough for).
MARKED = ["nhân", "dân", "Việt", "Đảng", "được", "quyết", "cấp", "hiện", "nước", "điểm"]
# Ordinary syllables, some with Latin-1 letters only (là, có, ý), some with none at all.
PLAIN_TEXT = (
    "ủy ban thực tỉnh thành phố huyện xã phường chi bộ đảng viên kế hoạch nghị định số ngày tháng "
    "năm chủ trì phối hợp các sở ngành tham mưu xây dựng chuyên đề nội dung thông minh lớp "
    "phiếu đơn vị chương trình hành động hoàn thành chậm nhất trong là có và của cho với về "
    "ý kiến người dưới trên học tập làm theo tư tưởng đạo đức phong cách Hồ Chí Minh quý "
    "thuyền khuya nghiêng giữ gìn oanh hoạch khuếch xuân thuở quýt ngoằn tuần tiếng"
)
PLAIN = PLAIN_TEXT.split()
VOCABULARY = MARKED + PLAIN

NEWS = (
    "Sáng 15-9, Ban Thường vụ Thành ủy Bến Tre tổ chức hội nghị sơ kết việc thực hiện Kế hoạch "
    "số 07-KH/ThU, ngày 7-8-2020. Theo báo cáo, toàn thành phố đã mở 11 lớp bồi dưỡng cho "
    "2.500 đảng viên; 98,5% chi bộ hoàn thành chỉ tiêu.\n"
    "Tôi là Nam; tôi có ý xin các anh làm rõ, chính xác và công khai.\n"
    "Đồng chí Bí thư Thành ủy đề nghị các cấp ủy tiếp tục đổi mới phương thức lãnh đạo, chậm "
    "nhất đến ngày 20-9-2020 gửi báo cáo về Ban Tuyên giáo. Hoà giải, thuỷ lợi, uỷ ban.\n"
)
FOREIGN = [
    "The committee will meet on Monday to review the plan and the budget for 2021.",
    "Le café où je vais, où il fait beau: à l'hôpital, les élèves étaient très côté Noël.",
    "Le président a rappelé que la côte où il était né reste fragile; où aller, après l'été?",
    "Naïve café résumé, the goût of a maître d'hôtel; ambiguïté, héroïque, égoïste.",
    "Grüße aus München: schöne Straßen, Mädchen und Jungen über der Brücke.",
    "España, año, niño: el señor está aquí, sí, también en Perú y Bogotá.",
    "Não há eleições sem informação: põe a mão na consciência, irmão.",
    "Søkjebane for mal: gå til namnerom; tal på serien må ha same lengde, så få.",
    "Hyvää päivää! Tämä on äänestys, jossa öljy ja sää ovat tärkeitä.",
    "© 2024 Nam · x × y ÷ z · § 3 ¶ 2 — « citation » ½ ¼",
]


def mojibake(text: str, encoding: str) -> str:
    """What a legacy file's text looks like once read as cp1252 (copied, pasted, converted)."""
    return encode_legacy(text, encoding).decode("cp1252")


# --- the two encodings, on known words


@pytest.mark.parametrize(
    "garbled, clean",
    [
        ("Uû ban nh©n d©n tØnh", "Uỷ ban nhân dân tỉnh"),
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("QuyÕt ®Þnh sè 127-Q§/TW cña Ban BÝ th­", "Quyết định số 127-QĐ/TW của Ban Bí thư"),
        ("Ch−¬ng tr×nh hµnh ®éng cña Trung −¬ng", "Chương trình hành động của Trung ương"),
        ("nh÷ng kü thuËt míi, tæ chøc häc tËp", "những kỹ thuật mới, tổ chức học tập"),
        ("ViÖt", "Việt"),
    ],
)
def test_tcvn3_mojibake_is_repaired(garbled, clean):
    assert detect(garbled) == "tcvn3"
    assert repair(garbled) == clean


@pytest.mark.parametrize(
    "garbled, clean",
    [
        ("UÛy ban nhaân daân tænh", "Ủy ban nhân dân tỉnh"),
        ("Vieät Nam", "Việt Nam"),
        ("ÑAÛNG COÄNG SAÛN VIEÄT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM"),
        ("Ñaûng boä tænh Beán Tre ñaõ ñöôïc", "Đảng bộ tỉnh Bến Tre đã được"),
        ("Chuû tòch nöôùc, chuû nghóa xaõ hoäi", "Chủ tịch nước, chủ nghĩa xã hội"),
        ("Tröôøng hoïc, ngöôøi daân, naêm 2020", "Trường học, người dân, năm 2020"),
    ],
)
def test_vni_mojibake_is_repaired(garbled, clean):
    assert detect(garbled) == "vni"
    assert repair(garbled) == clean


def test_tcvn3_capitals_come_back_on_lines_and_words_typed_in_capitals():
    assert repair("Uû BAN NH©N D©N TØNH") == "UỶ BAN NHÂN DÂN TỈNH"
    assert repair("Ban chÊp hµnh §¶NG Bé") == "Ban chấp hành ĐẢNG Bộ"  # "Bé": Bộ or BỘ


def test_words_of_ordinary_latin1_letters_alone_do_not_decide():
    """ "cña mét häc" is TCVN3 for "của một học", but so could Norwegian "på" and "må" be."""
    assert detect("cña mét häc") is None
    assert detect("Starten på serien må ikkje overstige enden; gå til namnerom.") is None


def test_decomposed_mojibake_is_repaired():
    assert repair(unicodedata.normalize("NFD", "Vieät Nam")) == "Việt Nam"


def test_only_the_legacy_lines_of_a_mixed_text_change():
    text = "Kế hoạch của Thành ủy\nUû ban nh©n d©n tØnh\nCác cán bộ\nTôi có ý xin các anh\n"
    want = "Kế hoạch của Thành ủy\nUỷ ban nhân dân tỉnh\nCác cán bộ\nTôi có ý xin các anh\n"
    assert repair(text) == want


# --- never on normal text


def test_normal_vietnamese_is_left_exactly_alone():
    assert detect(NEWS) is None
    assert repair(NEWS) is NEWS
    decomposed = unicodedata.normalize("NFD", NEWS)
    assert repair(decomposed) is decomposed


@pytest.mark.parametrize("text", FOREIGN)
def test_english_french_and_others_are_left_alone(text):
    assert detect(text) is None
    assert repair(text) is text


def test_the_corpus_and_the_scenario_article_are_not_legacy():
    paths = sorted(CORPUS.rglob("*.txt")) + sorted(SCENARIO.glob("*.txt"))
    if not paths:
        pytest.skip("no corpus texts")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert detect(text) is None, path.name
        assert repair(text) == text, path.name


def test_every_vocabulary_word_is_a_syllable():
    """The property tests below rely on it; the syllable check must know real spellings."""
    for word in VOCABULARY:
        assert legacy._is_syllable(word), word
    for word in ["nh©n", "nhaân", "tØnh", "tænh", "oû", "été", "cỏc"]:
        assert not legacy._is_syllable(word), word


# --- encoding, tables, fonts


def test_every_vietnamese_letter_round_trips():
    letters = ["đ"] + [letter for letter, *_ in legacy._vietnamese_vowels()]
    assert len(letters) == 73
    for letter in letters + [c.upper() for c in letters]:
        assert convert(mojibake(letter, "vni"), "vni") == letter
        # TCVN3 has capitals for Ă Â Ê Ô Ơ Ư Đ only; other toned capitals come back small.
        small = letter if letter.isascii() or letter in "ĂÂÊÔƠƯĐ" else letter.lower()
        assert convert(mojibake(letter, "tcvn3"), "tcvn3") == small


def test_encoder_bytes_are_the_known_ones():
    assert encode_legacy("Đảng", "tcvn3") == b"\xa7\xb6ng"
    assert encode_legacy("Việt", "vni") == b"Vie\xe4t"
    assert encode_legacy("“ư”", "tcvn3") == b"\x93\xad\x94"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_encoder_refuses_what_the_encoding_cannot_hold(encoding):
    with pytest.raises(ValueError):
        encode_legacy("Hà Nội 中", encoding)
    with pytest.raises(ValueError):
        encode_legacy("©", encoding)
    assert encode_legacy("€", encoding) == b"\x80"  # cp1252's byte, as old editors saved it


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError):
        encode_legacy("a", "viqr")
    with pytest.raises(ValueError):
        convert("a", "viqr")


def test_font_names():
    assert font_encoding(".VnTime") == "tcvn3"
    assert font_encoding(".VnArialH") == "tcvn3"
    assert font_encoding("VNI-Times") == "vni"
    assert font_encoding("Times New Roman") is None
    assert font_encoding(None) is None
    assert capitals_font(".VnTimeH") and not capitals_font(".VnTime")
    assert not capitals_font("VNI-Helve")


# --- raw bytes


def to_cp1258(text: str) -> bytes:
    """Windows Vietnamese as Word wrote it: a letter with its shape, and the tone as a mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        tone = [m for m in marks if m in legacy._TONES]
        shaped = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tone))
        out += (shaped + "".join(tone)).encode("cp1258")
    return bytes(out)


SENTENCE = "Ủy ban nhân dân tỉnh Bến Tre: “Đảng bộ đã được giao”, chậm nhất tháng 9-2020."


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
        lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
        lambda s: s.encode("utf-16-le"),
        lambda s: s.encode("utf-16-be"),
        lambda s: s.encode("utf-32"),
        lambda s: to_cp1258(s),
        lambda s: encode_legacy(s, "vni"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "utf32",
        "cp1258",
        "vni",
    ],
)
def test_decode_bytes(encode):
    assert decode_bytes(encode(SENTENCE)) == SENTENCE


def test_decode_bytes_tcvn3_loses_only_the_case_of_toned_capitals():
    assert decode_bytes(encode_legacy(SENTENCE, "tcvn3")) == "ủ" + SENTENCE[1:]


def test_cp1258_uses_combining_tones_and_comes_out_composed():
    data = to_cp1258("Việt")
    assert data == b"Vi\xea\xf2t"  # ê, then the dot below as a mark
    assert detect(data.decode("latin-1")) is None
    assert decode_bytes(data) == "Việt"


def test_decode_bytes_edge_cases():
    assert decode_bytes(b"") == ""
    assert decode_bytes("Uû ban nh©n d©n tØnh".encode()) == "Uỷ ban nhân dân tỉnh"
    assert decode_bytes("Le café où".encode("cp1252")) == "Le café où"
    cut = ("Nghị quyết " * 20).encode() + b"\xe1\xbb"  # a UTF-8 file cut mid-letter
    assert decode_bytes(cut).startswith("Nghị quyết Nghị")


def test_the_scenario_article_round_trips_through_both_encodings():
    paths = sorted(SCENARIO.glob("*.txt"))
    if not paths:
        pytest.skip("the scenario article is not here")
    text = unicodedata.normalize("NFC", paths[0].read_text(encoding="utf-8"))
    assert repair(mojibake(text, "vni")) == text
    assert decode_bytes(encode_legacy(text, "vni")) == text
    assert repair(mojibake(text, "tcvn3")).lower() == text.lower()
    assert decode_bytes(encode_legacy(text, "tcvn3")).lower() == text.lower()


# --- properties


def sentences(min_marked: int = 0):
    words = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14)
    marked = st.lists(st.sampled_from(MARKED), min_size=min_marked, max_size=min_marked + 3)
    punctuation = st.sampled_from(["", ".", ",", ";", ":", " 2020", " 07-KH/ThU", "!", "?"])

    @st.composite
    def build(draw):
        chosen = draw(st.permutations(draw(words) + draw(marked)))
        text = " ".join(w + draw(punctuation) if i % 3 == 2 else w for i, w in enumerate(chosen))
        return text[0].upper() + text[1:] + "."

    return build()


@given(st.text())
@settings(max_examples=400)
def test_repair_and_detect_never_raise(text):
    assert isinstance(repair(text), str)
    assert detect(text) in (None, "tcvn3", "vni")


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2212)))
@settings(max_examples=300)
def test_repair_never_raises_on_latin1_heavy_text(text):
    assert isinstance(repair(text), str)


@given(st.binary(max_size=400))
@settings(max_examples=300)
def test_decode_bytes_never_raises(data):
    assert isinstance(decode_bytes(data), str)


@given(st.lists(sentences(), min_size=1, max_size=4), st.booleans())
@settings(max_examples=300)
def test_normal_vietnamese_is_identity(lines, upper):
    text = "\n".join(line.upper() if upper and i == 0 else line for i, line in enumerate(lines))
    assert repair(text) == text
    assert detect(text) is None


@given(sentences(min_marked=1))
@settings(max_examples=300)
def test_vni_round_trip(text):
    garbled = mojibake(text, "vni")
    assert detect(garbled) == "vni"
    assert repair(garbled) == text
    assert repair(repair(garbled)) == text
    assert decode_bytes(encode_legacy(text, "vni")) == text


@given(sentences(min_marked=1))
@settings(max_examples=300)
def test_tcvn3_round_trip(text):
    garbled = mojibake(text, "tcvn3")
    assert detect(garbled) == "tcvn3"
    repaired = repair(garbled)
    assert repaired.lower() == text.lower()
    assert repaired == "".join(c if c in "ĂÂÊÔƠƯĐ" or c.isascii() else c.lower() for c in text)
    assert decode_bytes(encode_legacy(text, "tcvn3")) == repaired
