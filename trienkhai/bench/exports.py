"""Time a download and its peak memory the way a server worker would live it: in a fresh
process that starts Django, logs in, asks for the URL through Django's test client (the whole
view, middleware included) and reads the streamed body piece by piece without keeping it.

A fresh process, because peak memory (ru_maxrss) only ever grows: measured in the benchmark's
own process it would carry whatever was loaded before. The child reports its peak before the
download too (Django and the project loaded, logged in), so the export's own share shows.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30 * 60  # seconds; the target is 2 minutes, a broken run should not hang for ever
MARK = "EXPORT-MEASURE "

# Run by `python -c` in the child; reads {"path", "username", "password"} from its stdin (no
# password on a command line) and prints one line: MARK + JSON.
_CHILD = r"""
import json, resource, sys, time

import django

django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

request = json.loads(sys.stdin.read())
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
user = get_user_model().objects.filter(username=request["username"]).first()
if user is None or not user.check_password(request["password"]):
    sys.exit("no such user, or a wrong password: " + request["username"])
client = Client()
client.force_login(user)  # the password is checked above; the login throttle stays out of it


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


before = peak_mb()
cpu = cpu_seconds()
started = time.perf_counter()
response = client.get(request["path"], secure=True)
size, first = 0, None
if response.streaming:
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
else:
    size = len(response.content)
response.close()
seconds = time.perf_counter() - started
out = {
    "seconds": round(seconds, 2),
    "peak_rss_mb": round(peak_mb(), 1),
    "bytes": size,
    "status": response.status_code,
    "streamed": bool(response.streaming),
    "first_byte_seconds": None if first is None else round(first, 3),
    "rss_before_mb": round(before, 1),
    "cpu_seconds": round(cpu_seconds() - cpu, 2),
}
print(MARK + json.dumps(out), flush=True)
""".replace("MARK", repr(MARK))


def measure_export(path: str, username: str, password: str = "bench") -> dict:
    """Download `path` as `username` in a fresh process on the same settings and database
    (DJANGO_SETTINGS_MODULE, DATABASE_URL and the rest of this process's environment).

    Returns {"seconds", "peak_rss_mb", "bytes"} and, for the reader, "status", "streamed",
    "first_byte_seconds", "rss_before_mb" (the peak before the download began) and
    "cpu_seconds" (the child's own CPU time for the download: on a busy machine the wall time
    says more about the neighbours). Raises RuntimeError when the child fails or the answer is
    not 200."""
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    request = json.dumps({"path": path, "username": username, "password": password})
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=request,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=TIMEOUT,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"measuring {path} failed: " + " | ".join(detail))
    result = json.loads(line[len(MARK) :])
    if result["status"] != 200:
        raise RuntimeError(f"{path} answered {result['status']} for {username}")
    return result
