"""Typing paper forms with digits and Tab: every kind of question read from what was typed,
clear messages that keep the typing, and a recorded form with its code spent."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from trienkhai.surveys import paper_typing
from trienkhai.surveys.models import (
    Answer,
    Channel,
    Choice,
    Code,
    Question,
    QuestionKind,
    Response,
    SurveyStatus,
)
from trienkhai.surveys.structure import load

from .builders import choice, congress_survey, full_answers


def open_today(tree, **kwargs):
    """The Congress survey, taking forms today (the pages use the real date)."""
    w = congress_survey(tree, **kwargs)
    today = timezone.localdate()
    w.survey.opens_on = today - dt.timedelta(days=10)
    w.survey.closes_on = today + dt.timedelta(days=10)
    w.survey.save()
    return w


def typing(w, code="WARD000000", **changes):
    """What a staff member types for the form of `full_answers(w)`, as the page posts it."""
    grid = {f"q{w.q_grid.pk}_r{r.pk}": str(3 + i) for i, r in enumerate(w.q_grid.rows.all())}
    post = {
        "code": code,
        f"q{w.q_aware.pk}": "1",
        f"q{w.q_source.pk}": "14",
        f"q{w.q_source.pk}_other": "Qua bạn bè",
        f"q{w.q_trust.pk}": "4",
        **grid,
        f"q{w.q_why.pk}": "",
        f"q{w.q_years.pk}": "12",
        f"q{w.q_level.pk}": "2",
        f"q{w.q_idea.pk}": "Cần chọn người có đức, có tài",
    }
    for name, value in changes.items():
        post[name.replace("__", "_")] = value
    return post


def field(question, suffix=""):
    return f"q{question.pk}{suffix}"


def entry_url(w):
    return reverse("surveys:paper_entry", args=[w.survey.pk])


@pytest.fixture
def w(tree):
    return open_today(tree)


def _parse(w, raw, **kwargs):
    return paper_typing.parse(load(w.survey), raw, **kwargs)


# --- reading the digits ------------------------------------------------------------------------
def test_digits_of_every_kind_of_question_read_as_the_online_form_would(w):
    parsed = _parse(w, typing(w))
    assert parsed.errors == {}
    expected = full_answers(w)
    for key, value in expected.items():
        assert parsed.data[key] == value, key
    assert parsed.data[str(w.q_why.pk)] == ""  # the conditional question, not asked here


@pytest.mark.parametrize("typed", ["134", "1 3 4", "1,3,4", " 4 1 3 ", "1; 3; 4"])
def test_multiple_choices_typed_as_a_run_of_digits_or_separated(w, typed):
    parsed = _parse(w, {**typing(w), field(w.q_source): typed})
    assert parsed.errors == {}
    assert parsed.data[str(w.q_source.pk)] == [choice(w.q_source, v) for v in (1, 3, 4)]


def test_choices_above_nine_are_typed_with_two_digits(w):
    many = Question.objects.create(
        survey=w.survey,
        section=w.q_level.section,
        kind=QuestionKind.SINGLE,
        text="Đơn vị công tác",
        position=9,
        code="C9",
    )
    picks = Question.objects.create(
        survey=w.survey,
        section=w.q_level.section,
        kind=QuestionKind.MULTI,
        text="Các lĩnh vực quan tâm",
        position=10,
        code="C10",
    )
    for q in (many, picks):
        for v in range(1, 13):
            Choice.objects.create(question=q, value=v, label=f"Lựa chọn {v}", position=v)
    parsed = _parse(w, {**typing(w), field(many): "12", field(picks): "1 12"})
    assert parsed.errors == {}
    assert parsed.data[str(many.pk)] == choice(many, 12)
    assert parsed.data[str(picks.pk)] == [choice(picks, 1), choice(picks, 12)]
    parsed = _parse(w, {**typing(w), field(many): "13", field(picks): "112"})
    assert parsed.errors[many.pk] == "Câu C9: chỉ có lựa chọn 1–12."
    assert parsed.errors[picks.pk] == "Câu C10: chỉ có lựa chọn 1–12."


@pytest.mark.parametrize(
    "name, typed, message",
    [
        ("trust", "7", "Câu C3: chỉ có lựa chọn 1–5."),
        ("trust", "a", "Câu C3: chỉ có lựa chọn 1–5."),
        ("aware", "3", "Câu C1: chỉ có lựa chọn 1–2."),
        ("source", "15", "Câu C2: chỉ có lựa chọn 1–4."),
        ("source", "11", "Câu C2: lựa chọn 1 được gõ hai lần."),
        ("source", "1x", "Câu C2: gõ các số của lựa chọn, ví dụ 134 hoặc 1 3 4."),
        ("years", "abc", "Câu C6: xin nhập một số, ví dụ 12 hoặc 12,5."),
        ("years", "95", "Câu C6: số không được lớn hơn 80."),
        ("years", "1.500", "Câu C6: gõ số không có dấu chấm phân cách hàng nghìn"),
        ("level", "0", "Câu C7: chỉ có lựa chọn 1–3."),
    ],
)
def test_bad_digits_get_a_message_naming_the_question(w, name, typed, message):
    question = getattr(w, f"q_{name}")
    parsed = _parse(w, {**typing(w), field(question): typed})
    assert parsed.errors[question.pk].startswith(message)
    assert set(parsed.errors) == {question.pk}


def test_a_bad_grid_row_is_named(w):
    row = w.q_grid.rows.order_by("position").last()
    parsed = _parse(w, {**typing(w), field(w.q_grid, f"_r{row.pk}"): "5"})
    assert parsed.errors[w.q_grid.pk] == ("Câu C4, hàng “Phát triển kinh tế”: chỉ có lựa chọn 1–4.")


def test_other_text_without_the_other_choice_is_questioned(w):
    parsed = _parse(w, {**typing(w), field(w.q_source): "12"})
    assert "chưa gõ số của lựa chọn “Khác”" in parsed.errors[w.q_source.pk]


def test_a_required_question_left_blank_on_paper_needs_confirming(w):
    raw = {**typing(w), field(w.q_trust): ""}
    parsed = _parse(w, raw)
    assert "câu bắt buộc nhưng chưa được nhập" in parsed.errors[w.q_trust.pk]
    assert parsed.blank_required == [w.q_trust.pk]
    assert _parse(w, raw, allow_blank=True).errors == {}


# --- the entry screen --------------------------------------------------------------------------
def test_the_screen_is_made_for_the_keyboard(w, login, propaganda_officer):
    page = login(propaganda_officer).get(entry_url(w)).content.decode()
    inputs = re.findall(r"<input[^>]*>", page)
    typed = [i for i in inputs if 'type="text"' in i]
    # the code first, with the cursor in it; then one input per question, grid row and "other"
    assert 'name="code"' in typed[0] and "autofocus" in typed[0]
    names = [re.search(r'name="([^"]+)"', i).group(1) for i in typed[1:]]
    rows = [f"q{w.q_grid.pk}_r{r.pk}" for r in w.q_grid.rows.order_by("position")]
    assert names == [
        field(w.q_aware),
        field(w.q_source),
        field(w.q_source, "_other"),
        field(w.q_trust),
        *rows,
        field(w.q_why),
        field(w.q_years),
        field(w.q_level),
        field(w.q_idea),
    ]
    assert all('inputmode="numeric"' in i for i in typed[1:3] + typed[4:7])
    assert "tabindex" not in page.split('<main id="main">')[1]
    assert 'type="submit"' in page
    assert f'<label for="id_q{w.q_trust.pk}">C3 Mức độ tin tưởng' in page


def test_a_typed_form_is_recorded_on_paper_and_its_code_spent(w, login, propaganda_officer):
    client = login(propaganda_officer)
    response = client.post(entry_url(w), typing(w, code="ward0-00000 "), follow=True)
    assert response.redirect_chain[-1][0] == entry_url(w)
    page = response.content.decode()
    assert "Đã nhập phiếu WARD0-00000 (phiếu thứ 1 hôm nay)." in page
    recorded = Response.objects.get()
    assert recorded.channel == Channel.PAPER
    assert recorded.unit == w.ward_alloc.unit and recorded.target_group == w.members
    assert Code.objects.get(code="WARD000000").used
    # two sources, two grid rows and one each for five questions; the unasked one dropped
    assert Answer.objects.filter(response=recorded).count() == 9
    assert Answer.objects.get(question=w.q_source, choice__value=4).text == "Qua bạn bè"
    # a fresh, empty screen, the cursor back on the code
    assert 'value="WARD' not in page and "autofocus" in re.search(
        r'<input[^>]*name="code"[^>]*>', page
    ).group(0)
    response = client.post(entry_url(w), typing(w, code="WARD000001"), follow=True)
    assert "(phiếu thứ 2 hôm nay)" in response.content.decode()


def test_bad_digits_keep_what_was_typed_and_record_nothing(w, login, propaganda_officer):
    post = typing(w, **{field(w.q_trust): "7", field(w.q_idea): "Ý kiến <dài>"})
    response = login(propaganda_officer).post(entry_url(w), post)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Câu C3: chỉ có lựa chọn 1–5." in page
    assert 'value="7"' in page and 'value="Ý kiến &lt;dài&gt;"' in page
    assert 'value="WARD000000"' in page and 'value="14"' in page
    # the cursor goes to the input to correct
    assert re.search(rf'<input[^>]*name="q{w.q_trust.pk}"[^>]*autofocus', page)
    assert not Response.objects.exists() and not Code.objects.filter(used=True).exists()


def test_an_unasked_question_is_dropped_and_an_asked_one_checked(w, login, propaganda_officer):
    client = login(propaganda_officer)
    client.post(entry_url(w), typing(w, **{field(w.q_why): "Không cần"}))
    assert not Answer.objects.filter(question=w.q_why).exists()
    response = client.post(entry_url(w), typing(w, code="WARD000001", **{field(w.q_aware): "2"}))
    assert "Câu C5: câu bắt buộc nhưng chưa được nhập" in response.content.decode()
    client.post(
        entry_url(w),
        typing(w, code="WARD000001", **{field(w.q_aware): "2", field(w.q_why): "Bận"}),
    )
    assert Answer.objects.get(question=w.q_why).text == "Bận"


def test_a_blank_required_answer_is_recorded_once_confirmed(w, login, propaganda_officer):
    client = login(propaganda_officer)
    post = typing(w, **{field(w.q_trust): ""})
    page = client.post(entry_url(w), post).content.decode()
    assert 'name="allow_blank"' in page and not Response.objects.exists()
    client.post(entry_url(w), {**post, "allow_blank": "on"})
    assert Response.objects.count() == 1
    assert not Answer.objects.filter(question=w.q_trust).exists()


@pytest.mark.parametrize(
    "code, message",
    [
        ("KHONGCO", "Không có mã phiếu “KHONGCO” trong cuộc khảo sát này"),
        ("", "Xin gõ mã in trên phiếu."),
    ],
)
def test_an_unknown_code_is_refused(w, login, propaganda_officer, code, message):
    response = login(propaganda_officer).post(entry_url(w), typing(w, code=code))
    assert message in response.content.decode()
    assert not Response.objects.exists()


def test_a_code_already_used_is_refused(w, login, propaganda_officer):
    client = login(propaganda_officer)
    client.post(entry_url(w), typing(w))
    response = client.post(entry_url(w), typing(w, **{field(w.q_trust): "5"}))
    assert "Phiếu này đã được nhập (mã “WARD0-00000”)" in response.content.decode()
    assert Response.objects.count() == 1


def test_a_code_of_another_survey_is_unknown_here(tree, w, login, propaganda_officer):
    other = congress_survey(tree, codes_per_allocation=0)
    Code.objects.create(survey=other.survey, code="KHAC000000", kind="paper")
    response = login(propaganda_officer).post(entry_url(w), typing(w, code="KHAC000000"))
    assert "Không có mã phiếu “KHAC0-00000” trong cuộc khảo sát này" in response.content.decode()


def test_a_closed_survey_takes_no_paper_form(tree, login, propaganda_officer):
    w = open_today(tree, status=SurveyStatus.CLOSED)
    client = login(propaganda_officer)
    page = client.get(entry_url(w)).content.decode()
    assert "Cuộc khảo sát đã kết thúc, không nhận thêm phiếu." in page
    assert 'name="code"' not in page
    response = client.post(entry_url(w), typing(w))
    assert "Cuộc khảo sát đã kết thúc" in response.content.decode()
    assert not Response.objects.exists()


def test_a_number_with_a_decimal_comma_is_kept(w, login, propaganda_officer):
    login(propaganda_officer).post(entry_url(w), typing(w, **{field(w.q_years): "12,5"}))
    assert str(Answer.objects.get(question=w.q_years).number) == "12.50"


def test_each_typist_counts_their_own_forms_of_the_day(w, login, propaganda_officer, admin_user):
    login(propaganda_officer).post(entry_url(w), typing(w))
    response = login(admin_user).post(entry_url(w), typing(w, code="WARD000001"), follow=True)
    assert "Đã nhập phiếu WARD0-00001 (phiếu thứ 1 hôm nay)." in response.content.decode()
