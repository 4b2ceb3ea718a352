"""`trienkhai backup FILE`: the database and the uploaded files in one archive (docs/backups.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trienkhai.lib.backup import BackupError, backup_create


def _size(n: int) -> str:
    """12345678 -> "11,8 MB", with the decimal comma Vietnamese uses."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            break
        n /= 1024
    return (f"{n:.1f}" if unit != "B" else f"{n}").replace(".", ",") + f" {unit}"


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (PostgreSQL hoặc SQLite) và các tệp tải lên vào một tệp lưu trữ "
        "(.tar, hoặc .tar.gz để nén), kèm bản kê số dòng và mã kiểm tra của từng bảng. Sao lưu "
        "được khi trang đang chạy."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu sẽ ghi, ví dụ trienkhai-2026-11-26.tar.gz.")

    def handle(self, *args, file, **options):
        try:
            report = backup_create(path=file)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã sao lưu vào %(file)s (%(size)s): %(tables)s bảng, %(rows)s dòng, "
                    "%(files)s tệp tải lên."
                )
                % {
                    "file": report.path,
                    "size": _size(report.size),
                    "tables": f"{report.tables:,}".replace(",", "."),
                    "rows": f"{report.rows:,}".replace(",", "."),
                    "files": f"{report.files:,}".replace(",", "."),
                }
            )
        )
