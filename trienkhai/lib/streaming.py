"""Tables sent as XLSX or CSV while they are read: memory stays flat whatever the row count.

A million rows through openpyxl's write-only workbook take minutes (a Python object and an
XML element per cell); here a row is one string, the workbook's parts are written straight
into a ZIP that is sent as it grows (no temporary file, the first bytes leave at once). Only
what a list export needs: text, numbers, dates, a bold shaded header row, column widths, a
frozen header, an autofilter.

Both formats keep the user's text as text: in XLSX every string is an inline string (never a
formula); in CSV a text starting with = + - @ or a tab is prefixed with an apostrophe, so that
a spreadsheet opening the file does not run it (CSV injection).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SEND_BYTES = 256 * 1024  # a piece of the response
MAX_SHEET_ROWS = 1_048_576  # Excel's limit; more rows go on to the next sheet
MAX_SHEET_BYTES = 1_900_000_000  # a ZIP member stays under 2 GiB, so no ZIP64 is needed
MAX_TEXT = 32_767  # characters in one Excel cell
_EPOCH = dt.date(1899, 12, 30)
_EPOCH_TIME = dt.datetime(1899, 12, 30)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Cell styles (cellXfs below): 0 plain, 1 date, 2 date and time, 3 header.
_DATE, _DATETIME, _HEAD = 1, 2, 3
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="DD-MM-YYYY"/>'
    '<numFmt numFmtId="165" formatCode="DD-MM-YYYY HH:MM"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EBEF"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# Characters XML 1.0 cannot carry (openpyxl's ILLEGAL_CHARACTERS_RE), and those to escape.
_UNSAFE_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A sheet: a header row and rows of values (str, int, float, Decimal, date, datetime,
    bool or None), read once, lazily."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    autofilter: bool = False


def read_rows(values_qs, chunk: int) -> Iterator[tuple]:
    """The rows of a `values_list()` queryset, read `chunk` at a time.

    On PostgreSQL with libpq 17 or later, one query streamed in chunked-rows mode: the server
    keeps sending while the file is written, where a server-side cursor (the ORM's chunked
    read) waits for each FETCH in turn — for the million forms of a survey that wait was as
    long as the writing. The connection serves nothing else until the rows are all read, so
    the export must not query between rows. The values are those the ORM gives for plain
    fields (ids, dates, numbers, text: no converters). Elsewhere, the ORM's chunked read."""
    import psycopg
    from django.db import connections

    connection = connections[values_qs.db]
    if connection.vendor != "postgresql" or psycopg.pq.version() < 170000:
        yield from values_qs.iterator(chunk_size=chunk)
        return
    sql, params = values_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        yield from cursor.cursor.stream(sql, params, size=chunk)


def in_one_snapshot(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Send `chunks` from inside one read-only transaction. On PostgreSQL a chunked read
    (`.iterator()`) is a server-side cursor: inside a transaction the server hands rows over
    as they are fetched, where outside one Django declares the cursor WITH HOLD and the server
    computes the whole result before the first row. REPEATABLE READ also lets every query of
    the export see the same moment (the forms and their answers, read side by side)."""
    from django.db import connection, transaction

    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield from chunks


# --- XLSX ----------------------------------------------------------------------------------------
def xlsx_stream(tables: Iterable[Table]) -> Iterator[bytes]:
    """The workbook in pieces of about SEND_BYTES, written while the rows are read."""
    sink = _Sink()
    sheets: list[tuple[str, str | None]] = []  # (name, autofilter range)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for table in tables:
            rows = iter(table.rows)
            pending = [next(rows, None)]  # the next row, read ahead: is another sheet needed?
            while True:
                name = _sheet_name(table.title, len(sheets), {n for n, _r in sheets})
                member = book.open(f"xl/worksheets/sheet{len(sheets) + 1}.xml", "w")
                with member:
                    count = yield from _write_sheet(member, sink, table, rows, pending)
                last = _letters(max(len(table.header), 1))[-1]
                sheets.append((name, f"A1:{last}{count + 1}" if table.autofilter else None))
                yield from sink.take()
                if pending[0] is None:
                    break
        book.writestr("xl/workbook.xml", _workbook(sheets))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        book.writestr("xl/styles.xml", _STYLES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("[Content_Types].xml", _content_types(len(sheets)))
    yield from sink.take()


def _write_sheet(member, sink, table: Table, rows, pending) -> Iterator[bytes]:
    """One sheet's XML; stops at Excel's row limit or the size limit of a ZIP member, leaving
    the next row in `pending`. Returns the number of rows written (header not counted)."""
    width = len(table.header)
    letters = _letters(width)
    head = [f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>']
    head.append('<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" ')
    head.append('activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')
    head.append('<sheetFormatPr defaultRowHeight="15"/>')
    if table.widths:
        head.append("<cols>")
        for n, w in enumerate(table.widths, 1):
            head.append(f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>')
        head.append("</cols>")
    head.append("<sheetData>")
    head.append(_row_xml(1, table.header, letters, style=_HEAD))
    written = 0
    out = "".join(head).encode()
    size = len(out)
    member.write(out)
    buffer: list[str] = []
    buffered = 0
    number = 1
    while pending[0] is not None:
        row = pending[0]
        if written and (number >= MAX_SHEET_ROWS or size + buffered >= MAX_SHEET_BYTES):
            break
        number += 1
        if len(row) > len(letters):
            letters = _letters(len(row))
        xml = _row_xml(number, row, letters)
        buffer.append(xml)
        buffered += len(xml)
        written += 1
        pending[0] = next(rows, None)
        if buffered >= SEND_BYTES:
            out = "".join(buffer).encode()
            size += len(out)
            member.write(out)
            buffer, buffered = [], 0
            yield from sink.take()
    tail = "".join(buffer) + "</sheetData>"
    if table.autofilter:
        tail += f'<autoFilter ref="A1:{_letters(max(width, 1))[-1]}{written + 1}"/>'
    member.write((tail + "</worksheet>").encode())
    return written


def _row_xml(number: int, values: Sequence, letters: list[str], style: int = 0) -> str:
    """`<row>` with a cell per value; None and "" leave the cell out. Hot: one call per row."""
    n = str(number)
    s = f' s="{style}"' if style else ""
    cells = [f'<row r="{n}">']
    append = cells.append
    for letter, value in zip(letters, values, strict=False):  # a short row: the rest empty
        kind = type(value)
        if kind is str:
            if value:
                append(_text_cell(f"{letter}{n}", s, value))
        elif value is None:
            continue
        elif kind is int or kind is float or kind is Decimal:
            append(f'<c r="{letter}{n}"{s}><v>{value}</v></c>')
        elif kind is dt.date:
            append(f'<c r="{letter}{n}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>')
        elif kind is bool:
            append(f'<c r="{letter}{n}"{s} t="b"><v>{int(value)}</v></c>')
        elif kind is dt.datetime:
            days = (value.replace(tzinfo=None) - _EPOCH_TIME).total_seconds() / 86400
            append(f'<c r="{letter}{n}" s="{_DATETIME}"><v>{days}</v></c>')
        elif text := str(value):  # lazy translations and the like
            append(_text_cell(f"{letter}{n}", s, text))
    cells.append("</row>")
    return "".join(cells)


def _text_cell(ref: str, style: str, value: str) -> str:
    """An inline string: shown as typed, never read as a formula."""
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if _UNSAFE_XML.search(value):
        value = _ILLEGAL.sub("", value)
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _letters(count: int) -> list[str]:
    """Column names A, B, ... for `count` columns."""
    names = []
    for n in range(1, count + 1):
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        names.append(name)
    return names


def _sheet_name(title: str, index: int, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique; "Title (2)" for a
    sheet that continues the one before."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or f"Sheet{index + 1}"
    name, n = base[:31], 1
    while name in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    return name


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _workbook(sheets: list[tuple[str, str | None]]) -> str:
    parts = [f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>']
    for n, (name, _range) in enumerate(sheets, 1):
        parts.append(f'<sheet name="{_attr(name)}" sheetId="{n}" r:id="rId{n}"/>')
    parts.append("</sheets>")
    filters = [(n, name, ref) for n, (name, ref) in enumerate(sheets) if ref]
    if filters:
        parts.append("<definedNames>")
        for n, name, ref in filters:
            start, end = ref.split(":")
            quoted = name.replace("'", "''")
            absolute = f"'{quoted}'!${_split(start)}:${_split(end)}"
            parts.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
                f"{_attr(absolute)}</definedName>"
            )
        parts.append("</definedNames>")
    parts.append("</workbook>")
    return "".join(parts)


def _split(ref: str) -> str:
    """ "A12" -> "A$12" (the leading $ is added by the caller)."""
    letters = ref.rstrip("0123456789")
    return f"{letters}${ref[len(letters) :]}"


def _workbook_rels(count: int) -> str:
    sheet = f"{_REL}/worksheet"
    parts = [f'{_XML}<Relationships xmlns="{_PKG_REL}">']
    for n in range(1, count + 1):
        parts.append(f'<Relationship Id="rId{n}" Type="{sheet}" Target="worksheets/sheet{n}.xml"/>')
    parts.append(f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
    parts.append("</Relationships>")
    return "".join(parts)


_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _content_types(count: int) -> str:
    ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = [
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>',
        f'<Override PartName="/xl/styles.xml" ContentType="{ml}.styles+xml"/>',
    ]
    for n in range(1, count + 1):
        parts.append(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{ml}.worksheet+xml"/>'
        )
    parts.append("</Types>")
    return "".join(parts)


class _Sink:
    """Where the ZIP is written: kept until taken. It cannot seek, so zipfile writes each
    member's sizes after its data (a data descriptor) and the ZIP can be sent as it grows."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> Iterator[bytes]:
        if self.parts:
            data = b"".join(self.parts)
            self.parts = []
            yield data


# --- CSV -----------------------------------------------------------------------------------------
def csv_stream(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so that Excel reads Vietnamese right), a header row, dates
    as YYYY-MM-DD; sent in pieces of about SEND_BYTES."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([csv_text(h) for h in header])
    for row in rows:
        writer.writerow([csv_text(v) if type(v) is str else _csv_other(v) for v in row])
        if buffer.tell() >= SEND_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_text(value: str) -> str:
    """Text that a spreadsheet would take for a formula gets an apostrophe in front."""
    return "'" + value if value.startswith(_CSV_RISKY) else value


def _csv_other(value):
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):  # 15.00 -> 15, 13.50 -> 13.5
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    return csv_text(str(value))
