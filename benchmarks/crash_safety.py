#!/usr/bin/env python
"""Crash safety: submissions survive SIGKILLed gunicorn and Celery workers, whole and once.

In a PostgreSQL database of its own (`trienkhai_crash`, on DATABASE_URL's server, default
postgres://postgres@127.0.0.1:5432/postgres) the script builds, through the services, a small
tree, a ward clerk with an API key, a task led by the ward and an open survey (six questions,
one of them a short text) with enough one-time codes. It starts gunicorn (2 sync workers,
production settings) and a Celery worker on Redis db 7, then for `--seconds`:

* survey clients answer the survey with fresh codes (POST /api/surveys/respond/); the short
  text carries the code, so a response can be traced back to its request without the product
  storing the link;
* comment clients POST /api/tasks/<id>/comments/ with an Idempotency-Key and a text naming the
  key, retrying the same key and body on a connection error or a 5xx until a definite answer;
* a killer sends SIGKILL to a gunicorn worker every `--kill-every` seconds (the master forks a
  new one) and, `--celery-kills` times, to the Celery worker's process group (then restarts it).
  Neither submission queues a Celery job: those kills show the web's writes do not lean on it.

Then it checks the database: a code answered 201 is spent and has exactly one response; a code
whose request failed (connection lost, 5xx) is either unspent with no response or spent with
one whole response; every response has all its answers; the running tallies equal a recount;
a key answered 201 has exactly one comment (the one answered, with its audit entry and stored
idempotent answer); a key refused has none; no comment text appears twice. It prints a summary
table and exits 1 on any violation (or when nothing at all was recorded).

    python benchmarks/crash_safety.py --seconds 10            # the short run of .ci/run
    python benchmarks/crash_safety.py                         # 60 s, 2 + 2 clients
    python benchmarks/crash_safety.py --seconds 5 --self-test # damaged on purpose: must fail

Redis db 7 (redis://127.0.0.1:6379/7, `--redis-url`) is flushed before and after; the database
is dropped at the end.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import (  # noqa: E402
    CONNECTION_ERRORS,
    HOST,
    Servers,
    drop_database,
    prepare_driver,
)

CRASH_DB = "trienkhai_crash"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the clients run")
    parser.add_argument("--clients", type=int, default=4, help="client threads, half of each kind")
    parser.add_argument("--kill-every", type=float, default=2.0, help="seconds between kills")
    parser.add_argument("--celery-kills", type=int, default=3)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="damage the stored data after the run (drop an answer, copy a comment): the "
        "checks must then fail",
    )
    args = parser.parse_args(argv)

    database_url, store, work = prepare_driver(CRASH_DB, args.redis_url, "crash", "data")
    servers = Servers(work, database_url, args.redis_url)
    try:
        return run(args, servers)
    finally:
        from django.db import connections

        servers.stop()
        connections.close_all()
        drop_database(CRASH_DB)
        store.flushdb()
        if args.keep_logs:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# --- the world ----------------------------------------------------------------------------------
def build(codes_wanted: int):
    """Tree, clerk with a key, a task the ward leads, an open survey with codes: all through the
    services, as an office would make them."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from trienkhai.api.tokens import token_create
    from trienkhai.org import services as org
    from trienkhai.org.models import AccessRole, UnitKind
    from trienkhai.plans import tasks
    from trienkhai.surveys import audience, builder
    from trienkhai.surveys.models import Code, CodeKind, QuestionKind

    today = timezone.localdate()
    province = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE, name="Tỉnh ủy Bến Tre"
    )
    city = org.unit_create(
        actor=None, parent=province, kind=UnitKind.CITY_PARTY_COMMITTEE, name="Thành ủy Bến Tre"
    )
    ward = org.unit_create(
        actor=None, parent=city, kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
        name="Đảng ủy Phường An Hội",
    )  # fmt: skip
    users = get_user_model().objects
    admin = users.create_superuser("quantri", password=secrets.token_urlsafe(16))
    clerk = users.create_user("vanthu_anhoi", password=secrets.token_urlsafe(16))
    org.access_grant(actor=None, user=clerk, unit=ward, role=AccessRole.EDITOR)
    _token, key = token_create(user=clerk, name="Báo cáo tự động của phường")
    task = tasks.task_create(
        actor=admin, title="Tổ chức quán triệt Nghị quyết Đại hội", assigned_by=city,
        lead_unit=ward, deadline=today + dt.timedelta(days=60), today=today,
    )  # fmt: skip

    survey = builder.survey_create(
        actor=admin, owner_unit=city, title="Khảo sát dư luận về Đại hội Đảng bộ thành phố"
    )
    p1 = builder.section_create(actor=admin, survey=survey, title="Phần I. Đánh giá chung")
    p2 = builder.section_create(actor=admin, survey=survey, title="Phần II. Ý kiến đóng góp")
    ask = builder.question_create
    aware = ask(actor=admin, section=p1, kind=QuestionKind.YESNO, required=True,
                text="Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?")  # fmt: skip
    source = ask(actor=admin, section=p1, kind=QuestionKind.MULTI,
                 text="Đồng chí biết thông tin về Đại hội qua kênh nào?",
                 choices_text="Sinh hoạt chi bộ\nBáo, đài\nMạng xã hội")  # fmt: skip
    trust = ask(actor=admin, section=p1, kind=QuestionKind.LIKERT, required=True,
                text="Mức độ tin tưởng vào sự lãnh đạo của cấp ủy")  # fmt: skip
    years = ask(actor=admin, section=p2, kind=QuestionKind.NUMBER, text="Số năm tuổi Đảng",
                min_value=0, max_value=80)  # fmt: skip
    level = ask(actor=admin, section=p2, kind=QuestionKind.SINGLE,
                text="Trình độ lý luận chính trị",
                choices_text="Sơ cấp\nTrung cấp\nCao cấp")  # fmt: skip
    idea = ask(actor=admin, section=p2, kind=QuestionKind.SHORT_TEXT, text="Kiến nghị",
               required=True)  # fmt: skip
    audience.audience_update(
        actor=admin, survey=survey, target_groups=[], total_forms=codes_wanted,
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30),
        record_group=False, record_unit=True, double_entry=False,
    )  # fmt: skip
    audience.allocation_save(
        actor=admin, survey=survey, unit=ward, target_group=None, forms=codes_wanted
    )
    audience.codes_generate(actor=admin, survey=survey, kind=CodeKind.LINK)
    audience.survey_open(actor=admin, survey=survey)

    def pick(question):
        return [c.pk for c in question.choices.order_by("position")]

    form = {
        "aware": (aware.pk, pick(aware)),
        "source": (source.pk, pick(source)),
        "trust": (trust.pk, pick(trust)),
        "years": (years.pk, None),
        "level": (level.pk, pick(level)),
        "idea": (idea.pk, None),
    }
    codes = list(Code.objects.filter(survey=survey).values_list("code", flat=True))
    return {"key": key, "task": task.pk, "survey": survey.pk, "form": form, "codes": codes}


def answers_for(form: dict, code: str, rng: random.Random) -> dict:
    """A whole form; the short text names the code (answers never point at their code)."""
    q = {name: pk for name, (pk, _c) in form.items()}
    c = {name: choices for name, (_pk, choices) in form.items()}
    # A "yes" only: a "no" would ask no extra question here, but keeps the count of rows fixed.
    return {
        str(q["aware"]): c["aware"][0],
        str(q["source"]): rng.sample(c["source"], 2),
        str(q["trust"]): rng.choice(c["trust"]),
        str(q["years"]): str(rng.randint(1, 60)),
        str(q["level"]): rng.choice(c["level"]),
        str(q["idea"]): f"Kiến nghị số {code}",
    }


ROWS_PER_FORM = 7  # yes/no 1, multi 2, likert 1, number 1, single 1, short text 1


# --- the clients --------------------------------------------------------------------------------
def call(port: int, method: str, path: str, body=None, headers=None, timeout: float = 20):
    """(status, decoded JSON or None); raises a connection error when no answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        conn.request(method, path, body=data, headers=sent)
        answer = conn.getresponse()
        raw = answer.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return answer.status, payload
    finally:
        conn.close()


class Run:
    """What the clients did, shared by the threads."""

    def __init__(self, world: dict, port: int, seconds: float):
        self.world = world
        self.port = port
        self.stop_at = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.codes = iter(world["codes"])
        self.surveys: dict[str, tuple[str, int | None]] = {}  # code → (outcome, status)
        self.comments: dict[str, tuple[str, int | None, int | None]] = {}  # key → (outcome, id)
        self.counts: Counter = Counter()
        self.retried: dict[str, float] = {}  # key → when its last (answered) attempt was sent
        self.kills: Counter = Counter()

    def running(self) -> bool:
        return time.monotonic() < self.stop_at

    def next_code(self) -> str | None:
        with self.lock:
            return next(self.codes, None)

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] += 1


def survey_client(run: Run, seed: int) -> None:
    """Fresh codes only; a lost answer is not retried (the check decides what it left)."""
    rng = random.Random(seed)
    while run.running():
        code = run.next_code()
        if code is None:
            run.count("survey out of codes")
            return
        body = {"code": code, "answers": answers_for(run.world["form"], code, rng)}
        try:
            status, _payload = call(run.port, "POST", "/api/surveys/respond/", body)
        except CONNECTION_ERRORS:
            run.count("survey requests")
            run.count("survey connection errors")
            run.surveys[code] = ("error", None)
            time.sleep(0.05)
            continue
        run.count("survey requests")
        if status == 201:
            run.count("survey successes")
            run.surveys[code] = ("ok", status)
        elif status >= 500:
            run.count("survey 5xx")
            run.surveys[code] = ("error", status)
        else:
            run.count("survey refused")
            run.surveys[code] = ("refused", status)


def comment_client(run: Run, seed: int, give_up_after: float = 60) -> None:
    """One key per comment, retried with the same key and body until a definite answer."""
    rng = random.Random(seed)
    path = f"/api/tasks/{run.world['task']}/comments/"
    auth = {"Authorization": f"Bearer {run.world['key']}"}
    while run.running():
        key = f"crash-{uuid.UUID(int=rng.getrandbits(128))}"
        body = {"text": f"Đã tổ chức hội nghị quán triệt, lần gửi {key}"}
        headers = {**auth, "Idempotency-Key": key}
        deadline = time.monotonic() + give_up_after
        tries = 0
        while True:
            tries += 1
            run.count("comment requests")
            if tries > 1:
                run.count("comment retries")
            last_sent = time.time()
            try:
                status, payload = call(run.port, "POST", path, body, headers)
            except CONNECTION_ERRORS:
                run.count("comment connection errors")
                status, payload = None, None
            if status is not None and status < 500:
                break
            if status is not None:
                run.count("comment 5xx")
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if status == 201:
            run.count("comment successes")
            run.comments[key] = ("ok", status, (payload or {}).get("id"))
            if tries > 1:
                run.count("comment successes after a retry")
                run.retried[key] = last_sent
        elif status is None or status >= 500:
            run.count("comment given up")
            run.comments[key] = ("error", status, None)
        else:
            run.count("comment refused")
            run.comments[key] = ("refused", status, None)


def killer(run: Run, servers: Servers, every: float, celery_kills: int, seconds: float) -> None:
    """A gunicorn worker every `every` seconds; the Celery worker at evenly spaced moments."""
    rng = random.Random(7)
    start = time.monotonic()
    celery_at = [start + seconds * (i + 1) / (celery_kills + 1) for i in range(celery_kills)]
    while run.running():
        time.sleep(every * rng.uniform(0.75, 1.25))
        if not run.running():
            break
        workers = servers.gunicorn_workers()
        if workers:
            try:
                os.kill(rng.choice(workers), signal.SIGKILL)
                run.kills["gunicorn worker"] += 1
            except ProcessLookupError:
                pass
        if celery_at and time.monotonic() >= celery_at[0]:
            celery_at.pop(0)
            servers.kill_celery()
            run.kills["Celery worker"] += 1


def wait_ready(servers: Servers, world: dict, limit: float = 60) -> None:
    path = f"/api/tasks/{world['task']}/"
    auth = {"Authorization": f"Bearer {world['key']}"}
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            status, _payload = call(servers.port, "GET", path, headers=auth, timeout=5)
            if status == 200:
                return
        except CONNECTION_ERRORS:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {limit:.0f} s (see its log)")


# --- the checks ---------------------------------------------------------------------------------
def check(run: Run) -> tuple[list[str], Counter]:
    """Every rule of the run, as a list of violations (empty when all hold)."""
    from django.db.models import Count

    from trienkhai.api.models import IdempotentAnswer
    from trienkhai.audit.models import AuditEntry
    from trienkhai.plans.models import TaskComment
    from trienkhai.surveys.models import Answer, Code, Response, Survey, Tally
    from trienkhai.surveys.responses import tallies_recount

    bad: list[str] = []
    stats: Counter = Counter()
    world = run.world
    survey_id = world["survey"]
    idea_id = world["form"]["idea"][0]

    # Surveys: the short text names the code, so each response is traced to its request.
    used = dict(Code.objects.filter(survey_id=survey_id).values_list("code", "used"))
    rows = Counter(
        dict(
            Response.objects.filter(survey_id=survey_id)
            .annotate(n=Count("answers"))
            .values_list("pk", "n")
        )
    )
    traced: dict[str, list[int]] = {}
    for response_id, text in Answer.objects.filter(
        response__survey_id=survey_id, question_id=idea_id
    ).values_list("response_id", "text"):
        traced.setdefault(text.removeprefix("Kiến nghị số "), []).append(response_id)
    for response_id, n in rows.items():
        if n != ROWS_PER_FORM:
            bad.append(f"response {response_id} has {n} answers, not {ROWS_PER_FORM}")
    for code, ids in traced.items():
        if len(ids) > 1:
            bad.append(f"code {code}: {len(ids)} responses")
        if not used.get(code):
            bad.append(f"code {code}: a response but the code is not spent")
    for code, (outcome, status) in run.surveys.items():
        ids = traced.get(code, [])
        if outcome == "ok" and (not used[code] or len(ids) != 1):
            bad.append(f"code {code}: answered 201 but spent={used[code]}, responses={len(ids)}")
        elif outcome == "refused" and (used[code] or ids):
            bad.append(f"code {code}: refused ({status}) but spent or stored")
        elif outcome == "error":
            stats[
                "survey lost answers: stored anyway" if ids else "survey lost answers: not stored"
            ] += 1
            if used[code] != (len(ids) == 1):
                bad.append(
                    f"code {code}: lost answer left spent={used[code]}, responses={len(ids)}"
                )
    sent = set(run.surveys)
    for code, spent in used.items():
        if spent and code not in sent:
            bad.append(f"code {code}: spent but never sent")
    spent_count = sum(used.values())
    if spent_count != len(rows):
        bad.append(f"{spent_count} codes spent but {len(rows)} responses")
    before = {
        (t.question_id, t.row_id, t.choice_id, t.group_id, t.unit_id): t.n
        for t in Tally.objects.filter(survey_id=survey_id)
    }
    tallies_recount(Survey.objects.get(pk=survey_id))
    after = {
        (t.question_id, t.row_id, t.choice_id, t.group_id, t.unit_id): t.n
        for t in Tally.objects.filter(survey_id=survey_id)
    }
    if before != after:
        wrong = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
        bad.append(f"running tallies differ from a recount in {len(wrong)} cells")

    # Comments: the text names the key.
    texts = Counter(
        TaskComment.objects.filter(task_id=world["task"]).values_list("text", flat=True)
    )
    by_key: dict[str, list[int]] = {}
    for pk, text in TaskComment.objects.filter(task_id=world["task"]).values_list("pk", "text"):
        by_key.setdefault(text.rsplit(" ", 1)[-1], []).append(pk)
    for text, n in texts.items():
        if n > 1:
            bad.append(f"comment text appears {n} times: {text!r}")
    notes = Counter(
        AuditEntry.objects.filter(note__startswith="Ý kiến: ").values_list("note", flat=True)
    )
    for text, n in texts.items():
        if notes[f"Ý kiến: {text}"] != n:
            bad.append(f"comment {text!r}: {notes[f'Ý kiến: {text}']} audit entries for {n}")
    stored = dict(IdempotentAnswer.objects.values_list("key", "body"))
    for key, (outcome, status, comment_id) in run.comments.items():
        ids = by_key.get(key, [])
        if outcome == "ok":
            if ids != [comment_id]:
                bad.append(f"key {key}: answered 201 with id {comment_id}, stored {ids}")
            if (stored.get(key) or {}).get("id") != comment_id:
                bad.append(f"key {key}: its stored idempotent answer is not comment {comment_id}")
        elif outcome == "refused" and ids:
            bad.append(f"key {key}: refused ({status}) but stored {ids}")
        elif len(ids) > 1:
            bad.append(f"key {key}: no definite answer and {len(ids)} comments")
    made = dict(TaskComment.objects.filter(task_id=world["task"]).values_list("pk", "created_at"))
    for key, last_sent in run.retried.items():
        ids = by_key.get(key, [])
        if len(ids) == 1 and made[ids[0]].timestamp() < last_sent:
            stats["comment retries answered from the stored answer"] += 1
    for key in set(by_key) - set(run.comments):
        bad.append(f"key {key}: a comment for a key never sent")
    for key in set(by_key) - set(stored):
        bad.append(f"key {key}: a comment without its stored idempotent answer")
    return bad, stats


def damage(run: Run) -> None:
    """What the checks exist to catch: a half-stored response and a duplicated comment."""
    from trienkhai.plans.models import TaskComment
    from trienkhai.surveys.models import Answer

    code = next(code for code, (outcome, _s) in run.surveys.items() if outcome == "ok")
    idea = Answer.objects.get(question_id=run.world["form"]["idea"][0], text__endswith=code)
    Answer.objects.filter(response_id=idea.response_id).exclude(pk=idea.pk).first().delete()
    key = next(key for key, (outcome, _s, _id) in run.comments.items() if outcome == "ok")
    twin = TaskComment.objects.get(pk=run.comments[key][2])
    twin.pk = None
    twin.save()
    print(f"self-test: dropped an answer of the response to {code}, copied the comment {key}")


# --- the run ------------------------------------------------------------------------------------
def run(args, servers: Servers) -> int:
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    world = build(codes_wanted=max(2000, int(args.seconds * 200)))
    print(f"built the world in {time.monotonic() - started:.1f} s: "
          f"{len(world['codes']):,} codes", flush=True)  # fmt: skip
    servers.start_gunicorn()
    servers.start_celery()
    wait_ready(servers, world)
    print(f"gunicorn on 127.0.0.1:{servers.port}; {args.clients} clients for "
          f"{args.seconds:g} s, a gunicorn worker killed every ~{args.kill_every:g} s, "
          f"the Celery worker {args.celery_kills} times", flush=True)  # fmt: skip

    state = Run(world, servers.port, args.seconds)
    threads = []
    for n in range(max(args.clients, 2)):
        target = survey_client if n % 2 == 0 else comment_client
        threads.append(threading.Thread(target=target, args=(state, 1000 + n), daemon=True))
    threads.append(
        threading.Thread(
            target=killer,
            args=(state, servers, args.kill_every, args.celery_kills, args.seconds),
            daemon=True,
        )
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    celery_alive = servers.celery is not None and servers.celery.poll() is None
    servers.stop()

    if args.self_test:
        damage(state)
    violations, found = check(state)
    c, k = state.counts, state.kills
    table = [
        ("survey requests", c["survey requests"]),
        ("survey successes (201)", c["survey successes"]),
        ("survey refused (4xx)", c["survey refused"]),
        ("survey connection errors", c["survey connection errors"]),
        ("survey 5xx", c["survey 5xx"]),
        ("… lost answers, yet stored whole", found["survey lost answers: stored anyway"]),
        (
            "… lost answers, not stored (code still usable)",
            found["survey lost answers: not stored"],
        ),
        ("comment requests (with retries)", c["comment requests"]),
        ("comment keys", len(state.comments)),
        ("comment successes (201)", c["comment successes"]),
        ("comment successes after a retry", c["comment successes after a retry"]),
        ("comment retries", c["comment retries"]),
        (
            "… answered from the stored idempotent answer",
            found["comment retries answered from the stored answer"],
        ),
        ("comment connection errors", c["comment connection errors"]),
        ("comment 5xx", c["comment 5xx"]),
        ("comment refused (4xx)", c["comment refused"]),
        ("comment keys given up", c["comment given up"]),
        ("gunicorn workers killed", k["gunicorn worker"]),
        ("Celery workers killed", k["Celery worker"]),
        ("violations", len(violations)),
    ]
    print("\n| crash safety | count |\n|---|---:|")
    for label, value in table:
        print(f"| {label} | {value:,} |")
    if c["survey out of codes"]:
        print("note: the survey clients ran out of codes before the end")
    if not celery_alive:
        violations.append("the Celery worker was not running at the end")
    if not c["survey successes"] or not c["comment successes"]:
        violations.append("nothing was recorded: the run tested nothing")
    for line in violations[:50]:
        print(f"VIOLATION: {line}")
    if len(violations) > 50:
        print(f"... and {len(violations) - 50} more")
    print("FAIL" if violations else "OK: every answered submission stored once, none half-stored")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
