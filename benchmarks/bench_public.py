#!/usr/bin/env python
"""Server time of the public site's pages on the demo's data, first view and kept (cache warm).

Loads the scenario into a new SQLite database (or uses DATABASE_URL's, loading what is missing),
then times each public page of the City Committee's site through Django's test client, server
side (middleware, queries, template), as a visitor without login: the home page, the post, each
of the four programmes (their charts drawn on the first view, then kept), the dissemination's
task group and campaign, a search without diacritics and the Atom feed. The first view is timed once with an empty cache; then `--repeat`
runs give p50 and p95.

    python benchmarks/bench_public.py              # a new SQLite database in a temporary folder
    python benchmarks/bench_public.py --repeat 50
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        os.environ["TRIENKHAI_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-public-")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.utils.module_loading import import_string

    from trienkhai.demo import LOADERS
    from trienkhai.public.models import Post, PublicSite

    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    for path in LOADERS:
        import_string(path)()
    site = PublicSite.objects.get(slug="thanh-uy-ben-tre")
    post = Post.objects.filter(site=site, status=Post.Status.PUBLISHED).first()
    pages = {
        "home": f"/p/{site.slug}/",
        "post": f"/p/{site.slug}/tin/{post.slug}/",
        "search": f"/p/{site.slug}/?q=quan+triet",
        "feed": f"/p/{site.slug}/feed.atom",
    }
    for n, publication in enumerate(site.programmes.order_by("pk"), start=1):
        pages[f"programme {n} ({publication.indicators.count()} indicators)"] = (
            f"/p/{site.slug}/chuong-trinh/{publication.pk}/"
        )
    for publication in site.task_groups.order_by("pk"):
        pages[f"task group ({publication.tasks.count()} subtasks)"] = (
            f"/p/{site.slug}/nhiem-vu/{publication.pk}/"
        )
    for publication in site.campaigns.order_by("pk"):
        pages["campaign (by ward)"] = f"/p/{site.slug}/quan-triet/{publication.pk}/"
    client = Client()
    client.get("/p/khong-co-trang-nay/")  # the process's first request: imports, templates
    cache.clear()
    print(f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; {args.repeat} runs\n")
    print("| page | first view ms | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for name, url in pages.items():
        start = time.perf_counter()
        assert client.get(url).status_code == 200, url
        first = (time.perf_counter() - start) * 1000
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {name} | {first:.1f} | {statistics.median(times):.1f} | {p95:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
