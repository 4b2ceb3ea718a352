"""Speed of the text extractor (issue 6): a 50-page resolution read and drawn, news per second.

    python benchmarks/bench_extraction.py [--repeat 5]

Texts: the evaluation corpus (tests/extraction/corpus). The "50-page resolution" is its texts
joined until it holds 50 pages of 3,000 characters (a page of a Word resolution in 13-14 pt);
the news-length articles are its texts of 1,500-5,000 characters. One process, one core.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import time

import django

from trienkhai.extraction import extract

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
django.setup()  # the drawing's titles are translated strings

from trienkhai.reading.highlight import render  # noqa: E402

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "tests/extraction/corpus"
PAGE = 3000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*.txt"))]
    if not texts:
        raise SystemExit("no corpus texts under tests/extraction/corpus")
    big = ""
    while len(big) < 50 * PAGE:
        big += "\n\n".join(texts) + "\n\n"
    big = big[: 50 * PAGE]
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = extract(big)
        runs.append(time.perf_counter() - t0)
    print(
        f"50-page text ({len(big):,} characters): median {statistics.median(runs):.3f} s, "
        f"max {max(runs):.3f} s; {len(result.doc_refs)} refs, {len(result.deadlines)} deadlines, "
        f"{len(result.quantities)} quantities, {len(result.assignments)} assignments"
    )
    draws = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        html = render(result)
        draws.append(time.perf_counter() - t0)
    print(
        f"the same text drawn as highlighted HTML: median {statistics.median(draws):.3f} s, "
        f"max {max(draws):.3f} s; {html.count('<mark'):,} marks"
    )
    news = [t for t in texts if 1500 <= len(t) <= 5000] or texts
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 3.0:
        for text in news:
            extract(text)
            count += 1
    elapsed = time.perf_counter() - t0
    mean_len = statistics.mean(len(t) for t in news)
    print(
        f"news-length articles (mean {mean_len:,.0f} characters, {len(news)} texts): "
        f"{count / elapsed:,.0f} per second on one core"
    )


if __name__ == "__main__":
    main()
