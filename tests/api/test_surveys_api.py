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

from tests.api.clients import client_for
from tests.surveys.builders import choice, congress_survey, full_answers
from tests.surveys.test_results import SIBLING, WARD, submit
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
def _fresh_throttle():
    """The wrong-code throttle counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


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


# --- changing a draft: If-Match on every change -------------------------------------------------
def draft(tree):
    """The Congress survey as a draft: nothing answered yet, codes made for its two lines."""
    return congress_survey(tree, status=SurveyStatus.DRAFT)


def etag(answer) -> str:
    assert answer.status_code == 200, answer.json()
    return answer["ETag"]


@pytest.mark.django_db
def test_a_survey_made_through_the_api_is_opened_through_the_api(
    tree, propaganda_officer, target_groups
):
    from trienkhai.outreach.models import TargetGroup

    members = TargetGroup.objects.get(code="dang-vien")
    api = client_for(propaganda_officer)
    made = api.post(
        "/api/surveys/", {"title": "Khảo sát nhanh", "owner_unit": tree.city.pk}, format="json"
    )
    base = f"/api/surveys/{made.json()['id']}"
    section = api.post(f"{base}/sections/", {"title": "Phần I"}, format="json").json()
    assert section["revision"] and section["questions"] == []
    api.post(
        f"{base}/questions/",
        {"section": section["id"], "kind": "yesno", "text": "Đồng chí đã học chưa?"},
        format="json",
    )
    audience = api.get(f"{base}/audience/")
    assert audience.json()["problems"] == [
        "Chưa đặt ngày mở và ngày đóng khảo sát.",
        "Chưa đặt tổng số phiếu.",
    ]
    today = timezone.localdate()
    changed = api.patch(
        f"{base}/audience/",
        {
            "target_groups": [members.pk],
            "total_forms": 30,
            "opens_on": (today - dt.timedelta(days=1)).isoformat(),
            "closes_on": (today + dt.timedelta(days=10)).isoformat(),
        },
        format="json",
        HTTP_IF_MATCH=etag(audience),
    )
    assert changed.status_code == 200, changed.json()
    data = changed.json()
    assert data["target_groups"] == [{"id": members.pk, "name": members.name}]
    assert (data["total_forms"], data["record_group"], data["balanced"]) == (30, True, False)
    assert changed["ETag"] != audience["ETag"]
    ward = api.post(
        f"{base}/allocations/",
        {"unit": tree.ward.pk, "target_group": members.pk, "forms": 20},
        format="json",
        HTTP_IDEMPOTENCY_KEY="phan-bo-phuong",
    )
    assert ward.status_code == 201, ward.json()
    line = ward.json()
    assert line["unit"]["id"] == tree.ward.pk and (line["codes_made"], line["forms"]) == (0, 20)
    assert ward["Location"] == f"{base}/allocations/{line['id']}/"
    again = api.post(
        f"{base}/allocations/",
        {"unit": tree.ward.pk, "target_group": members.pk, "forms": 20},
        format="json",
        HTTP_IDEMPOTENCY_KEY="phan-bo-phuong",
    )
    assert again.status_code == 201 and again.json()["id"] == line["id"]
    city = api.post(
        f"{base}/allocations/",
        {"unit": tree.city.pk, "target_group": members.pk, "forms": 10},
        format="json",
    )
    assert city.status_code == 201, city.json()
    data = api.get(f"{base}/audience/").json()
    assert data["balanced"] is True and data["problems"] == []
    assert data["totals"] == {
        "forms": 30,
        "allocated": 30,
        "codes_made": 0,
        "codes_used": 0,
        "returned": 0,
    }
    opened = api.post(f"{base}/open/")
    assert opened.status_code == 200 and opened.json()["status"] == "open"


@pytest.mark.django_db
def test_the_audience_changes_only_from_the_version_read(tree, propaganda_officer):
    w = draft(tree)
    api = client_for(propaganda_officer)
    url = f"/api/surveys/{w.survey.pk}/audience/"
    read = api.get(url)
    data = read.json()
    assert read["ETag"] == f'"{w.survey.pk}-{data["revision"]}"'
    assert [(a["unit"]["id"], a["forms"], a["codes_made"]) for a in data["allocations"]] == [
        (tree.ward.pk, 10, 10),
        (tree.sibling.pk, 10, 10),
    ]
    assert all("code" not in a for a in data["allocations"])  # never the codes themselves
    missing = api.patch(url, {"total_forms": 25}, format="json")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    done = api.patch(url, {"total_forms": 25, "revision": data["revision"]}, format="json")
    assert done.status_code == 200 and done.json()["total_forms"] == 25
    late = api.patch(url, {"double_entry": True}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert late.status_code == 412 and late.json()["error"]["code"] == "precondition_failed"
    # The page's checks, with its messages and fields.
    tag = done["ETag"]
    bad = api.patch(
        url,
        {"opens_on": "2020-09-20", "closes_on": "2020-08-20"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "closes_on"
    bad = api.patch(url, {"target_groups": [w.cadres.pk]}, format="json", HTTP_IF_MATCH=tag)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "target_groups"
    bad = api.patch(url, {"total_forms": -1}, format="json", HTTP_IF_MATCH=tag)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "total_forms"
    w.survey.refresh_from_db()
    assert (w.survey.total_forms, w.survey.closes_on, w.survey.double_entry) == (
        25,
        dt.date(2020, 9, 20),
        False,
    )


@pytest.mark.django_db
def test_recording_cannot_change_once_forms_are_in(world, propaganda_officer):
    api = client_for(propaganda_officer)
    url = f"/api/surveys/{world.survey.pk}/audience/"
    answer = api.patch(url, {"record_unit": False}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "record_group"


@pytest.mark.django_db
def test_the_lines_of_the_quota(tree, propaganda_officer):
    w = draft(tree)
    api = client_for(propaganda_officer)
    base = f"/api/surveys/{w.survey.pk}/allocations"
    taken = api.post(
        f"{base}/",
        {"unit": tree.ward.pk, "target_group": w.members.pk, "forms": 5},
        format="json",
    )
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "allocation_exists"
    outside = api.post(f"{base}/", {"unit": tree.province.pk, "forms": 5}, format="json")
    assert outside.status_code == 400 and outside.json()["error"]["field"] == "unit"
    other = api.post(
        f"{base}/", {"unit": tree.ward.pk, "target_group": 999999, "forms": 5}, format="json"
    )
    assert other.status_code == 400 and other.json()["error"]["field"] == "target_group"
    none = api.post(f"{base}/", {"unit": tree.cell.pk, "forms": 0}, format="json")
    assert none.status_code == 400 and none.json()["error"]["field"] == "forms"

    line = f"{base}/{w.ward_alloc.pk}/"
    read = api.get(line)
    assert read.json()["codes_made"] == 10
    below = api.patch(line, {"forms": 8}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert below.status_code == 400 and below.json()["error"]["field"] == "forms"
    assert "10 mã phiếu" in below.json()["error"]["message"]
    zero = api.patch(line, {"forms": 0}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert zero.status_code == 400 and zero.json()["error"]["field"] == "forms"
    more = api.patch(line, {"forms": 12}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert more.status_code == 200 and more.json()["forms"] == 12
    assert api.patch(
        line, {"forms": 14}, format="json", HTTP_IF_MATCH=read["ETag"]
    ).status_code == (412)
    coded = api.delete(line, HTTP_IF_MATCH=more["ETag"])
    assert coded.status_code == 409 and coded.json()["error"]["code"] == "conflict"

    cell = api.post(
        f"{base}/", {"unit": tree.cell.pk, "target_group": w.members.pk, "forms": 3}, format="json"
    ).json()
    assert api.delete(f"{base}/{cell['id']}/").status_code == 428
    gone = api.delete(f"{base}/{cell['id']}/", HTTP_IF_MATCH=f'"{cell["id"]}-{cell["revision"]}"')
    assert gone.status_code == 204
    assert api.get(f"{base}/{cell['id']}/").status_code == 404
    assert api.get(f"{base}/{w.sibling_alloc.pk + 1000}/").status_code == 404


@pytest.mark.django_db
def test_a_line_for_any_target_group(tree, propaganda_officer):
    w = draft(tree)
    api = client_for(propaganda_officer)
    base = f"/api/surveys/{w.survey.pk}/allocations/"
    line = api.post(base, {"unit": tree.cell.pk, "forms": 3}, format="json")
    assert line.status_code == 201, line.content
    assert line.json()["target_group"] is None
    again = api.post(base, {"unit": tree.cell.pk, "target_group": None, "forms": 4}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "allocation_exists"


@pytest.mark.django_db
def test_a_unit_with_part_of_the_quota_sees_its_lines_only(world, ward_clerk):
    api = client_for(ward_clerk)
    data = api.get(f"/api/surveys/{world.survey.pk}/audience/").json()
    assert (data["whole"], data["totals"], data["balanced"], data["can_manage"]) == (
        False,
        None,
        None,
        False,
    )
    assert [(a["unit"]["id"], a["codes_made"], a["codes_used"]) for a in data["allocations"]] == [
        (world.ward_alloc.unit_id, 10, 6)
    ]
    assert data["problems"] == []
    sibling = api.get(f"/api/surveys/{world.survey.pk}/allocations/{world.sibling_alloc.pk}/")
    assert sibling.status_code == 404
    refused = api.patch(
        f"/api/surveys/{world.survey.pk}/audience/",
        {"total_forms": 5},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_a_drafts_title_intro_and_campaign(tree, propaganda_officer):
    w = draft(tree)
    api = client_for(propaganda_officer)
    url = f"/api/surveys/{w.survey.pk}/"
    read = api.get(url)
    assert read["ETag"] == f'"{w.survey.pk}-{read.json()["revision"]}"'
    assert api.patch(url, {"title": "Mới"}, format="json").status_code == 428
    changed = api.patch(
        url,
        {"title": "  Khảo sát   sau Đại hội ", "intro": "Xin đồng chí cho ý kiến."},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert changed.status_code == 200, changed.json()
    data = changed.json()
    assert (data["title"], data["intro"]) == ("Khảo sát sau Đại hội", "Xin đồng chí cho ý kiến.")
    assert len(data["sections"]) == 2  # the form is untouched
    stale = api.patch(url, {"intro": ""}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    bad = api.patch(url, {"campaign": 999999}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "campaign"
    bad = api.patch(url, {"title": "   "}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "title"
    other = api.patch(url, {"title": "X"}, format="json", HTTP_IF_MATCH='"1-2"')
    assert other.status_code == 412


@pytest.mark.django_db
def test_sections_changed_and_deleted(tree, propaganda_officer):
    w = draft(tree)
    api = client_for(propaganda_officer)
    p1, p2 = w.q_aware.section_id, w.q_why.section_id
    url = f"/api/surveys/{w.survey.pk}/sections/{p2}/"
    read = api.get(url)
    assert [q["number"] for q in read.json()["questions"]] == ["C5", "C6", "C7", "C8"]
    changed = api.patch(url, {"title": "Phần II. Góp ý"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert changed.status_code == 200 and changed.json()["title"] == "Phần II. Góp ý"
    assert changed.json()["description"] == ""
    stale = api.patch(url, {"title": "Khác"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    # Part I holds C1, on which C5 (in part II) depends: the page's refusal, as a conflict.
    first = api.get(f"/api/surveys/{w.survey.pk}/sections/{p1}/")
    refused = api.delete(f"/api/surveys/{w.survey.pk}/sections/{p1}/", HTTP_IF_MATCH=first["ETag"])
    assert refused.status_code == 409
    assert "C5" in refused.json()["error"]["message"]
    gone = api.delete(url, HTTP_IF_MATCH=changed["ETag"])
    assert gone.status_code == 204
    data = api.get(f"/api/surveys/{w.survey.pk}/").json()
    assert [s["id"] for s in data["sections"]] == [p1]
    assert api.get(url).status_code == 404


@pytest.mark.django_db
def test_questions_changed_moved_and_deleted(tree, propaganda_officer):
    w = draft(tree)
    api = client_for(propaganda_officer)
    base = f"/api/surveys/{w.survey.pk}/questions"
    url = f"{base}/{w.q_source.pk}/"
    read = api.get(url)
    assert read.json()["number"] == "C2"
    assert api.patch(url, {"text": "Kênh nào?"}, format="json").status_code == 428
    # Only the text: the choices, "other" and the rest keep what they were.
    changed = api.patch(url, {"text": "Kênh nào?"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert changed.status_code == 200, changed.json()
    q = changed.json()
    assert q["text"] == "Kênh nào?" and q["allow_other"] is True
    assert [c["id"] for c in q["choices"]] == [c["id"] for c in read.json()["choices"]]
    no_other = api.patch(url, {"allow_other": False}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert no_other.status_code == 200, no_other.json()
    assert [c["label"] for c in no_other.json()["choices"]] == [
        "Sinh hoạt chi bộ",
        "Báo, đài",
        "Mạng xã hội",
    ]
    stale = api.patch(url, {"required": True}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert stale.status_code == 412
    # The editor's checks, on the API's fields.
    tag = no_other["ETag"]
    grid = api.patch(url, {"kind": "grid"}, format="json", HTTP_IF_MATCH=tag)
    assert grid.status_code == 400 and grid.json()["error"]["field"] == "rows"
    later = api.patch(
        url,
        {"condition_choice": choice(w.q_level, 1)},  # C7 comes after C2
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert later.status_code == 400 and later.json()["error"]["field"] == "condition_choice"
    moved_over = api.patch(url, {"section": w.q_why.section_id}, format="json", HTTP_IF_MATCH=tag)
    assert moved_over.status_code == 200 and moved_over.json()["number"] == "C8"

    # C1 is the condition of C5 ("why"): it cannot go, nor become a question without choices.
    aware = f"{base}/{w.q_aware.pk}/"
    tag = api.get(aware)["ETag"]
    assert api.delete(aware, HTTP_IF_MATCH=tag).status_code == 409
    text = api.patch(aware, {"kind": "short_text"}, format="json", HTTP_IF_MATCH=tag)
    assert text.status_code == 400
    why = f"{base}/{w.q_why.pk}/"
    free = api.patch(
        why, {"condition_choice": None}, format="json", HTTP_IF_MATCH=api.get(why)["ETag"]
    )
    assert free.status_code == 200 and free.json()["condition"] is None
    assert api.delete(aware, HTTP_IF_MATCH=tag).status_code == 204
    assert api.get(aware).status_code == 404
    numbers = [
        q["number"]
        for s in api.get(f"/api/surveys/{w.survey.pk}/").json()["sections"]
        for q in s["questions"]
    ]
    assert numbers == [f"C{i}" for i in range(1, 8)]


@pytest.mark.django_db
def test_moving_a_question_as_the_builders_arrows_do(tree, propaganda_officer):
    w = draft(tree)
    api = client_for(propaganda_officer)
    url = f"/api/surveys/{w.survey.pk}/questions/{w.q_trust.pk}/move/"
    read = api.get(f"/api/surveys/{w.survey.pk}/questions/{w.q_trust.pk}/")
    assert api.post(url, {"direction": "up"}, format="json").status_code == 428
    up = api.post(url, {"direction": "up"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert up.status_code == 200 and up.json()["number"] == "C2"
    # The same click again, from the version read before: refused, not moved twice.
    twice = api.post(url, {"direction": "up"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert twice.status_code == 412
    up = api.post(url, {"direction": "up", "revision": up.json()["revision"]}, format="json")
    assert up.status_code == 200 and up.json()["number"] == "C1"
    top = api.post(url, {"direction": "up"}, format="json", HTTP_IF_MATCH=up["ETag"])
    assert top.status_code == 409 and top.json()["error"]["code"] == "cannot_move"
    bad = api.post(url, {"direction": "left"}, format="json", HTTP_IF_MATCH=up["ETag"])
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "direction"
    # "why" (C5, first of part II) asks after C1: above it, it would come before its condition.
    why = f"/api/surveys/{w.survey.pk}/questions/{w.q_why.pk}/"
    tag = api.get(why)["ETag"]
    for _i in range(4):
        answer = api.post(f"{why}move/", {"direction": "up"}, format="json", HTTP_IF_MATCH=tag)
        if answer.status_code != 200:
            break
        tag = answer["ETag"]
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "conflict"


@pytest.mark.django_db
def test_a_frozen_survey_changes_no_question(world, propaganda_officer):
    api = client_for(propaganda_officer)
    base = f"/api/surveys/{world.survey.pk}"
    q = f"{base}/questions/{world.q_idea.pk}/"
    s = f"{base}/sections/{world.q_idea.section_id}/"
    for answer in (
        api.patch(f"{base}/", {"title": "Mới"}, format="json", HTTP_IF_MATCH="*"),
        api.patch(s, {"title": "Mới"}, format="json", HTTP_IF_MATCH="*"),
        api.delete(s, HTTP_IF_MATCH="*"),
        api.patch(q, {"text": "Mới?"}, format="json", HTTP_IF_MATCH="*"),
        api.delete(q, HTTP_IF_MATCH="*"),
        api.post(f"{q}move/", {"direction": "up"}, format="json", HTTP_IF_MATCH="*"),
    ):
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "survey_frozen"


@pytest.mark.django_db
def test_copies_and_new_versions(world, propaganda_officer):
    api = client_for(propaganda_officer)
    base = f"/api/surveys/{world.survey.pk}"
    copy = api.post(f"{base}/copy/", HTTP_IDEMPOTENCY_KEY="sao-chep")
    assert copy.status_code == 201, copy.json()
    data = copy.json()
    assert data["title"] == world.survey.title + " (bản sao)"
    assert (data["status"], data["version"], data["previous"], data["frozen"]) == (
        "draft",
        1,
        None,
        False,
    )
    assert (data["opens_on"], data["total_forms"]) == (None, 20)
    assert [len(s["questions"]) for s in data["sections"]] == [4, 4]
    assert copy["Location"] == f"/api/surveys/{data['id']}/"
    again = api.post(f"{base}/copy/", HTTP_IDEMPOTENCY_KEY="sao-chep")
    assert again.json()["id"] == data["id"]
    lines = api.get(f"/api/surveys/{data['id']}/audience/").json()["allocations"]
    assert [(a["forms"], a["codes_made"]) for a in lines] == [(10, 0), (10, 0)]

    version = api.post(f"{base}/new-version/")
    assert version.status_code == 201, version.json()
    assert (version.json()["version"], version.json()["previous"]) == (2, world.survey.pk)
    assert version.json()["opens_on"] == "2020-08-20"
    second = api.post(f"{base}/new-version/")
    assert second.status_code == 409 and "phiên bản 2" in second.json()["error"]["message"]
    assert Survey.objects.filter(previous=world.survey).count() == 1
