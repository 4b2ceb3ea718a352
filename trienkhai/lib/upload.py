"""Reading an uploaded spreadsheet safely: a size limit, the content (not the name) decides
that it is an .xlsx, and a zip that unpacks to far more than it weighs is refused. Shared by
every import (the organisation tree, attendance lists, exchange packages)."""

import io
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook


class FileRejected(Exception):
    """The file as a whole cannot be read; `message` tells the user why, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLSX_MAIN_TYPES = (
    b"spreadsheetml.sheet.main+xml",
    b"spreadsheetml.template.main+xml",
    b"ms-excel.sheet.macroEnabled.main+xml",
    b"ms-excel.template.macroEnabled.main+xml",
)
NOT_XLSX = gettext_lazy(
    "Tệp này không phải là tệp Excel dạng .xlsx. Hãy mở tệp bằng Excel hoặc LibreOffice và "
    "lưu lại dưới dạng “Excel Workbook (.xlsx)”, hoặc tải tệp mẫu rồi điền vào đó."
)


def read_upload(file) -> bytes:
    limit = settings.TRIENKHAI_MAX_IMPORT_BYTES
    too_large = _("Tệp quá lớn: tối đa %(mb)s MB. Hãy chia tệp thành nhiều phần nhỏ hơn.") % {
        "mb": f"{limit / (1024 * 1024):g}"
    }
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > limit:
            raise FileRejected(too_large)
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise FileRejected(too_large)
    if not data:
        raise FileRejected(_("Tệp rỗng."))
    return data


def check_xlsx(data: bytes) -> None:
    """The content decides, not the name: a zip holding a spreadsheet workbook."""
    if data.startswith(OLE2_MAGIC):
        raise FileRejected(
            _(
                "Đây là tệp Excel đời cũ (.xls) hoặc tệp có đặt mật khẩu. Hãy mở bằng Excel hoặc "
                "LibreOffice, bỏ mật khẩu nếu có, và lưu lại "
                "dưới dạng “Excel Workbook (.xlsx)” rồi nhập lại."
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRejected(str(NOT_XLSX))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise FileRejected(str(NOT_XLSX))
            types = archive.read("[Content_Types].xml")
            unpacked = sum(info.file_size for info in archive.infolist())
    except (
        zipfile.BadZipFile,
        OSError,
        KeyError,
        EOFError,  # a member cut short
        zlib.error,  # a damaged compressed member
        NotImplementedError,  # a compression method zipfile does not know
        RuntimeError,  # an encrypted member
        ValueError,
    ) as exc:
        raise FileRejected(str(NOT_XLSX)) from exc
    if not any(t in types for t in XLSX_MAIN_TYPES):
        raise FileRejected(str(NOT_XLSX))
    if unpacked > 50 * settings.TRIENKHAI_MAX_IMPORT_BYTES:
        raise FileRejected(
            _("Tệp chứa quá nhiều dữ liệu khi giải nén. Hãy chia thành nhiều tệp nhỏ hơn.")
        )


def open_workbook(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise FileRejected(
            _("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")
        ) from exc
