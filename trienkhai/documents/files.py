"""Files of documents: what an upload really is, its text for search, and attaching it.

The content decides, never the name: a PDF starts with ``%PDF-``; a DOCX or XLSX is a zip holding
``[Content_Types].xml`` and ``word/document.xml`` or ``xl/workbook.xml``. Anything else, a name
whose extension says otherwise, a file that cannot be opened, or one locked with a password is
refused with a message that says what the file really is and what to do about it.
"""

import contextlib
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record

from . import services
from .models import Document, DocumentFile, DocumentVersion

log = logging.getLogger(__name__)

PDF, DOCX, XLSX = DocumentFile.Kind.PDF, DocumentFile.Kind.DOCX, DocumentFile.Kind.XLSX
ALLOWED_EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX}
# Text kept per file for search: about a hundred pages of a resolution; the rest adds little.
MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 500
# A zip that unpacks to more than this many times the upload limit is refused (zip bomb).
UNPACK_RATIO = 20

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE2_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _what_is(kind: str) -> str:
    """How a clerk would name a kind of file."""
    names = {
        PDF: _("tệp PDF"),
        DOCX: _("tệp Word (.docx)"),
        XLSX: _("tệp Excel (.xlsx)"),
        "docm": _("tệp Word có macro (.docm)"),
        "xlsm": _("tệp Excel có macro (.xlsm)"),
        "pptx": _("bản trình chiếu PowerPoint (.pptx)"),
        "odf": _("tệp OpenDocument (LibreOffice: .odt, .ods, .odp)"),
        "ole2": _("tệp Word hoặc Excel đời cũ (.doc, .xls)"),
        "ole2_encrypted": _("tệp Word hoặc Excel có đặt mật khẩu"),
        "zip": _("tệp nén ZIP"),
        "rar": _("tệp nén RAR"),
        "7z": _("tệp nén 7-Zip"),
        "png": _("ảnh PNG"),
        "jpeg": _("ảnh JPEG"),
        "gif": _("ảnh GIF"),
        "tiff": _("ảnh TIFF"),
        "rtf": _("tệp RTF"),
        "html": _("trang web (HTML)"),
        "text": _("tệp văn bản thuần (.txt)"),
        "exe": _("tệp chương trình (.exe)"),
    }
    return names.get(kind, _("tệp không rõ định dạng"))


def _advice(kind: str) -> str:
    if kind in {"ole2", "odf", "rtf", "text", "html", "docm", "xlsm"}:
        return _(
            "Hãy mở tệp bằng Word, Excel hoặc LibreOffice và lưu lại dưới dạng .docx hoặc .xlsx "
            "(hoặc xuất ra PDF), rồi tải lên lại."
        )
    if kind == "ole2_encrypted":
        return _(
            "Hãy mở tệp, gỡ mật khẩu (Tệp › Thông tin › Bảo vệ tài liệu) và lưu lại, rồi tải "
            "lên lại."
        )
    if kind in {"png", "jpeg", "gif", "tiff"}:
        return _("Bản chụp, bản scan hãy ghép thành một tệp PDF rồi tải lên.")
    if kind in {"zip", "rar", "7z"}:
        return _("Hãy giải nén và tải lên từng tệp PDF, Word hoặc Excel.")
    return _("Chỉ nhận tệp PDF, Word (.docx) hoặc Excel (.xlsx).")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its real kind, its bytes and its text."""

    name: str
    kind: str
    data: bytes
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def clean_name(raw: str) -> str:
    """The file's own name without any folder, in NFC, without control characters."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _CONTROL.sub("", name).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name or "tep"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _sniff(data: bytes) -> str:
    """The real kind of a file from its first bytes (and, for a zip, its parts)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(_OLE2):
        return "ole2_encrypted" if _OLE2_ENCRYPTED in data[:1_000_000] else "ole2"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    signatures = [
        (b"Rar!\x1a\x07", "rar"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF8", "gif"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (b"{\\rtf", "rtf"),
        (b"MZ", "exe"),
    ]
    for magic, kind in signatures:
        if data.startswith(magic):
            return kind
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # The sample may cut a multibyte character in two; drop a few bytes and retry.
            try:
                head[:-4].decode("utf-8")
            except UnicodeDecodeError:
                return "unknown"
        return "text"
    return "unknown"


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                return "odf"
            if "[Content_Types].xml" not in names:
                return "zip"
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError):
        return "broken_zip"
    if "word/document.xml" in names:
        return "docm" if b"macroEnabled" in types else DOCX
    if "xl/workbook.xml" in names:
        return "xlsm" if b"macroEnabled" in types else XLSX
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _read_bytes(uploaded, name: str) -> bytes:
    limit = settings.TRIENKHAI_MAX_DOCUMENT_BYTES
    size = getattr(uploaded, "size", None)

    def too_large(actual: int) -> ValidationError:
        return _error(
            _(
                "Tệp “%(name)s” có dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB. "
                "Hãy giảm dung lượng (ví dụ lưu PDF ở chất lượng thấp hơn) hoặc tách thành nhiều tệp."
            )
            % {
                "name": name,
                "size": f"{actual / (1024 * 1024):.1f}".replace(".", ","),
                "limit": f"{limit / (1024 * 1024):g}".replace(".", ","),
            },
            "too_large",
        )

    if size is not None and size > limit:
        raise too_large(size)
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise too_large(size or len(data))
    if not data:
        raise _error(_("Tệp “%(name)s” rỗng (0 byte).") % {"name": name}, "empty")
    return data


def _tidy(parts: list[str]) -> str:
    """Join extracted pieces, drop control characters (PostgreSQL refuses NUL), bound the size."""
    text = _CONTROL.sub(" ", "\n".join(p for p in parts if p))
    text = unicodedata.normalize("NFC", text)
    text = _BLANKS.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text).strip()
    return text[:MAX_TEXT_CHARS]


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    encrypted = _error(
        _(
            "Tệp PDF “%(name)s” có đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu (in ra PDF "
            "hoặc lưu bản không mật khẩu) rồi tải lên lại."
        )
        % {"name": name},
        "encrypted",
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are "encrypted" only against editing and open with an empty password.
            try:
                if not reader.decrypt(""):
                    raise encrypted
            except ValidationError:
                raise
            except Exception as exc:  # pypdf raises several kinds (and needs a crypto library)
                raise encrypted from exc
        count = len(reader.pages)
        if count == 0:
            raise ValueError("no pages")
        parts: list[str] = []
        total = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            piece = page.extract_text() or ""
            parts.append(piece)
            total += len(piece)
            if total > MAX_TEXT_CHARS:
                break
    except ValidationError:
        raise
    except FileNotDecryptedError as exc:
        raise encrypted from exc
    except Exception as exc:  # a damaged PDF can fail in many places inside pypdf
        log.info("unreadable PDF %s: %r", name, exc)
        raise _corrupt(name, PDF) from exc
    return _tidy(parts)


def _docx_text(data: bytes, name: str) -> str:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        parts: list[str] = []
        total = 0
        # Every paragraph of the body in reading order, those inside tables (and nested tables)
        # included: a synthesis table or an annex is often all in tables.
        for element in document.element.body.iter(qn("w:p")):
            piece = Paragraph(element, document).text
            parts.append(piece)
            total += len(piece)
            if total > MAX_TEXT_CHARS:
                break
    except Exception as exc:
        log.info("unreadable DOCX %s: %r", name, exc)
        raise _corrupt(name, DOCX) from exc
    return _tidy(parts)


def _xlsx_text(data: bytes, name: str) -> str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        parts: list[str] = []
        total = 0
        try:
            for sheet in workbook.worksheets:
                parts.append(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    cells = [str(v) for v in row if v is not None and str(v).strip()]
                    if cells:
                        line = " ".join(cells)
                        parts.append(line)
                        total += len(line)
                    if total > MAX_TEXT_CHARS:
                        break
                if total > MAX_TEXT_CHARS:
                    break
        finally:
            workbook.close()
    except Exception as exc:
        log.info("unreadable XLSX %s: %r", name, exc)
        raise _corrupt(name, XLSX) from exc
    return _tidy(parts)


def _corrupt(name: str, kind: str) -> ValidationError:
    return _error(
        _(
            "Tệp “%(name)s” là %(what)s nhưng bị hỏng hoặc không đầy đủ nên không đọc được. "
            "Hãy mở thử trên máy, lưu lại (hoặc tải lại từ nguồn) rồi tải lên lại."
        )
        % {"name": name, "what": _what_is(kind)},
        "corrupt",
    )


def _check_unpacked_size(data: bytes, name: str) -> None:
    limit = UNPACK_RATIO * settings.TRIENKHAI_MAX_DOCUMENT_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _corrupt(name, DOCX) from exc
    if unpacked > limit:
        raise _error(
            _("Tệp “%(name)s” chứa quá nhiều dữ liệu khi giải nén; không nhận tệp này.")
            % {"name": name},
            "too_much_data",
        )


def check_upload(uploaded) -> CheckedFile:
    """Read and check an upload once; later calls on the same upload reuse the result."""
    cached = getattr(uploaded, "_trienkhai_checked", None)
    if cached is not None:
        return cached
    name = clean_name(getattr(uploaded, "name", ""))
    data = _read_bytes(uploaded, name)
    kind = _sniff(data)
    if kind == "broken_zip":
        wanted = ALLOWED_EXTENSIONS.get(_extension(name), DOCX)
        raise _corrupt(name, wanted)
    if kind == "ole2_encrypted":
        raise _error(
            _("Tệp “%(name)s” là %(what)s nên không đọc được. %(advice)s")
            % {"name": name, "what": _what_is(kind), "advice": _advice(kind)},
            "encrypted",
        )
    if kind not in (PDF, DOCX, XLSX):
        raise _error(
            _("Tệp “%(name)s” là %(what)s: không nhận loại tệp này. %(advice)s")
            % {"name": name, "what": _what_is(kind), "advice": _advice(kind)},
            "not_allowed",
        )
    extension = _extension(name)
    if ALLOWED_EXTENSIONS.get(extension) != kind:
        raise _error(
            _(
                "Tệp “%(name)s” có đuôi “%(ext)s” nhưng thực chất là %(what)s. Hãy kiểm tra đã "
                "chọn đúng tệp chưa; nếu đúng, đổi đuôi tệp thành “.%(kind)s” rồi tải lên lại."
            )
            % {
                "name": name,
                "ext": extension or _("(không có đuôi)"),
                "what": _what_is(kind),
                "kind": kind,
            },
            "wrong_extension",
        )
    if kind in (DOCX, XLSX):
        _check_unpacked_size(data, name)
    reader = {PDF: _pdf_text, DOCX: _docx_text, XLSX: _xlsx_text}[kind]
    checked = CheckedFile(name=name, kind=kind, data=data, text=reader(data, name))
    with contextlib.suppress(AttributeError):  # objects without attributes: no cache
        uploaded._trienkhai_checked = checked
    return checked


def file_check_and_read(uploaded) -> tuple[str, str]:
    """(kind, text) of an upload, or a ValidationError saying what is wrong with it."""
    checked = check_upload(uploaded)
    return checked.kind, checked.text


@transaction.atomic
def file_attach(
    *, actor, document: Document, uploaded, version: DocumentVersion | None = None
) -> DocumentFile:
    """Attach a checked file to `document` (or to one version of a draft); its text becomes
    searchable. The same content twice on one document is refused."""
    checked = check_upload(uploaded)
    if version is not None and version.document_id != document.pk:
        raise ValidationError({"version": _("Phiên bản này không thuộc văn bản đang xem.")})
    digest = checked.sha256
    same = document.files.filter(sha256=digest).first()
    if same is not None:
        raise ValidationError(
            {
                "files": _("Tệp “%(name)s” đã được đính kèm văn bản này (tệp “%(existing)s”).")
                % {"name": checked.name, "existing": same.original_name}
            }
        )
    stored = DocumentFile(
        document=document,
        version=version,
        original_name=checked.name,
        kind=checked.kind,
        size=len(checked.data),
        sha256=digest,
        text=checked.text,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    # The stored name is the content's hash: no clerk's file name reaches the file system.
    stored.file.save(f"{digest[:32]}.{checked.kind}", ContentFile(checked.data), save=False)
    stored.save()
    services.refresh_search_text(document)
    note = _("Phiên bản %(n)d") % {"n": version.number} if version is not None else ""
    audit_record(
        actor=actor,
        obj=document,
        action=AuditEntry.Action.UPDATE,
        changes={"file": [None, checked.name]},
        note=note,
    )
    return stored


@transaction.atomic
def draft_create_with_file(
    *, actor, issuer_unit, system: str, doc_type: str, summary: str, note: str, uploaded
) -> Document:
    """A new draft of `issuer_unit` (in its own register) with its first file as version 1: the
    draft page's and the API's one step, all or nothing."""
    document = services.document_create_draft(
        actor=actor,
        owner_unit=issuer_unit,
        system=system,
        doc_type=doc_type,
        summary=summary,
        issuer_unit=issuer_unit,
        note=note,
    )
    file_attach(
        actor=actor, document=document, uploaded=uploaded, version=document.versions.get(number=1)
    )
    return document
