"""`trienkhai restore FILE [--force]`: put back a `trienkhai backup` archive and prove it
(docs/backups.md)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

import trienkhai
from trienkhai.lib.backup import BackupError, backup_restore


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _when(iso: str) -> str:
    """ "2026-11-26T21:07:53+07:00" -> "21:07 ngày 26/11/2026", in the backup's own zone."""
    try:
        return dt.datetime.fromisoformat(iso).strftime(_("%H:%M ngày %d/%m/%Y"))
    except (TypeError, ValueError):
        return str(iso)


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và các tệp tải lên từ một tệp do `trienkhai backup` tạo, rồi "
        "kiểm tra số dòng, mã kiểm tra từng bảng và từng tệp. Dừng trang web và tiến trình nền "
        "trước khi khôi phục."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu (.tar hoặc .tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Thay thế cả khi cơ sở dữ liệu hoặc thư mục tệp tải lên đang có dữ liệu.",
        )

    def handle(self, *args, file, force, **options):
        try:
            report = backup_restore(path=file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        manifest = report.manifest
        if not report.replaced.empty:
            what, _english = report.replaced.describe()
            self.stdout.write(_("Đã thay thế dữ liệu cũ: %(what)s.") % {"what": what})
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã khôi phục bản sao lưu lúc %(created)s (Triển Khai %(version)s). Kiểm tra: "
                    "%(tables)s bảng (%(rows)s dòng) và %(files)s tệp tải lên khớp với bản kê."
                )
                % {
                    "created": _when(manifest.get("created_at")),
                    "version": manifest.get("trienkhai_version", "?"),
                    "tables": _number(report.tables_checked),
                    "rows": _number(report.rows),
                    "files": _number(report.files_checked),
                }
            )
        )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Bản sao lưu cũ hơn phiên bản đang cài (%(ours)s): còn %(n)s bước chuyển "
                        "đổi cơ sở dữ liệu; hãy chạy `trienkhai migrate`."
                    )
                    % {"ours": trienkhai.__version__, "n": report.pending_migrations}
                )
            )
