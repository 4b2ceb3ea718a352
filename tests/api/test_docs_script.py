"""The curl script of docs/api.md, run as written against a live server: it creates a task
(once, though it is run twice) and reads the compliance matrix."""

import pathlib
import shutil
import subprocess

import pytest

from trienkhai.api.tokens import token_create
from trienkhai.plans.models import Task

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "api.md"


def script() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = text[text.index("```sh\nBASE=") + len("```sh\n") :]
    return block[: block.index("\n```")]


@pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("jq")), reason="the script needs curl and jq"
)
@pytest.mark.django_db(transaction=True)
def test_the_documented_script_runs(live_server, tree, city_secretary):
    key = token_create(user=city_secretary, name="docs")[1]
    body = (
        script().replace("http://127.0.0.1:8000", live_server.url).replace("tk_your_key_here", key)
    )
    for _ in range(2):
        run = subprocess.run(["bash", "-e", "-c", body], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
    assert Task.objects.filter(title="Tổ chức quán triệt Nghị quyết Đại hội").count() == 1
    assert '"precision": "month"' in run.stdout and '"total"' in run.stdout
