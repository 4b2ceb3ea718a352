"""Building the form: sections, every kind of question, choices typed one per line, conditions,
order and numbering; a frozen survey refuses changes; copies and new versions are whole."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from trienkhai.audit.models import AuditEntry
from trienkhai.surveys import builder
from trienkhai.surveys.models import (
    Allocation,
    Choice,
    GridRow,
    Question,
    QuestionKind,
    Survey,
    SurveyStatus,
)
from trienkhai.surveys.responses import response_submit
from trienkhai.surveys.structure import LIKERT_LABELS

from .builders import DURING, congress_survey, full_answers


def draft_survey(tree, actor=None, title="Khảo sát về công tác tuyên truyền"):
    survey = builder.survey_create(actor=actor, owner_unit=tree.city, title=title)
    section = builder.section_create(actor=actor, survey=survey, title="Phần I. Đánh giá chung")
    return survey, section


def add(section, kind, text, **extra):
    return builder.question_create(actor=None, section=section, kind=kind, text=text, **extra)


def labels(question):
    return [(c.value, c.label, c.is_other) for c in question.choices.order_by("value")]


# --- every kind, through the pages ---------------------------------------------------------------
def test_propaganda_officer_builds_every_kind_of_question_and_sees_them_in_preview(
    tree, propaganda_officer, login
):
    client = login(propaganda_officer)
    response = client.post(
        reverse("surveys:survey_new"),
        {
            "title": "Khảo sát dư luận về Đại hội",
            "intro": "Phiếu không ghi tên.",
            "owner_unit": tree.city.pk,
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.status == SurveyStatus.DRAFT
    client.post(reverse("surveys:section_new", args=[survey.pk]), {"title": "Phần I. Đánh giá"})
    section = survey.sections.get()
    new = reverse("surveys:question_new", args=[survey.pk])
    base = {"section": section.pk, "required": "on"}
    posts = [
        {
            "kind": "single",
            "text": "Trình độ lý luận chính trị",
            "choices": "Sơ cấp\nTrung cấp\nCao cấp",
        },
        {
            "kind": "multi",
            "text": "Đồng chí biết tin qua kênh nào?",
            "choices": "1. Sinh hoạt chi bộ\n2. Báo, đài\n\nKhác (ghi rõ)",
        },
        {"kind": "likert", "text": "Mức độ tin tưởng vào cấp ủy"},
        {
            "kind": "grid",
            "text": "Đánh giá các mặt công tác",
            "rows": "Xây dựng Đảng\nPhát triển kinh tế",
            "choices": "Kém\nTrung bình\nKhá\nTốt",
        },
        {"kind": "number", "text": "Số năm tuổi Đảng", "min_value": "0", "max_value": "80,5"},
        {"kind": "yesno", "text": "Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?"},
        {"kind": "short_text", "text": "Kiến nghị ngắn"},
        {"kind": "long_text", "text": "Ý kiến khác về Đại hội"},
    ]
    for data in posts:
        response = client.post(new, {**base, **data})
        assert response.status_code == 302, response.content.decode()[:3000]
    questions = list(Question.objects.filter(survey=survey).order_by("position"))
    assert [q.kind for q in questions] == [p["kind"] for p in posts]
    assert [q.code for q in questions] == [f"C{i}" for i in range(1, 9)]
    single, multi, likert, grid, number, yesno, _short, _long = questions
    assert labels(single) == [(1, "Sơ cấp", False), (2, "Trung cấp", False), (3, "Cao cấp", False)]
    # typed numbers dropped, "Khác" marked as the other choice
    assert labels(multi) == [
        (1, "Sinh hoạt chi bộ", False),
        (2, "Báo, đài", False),
        (3, "Khác (ghi rõ)", True),
    ]
    assert multi.allow_other
    assert [label for _v, label, _o in labels(likert)] == LIKERT_LABELS
    assert [label for _v, label, _o in labels(yesno)] == ["Có", "Không"]
    assert [r.label for r in grid.rows.order_by("position")] == [
        "Xây dựng Đảng",
        "Phát triển kinh tế",
    ]
    assert (number.min_value, number.max_value) == (Decimal("0"), Decimal("80.5"))

    page = client.get(reverse("surveys:preview", args=[survey.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for data in posts:
        assert data["text"] in text
    for label in [
        "Cao cấp",
        "Khác (ghi rõ)",
        "Hoàn toàn đồng ý",
        "Phát triển kinh tế",
        "Tốt",
        "Có",
    ]:
        assert label in text
    assert "Từ 0 đến 80,5." in text
    assert "Phiếu không ghi tên." in text

    editor = client.get(reverse("surveys:builder", args=[survey.pk]))
    assert editor.status_code == 200 and "Số năm tuổi Đảng" in editor.content.decode()


def test_allow_other_adds_the_other_choice_at_the_end(tree):
    _s, section = draft_survey(tree)
    q = add(
        section,
        QuestionKind.SINGLE,
        "Nghề nghiệp",
        choices_text="Cán bộ\nHưu trí",
        allow_other=True,
    )
    assert labels(q) == [(1, "Cán bộ", False), (2, "Hưu trí", False), (3, "Khác (ghi rõ)", True)]


@pytest.mark.parametrize(
    "kind, fields, field",
    [
        (QuestionKind.SINGLE, {"choices_text": "Chỉ một"}, "choices"),
        (QuestionKind.MULTI, {"choices_text": "A\nKhác 1\nKhác 2"}, "choices"),
        (QuestionKind.SINGLE, {"choices_text": "Có\ncó"}, "choices"),
        (QuestionKind.GRID, {"choices_text": "Kém\nTốt"}, "rows"),
        (QuestionKind.GRID, {"rows_text": "Hàng 1", "choices_text": "Tốt"}, "choices"),
        (QuestionKind.NUMBER, {"min_value": Decimal(10), "max_value": Decimal(1)}, "max_value"),
    ],
)
def test_a_question_that_cannot_be_answered_is_refused(tree, kind, fields, field):
    _s, section = draft_survey(tree)
    with pytest.raises(ValidationError) as error:
        add(section, kind, "Câu hỏi", **fields)
    assert field in error.value.message_dict
    assert not Question.objects.exists()


def test_a_mistyped_question_keeps_what_was_typed(tree, propaganda_officer, login):
    survey, section = draft_survey(tree)
    response = login(propaganda_officer).post(
        reverse("surveys:question_new", args=[survey.pk]),
        {"section": section.pk, "kind": "grid", "text": "Đánh giá", "choices": "Kém\nTốt"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hãy nhập các hàng của bảng" in page
    assert "Kém\nTốt" in page and "Đánh giá" in page


def test_changing_choices_keeps_those_unchanged_and_renumbers(tree):
    _s, section = draft_survey(tree)
    q = add(section, QuestionKind.SINGLE, "Trình độ", choices_text="Sơ cấp\nTrung cấp\nCao cấp")
    kept = q.choices.get(label="Cao cấp").pk
    builder.question_update(
        actor=None, question=q, kind=q.kind, text=q.text, choices_text="Cao cấp\nSơ cấp\nCử nhân"
    )
    assert labels(q) == [(1, "Cao cấp", False), (2, "Sơ cấp", False), (3, "Cử nhân", False)]
    assert q.choices.get(label="Cao cấp").pk == kept


# --- conditions ----------------------------------------------------------------------------------
def test_a_condition_points_at_an_earlier_choice_question(tree):
    _s, section = draft_survey(tree)
    aware = add(section, QuestionKind.YESNO, "Đồng chí có được quán triệt không?")
    no = aware.choices.get(value=2)
    why = add(section, QuestionKind.LONG_TEXT, "Vì sao chưa?", condition_choice=no)
    assert (why.condition_question, why.condition_choice) == (aware, no)


def test_a_condition_on_a_later_question_is_refused(tree):
    _s, section = draft_survey(tree)
    first = add(section, QuestionKind.SHORT_TEXT, "Câu đầu")
    later = add(section, QuestionKind.YESNO, "Câu sau")
    with pytest.raises(ValidationError) as error:
        builder.question_update(
            actor=None,
            question=first,
            kind=first.kind,
            text=first.text,
            condition_choice=later.choices.first(),
        )
    assert "phải đứng trước" in error.value.message_dict["condition"][0]
    first.refresh_from_db()
    assert first.condition_question is None


def test_a_condition_on_a_text_question_or_itself_is_refused(tree):
    _s, section = draft_survey(tree)
    aware = add(section, QuestionKind.YESNO, "Có được quán triệt không?")
    with pytest.raises(ValidationError, match="chính nó"):
        builder.question_update(
            actor=None,
            question=aware,
            kind=aware.kind,
            text=aware.text,
            condition_choice=aware.choices.first(),
        )
    # A text question has no choices to point at; a crafted choice of another survey is refused.
    other = congress_survey(tree)
    with pytest.raises(ValidationError, match="chính phiếu này"):
        add(
            section,
            QuestionKind.SHORT_TEXT,
            "Ý kiến",
            condition_choice=other.q_level.choices.first(),
        )


def test_the_condition_list_offers_only_earlier_choice_questions(tree, propaganda_officer, login):
    survey, section = draft_survey(tree)
    add(section, QuestionKind.SHORT_TEXT, "Họ tên không ghi")
    aware = add(section, QuestionKind.YESNO, "Có được quán triệt không?")
    last = add(section, QuestionKind.SINGLE, "Trình độ", choices_text="Sơ cấp\nCao cấp")
    page = login(propaganda_officer).get(
        reverse("surveys:question_edit", args=[survey.pk, aware.pk])
    )
    form = page.context["form"]
    offered = [group for group, _options in form.fields["condition"].choices[1:]]
    assert offered == []  # nothing with choices before C2
    page = login(propaganda_officer).get(
        reverse("surveys:question_edit", args=[survey.pk, last.pk])
    )
    offered = page.context["form"].fields["condition"].choices[1:]
    assert [group.split(" · ")[0] for group, _o in offered] == ["C2"]
    assert [label for _pk, label in offered[0][1]] == ["= 1. Có", "= 2. Không"]


def test_moving_a_question_above_its_condition_is_refused(tree):
    survey, section = draft_survey(tree)
    aware = add(section, QuestionKind.YESNO, "Có được quán triệt không?")
    why = add(
        section, QuestionKind.LONG_TEXT, "Vì sao chưa?", condition_choice=aware.choices.get(value=2)
    )
    with pytest.raises(ValidationError, match="phải đứng trước"):
        builder.question_move(actor=None, question=why, direction="up")
    assert [q.pk for q in builder.ordered_questions(survey)] == [aware.pk, why.pk]


def test_a_question_or_choice_others_depend_on_cannot_be_removed(tree):
    survey, section = draft_survey(tree)
    later = builder.section_create(actor=None, survey=survey, title="Phần II")
    aware = add(
        section, QuestionKind.SINGLE, "Được quán triệt chưa?", choices_text="Rồi\nChưa\nKhông nhớ"
    )
    add(later, QuestionKind.LONG_TEXT, "Vì sao chưa?", condition_choice=aware.choices.get(value=2))
    with pytest.raises(ValidationError, match="C2"):
        builder.question_delete(actor=None, question=aware)
    with pytest.raises(ValidationError, match="C2"):
        builder.section_delete(actor=None, section=section)
    with pytest.raises(ValidationError, match="Chưa"):
        builder.question_update(
            actor=None,
            question=aware,
            kind=aware.kind,
            text=aware.text,
            choices_text="Rồi\nKhông nhớ",
        )
    with pytest.raises(ValidationError):
        builder.question_update(actor=None, question=aware, kind=QuestionKind.NUMBER, text="Số")
    assert Question.objects.filter(survey=survey).count() == 2
    # Renaming the choice keeps the condition.
    builder.question_update(
        actor=None,
        question=aware,
        kind=aware.kind,
        text=aware.text,
        choices_text="Rồi\nChưa được\nKhông nhớ",
    )
    assert Question.objects.get(code="C2").condition_choice.label == "Chưa được"


def test_codes_follow_the_order_after_moves_and_deletes(tree):
    survey, first = draft_survey(tree)
    second = builder.section_create(actor=None, survey=survey, title="Phần II")
    a = add(first, QuestionKind.SHORT_TEXT, "A")
    b = add(first, QuestionKind.SHORT_TEXT, "B")
    c = add(second, QuestionKind.SHORT_TEXT, "C")
    assert builder.question_move(actor=None, question=b, direction="down")  # to the start of II
    assert [(q.text, q.section_id, q.code) for q in builder.ordered_questions(survey)] == [
        ("A", first.pk, "C1"),
        ("B", second.pk, "C2"),
        ("C", second.pk, "C3"),
    ]
    assert not builder.question_move(actor=None, question=c, direction="down")
    builder.question_delete(actor=None, question=a)
    assert [(q.text, q.code) for q in builder.ordered_questions(survey)] == [
        ("B", "C1"),
        ("C", "C2"),
    ]
    builder.section_delete(actor=None, section=first)
    assert list(survey.sections.values_list("position", flat=True)) == [1]


def test_builder_changes_are_written_to_the_survey_log(tree, propaganda_officer):
    survey, section = draft_survey(tree, actor=propaganda_officer)
    builder.question_create(
        actor=propaganda_officer, section=section, kind=QuestionKind.SHORT_TEXT, text="Kiến nghị"
    )
    notes = list(AuditEntry.objects.filter(object_id=str(survey.pk)).values_list("note", flat=True))
    assert any("Thêm câu C1" in n for n in notes)
    assert any("Phần I" in n for n in notes)


# --- freezing ------------------------------------------------------------------------------------
def respond(w, index=0):
    response_submit(code_text=w.codes[index].code, data=full_answers(w), today=DURING)


def test_a_survey_with_a_response_refuses_every_change_of_its_form(tree, propaganda_officer, login):
    w = congress_survey(tree)
    respond(w)
    s = w.survey
    assert s.is_frozen
    client = login(propaganda_officer)
    section = s.sections.first()
    pages = [
        ("GET", reverse("surveys:survey_edit", args=[s.pk])),
        ("POST", reverse("surveys:survey_edit", args=[s.pk])),
        ("GET", reverse("surveys:section_new", args=[s.pk])),
        ("POST", reverse("surveys:section_new", args=[s.pk])),
        ("POST", reverse("surveys:section_edit", args=[s.pk, section.pk])),
        ("POST", reverse("surveys:section_delete", args=[s.pk, section.pk])),
        ("GET", reverse("surveys:question_new", args=[s.pk])),
        ("POST", reverse("surveys:question_new", args=[s.pk])),
        ("POST", reverse("surveys:question_edit", args=[s.pk, w.q_idea.pk])),
        ("POST", reverse("surveys:question_delete", args=[s.pk, w.q_idea.pk])),
        ("POST", reverse("surveys:question_move", args=[s.pk, w.q_idea.pk])),
    ]
    for method, url in pages:
        data = {"title": "Đổi tên", "kind": "short_text", "text": "Đổi", "direction": "up"}
        response = client.post(url, data) if method == "POST" else client.get(url)
        assert response.status_code == 403, url
        assert "tạo phiên bản mới" in response.content.decode().lower()
        assert reverse("surveys:survey_new_version", args=[s.pk]) in response.content.decode()
    assert Question.objects.filter(survey=s).count() == 8
    assert Question.objects.get(pk=w.q_idea.pk).text == "Kiến nghị"
    # and the services themselves refuse, whoever calls them
    with pytest.raises(builder.SurveyFrozen):
        add(section, QuestionKind.SHORT_TEXT, "Câu mới")
    page = client.get(reverse("surveys:builder", args=[s.pk])).content.decode()
    assert "Tạo phiên bản mới để sửa" in page
    assert reverse("surveys:question_edit", args=[s.pk, w.q_idea.pk]) not in page


def test_a_used_code_freezes_the_survey_too(tree):
    w = congress_survey(tree)
    assert not w.survey.is_frozen
    w.codes[3].used = True
    w.codes[3].save()
    assert w.survey.is_frozen


# --- copies and versions -------------------------------------------------------------------------
def _shape(survey):
    """The survey's form as plain data, conditions as (question code, choice value)."""
    out = []
    for q in builder.ordered_questions(survey):
        out.append(
            (
                q.section.title,
                q.code,
                q.kind,
                q.text,
                q.required,
                q.allow_other,
                q.min_value,
                q.max_value,
                [(c.value, c.label, c.is_other) for c in q.choices.order_by("value")],
                [r.label for r in q.rows.order_by("position")],
                (q.condition_question.code, q.condition_choice.value)
                if q.condition_question
                else None,
            )
        )
    return out


def _check_own_conditions(survey):
    for q in Question.objects.filter(survey=survey).exclude(condition_question=None):
        assert q.condition_question.survey_id == survey.pk
        assert q.condition_choice.question_id == q.condition_question_id


def test_copy_makes_an_independent_draft_with_the_whole_form(tree, propaganda_officer, login):
    w = congress_survey(tree)
    respond(w)
    response = login(propaganda_officer).post(reverse("surveys:survey_copy", args=[w.survey.pk]))
    copy = Survey.objects.exclude(pk=w.survey.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveys:survey", args=[copy.pk]
    )
    assert copy.title == w.survey.title + " (bản sao)"
    assert (copy.status, copy.version, copy.previous, copy.opens_on) == (
        SurveyStatus.DRAFT,
        1,
        None,
        None,
    )
    assert _shape(copy) == _shape(w.survey)
    _check_own_conditions(copy)
    assert not copy.is_frozen and not copy.codes.exists()
    assert sorted(Allocation.objects.filter(survey=copy).values_list("unit", "forms")) == sorted(
        w.survey.allocations.values_list("unit", "forms")
    )
    # Changing the copy leaves the original alone.
    q = Question.objects.get(survey=copy, text="Kiến nghị")
    builder.question_update(actor=None, question=q, kind=q.kind, text="Kiến nghị mới")
    assert Question.objects.get(pk=w.q_idea.pk).text == "Kiến nghị"


def test_a_new_version_follows_the_old_which_stays_as_it_was(tree, propaganda_officer, login):
    w = congress_survey(tree)
    respond(w)
    client = login(propaganda_officer)
    response = client.post(reverse("surveys:survey_new_version", args=[w.survey.pk]))
    new = Survey.objects.get(previous=w.survey)
    assert response["Location"] == reverse("surveys:builder", args=[new.pk])
    assert (new.version, new.status, new.title) == (2, SurveyStatus.DRAFT, w.survey.title)
    assert (new.opens_on, new.closes_on) == (w.survey.opens_on, w.survey.closes_on)
    assert _shape(new) == _shape(w.survey)
    _check_own_conditions(new)
    assert (
        Choice.objects.filter(question__survey=new).count()
        == Choice.objects.filter(question__survey=w.survey).count()
    )
    assert GridRow.objects.filter(question__survey=new).count() == 2
    old = Survey.objects.get(pk=w.survey.pk)
    assert (old.status, old.version, old.responses.count()) == (SurveyStatus.OPEN, 1, 1)
    # The new version can be edited; a second new version of the old one is refused.
    assert client.get(reverse("surveys:question_new", args=[new.pk])).status_code == 200
    client.post(reverse("surveys:survey_new_version", args=[w.survey.pk]))
    assert Survey.objects.filter(previous=w.survey).count() == 1


def test_survey_title_and_intro_can_be_edited_before_responses(tree, propaganda_officer, login):
    survey, _section = draft_survey(tree)
    response = login(propaganda_officer).post(
        reverse("surveys:survey_edit", args=[survey.pk]),
        {"title": "Khảo sát mới tên", "intro": "Xin cảm ơn."},
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.intro) == ("Khảo sát mới tên", "Xin cảm ơn.")
