"""Reading the file a clerk has (a .txt, a Word .docx, a PDF with a text layer) into one string.

The result is what a person sees in the document, in reading order: paragraphs and table rows
(cells joined by " | ") for Word, pages parted by a blank line for PDF, NFC, "\\n" line ends,
legacy TCVN3/VNI text converted (legacy.py). Anything that cannot be read raises `ReadError`
with a message in Vietnamese and in English that says what to do instead; no other exception
leaves this module, whatever the bytes.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import zipfile
from pathlib import Path, PureWindowsPath

import docx
import pypdf
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import legacy

# pypdf logs its complaints about damaged files; a ReadError says it for us, so without a
# configured handler (the command line) they are not printed.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {"", ".txt", ".text", ".md"}
WORD_SUFFIXES = {".docx", ".docm", ".dotx"}


class ReadError(ValueError):
    """A file that cannot be read, with what to do about it: `code` for programs, `message`
    (Vietnamese) and `message_en` for people."""

    def __init__(self, code: str, message: str, message_en: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_en = message_en


_PASTE = "hoặc dán nội dung vào ô văn bản"
_PASTE_EN = "or paste the text into the text box"


def _error(code: str, name: str = "", **values) -> ReadError:
    vi, en = _MESSAGES[code]
    return ReadError(
        code,
        vi.format(name=name, paste=_PASTE, **values),
        en.format(name=name, paste=_PASTE_EN, **values),
    )


_MESSAGES = {
    "not_found": ("Không tìm thấy tệp “{name}”.", "File not found: “{name}”."),
    "not_a_file": (
        "“{name}” không phải là một tệp (có thể là thư mục).",
        "“{name}” is not a file (it may be a folder).",
    ),
    "unreadable": (
        "Không mở được tệp “{name}”; hãy kiểm tra quyền truy cập tệp.",
        "Cannot open “{name}”; check that you are allowed to read it.",
    ),
    "too_large": (
        "Tệp “{name}” quá lớn ({size} MB); chỉ nhận tệp đến 20 MB. Hãy tách văn bản thành "
        "nhiều tệp {paste}.",
        "“{name}” is too large ({size} MB); the limit is 20 MB. Split it, {paste}.",
    ),
    "unsupported": (
        "Chưa đọc được loại tệp “{name}”. Hãy dùng tệp Word (.docx), PDF có lớp chữ hoặc văn "
        "bản thuần (.txt), {paste}.",
        "Files like “{name}” cannot be read. Use a Word file (.docx), a PDF with a text layer "
        "or a plain-text file (.txt), {paste}.",
    ),
    "old_doc": (
        "Tệp “{name}” là định dạng Word cũ (.doc, Word 97-2003). Hãy mở bằng Word, chọn "
        "“Lưu thành” (Save As) kiểu .docx rồi tải lên lại, {paste}.",
        "“{name}” is an old Word file (.doc, Word 97-2003). Open it in Word, save it as .docx "
        "and upload it again, {paste}.",
    ),
    "broken_docx": (
        "Tệp Word “{name}” bị hỏng hoặc không đúng định dạng .docx. Hãy mở bằng Word, lưu lại "
        "rồi tải lên, {paste}.",
        "The Word file “{name}” is damaged or not a real .docx. Open it in Word, save it again "
        "and upload it, {paste}.",
    ),
    "broken_pdf": (
        "Tệp PDF “{name}” bị hỏng hoặc không đọc được. Hãy xuất lại PDF từ Word, {paste}.",
        "The PDF “{name}” is damaged or unreadable. Export it again from Word, {paste}.",
    ),
    "encrypted_pdf": (
        "Tệp PDF “{name}” có mật khẩu. Hãy dùng bản không đặt mật khẩu, {paste}.",
        "The PDF “{name}” is password-protected. Use a copy without a password, {paste}.",
    ),
    "no_text_layer": (
        "Tệp PDF này không có lớp chữ (có thể là bản quét); hãy dùng bản PDF xuất từ Word "
        "hoặc dán nội dung.",
        "This PDF has no text layer (it may be a scan); use a PDF exported from Word or paste "
        "the text.",
    ),
    "not_text": (
        "Tệp “{name}” không phải là văn bản thuần. Hãy kiểm tra lại tệp, {paste}.",
        "“{name}” is not a plain-text file. Check the file, {paste}.",
    ),
    "empty": (
        "Tệp “{name}” không có nội dung chữ nào để đọc.",
        "“{name}” has no text to read.",
    ),
}


def read_file(path) -> str:
    """The text of the file at `path` (.txt, .docx or .pdf); ReadError when it cannot be read."""
    try:
        path = Path(path)
        name = path.name or str(path)
        if not path.exists():
            raise _error("not_found", str(path))
        if not path.is_file():
            raise _error("not_a_file", str(path))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _error("too_large", name, size=_megabytes(size))
        data = path.read_bytes()
    except ReadError:
        raise
    except (OSError, TypeError, ValueError) as exc:
        raise _error("unreadable", str(path)) from exc
    return read_upload(data, name)


def read_upload(data: bytes, filename: str) -> str:
    """The text of an uploaded file's bytes; `filename` (as the browser sent it) gives its kind
    when the bytes do not. ReadError when it cannot be read."""
    name = PureWindowsPath(filename or "").name  # a browser may send "C:\\...\\a.docx"
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _error("not_text", name)
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise _error("too_large", name, size=_megabytes(len(data)))
    kind = _kind(data, name)
    if kind == "txt":
        text = _read_text(data, name)
    elif kind == "docx":
        text = _read_docx(data, name)
    elif kind == "pdf":
        text = _read_pdf(data, name)
    else:
        raise _error(kind, name)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise _error("empty", name)
    return text


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _kind(data: bytes, name: str) -> str:
    """The kind, "txt", "docx" or "pdf", or the error code for what cannot be read. The bytes decide first
    (a .doc renamed .docx, a PDF saved without a suffix), then the name."""
    suffix = Path(name).suffix.lower()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word 97-2003 and kin
        wordish = suffix in WORD_SUFFIXES | {".doc", ".dot"} | TEXT_SUFFIXES
        return "old_doc" if wordish else "unsupported"
    if data.startswith(b"PK\x03\x04"):
        if _is_word_package(data):
            return "docx"
        return "broken_docx" if suffix in WORD_SUFFIXES else "unsupported"
    if suffix in TEXT_SUFFIXES:
        return "txt"
    if suffix == ".pdf":
        return "broken_pdf"
    if suffix in WORD_SUFFIXES:
        return "broken_docx"
    if suffix in {".doc", ".dot"}:
        return "old_doc"
    return "unsupported"


def _is_word_package(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except Exception:  # noqa: BLE001 - any damage means "not a Word file"
        return False


# --- plain text


def _read_text(data: bytes, name: str) -> str:
    text = legacy.decode_bytes(data)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    if "\x00" in text or controls > len(text) / 100 or text.count("\ufffd") > len(text) / 20:
        raise _error("not_text", name)
    return text


# --- PDF


def _read_pdf(data: bytes, name: str) -> str:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # locked against editing only: opens with no password
            except Exception as exc:  # noqa: BLE001 - unsupported cipher, missing library
                raise _error("encrypted_pdf", name) from exc
            if not opened:
                raise _error("encrypted_pdf", name)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        raise _error("broken_pdf", name) from exc
    if not pages:
        raise _error("broken_pdf", name)
    text = "\n\n".join(page for page in pages if page)
    if not any(c.isalpha() for c in text):
        raise _error("no_text_layer", name)
    return legacy.repair(text)


# --- Word


def _read_docx(data: bytes, name: str) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_body_lines(document))
    except Exception as exc:  # noqa: BLE001 - zip, XML and python-docx errors alike
        raise _error("broken_docx", name) from exc
    return legacy.repair("\n".join(line.rstrip() for line in lines))


def _body_lines(document):
    fonts = _Fonts(document)
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield _paragraph_text(block, fonts)
        else:
            yield from _table_lines(block, fonts)


def _table_lines(table: Table, fonts: _Fonts):
    """One line per row, cells joined by " | "; a cell merged down from the row above is empty
    (the reader sees its text once)."""
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                cells.append("")
            else:
                cells.append(_cell_text(_Cell(tc, table), fonts))
        yield " | ".join(cells)


def _cell_text(cell: _Cell, fonts: _Fonts) -> str:
    parts = []
    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(_paragraph_text(block, fonts).replace("\n", " "))
        else:
            parts.append("; ".join(line for line in _table_lines(block, fonts) if line.strip()))
    return " ".join(part.strip() for part in parts if part.strip())


_W_P, _W_R = qn("w:p"), qn("w:r")


def _own_runs(p):
    """The runs of paragraph `p`, hyperlinks, insertions and fields included; not the runs of a
    text box's paragraphs nested inside it."""
    for r in p.iter(_W_R):
        parent = r.getparent()
        while parent is not None and parent is not p and parent.tag != _W_P:
            parent = parent.getparent()
        if parent is p:
            yield r


def _paragraph_text(paragraph: Paragraph, fonts: _Fonts) -> str:
    """The paragraph's text; runs in a TCVN3 or VNI font are converted, consecutive runs of one
    font together (a VNI letter and its mark may sit in two runs)."""
    groups: list[list] = []  # [encoding, capitals, text]
    for r in _own_runs(paragraph._p):
        text = Run(r, paragraph).text
        if not text:
            continue
        key = fonts.legacy(r, paragraph._p)
        if groups and (groups[-1][0], groups[-1][1]) == key:
            groups[-1][2] += text
        else:
            groups.append([*key, text])
    out = []
    for encoding, capitals, text in groups:
        if encoding and not any(ord(c) > 0xFF and c.isalpha() for c in text):
            text = legacy.convert(text, encoding)
            if capitals:
                text = text.upper()
        out.append(text)
    return "".join(out)


class _Fonts:
    """The font of a run as Word resolves it: the run's own properties, its character style, the
    paragraph's style (or the default one), the document defaults; each step through "based on".
    Letters above ASCII are drawn with the "hAnsi" font, so that one decides."""

    def __init__(self, document):
        root = document.styles.element
        self.styles = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        self.default_paragraph = next(
            (
                s
                for s in root.findall(qn("w:style"))
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")
            ),
            None,
        )
        defaults = root.find(qn("w:docDefaults"))
        self.default_rpr = None
        if defaults is not None:
            self.default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self._cache: dict = {}

    def legacy(self, r, p) -> tuple[str | None, bool]:
        name = self._name(r, p)
        return legacy.font_encoding(name), legacy.capitals_font(name)

    def _name(self, r, p) -> str | None:
        found = _font_of(r.find(qn("w:rPr")))
        if found:
            return found
        rpr = r.find(qn("w:rPr"))
        char_style = _val(rpr, "w:rStyle") if rpr is not None else None
        ppr = p.find(qn("w:pPr"))
        para_style = _val(ppr, "w:pStyle") if ppr is not None else None
        key = (char_style, para_style)
        if key not in self._cache:
            self._cache[key] = self._inherited(char_style, para_style)
        return self._cache[key]

    def _inherited(self, char_style, para_style) -> str | None:
        chain = list(self._style_chain(self.styles.get(char_style)))
        paragraph = self.styles.get(para_style) if para_style else self.default_paragraph
        chain += self._style_chain(paragraph)
        for style in chain:
            found = _font_of(style.find(qn("w:rPr")))
            if found:
                return found
        return _font_of(self.default_rpr)

    def _style_chain(self, style):
        seen = set()
        while style is not None and id(style) not in seen:
            seen.add(id(style))
            yield style
            style = self.styles.get(_val(style, "w:basedOn"))


def _val(parent, tag: str) -> str | None:
    child = parent.find(qn(tag)) if parent is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _font_of(rpr) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        return None
    return fonts.get(qn("w:hAnsi")) or fonts.get(qn("w:ascii"))
