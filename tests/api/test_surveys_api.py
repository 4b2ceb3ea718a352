"""Opinion surveys through the API as a script uses them: the list with the page's filters and
figures, a survey's definition, a draft made, filled and opened, the results with the page's
anonymity threshold, and a form answered with a one-time code and no account.

The world is the Congress opinion survey of the survey tests: six party members of the ward
and four key cadres of the sibling ward have answered."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from tests.surveys.builders import choice, congress_survey, full_answers
from tests.surveys.test_results import SIBLING, WARD, submit
from trienkhai.api.tokens import token_create
from trienkhai.surveys.models import (
    Answer,
    Code,
    QuestionKind,
    Response,
    ResponseDraft,
    Survey,
    SurveyStatus,
    Tally,
)

RESPOND = "/api/surveys/respond/"
FORM = "/api/surveys/respond/form/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The wrong-code throttle counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def client_for(user, read_only=False):
    client = APIClient()
    _token, raw = token_create(user=user, name="script", read_only=read_only)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def world(tree):
    w = congress_survey(tree)
    submit(w, WARD)
    submit(w, SIBLING, prefix="SIBL")
    return w


def open_today(w):
    today = timezone.localdate()
    Survey.objects.filter(pk=w.survey.pk).update(
        opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=5)
    )
    w.survey.refresh_from_db()
    return w


# --- list and definition ------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_list_with_the_pages_filters_and_figures(world, tree, viewer, ward_clerk):
    Survey.objects.create(title="Khảo sát về chuyển đổi số", owner_unit=tree.city)
    api = client_for(viewer)
    rows = api.get("/api/surveys/").json()["results"]
    assert len(rows) == 2
    congress = next(r for r in rows if r["id"] == world.survey.pk)
    assert congress["status"] == "open" and congress["status_label"] == "Đang nhận phiếu"
    assert congress["owner_unit"] == {"id": tree.city.pk, "name": "Thành ủy Bến Tre"}
    assert (congress["forms"], congress["returned"], congress["partial"]) == (20, 10, False)
    assert congress["opens_on"] == "2020-08-20" and congress["closes_on"] == "2020-09-20"

    found = api.get("/api/surveys/", {"status": "draft"}).json()["results"]
    assert [r["title"] for r in found] == ["Khảo sát về chuyển đổi số"]
    found = api.get("/api/surveys/", {"q": "Đại hội"}).json()["results"]
    assert [r["id"] for r in found] == [world.survey.pk]
    bad = api.get("/api/surveys/", {"status": "deleted"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "status"

    # The ward holds part of the quota: it sees its own part, as on the list page.
    mine = client_for(ward_clerk).get("/api/surveys/").json()["results"]
    assert [(r["id"], r["forms"], r["returned"], r["partial"]) for r in mine] == [
        (world.survey.pk, 10, 6, True)
    ]


@pytest.mark.django_db
def test_the_definition_of_a_survey(world, viewer):
    w = world
    data = client_for(viewer).get(f"/api/surveys/{w.survey.pk}/").json()
    assert data["title"] == w.survey.title
    assert (data["frozen"], data["can_manage"], data["can_view_results"]) == (True, False, True)
    assert [s["title"] for s in data["sections"]] == [
        "Phần I. Đánh giá chung",
        "Phần II. Ý kiến đóng góp",
    ]
    questions = {q["id"]: q for s in data["sections"] for q in s["questions"]}
    assert [q["number"] for q in questions.values()] == [f"C{i}" for i in range(1, 9)]
    aware = questions[w.q_aware.pk]
    assert aware["kind"] == "yesno" and aware["required"] is True
    assert [(c["value"], c["label"]) for c in aware["choices"]] == [(1, "Có"), (2, "Không")]
    source = questions[w.q_source.pk]
    assert source["allow_other"] and source["choices"][-1]["is_other"]
    grid = questions[w.q_grid.pk]
    assert [r["label"] for r in grid["rows"]] == ["Xây dựng Đảng", "Phát triển kinh tế"]
    assert [c["value"] for c in grid["choices"]] == [1, 2, 3, 4]
    why = questions[w.q_why.pk]
    assert why["condition"] == {"question": w.q_aware.pk, "choice": choice(w.q_aware, 2)}
    years = questions[w.q_years.pk]
    assert (years["min_value"], years["max_value"]) == ("0", "80")
    assert client_for(viewer).get("/api/surveys/999999/").status_code == 404


# --- building -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_draft_made_filled_and_opened(tree, propaganda_officer, target_groups):
    api = client_for(propaganda_officer)
    made = api.post(
        "/api/surveys/",
        {"title": "  Khảo sát   về học tập nghị quyết ", "owner_unit": tree.city.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="khao-sat-1",
    )
    assert made.status_code == 201, made.json()
    survey = made.json()
    assert survey["title"] == "Khảo sát về học tập nghị quyết"
    assert survey["status"] == "draft" and survey["sections"] == []
    assert made["Location"] == f"/api/surveys/{survey['id']}/"
    again = api.post(
        "/api/surveys/",
        {"title": "  Khảo sát   về học tập nghị quyết ", "owner_unit": tree.city.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="khao-sat-1",
    )
    assert again.status_code == 201 and again.json()["id"] == survey["id"]
    assert Survey.objects.filter(title="Khảo sát về học tập nghị quyết").count() == 1
    other = api.post(
        "/api/surveys/",
        {"title": "Khác", "owner_unit": tree.city.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="khao-sat-1",
    )
    assert other.status_code == 422

    base = f"/api/surveys/{survey['id']}"
    section = api.post(f"{base}/sections/", {"title": "Phần I. Chung"}, format="json")
    assert section.status_code == 201, section.json()
    sid = section.json()["id"]
    first = api.post(
        f"{base}/questions/",
        {
            "section": sid,
            "kind": "single",
            "text": "Đồng chí đã học nghị quyết chưa?",
            "choices": ["Đã học", "Chưa học"],
            "required": True,
        },
        format="json",
    )
    assert first.status_code == 201, first.json()
    q1 = first.json()
    assert q1["number"] == "C1"
    assert [(c["value"], c["label"]) for c in q1["choices"]] == [(1, "Đã học"), (2, "Chưa học")]
    likert = api.post(
        f"{base}/questions/",
        {
            "section": sid,
            "kind": "likert",
            "text": "Mức độ hài lòng",
            "condition_choice": q1["choices"][0]["id"],
        },
        format="json",
    )
    assert likert.status_code == 201, likert.json()
    assert likert.json()["number"] == "C2" and len(likert.json()["choices"]) == 5
    assert likert.json()["condition"] == {"question": q1["id"], "choice": q1["choices"][0]["id"]}
    grid = api.post(
        f"{base}/questions/",
        {"section": sid, "kind": "grid", "text": "Đánh giá", "choices": ["Kém", "Tốt"]},
        format="json",
    )
    assert grid.status_code == 400 and grid.json()["error"]["field"] == "rows"
    empty = api.post(
        f"{base}/questions/", {"section": sid, "kind": "poll", "text": "?"}, format="json"
    )
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "kind"

    # Not ready: no period, no quota. The page's reasons, in one refusal.
    refused = api.post(f"{base}/open/")
    assert refused.status_code == 409
    assert "Chưa đặt ngày mở và ngày đóng khảo sát." in refused.json()["error"]["message"]
    detail = api.get(f"{base}/").json()
    assert [len(s["questions"]) for s in detail["sections"]] == [2]


@pytest.mark.django_db
def test_opening_and_closing(tree, propaganda_officer):
    w = open_today(congress_survey(tree, status=SurveyStatus.DRAFT))
    api = client_for(propaganda_officer)
    opened = api.post(f"/api/surveys/{w.survey.pk}/open/")
    assert opened.status_code == 200, opened.json()
    assert opened.json()["status"] == "open"
    assert api.post(f"/api/surveys/{w.survey.pk}/open/").status_code == 409
    closed = api.post(f"/api/surveys/{w.survey.pk}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = api.post(f"/api/surveys/{w.survey.pk}/close/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


@pytest.mark.django_db
def test_a_frozen_survey_takes_no_new_question(world, propaganda_officer):
    api = client_for(propaganda_officer)
    section = world.q_aware.section_id
    answer = api.post(
        f"/api/surveys/{world.survey.pk}/questions/",
        {"section": section, "kind": "yesno", "text": "Thêm một câu?"},
        format="json",
    )
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "survey_frozen"
    answer = api.post(
        f"/api/surveys/{world.survey.pk}/sections/", {"title": "Phần III"}, format="json"
    )
    assert answer.status_code == 409


@pytest.mark.django_db
def test_a_survey_only_for_units_one_edits(tree, propaganda_officer, viewer, ward_clerk):
    answer = client_for(ward_clerk).post(
        "/api/surveys/", {"title": "Khảo sát", "owner_unit": tree.city.pk}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "owner_unit"
    answer = client_for(viewer).post(
        "/api/surveys/", {"title": "Khảo sát", "owner_unit": tree.city.pk}, format="json"
    )
    assert answer.status_code == 403
    answer = client_for(propaganda_officer, read_only=True).post(
        "/api/surveys/", {"title": "Khảo sát", "owner_unit": tree.city.pk}, format="json"
    )
    assert answer.status_code == 403


# --- results ------------------------------------------------------------------------------------
def by_id(data) -> dict:
    return {q["question"]: q for q in data["questions"]}


@pytest.mark.django_db
def test_results_as_the_page_shows_them(world, viewer):
    w = world
    api = client_for(viewer)
    data = api.get(f"/api/surveys/{w.survey.pk}/results/").json()
    assert (data["forms"], data["total_forms"], data["percent_of_quota"]) == (10, 20, 50.0)
    assert data["hidden"] is False and data["min_cell"] == 5
    q = by_id(data)
    aware = q[w.q_aware.pk]
    assert aware["answered"] == 10
    assert [(c["value"], c["n"], c["percent"]) for c in aware["choices"]] == [
        (1, 8, 80.0),
        (2, 2, 20.0),
    ]
    assert q[w.q_trust.pk]["mean"] == pytest.approx(3.7)
    assert q[w.q_years.pk]["numbers"]["count"] == 10
    assert q[w.q_years.pk]["numbers"]["median"] == pytest.approx(13.5)
    grid = q[w.q_grid.pk]
    assert [r["answered"] for r in grid["rows"]] == [10, 10]
    # Only 2 forms answered "why" (not aware): fewer than 5, so nothing of it shows.
    why = q[w.q_why.pk]
    assert why["hidden"] is True
    assert (why["answered"], why["text_count"], why["choices"]) == (None, None, [])
    assert q[w.q_idea.pk]["text_count"] == 6
    groups = {(g["group"] or {}).get("name"): g for g in data["groups"]}
    assert groups[w.members.name]["returned"] == 6
    # Never an answer of one form: no free text is in the results.
    body = json.dumps(data, ensure_ascii=False)
    assert "Cần chọn người có đức" not in body and "Qua bạn bè" not in body


@pytest.mark.django_db
def test_results_filters_and_the_anonymity_threshold(world, viewer):
    w = world
    api = client_for(viewer)
    url = f"/api/surveys/{w.survey.pk}/results/"
    ward = api.get(url, {"unit": w.ward_alloc.unit_id}).json()
    assert ward["forms"] == 6 and not ward["hidden"]
    assert ward["filter"]["unit"]["id"] == w.ward_alloc.unit_id
    cadres = api.get(url, {"group": w.cadres.pk}).json()
    assert cadres["forms"] == 4 and cadres["hidden"] is True
    assert all(q["hidden"] and q["answered"] is None for q in cadres["questions"])
    assert all(q["choices"] == [] and q["numbers"] is None for q in cadres["questions"])

    crossed = api.get(url, {"cross": w.q_aware.pk}).json()["cross"]
    columns = [
        (c["group"] and c["group"]["name"], c["hidden"], c["answered"]) for c in crossed["columns"]
    ]
    assert columns == [  # in the groups' order
        (w.cadres.name, True, None),
        (w.members.name, False, 6),
        (None, False, 10),
    ]
    first = crossed["rows"][0]
    assert first["value"] == 1 and first["cells"][0] is None
    assert first["cells"][1] == {"n": 5, "percent": 83.3}

    for params, field in (
        ({"group": 999999}, "group"),
        ({"unit": "abc"}, "unit"),
        ({"cross": w.q_idea.pk}, "cross"),
    ):
        bad = api.get(url, params)
        assert bad.status_code == 400 and bad.json()["error"]["field"] == field, params
    Survey.objects.filter(pk=w.survey.pk).update(record_group=False)
    bad = api.get(url, {"group": w.members.pk})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "group"


# --- answering with a one-time code -------------------------------------------------------------
@pytest.fixture
def w(tree):
    return open_today(congress_survey(tree))


@pytest.mark.django_db
def test_the_form_read_by_its_code_without_an_account(w):
    answer = APIClient().post(FORM, {"code": "ward-000001"}, format="json")
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["title"] == w.survey.title
    assert [len(s["questions"]) for s in data["sections"]] == [4, 4]
    assert "no-store" in answer["Cache-Control"]
    assert "owner_unit" not in data and "status" not in data


@pytest.mark.django_db
def test_a_form_answered_once_and_counted(w):
    client = APIClient()
    data = full_answers(w)
    answer = client.post(RESPOND, {"code": "WARD000001", "answers": data}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["recorded"] is True
    assert set(answer.json()) == {"recorded", "message"}  # nothing naming the response
    assert Code.objects.get(code="WARD000001").used
    assert Response.objects.count() == 1
    response = Response.objects.get()
    assert (response.unit_id, response.target_group_id) == (w.ward_alloc.unit_id, w.members.pk)
    forms = Tally.objects.get(survey=w.survey, question_id=0, group_id=0, unit_id=0)
    assert forms.n == 1
    assert (
        Answer.objects.filter(response=response, question=w.q_idea)
        .get()
        .text.startswith("Cần chọn")
    )

    again = client.post(RESPOND, {"code": "WARD000001", "answers": data}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "code_used"
    assert Response.objects.count() == 1
    assert client.post(FORM, {"code": "WARD000001"}, format="json").status_code == 409


@pytest.mark.django_db
def test_answers_checked_as_the_online_form_checks_them(w):
    client = APIClient()
    data = full_answers(w, aware=2)
    del data[str(w.q_why.pk)]  # required once "not aware" is picked
    data[str(w.q_years.pk)] = "120"
    answer = client.post(RESPOND, {"code": "WARD000002", "answers": data}, format="json")
    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert fields[f"answers.{w.q_why.pk}"] == ["Câu này cần được trả lời."]
    assert fields[f"answers.{w.q_years.pk}"] == ["Số không được lớn hơn 80."]
    assert not Code.objects.get(code="WARD000002").used  # nothing recorded: the code still works
    assert Response.objects.count() == 0

    odd = full_answers(w)
    odd[str(w.q_grid.pk)] = [1, 2]
    odd[str(w.q_trust.pk)] = {"x": 1}
    odd[str(w.q_source.pk)] = "1"
    odd[str(w.q_idea.pk)] = 42
    answer = client.post(RESPOND, {"code": "WARD000002", "answers": odd}, format="json")
    assert answer.status_code == 400
    assert f"answers.{w.q_grid.pk}" in answer.json()["error"]["fields"]
    answer = client.post(RESPOND, {"code": "WARD000002", "answers": [1]}, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "answers"

    # Texts lose NUL characters (PostgreSQL keeps none); unknown keys are ignored.
    fine = full_answers(w)
    fine[str(w.q_idea.pk)] = "Đoàn kết\x00 thống nhất"
    fine["999999"] = "?"
    answer = client.post(RESPOND, {"code": "WARD000002", "answers": fine}, format="json")
    assert answer.status_code == 201, answer.json()
    assert Answer.objects.filter(question=w.q_idea).get().text == "Đoàn kết thống nhất"


@pytest.mark.django_db
def test_a_code_only_in_the_body_and_only_while_the_survey_is_open(w):
    client = APIClient()
    assert client.get(RESPOND, {"code": "WARD000001"}).status_code == 405
    assert client.get(FORM, {"code": "WARD000001"}).status_code == 405
    missing = client.post(RESPOND, {"answers": {}}, format="json")
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "code"
    wrong = client.post(RESPOND, {"code": "NOPE123456", "answers": {}}, format="json")
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "code_invalid"

    Survey.objects.filter(pk=w.survey.pk).update(opens_on=timezone.localdate() + dt.timedelta(1))
    later = client.post(FORM, {"code": "WARD000001"}, format="json")
    assert later.status_code == 409 and later.json()["error"]["code"] == "survey_not_open"
    Survey.objects.filter(pk=w.survey.pk).update(status=SurveyStatus.CLOSED)
    over = client.post(RESPOND, {"code": "WARD000001", "answers": full_answers(w)}, format="json")
    assert over.status_code == 409 and over.json()["error"]["code"] == "survey_closed"
    assert not Code.objects.get(code="WARD000001").used


@pytest.mark.django_db
def test_wrong_codes_are_throttled_as_on_the_public_page(w, settings):
    settings.TRIENKHAI_RESPOND_FAILURE_LIMIT = 3
    client = APIClient()
    for i in range(3):
        answer = client.post(FORM, {"code": f"WRONG{i:05d}"}, format="json")
        assert answer.status_code == 403
    # Over the limit, every code is refused, even a good one, so refusals tell nothing.
    blocked = client.post(
        RESPOND, {"code": "WARD000001", "answers": full_answers(w)}, format="json"
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0
    assert not Code.objects.get(code="WARD000001").used
    # Another address is not blocked; a working code costs nothing.
    other = APIClient(REMOTE_ADDR="10.1.2.3")
    assert other.post(FORM, {"code": "WARD000001"}, format="json").status_code == 200


@pytest.mark.django_db
def test_answering_ignores_any_account(w, viewer):
    """A token (even a bad one) is not read: no person is known when a form is answered."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer tk_not-a-token")
    answer = client.post(RESPOND, {"code": "WARD000003", "answers": full_answers(w)}, format="json")
    assert answer.status_code == 201, answer.json()
    signed_in = client_for(viewer)
    answer = signed_in.post(
        RESPOND, {"code": "WARD000004", "answers": full_answers(w)}, format="json"
    )
    assert answer.status_code == 201
    assert not ResponseDraft.objects.exists()
    assert Response.objects.filter(survey=w.survey).count() == 2


@pytest.mark.django_db
def test_every_kind_of_question_can_be_answered(w):
    kinds = {q.kind for q in w.survey.questions.all()}
    assert kinds == set(QuestionKind.values)  # the congress survey has every kind
    answer = APIClient().post(
        RESPOND,
        {"code": "SIBL000000", "answers": full_answers(w, aware=2, years=7.5)},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert Answer.objects.get(question=w.q_years).number == 7.5
