"""Results: what the Propaganda Board reads off the tallies after the forms come back."""

import unicodedata

import pytest
from django.urls import reverse

from trienkhai.surveys import responses
from trienkhai.surveys.models import Tally
from trienkhai.surveys.results import (
    HIDDEN_MESSAGE,
    Selection,
    crosstabs,
    quota_for,
    results_for,
    text_answers,
)

from .builders import DURING, choice, congress_survey, full_answers

# Six party members of the ward answer; then four key cadres of the sibling ward.
WARD = [
    # aware, trust, years, level, sources, first grid row, idea
    (1, 4, "10", 1, [1, 4], 3, "Cần chọn người có đức, có tài"),
    (1, 4, "12", 2, [1, 2], 3, "Đề nghị tăng cường quán triệt nghị quyết"),
    (1, 5, "20", 2, [1, 2], 3, "Chưa có ý kiến"),
    (1, 3, "5", 3, [2], 3, "Quán triệt sâu rộng hơn nữa"),
    (1, 2, "30", 2, [1, 3], 1, ""),
    (2, 4, "12", 2, [1], 3, "Tăng cường đối thoại với nhân dân"),
]
SIBLING = [
    (1, 5, "25", 3, [3], 4, "Phát huy dân chủ"),
    (1, 5, "22", 3, [3], 4, ""),
    (2, 1, "8", 1, [2], 2, ""),
    (1, 4, "15", 2, [2, 3], 3, ""),
]


def answers_for(w, aware, trust, years, level, sources, grid_first, idea):
    data = full_answers(w, aware=aware, trust=trust, level=level, years=years)
    data[str(w.q_source.pk)] = [choice(w.q_source, v) for v in sources]
    if 4 not in sources:
        del data[f"{w.q_source.pk}_other"]
    first = w.q_grid.rows.order_by("position").first()
    data[str(w.q_grid.pk)][str(first.pk)] = choice(w.q_grid, grid_first)
    data[str(w.q_idea.pk)] = idea
    return data


def submit(w, forms, start=0, prefix="WARD"):
    for i, spec in enumerate(forms):
        responses.response_submit(
            code_text=f"{prefix}{start + i:06d}", data=answers_for(w, *spec), today=DURING
        )


@pytest.fixture
def world(tree):
    w = congress_survey(tree)
    submit(w, WARD)
    submit(w, SIBLING, prefix="SIBL")
    return w


def by_question(res):
    return {r.question.pk: r for r in res.questions}


def counts(result):
    return {c.choice.value: (c.n, c.percent) for c in result.choices}


def test_counts_and_percentages_of_choice_questions(world):
    w = world
    res = results_for(w.survey, Selection(group=w.members), preview=3)
    assert res.forms == 6 and not res.hidden
    r = by_question(res)
    assert counts(r[w.q_aware.pk]) == {1: (5, 83.3), 2: (1, 16.7)}
    assert counts(r[w.q_level.pk]) == {1: (1, 16.7), 2: (4, 66.7), 3: (1, 16.7)}
    # Multiple choice: each percentage is of the six forms, so they add up past 100%.
    sources = r[w.q_source.pk]
    assert sources.is_multi and sources.answered == 6
    assert counts(sources) == {1: (5, 83.3), 2: (3, 50.0), 3: (1, 16.7), 4: (1, 16.7)}
    assert sources.text_count == 1 and sources.texts == ["Qua bạn bè"]


def test_likert_mean_grid_table_and_number_statistics(world):
    w = world
    r = by_question(results_for(w.survey, Selection(group=w.members)))
    trust = r[w.q_trust.pk]
    assert trust.mean == round(22 / 6, 2)
    assert counts(trust)[4] == (3, 50.0)
    grid = r[w.q_grid.pk]
    first, second = grid.rows
    assert first.answered == 6 and first.mean == round((3 * 5 + 1) / 6, 2)
    assert [(c.choice.value, c.n) for c in first.cells] == [(1, 1), (2, 0), (3, 5), (4, 0)]
    assert second.mean == 4.0 and second.cells[3].percent == 100.0
    years = r[w.q_years.pk].numbers
    assert years.count == 6
    assert years.mean == round(89 / 6, 2)
    assert (years.minimum, years.maximum, years.median) == (5.0, 30.0, 12.0)


def test_number_statistics_follow_new_forms(world):
    w = world
    before = by_question(results_for(w.survey))[w.q_years.pk].numbers
    submit(w, [(1, 4, "80", 1, [1], 3, "")], start=6)
    after = by_question(results_for(w.survey))[w.q_years.pk].numbers
    assert (before.count, before.maximum) == (10, 30.0)
    assert (after.count, after.maximum, after.median) == (11, 80.0, 15.0)


def test_all_forms_together(world):
    w = world
    res = results_for(w.survey)
    assert res.forms == 10 and res.percent_of_quota == 50.0
    r = by_question(res)
    assert counts(r[w.q_aware.pk]) == {1: (8, 80.0), 2: (2, 20.0)}
    years = r[w.q_years.pk].numbers
    assert (years.count, years.minimum, years.maximum) == (10, 5.0, 30.0)
    assert years.median == 13.5  # 12, 15 in the middle of ten


def test_a_question_answered_by_fewer_than_five_forms_is_hidden(world):
    w = world
    why = by_question(results_for(w.survey, preview=3))[
        w.q_why.pk
    ]  # asked only of the two who said no
    assert why.answered == 2 and why.hidden and why.texts == []


def test_a_group_of_four_forms_is_hidden_and_of_five_shown(world):
    w = world
    res = results_for(w.survey, Selection(group=w.cadres))
    assert res.forms == 4 and res.hidden
    assert all(r.hidden and not r.choices and r.numbers is None for r in res.questions)
    submit(w, [(1, 3, "9", 2, [1], 3, "")], start=4, prefix="SIBL")
    res = results_for(w.survey, Selection(group=w.cadres))
    assert res.forms == 5 and not res.hidden
    assert counts(by_question(res)[w.q_aware.pk]) == {1: (4, 80.0), 2: (1, 20.0)}


def test_unit_filter_takes_the_subtree(world, tree):
    w = world
    assert results_for(w.survey, Selection(unit=tree.city)).forms == 10
    assert results_for(w.survey, Selection(unit=tree.ward)).forms == 6
    assert results_for(w.survey, Selection(unit=tree.sibling)).hidden
    both = results_for(w.survey, Selection(group=w.members, unit=tree.ward))
    assert both.forms == 6


def test_fewer_than_five_forms_in_all_hide_everything(tree):
    w = congress_survey(tree)
    submit(w, WARD[:4])
    res = results_for(w.survey)
    assert res.forms == 4 and res.hidden


def test_cross_tabulation_by_group_hides_small_columns(world):
    w = world
    (tab,) = crosstabs(w.survey, [w.q_aware], Selection())
    # Groups in their usual order: key cadres first, then party members; then everyone.
    cadres, members, everyone = tab.columns
    assert (members.group, members.answered, members.hidden) == (w.members, 6, False)
    assert (cadres.group, cadres.answered, cadres.hidden) == (w.cadres, 4, True)
    assert everyone.group is None and everyone.answered == 10
    yes, no = tab.rows
    assert yes[1] == [None, (5, 83.3), (8, 80.0)]
    assert no[1] == [None, (1, 16.7), (2, 20.0)]


def test_free_text_search_with_and_without_diacritics(world):
    w = world
    everyone = Selection()
    assert len(text_answers(w.q_idea, everyone)) == 6
    for term in ("quán triệt", "quan triet", "QUAN TRIỆT", "  Quan   Triet "):
        found = sorted(text_answers(w.q_idea, everyone, term))
        assert found == [
            "Quán triệt sâu rộng hơn nữa",
            "Đề nghị tăng cường quán triệt nghị quyết",
        ], term
    assert list(text_answers(w.q_idea, everyone, "dan chu")) == ["Phát huy dân chủ"]
    assert list(text_answers(w.q_idea, everyone, "không có")) == []
    # Texts of a filter: the sibling's cadres alone are four forms, counted in all above.
    assert list(text_answers(w.q_idea, Selection(group=w.members), "dân chủ")) == []


def test_search_finds_capitals_and_decomposed_letters(world):
    w = world
    typed = unicodedata.normalize("NFD", "Quán triệt tới từng đảng viên")
    submit(w, [(1, 4, "10", 1, [1], 3, typed), (1, 4, "10", 1, [1], 3, "ĐỐI THOẠI")], start=6)
    everyone = Selection()
    assert typed in list(text_answers(w.q_idea, everyone, "tung dang vien"))
    found = sorted(text_answers(w.q_idea, everyone, "doi thoai"))
    assert found == ["Tăng cường đối thoại với nhân dân", "ĐỐI THOẠI"]
    assert list(text_answers(w.q_idea, everyone, "(đức) [*]")) == []
    assert len(text_answers(w.q_idea, everyone, "   ")) == 8


def test_tallies_are_what_recount_finds(world):
    w = world
    before = set(Tally.objects.filter(survey=w.survey).values_list("question_id", "n"))
    responses.tallies_recount(w.survey)
    assert set(Tally.objects.filter(survey=w.survey).values_list("question_id", "n")) == before


def test_quota_counts_forms_from_the_codes(world, city_secretary, tree):
    w = world
    q = quota_for(w.survey, city_secretary)
    lines = {(line.unit, line.group): line for line in q.lines}
    ward = lines[tree.ward, w.members]
    assert (ward.forms, ward.codes, ward.used, ward.percent) == (10, 10, 6, 60.0)
    sibling = lines[tree.sibling, w.cadres]
    assert (sibling.used, sibling.percent) == (4, 40.0)
    assert (q.total.forms, q.total.codes, q.total.used) == (20, 20, 10)
    assert [(line.unit, line.used) for line in q.units] == [(tree.ward, 6), (tree.sibling, 4)]
    assert not q.partial


def test_quota_rolls_up_the_tree(world, city_secretary, tree):
    w = world
    from trienkhai.surveys.models import Allocation, Code

    cell = Allocation.objects.create(
        survey=w.survey, unit=tree.cell, target_group=w.members, forms=3
    )
    Code.objects.create(
        survey=w.survey, allocation=cell, code="CELL000000", kind="paper", used=True
    )
    q = quota_for(w.survey, city_secretary)
    rolled = {line.unit: line for line in q.units}
    assert (rolled[tree.ward].forms, rolled[tree.ward].used) == (13, 7)
    assert (rolled[tree.cell].forms, rolled[tree.cell].level) == (3, 1)


# --- the page --------------------------------------------------------------------------------
def test_results_page_shows_counts_percentages_and_charts(world, login, city_secretary):
    w = world
    client = login(city_secretary)
    page = client.get(reverse("surveys:results", args=[w.survey.pk])).content.decode()
    assert "Kết quả khảo sát" in page
    assert "<strong>10</strong> / 20" in page
    assert "80,0%" in page  # 8 of 10 were disseminated
    assert reverse("surveys:results_chart", args=[w.survey.pk, w.q_aware.pk]) + "?v=8%2C2" in page
    assert "1 ý kiến khác (ghi rõ)" in page and f"answers={w.q_source.pk}" in page
    assert str(HIDDEN_MESSAGE) in page  # the question asked of two people only
    assert 'style="' not in page


def test_results_page_filter_of_four_forms_is_hidden(world, login, city_secretary):
    w = world
    url = reverse("surveys:results", args=[w.survey.pk])
    page = login(city_secretary).get(url, {"group": w.cadres.pk}).content.decode()
    assert "Dưới 5 phiếu: không hiển thị để bảo đảm ẩn danh" in page
    assert "Sơ cấp" not in page and "Qua bạn bè" not in page


def test_results_page_cross_tab(world, login, city_secretary):
    w = world
    url = reverse("surveys:results", args=[w.survey.pk])
    page = login(city_secretary).get(url, {"cross": w.q_aware.pk}).content.decode()
    assert "Bảng chéo theo đối tượng" in page
    assert "83,3%" in page


def test_a_bad_filter_is_an_error_not_a_crash(world, login, city_secretary):
    w = world
    url = reverse("surveys:results", args=[w.survey.pk])
    response = login(city_secretary).get(url, {"group": "abc", "unit": "999999"})
    assert response.status_code == 200
    assert response.context["res"].forms == 10  # nothing filtered


def test_answers_page_searches_and_hides_small_filters(world, login, city_secretary, tree):
    w = world
    client = login(city_secretary)
    url = reverse("surveys:results", args=[w.survey.pk])
    page = client.get(url, {"answers": w.q_idea.pk, "s": "quan triet"}).content.decode()
    assert "Quán triệt sâu rộng hơn nữa" in page and "Phát huy dân chủ" not in page
    page = client.get(url, {"answers": w.q_idea.pk, "unit": tree.sibling.pk}).content.decode()
    assert "Dưới 5 phiếu" in page and "Phát huy dân chủ" not in page
    assert client.get(url, {"answers": w.q_level.pk}).status_code == 404


def test_chart_draws_the_counts_it_is_given(world, login, city_secretary):
    w = world
    url = reverse("surveys:results_chart", args=[w.survey.pk, w.q_aware.pk])
    client = login(city_secretary)
    response = client.get(url, {"v": "8,2"})
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "Có" in response.content.decode()
    for bad in ("8", "8,x", "0,0", "8,2,1", "-1,2"):
        assert client.get(url, {"v": bad}).status_code == 404
    grid = reverse("surveys:results_chart", args=[w.survey.pk, w.q_grid.pk])
    assert client.get(grid, {"v": "2.8,3.5"}).status_code == 200
