"""`trienkhai bench generate|run`: a national data set, and the hot paths timed against their SQL.

The work is in trienkhai/bench/ (generate.py, run.py); this command only dispatches, so each
sub-command keeps its options beside its code. See benchmarks/README.md and docs/performance.md.
"""

from django.core.management.base import BaseCommand, CommandError

from trienkhai.bench import generate, run

SUBCOMMANDS = {"generate": generate, "run": run}


class Command(BaseCommand):
    help = (
        "Đo hiệu năng ở quy mô toàn quốc: `generate` tạo bộ dữ liệu (PostgreSQL), `run` đo các "
        "thao tác chính và so với câu SQL trần. / Benchmarks at national scale: `generate` fills "
        "PostgreSQL with a data set, `run` times the hot paths against their bare SQL."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, module in SUBCOMMANDS.items():
            module.add_arguments(sub.add_parser(name, help=module.__doc__.split("\n")[0]))

    def handle(self, *args, subcommand, **options):
        try:
            SUBCOMMANDS[subcommand].handle(options, self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
