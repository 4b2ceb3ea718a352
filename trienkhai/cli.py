"""The `trienkhai` console command: the product's sub-commands and every manage.py command.

`trienkhai demo`, `trienkhai load-divisions`, ... are Django management commands; hyphens in a
sub-command are read as underscores. `trienkhai extract` reads text without Django
(trienkhai/extraction/command.py). Options that decide the settings (--data-dir) are read
here, before Django starts, because the settings depend on them.
"""

import os
import sys


def _take_option(argv: list[str], name: str) -> str | None:
    """Remove `--name VALUE` or `--name=VALUE` from argv and return VALUE."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            value = argv[i + 1]
            del argv[i : i + 2]
            return value
        if arg.startswith(name + "="):
            del argv[i]
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    data_dir = _take_option(argv, "--data-dir")
    if data_dir:
        os.environ["TRIENKHAI_DATA_DIR"] = os.path.abspath(data_dir)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "extract":
        # Pure Python, no database: answers without starting Django.
        from trienkhai.extraction.command import main as extract_main

        sys.exit(extract_main(argv[2:]))
    if len(argv) == 1:
        argv.append("help")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
