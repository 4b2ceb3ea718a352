"""`trienkhai demo`: prepare the database, load the Bến Tre scenario once, and serve the site.

`--data-dir DIR` (where the SQLite database lives) is read by trienkhai/cli.py before Django
starts. Running the command again reuses the data: loaders skip what is already there and the
demo accounts are only created when missing, so a changed password stays changed.
"""

import socket
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from trienkhai.demo import LOADERS
from trienkhai.demo.scenario_org import DEMO_ACCOUNTS, ensure_demo_accounts

WILDCARD_HOSTS = {"0.0.0.0", "::"}


def allow_host(host: str) -> None:
    """Let the settings accept requests for `host` (settings are loaded; extend them in place)."""
    hosts = settings.ALLOWED_HOSTS
    if "*" in hosts:
        return
    bare = host.strip("[]")
    if bare in WILDCARD_HOSTS:
        wanted = ["127.0.0.1", "localhost", "[::1]"]
        try:
            name = socket.gethostname()
            wanted += [name, *socket.gethostbyname_ex(name)[2]]
        except OSError:
            pass
    else:
        wanted = [f"[{bare}]" if ":" in bare else bare]
    for entry in wanted:
        if entry not in hosts:
            hosts.append(entry)


def url_for(host: str, port: int) -> str:
    bare = host.strip("[]")
    if bare in WILDCARD_HOSTS:
        bare = "127.0.0.1"
    shown = f"[{bare}]" if ":" in bare else bare
    return f"http://{shown}:{port}/"


class Command(BaseCommand):
    help = (
        "Chạy bản trình diễn Triển Khai với dữ liệu mẫu Thành phố Bến Tre năm 2020: tạo cơ sở dữ "
        "liệu, nạp dữ liệu mẫu (một lần), tạo tài khoản trình diễn và mở trang web."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="Địa chỉ lắng nghe (mặc định 127.0.0.1)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Cổng (mặc định 8000).")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Chỉ chuẩn bị dữ liệu và tài khoản, không mở trang web.",
        )

    def handle(self, *args, host, port, no_serve, **options):
        started = time.monotonic()
        self.stdout.write("Đang chuẩn bị cơ sở dữ liệu…")
        call_command("migrate", interactive=False, verbosity=0)
        for path in LOADERS:
            loader = import_string(path)
            if loader():
                self.stdout.write(f"  Đã nạp dữ liệu mẫu: {loader.__module__.rsplit('.', 1)[-1]}")
        created = {account.username for account in ensure_demo_accounts()}
        seconds = time.monotonic() - started
        self.stdout.write(self.banner(host, port, created, seconds, serving=not no_serve))
        if no_serve:
            return
        allow_host(host)
        call_command("runserver", f"{host}:{port}", use_reloader=False)

    def banner(
        self, host: str, port: int, created: set[str], seconds: float, *, serving: bool
    ) -> str:
        header = ("Tên đăng nhập", "Mật khẩu")
        width = max(len(header[0]), *(len(a.username) for a in DEMO_ACCOUNTS)) + 2
        pwidth = max(len(header[1]), *(len(a.password) for a in DEMO_ACCOUNTS)) + 2
        lines = [
            "",
            "Triển Khai — bản trình diễn: Thành phố Bến Tre, tháng 9-2020",
            f"Dữ liệu sẵn sàng sau {seconds:.1f} giây.",
        ]
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            lines.append(f"Cơ sở dữ liệu: {database['NAME']}")
        if serving:
            lines.append(f"Mở trình duyệt tại: {url_for(host, port)}")
        lines += [
            "",
            "Tài khoản trình diễn (mật khẩu chỉ dùng cho bản trình diễn):",
            f"  {header[0]:<{width}}{header[1]:<{pwidth}}Vai trò",
        ]
        for account in DEMO_ACCOUNTS:
            mark = "" if account.username in created else " *"
            lines.append(
                f"  {account.username:<{width}}{account.password:<{pwidth}}{account.role}{mark}"
            )
        if len(created) < len(DEMO_ACCOUNTS):
            lines.append(
                "  * Tài khoản đã có từ trước được giữ nguyên; nếu đã đổi mật khẩu, hãy dùng mật khẩu mới."
            )
        if serving:
            lines += ["", "Nhấn Ctrl+C để dừng."]
        return "\n".join(lines) + "\n"
