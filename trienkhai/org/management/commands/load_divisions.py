"""`trienkhai load-divisions`: load the 34 provinces and 3,321 communes into the tree."""

import time

from django.core.management.base import BaseCommand

from trienkhai.org.divisions import divisions_load


def _number(n: int) -> str:
    """6712 -> "6.712", as Vietnamese writes thousands."""
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Nạp danh mục 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu (từ 1-7-2025) vào cây "
        "tổ chức, kèm cấp ủy tương ứng. Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-party",
            action="store_true",
            help="Chỉ nạp cây chính quyền, không tạo Tỉnh ủy, Thành ủy và Đảng ủy xã, phường.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = divisions_load(actor=None, with_party=not options["no_party"])
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp danh mục đơn vị hành chính trong {seconds:.1f} giây: "
                f"tạo mới {_number(counts['created'])}, cập nhật {_number(counts['updated'])}, "
                f"không đổi {_number(counts['unchanged'])}."
            )
        )
