"""`trienkhai extract FILE [--json]` and `trienkhai extract --evaluate DIR`.

Runs without starting Django (the library is pure), so it answers at once. Every failure a user
can cause (a missing file, an unreadable PDF, an empty text) is one clear line on standard error
and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import extract
from .evaluate import FIELDS, evaluate
from .items import to_dict

EXIT_USAGE = 2


class InputError(Exception):
    """What the user gave cannot be read; the message says why, in Vietnamese and English."""


def _read_path(path: Path) -> str:
    try:
        from .readers import ReadError, read_file
    except ImportError:  # pragma: no cover - readers land with the legacy module
        return path.read_text(encoding="utf-8")
    try:
        return read_file(path)
    except ReadError as error:
        raise InputError(f"{error.message} / {error.message_en}") from None


def read_input(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
        try:
            from .legacy import decode_bytes
        except ImportError:  # pragma: no cover
            return data.decode("utf-8", errors="replace")
        return decode_bytes(data)
    path = Path(name)
    if not path.exists():
        raise InputError(f"Không tìm thấy tệp “{name}”. / File not found: “{name}”.")
    if path.is_dir():
        raise InputError(
            f"“{name}” là một thư mục, không phải tệp văn bản (dùng --evaluate để chấm một "
            f"thư mục). / “{name}” is a folder, not a text file (use --evaluate for a folder)."
        )
    return _read_path(path)


def _table(result) -> str:
    lines = []
    lines.append(f"Văn bản trích dẫn / Documents cited ({len(result.doc_refs)})")
    for ref in result.doc_refs:
        kind = f"{ref.kind} " if ref.kind else ""
        lines.append(f"  {kind}{ref.number:<22} ngày/date {ref.date or '-'}")
    lines.append(f"Thời hạn / Deadlines ({len(result.deadlines)})")
    for item in result.deadlines:
        lines.append(f"  {item.date:<12} {item.precision:<8} {item.text}")
    lines.append(f"Số lượng / Quantities ({len(result.quantities)})")
    for item in result.quantities:
        lines.append(f"  {item.value!s:>10}  {item.unit:<28} «{item.text}»")
    lines.append(f"Phân công / Assignments ({len(result.assignments)})")
    for item in result.assignments:
        lines.append(f"  Chủ trì / Lead:        {item.lead}")
        if item.coordinators:
            lines.append(f"  Phối hợp / With:       {'; '.join(item.coordinators)}")
        lines.append(f"  Nhiệm vụ / Task:       {item.task}")
        lines.append(f"  Thời hạn / Deadline:   {item.deadline or '-'}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _evaluate(directory: str, as_json: bool, verbose: bool) -> int:
    root = Path(directory)
    if not root.is_dir():
        raise InputError(
            f"Không tìm thấy thư mục “{directory}”. / Folder not found: “{directory}”."
        )
    scores, count = evaluate(root, _read_path, extract)
    if count == 0:
        raise InputError(
            f"“{directory}” không có cặp tệp .txt + .json nào để chấm. / "
            f"“{directory}” holds no .txt + .json pairs to score."
        )
    if as_json:
        print(json.dumps({"texts": count} | {k: s.as_json() for k, s in scores.items()}, indent=2))
        return 0
    print(f"{count} văn bản / texts in {directory}")
    print(f"{'field':<12} {'matched':>7} {'found':>6} {'gold':>6} {'P':>7} {'R':>7} {'F1':>7}")
    for name in FIELDS:
        s = scores[name]
        print(
            f"{name:<12} {s.matched:>7} {s.extracted:>6} {s.annotated:>6} "
            f"{s.precision:>7.3f} {s.recall:>7.3f} {s.f1:>7.3f}"
        )
    if verbose:
        for name in FIELDS:
            for miss in scores[name].misses:
                print(f"[{name}] {miss}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="trienkhai extract",
        description="Đọc văn bản tiếng Việt và đề xuất cấu trúc: văn bản trích dẫn, thời hạn, "
        "số lượng, phân công. / Read Vietnamese text and propose its structure.",
    )
    parser.add_argument("file", nargs="?", help="tệp .txt, .docx, .pdf hoặc - (đầu vào chuẩn)")
    parser.add_argument("--json", action="store_true", help="in JSON / print JSON")
    parser.add_argument("--spans", action="store_true", help="thêm vị trí ký tự / add spans")
    parser.add_argument("--evaluate", metavar="DIR", help="chấm điểm trên kho văn bản / score")
    parser.add_argument("--verbose", action="store_true", help="liệt kê sai sót khi chấm")
    args = parser.parse_args(argv)
    try:
        if args.evaluate:
            return _evaluate(args.evaluate, args.json, args.verbose)
        if not args.file:
            parser.print_usage(sys.stderr)
            raise InputError("Hãy chỉ ra một tệp hoặc - . / Give a file or - .")
        text = read_input(args.file)
        if not text.strip():
            raise InputError("Văn bản rỗng, không có gì để đọc. / The text is empty.")
        result = extract(text)
    except InputError as error:
        print(f"trienkhai extract: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        out = result.as_json()
        if args.spans:
            for name in FIELDS:
                out[name] = [to_dict(item) for item in getattr(result, name)]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(_table(result))
    return 0
