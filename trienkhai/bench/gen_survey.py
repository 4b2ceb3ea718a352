"""A survey of the benchmark data set: 20 questions of every kind, a quota over units × target
groups, and up to a million answered forms written by the database itself.

The forms are drawn by PostgreSQL (INSERT … SELECT over generate_series, random choices and random
keys, seeded with `setseed` so a seed gives the same forms); each form's answers are made
together (a LATERAL per form), so they lie together in the table as they do when forms arrive one
by one; the answer indexes and primary key are built once at the end; then the tallies are counted
by the product's own `responses.tallies_recount`, as after any bulk load.
"""

import datetime as dt

from .gen_load import execute, fetch, indexes_set_aside

TEXTS = [
    "Cần chọn người có đức, có tài, thật sự tiêu biểu",
    "Đề nghị tăng cường quán triệt nghị quyết đến từng chi bộ",
    "Quán triệt sâu rộng hơn nữa trong nhân dân",
    "Tăng cường đối thoại giữa cấp ủy với nhân dân",
    "Phát huy dân chủ trong chuẩn bị nhân sự",
    "Quan tâm hơn đến đời sống cán bộ hưu trí",
    "Đẩy mạnh chuyển đổi số trong công tác tuyên truyền",
    "Kiên quyết phòng chống tham nhũng, lãng phí",
    "Không có ý kiến thêm",
    "Nên tổ chức lấy ý kiến rộng rãi hơn",
]
RANDOM_ID = "(floor(random() * 4.6e18))::bigint + 1"  # a random key, as models.random_key


def question_specs(owner_short: str = "ThU") -> list[tuple]:
    """(kind, text, choices, grid rows, allow other) of the 20 questions."""
    scale = ["Kém", "Trung bình", "Khá", "Tốt"]
    return [
        ("yesno", f"Đồng chí có được quán triệt Kế hoạch 07-KH/{owner_short} không?", [], [], False),
        ("single", "Đồng chí thuộc độ tuổi nào?", ["Dưới 30", "30–45", "46–60", "Trên 60"], [], False),
        ("single", "Kênh thông tin chính", ["Chi bộ", "Báo in", "Truyền hình", "Mạng xã hội", "Khác (ghi rõ)"], [], True),
        ("multi", "Đồng chí biết về Đại hội qua kênh nào?", ["Sinh hoạt chi bộ", "Báo, đài", "Mạng xã hội", "Hội nghị", "Bạn bè", "Khác (ghi rõ)"], [], True),
        ("likert", "Tin tưởng vào sự lãnh đạo của cấp ủy", [], [], False),
        ("likert", "Hài lòng với công tác chuẩn bị Đại hội", [], [], False),
        ("likert", "Văn kiện phản ánh đúng tình hình địa phương", [], [], False),
        ("grid", "Đánh giá các mặt công tác", scale, ["Xây dựng Đảng", "Kinh tế", "Văn hóa, xã hội", "Quốc phòng, an ninh", "Dân vận"], False),
        ("grid", "Đánh giá cán bộ các cấp", ["1", "2", "3", "4", "5"], ["Cấp tỉnh", "Cấp xã", "Chi bộ"], False),
        ("number", "Số năm tuổi Đảng", [], [], False),
        ("number", "Số lần dự sinh hoạt chuyên đề trong năm", [], [], False),
        ("yesno", "Đồng chí có đọc dự thảo văn kiện không?", [], [], False),
        ("single", "Trình độ lý luận chính trị", ["Sơ cấp", "Trung cấp", "Cao cấp"], [], False),
        ("multi", "Những vấn đề cần quan tâm", ["Kinh tế", "Việc làm", "Môi trường", "Y tế", "Giáo dục"], [], False),
        ("likert", "Công tác tuyên truyền hiệu quả", [], [], False),
        ("single", "Lĩnh vực công tác", ["Đảng", "Chính quyền", "Mặt trận", "Đoàn thể", "Doanh nghiệp", "Khác"], [], False),
        ("yesno", "Đồng chí có tham gia góp ý văn kiện không?", [], [], False),
        ("short_text", "Kiến nghị ngắn", [], [], False),
        ("long_text", "Ý kiến đóng góp cho Đại hội", [], [], False),
        ("short_text", "Ý kiến khác", [], [], False),
    ]  # fmt: skip


def create_survey(owner, units, *, today: dt.date | None = None):
    """The survey of `owner` with its 20 questions and a quota of one form per unit × group (set
    to the real numbers by `load_responses`). Returns (survey, questions, allocations)."""
    from trienkhai.outreach.models import TargetGroup
    from trienkhai.surveys.models import (
        Allocation,
        Choice,
        GridRow,
        Question,
        Section,
        Survey,
        SurveyStatus,
    )
    from trienkhai.surveys.structure import standard_choices

    today = today or dt.date.today()
    groups = list(TargetGroup.objects.order_by("position"))
    survey = Survey.objects.create(
        title=f"Khảo sát dư luận xã hội về Đại hội Đảng bộ ({owner.name})",
        owner_unit=owner,
        total_forms=0,
        status=SurveyStatus.OPEN,
        opens_on=today - dt.timedelta(days=60),
        closes_on=today + dt.timedelta(days=30),
    )
    sections = [
        Section.objects.create(survey=survey, title=f"Phần {n}", position=n) for n in (1, 2)
    ]
    questions = []
    for n, (kind, text, choices, rows, other) in enumerate(question_specs(owner.short_name), 1):
        q = Question.objects.create(
            survey=survey, section=sections[0 if n <= 10 else 1], kind=kind, text=text,
            position=n, code=f"C{n}", allow_other=other,
            min_value=0 if kind == "number" else None, max_value=80 if kind == "number" else None,
        )  # fmt: skip
        pairs = standard_choices(kind) or list(enumerate(choices, start=1))
        Choice.objects.bulk_create(
            Choice(question=q, value=value, label=label, position=value,
                   is_other=label.startswith("Khác (ghi rõ)"))
            for value, label in pairs
        )  # fmt: skip
        GridRow.objects.bulk_create(
            GridRow(question=q, label=label, position=i) for i, label in enumerate(rows, 1)
        )
        questions.append(q)
    allocations = Allocation.objects.bulk_create(
        Allocation(survey=survey, unit=u, target_group=g, forms=1) for u in units for g in groups
    )
    return survey, questions, allocations


def _answers_of_a_form(questions) -> str:
    """One SELECT per question, each reading the form `r`: a LATERAL that makes a form's
    answers together. About 24 answers a form."""
    texts = "(ARRAY[" + ",".join("'" + t.replace("'", "''") + "'" for t in TEXTS) + "])"
    text = f"{texts}[1 + floor(random() * {len(TEXTS)})::int]"
    parts = []
    for q in questions:
        choices = list(q.choices.order_by("position").values_list("pk", "is_other"))
        ids = ",".join(str(c) for c, _o in choices)
        other = next((c for c, o in choices if o), 0)
        pick = f"(ARRAY[{ids}])[1 + floor(power(random(), 1.4) * {len(choices)})::int]"
        head = f"SELECT {q.pk} AS question_id"
        if q.kind in ("single", "likert", "yesno"):
            parts.append(
                f"{head}, NULL::int AS row_id, c AS choice_id, NULL::numeric AS number, "
                f"CASE WHEN c = {other} THEN {text} ELSE '' END AS text "
                f"FROM (SELECT {pick} AS c WHERE r.i > 0 AND random() < 0.97) s"
            )
        elif q.kind == "multi":
            parts.append(
                f"{head}, NULL, c, NULL, CASE WHEN c = {other} THEN {text} ELSE '' END "
                f"FROM unnest(ARRAY[{ids}]) AS c WHERE r.i > 0 AND random() < 0.35"
            )
        elif q.kind == "grid":
            rows = ",".join(
                str(p) for p in q.rows.order_by("position").values_list("pk", flat=True)
            )
            parts.append(
                f"{head}, g, {pick}, NULL, '' FROM unnest(ARRAY[{rows}]) AS g "
                f"WHERE r.i > 0 AND random() < 0.95"
            )
        elif q.kind == "number":
            parts.append(
                f"{head}, NULL, NULL, floor(random() * 60)::numeric, '' "
                f"WHERE r.i > 0 AND random() < 0.9"
            )
        else:
            share = {18: 0.2, 19: 0.1, 20: 0.05}.get(q.position, 0.1)
            parts.append(
                f"{head}, NULL, NULL, NULL, {text} || ' (' || r.i || ')' WHERE random() < {share}"
            )
    return " UNION ALL ".join(f"({p})" for p in parts)


def load_responses(
    survey, questions, allocations, responses: int, seed: int, today=None, step=None
):
    """`responses` answered forms spread over the allocations (some units answer more than
    others), a used code per form, then the tallies. Returns (forms, answers); `step(text)` is
    told as each stage ends."""
    from trienkhai.surveys import responses as recording
    from trienkhai.surveys.models import Allocation, Survey

    today = today or dt.date.today()
    step = step or (lambda text: None)
    per = -(-responses // len(allocations))
    Allocation.objects.filter(survey=survey).update(forms=per)
    Survey.objects.filter(pk=survey.pk).update(total_forms=per * len(allocations))
    alloc = ",".join(str(a.pk) for a in allocations)
    grp = ",".join(str(a.target_group_id) for a in allocations)
    unit = ",".join(str(a.unit_id) for a in allocations)
    # random() draws from one sequence per session: seeded, the same forms every time, as long as
    # no parallel worker draws some of them.
    execute("SET max_parallel_workers_per_gather = 0")
    execute("SELECT setseed(%s)", [((seed * 7919) % 1999 - 999) / 1000])
    execute("DROP TABLE IF EXISTS bench_r")
    execute(
        f"""CREATE UNLOGGED TABLE bench_r AS
        SELECT i, {RANDOM_ID} AS id, (ARRAY[{alloc}])[k] AS alloc, (ARRAY[{grp}])[k] AS grp,
               (ARRAY[{unit}])[k] AS unit, %s::date + (random() * 30)::int AS day
        FROM (SELECT i, 1 + floor(power(random(), 1.3) * {len(allocations)})::int AS k
              FROM generate_series(1, %s) AS i) s""",
        [today - dt.timedelta(days=45), responses],
    )
    # Two equal random keys among a million forms are unlikely, not impossible: keep the first.
    execute("DELETE FROM bench_r a USING bench_r b WHERE a.id = b.id AND a.i > b.i")
    with indexes_set_aside("surveys_response", "surveys_code"):
        execute(
            f"""INSERT INTO surveys_response (id, survey_id, submitted_on, target_group_id,
                unit_id, channel)
            SELECT id, {survey.pk}, day, grp, unit,
                   CASE WHEN i % 10 = 0 THEN 'paper' ELSE 'online' END FROM bench_r ORDER BY i"""
        )
        execute(
            f"""INSERT INTO surveys_code (survey_id, allocation_id, code, kind, batch, used)
            SELECT {survey.pk}, alloc, 'B{survey.pk}-' || lpad(i::text, 9, '0'),
                   CASE WHEN i % 10 = 0 THEN 'paper' ELSE 'link' END, 1, true
            FROM bench_r ORDER BY i"""
        )
        step(f"{responses:,} forms and their codes")
    step("their indexes")
    with indexes_set_aside("surveys_answer", primary_key=True):
        execute(
            f"""INSERT INTO surveys_answer (id, response_id, question_id, row_id, choice_id,
                number, text)
            SELECT {RANDOM_ID}, r.id, a.question_id, a.row_id, a.choice_id, a.number, a.text
            FROM (SELECT * FROM bench_r ORDER BY i) r
            CROSS JOIN LATERAL ({_answers_of_a_form(questions)}) a"""
        )
        step("the answers")
    step("the answers' primary key and indexes")
    execute("DROP TABLE bench_r")
    execute("RESET max_parallel_workers_per_gather")
    forms = recording.tallies_recount(survey)
    step("tallies_recount")
    answers = fetch(
        "SELECT count(*) FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        "WHERE r.survey_id = %s",
        [survey.pk],
    )[0][0]
    return forms, answers
