"""A ready survey for tests: the Congress opinion survey of the scenario, in small."""

import datetime as dt

from trienkhai.outreach.models import TargetGroup
from trienkhai.surveys.models import (
    Allocation,
    Choice,
    Code,
    CodeKind,
    GridRow,
    Question,
    QuestionKind,
    Section,
    Survey,
    SurveyStatus,
)
from trienkhai.surveys.structure import standard_choices

OPENS = dt.date(2020, 8, 20)
CLOSES = dt.date(2020, 9, 20)
DURING = dt.date(2020, 9, 1)


class World:
    """Named handles on the survey."""


def question(survey, section, kind, text, *, position, choices=(), rows=(), **extra):
    # Numbered through the whole form, as the builder does.
    number = Question.objects.filter(survey=survey).count() + 1
    q = Question.objects.create(
        survey=survey,
        section=section,
        kind=kind,
        text=text,
        position=position,
        code=f"C{number}",
        **extra,
    )
    pairs = standard_choices(kind) or list(enumerate(choices, start=1))
    for value, label in pairs:
        Choice.objects.create(
            question=q,
            value=value,
            label=label,
            position=value,
            is_other=label.startswith("Khác"),
        )
    for i, label in enumerate(rows, start=1):
        GridRow.objects.create(question=q, label=label, position=i)
    return q


def congress_survey(tree, *, status=SurveyStatus.OPEN, codes_per_allocation=10):
    """A two-page survey owned by the city: every kind of question, one condition, a quota of
    forms for the ward (party members) and the sibling ward (key cadres)."""
    w = World()
    w.members = TargetGroup.objects.get(code="dang-vien")
    w.cadres = TargetGroup.objects.get(code="can-bo-chu-chot")
    w.survey = s = Survey.objects.create(
        title="Khảo sát dư luận xã hội về Đại hội Đảng bộ thành phố",
        owner_unit=tree.city,
        total_forms=2 * codes_per_allocation,
        opens_on=OPENS,
        closes_on=CLOSES,
        status=status,
    )
    p1 = Section.objects.create(survey=s, title="Phần I. Đánh giá chung", position=1)
    p2 = Section.objects.create(survey=s, title="Phần II. Ý kiến đóng góp", position=2)
    w.q_aware = question(
        s,
        p1,
        QuestionKind.YESNO,
        "Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?",
        position=1,
        required=True,
    )
    w.q_source = question(
        s,
        p1,
        QuestionKind.MULTI,
        "Đồng chí biết thông tin về Đại hội qua kênh nào?",
        position=2,
        choices=["Sinh hoạt chi bộ", "Báo, đài", "Mạng xã hội", "Khác (ghi rõ)"],
        allow_other=True,
    )
    w.q_trust = question(
        s,
        p1,
        QuestionKind.LIKERT,
        "Mức độ tin tưởng vào sự lãnh đạo của cấp ủy",
        position=3,
        required=True,
    )
    w.q_grid = question(
        s,
        p1,
        QuestionKind.GRID,
        "Đánh giá các mặt công tác",
        position=4,
        rows=["Xây dựng Đảng", "Phát triển kinh tế"],
        choices=["Kém", "Trung bình", "Khá", "Tốt"],
    )
    w.q_why = question(
        s,
        p2,
        QuestionKind.LONG_TEXT,
        "Vì sao đồng chí chưa được quán triệt?",
        position=1,
        condition_question=w.q_aware,
        condition_choice=w.q_aware.choices.get(value=2),
        required=True,
    )
    w.q_years = question(
        s,
        p2,
        QuestionKind.NUMBER,
        "Số năm tuổi Đảng",
        position=2,
        min_value=0,
        max_value=80,
    )
    w.q_level = question(
        s,
        p2,
        QuestionKind.SINGLE,
        "Trình độ lý luận chính trị",
        position=3,
        choices=["Sơ cấp", "Trung cấp", "Cao cấp"],
    )
    w.q_idea = question(s, p2, QuestionKind.SHORT_TEXT, "Kiến nghị", position=4)
    w.ward_alloc = Allocation.objects.create(
        survey=s, unit=tree.ward, target_group=w.members, forms=codes_per_allocation
    )
    w.sibling_alloc = Allocation.objects.create(
        survey=s, unit=tree.sibling, target_group=w.cadres, forms=codes_per_allocation
    )
    w.codes = []
    for alloc, prefix in ((w.ward_alloc, "WARD"), (w.sibling_alloc, "SIBL")):
        for i in range(codes_per_allocation):
            w.codes.append(
                Code.objects.create(
                    survey=s, allocation=alloc, code=f"{prefix}{i:06d}", kind=CodeKind.PAPER
                )
            )
    return w


def choice(question, value):
    return question.choices.get(value=value).pk


def full_answers(w, *, aware=1, trust=4, level=2, years="12"):
    """Answers to every asked question, in the canonical shape."""
    data = {
        str(w.q_aware.pk): choice(w.q_aware, aware),
        str(w.q_source.pk): [choice(w.q_source, 1), choice(w.q_source, 4)],
        f"{w.q_source.pk}_other": "Qua bạn bè",
        str(w.q_trust.pk): choice(w.q_trust, trust),
        str(w.q_grid.pk): {
            str(r.pk): choice(w.q_grid, 3 + i) for i, r in enumerate(w.q_grid.rows.all())
        },
        str(w.q_years.pk): years,
        str(w.q_level.pk): choice(w.q_level, level),
        str(w.q_idea.pk): "Cần chọn người có đức, có tài",
    }
    if aware == 2:
        data[str(w.q_why.pk)] = "Bận công tác"
    return data
