"""Answering online: a light page per section, without JavaScript, saved between pages, one
response however often the last page is sent, and clear words when a code cannot be used."""

import datetime as dt
import re

from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from trienkhai.surveys.models import (
    Answer,
    Code,
    Question,
    QuestionKind,
    Response,
    ResponseDraft,
    Survey,
    SurveyStatus,
)

from . import respond_world
from .builders import choice
from .respond_world import SAVE, answer_all, form_url, page1, page2, post

w = respond_world.w
_fresh_throttle = respond_world._fresh_throttle


def text(response) -> str:
    return response.content.decode()


# --- the page -------------------------------------------------------------------------------------
def test_personal_link_opens_the_first_page_with_its_progress(client, w):
    response = client.get(form_url(w.codes[0]))
    assert response.status_code == 200
    html = text(response)
    assert "Trang 1/2" in html and "Phần I. Đánh giá chung" in html
    assert "Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?" in html
    assert "Tiếp theo" in html and "Gửi phiếu" not in html and "Quay lại" not in html
    # Questions of page 2 wait for page 2.
    assert "Số năm tuổi Đảng" not in html


def test_the_page_needs_no_javascript_and_weighs_under_100_kb(client, w):
    html = text(client.get(form_url(w.codes[0])))
    assert "<script" not in html.lower() and "htmx" not in html and " on" + "click" not in html
    css = finders.find("css/respond.css")
    assert "css/respond.css" in html and "css/site.css" not in html
    with open(css, "rb") as f:
        weight = len(html.encode()) + len(f.read())
    assert weight < 100 * 1024


def test_choice_groups_are_fieldsets_with_legends_and_every_input_has_a_label(client, w):
    html = text(client.get(form_url(w.codes[0])))
    assert html.count("<fieldset") >= 4 + 2  # four questions, the grid's two rows
    assert '<legend><span class="n">C1.</span> Đồng chí có được quán triệt' in html
    # Each radio and checkbox sits inside its label.
    inputs = re.findall(r"<input type=\"(?:radio|checkbox)\"", html)
    wrapped = re.findall(r"<label class=\"opt\"><input type=\"(?:radio|checkbox)\"", html)
    assert inputs and len(inputs) == len(wrapped)
    assert f'<label class="other" for="q{w.q_source.pk}-other">' in html


def test_typing_the_code_of_a_paper_form_opens_its_page(client, w):
    assert "Mã phiếu" in text(client.get("/s/"))
    response = client.post("/s/", {"code": " ward-0000 00 "})
    assert response.status_code == 302 and response.url == form_url("WARD000000")


def test_walking_through_both_pages_records_one_response(client, w):
    code = w.codes[0]
    response = post(client, code, 0, "next", page1(w))
    assert response.status_code == 302 and response.url == form_url(code)
    html = text(client.get(form_url(code)))
    assert "Trang 2/2" in html and "Gửi phiếu" in html and "Quay lại" in html
    response = post(client, code, 1, "send", page2(w))
    assert response.status_code == 302 and response.url == "/s/cam-on/"
    thanks = text(client.get(response.url))
    assert "Phiếu trả lời đã được ghi nhận" in thanks
    assert code.code not in thanks and w.survey.title not in thanks
    assert Response.objects.count() == 1
    assert Answer.objects.filter(question=w.q_idea, text="Cần chọn người có đức, có tài").exists()
    assert Answer.objects.filter(question=w.q_source, text="Qua bạn bè").exists()
    assert Code.objects.get(pk=code.pk).used and not ResponseDraft.objects.exists()


def test_a_respondent_can_leave_and_come_back_where_they_were(w):
    code = w.codes[0]
    post(Client(), code, 0, "next", page1(w, trust=2))
    later = Client()  # another day, another browser: only the code is needed
    html = text(later.get(form_url(code)))
    assert "Trang 2/2" in html
    response = post(later, code, 1, "back", page2(w, years="15"))
    assert response.status_code == 302
    html = text(later.get(form_url(code)))
    assert "Trang 1/2" in html
    assert f'value="{choice(w.q_trust, 2)}" checked' in html
    assert 'value="Qua bạn bè"' in html
    assert ResponseDraft.objects.get(code=code).data[str(w.q_years.pk)] == "15"


def test_save_for_later_keeps_the_page_without_checking_it(client, w):
    code = w.codes[0]
    response = post(client, code, 0, "save", {f"q{w.q_trust.pk}": choice(w.q_trust, 5)})
    assert response.status_code == 302 and "da-luu" in response.url
    html = text(client.get(response.url))
    assert "Đã lưu các câu trả lời" in html and "Trang 1/2" in html
    assert f'value="{choice(w.q_trust, 5)}" checked' in html


def test_errors_are_told_per_question_in_vietnamese_keeping_what_was_typed(client, w):
    code = w.codes[0]
    fields = page1(w)
    del fields[f"q{w.q_trust.pk}"]
    fields[f"q{w.q_source.pk}_other"] = ""
    response = post(client, code, 0, "next", fields)
    assert response.status_code == 200
    html = text(response)
    assert "Câu này cần được trả lời." in html and "Xin ghi rõ ý kiến khác." in html
    assert "Còn 2 câu cần xem lại" in html and f'href="#q{w.q_trust.pk}"' in html
    assert f'value="{choice(w.q_aware, 1)}" checked' in html
    assert "Trang 1/2" in html
    post(client, code, 0, "next", page1(w))
    response = post(client, code, 1, "send", page2(w, years="200"))
    html = text(response)
    assert "Số không được lớn hơn 80" in html and 'value="200"' in html
    assert "Cần chọn người có đức, có tài" in html
    assert not Response.objects.exists() and not Code.objects.get(pk=code.pk).used


def test_going_back_does_not_check_the_page(client, w):
    post(client, w.codes[0], 0, "next", page1(w))
    response = post(client, w.codes[0], 1, "back", {f"q{w.q_years.pk}": "abc"})
    assert response.status_code == 302
    assert "Trang 1/2" in text(client.get(form_url(w.codes[0])))


def test_a_question_is_asked_only_when_an_earlier_answer_calls_for_it(client, w):
    post(client, w.codes[0], 0, "next", page1(w, aware=1))
    assert "Vì sao đồng chí chưa được quán triệt?" not in text(client.get(form_url(w.codes[0])))
    post(client, w.codes[1], 0, "next", page1(w, aware=2))
    assert "Vì sao đồng chí chưa được quán triệt?" in text(client.get(form_url(w.codes[1])))
    response = post(client, w.codes[1], 1, "send", page2(w))
    assert "Câu này cần được trả lời." in text(response)
    assert post(client, w.codes[1], 1, "send", page2(w, why="Bận")).status_code == 302
    assert Answer.objects.filter(question=w.q_why, text="Bận").count() == 1


def test_a_question_depending_on_the_same_page_is_shown_with_a_note(client, w):
    follow = Question.objects.create(
        survey=w.survey,
        section=w.q_aware.section,
        kind=QuestionKind.SHORT_TEXT,
        text="Đồng chí muốn được quán triệt vào thời gian nào?",
        position=9,
        code="C9",
        condition_question=w.q_aware,
        condition_choice=w.q_aware.choices.get(value=2),
        required=True,
    )
    html = text(client.get(form_url(w.codes[0])))
    assert "Đồng chí muốn được quán triệt vào thời gian nào?" in html
    assert "Chỉ trả lời nếu câu C1 chọn “Không”." in html
    # Not asked ("Có"): whatever was typed is not kept in the response.
    fields = {**page1(w, aware=1), f"q{follow.pk}": "Tháng 10"}
    assert post(client, w.codes[0], 0, "next", fields).status_code == 302
    answer_all(client, w, w.codes[0])
    assert not Answer.objects.filter(question=follow).exists()
    # Asked ("Không") and left empty: required.
    response = post(client, w.codes[1], 0, "next", page1(w, aware=2))
    assert response.status_code == 200 and "Câu này cần được trả lời." in text(response)


def test_missing_answers_on_an_earlier_page_bring_the_respondent_back_to_it(client, w):
    response = post(client, w.codes[0], 1, "send", page2(w))
    html = text(response)
    assert response.status_code == 200 and "Trang 1/2" in html
    assert "Còn câu trả lời chưa hợp lệ ở trang này" in html
    assert not Response.objects.exists()


# --- once, whatever happens -----------------------------------------------------------------------
def test_sending_the_last_page_twice_records_one_response(client, w):
    code = w.codes[0]
    post(client, code, 0, "next", page1(w))
    first = post(client, code, 1, "send", page2(w))
    again = post(client, code, 1, "send", page2(w))  # double click, reload, retry after timeout
    assert first.status_code == 302
    assert again.status_code == 200 and "đã được ghi nhận" in text(again)
    assert Response.objects.count() == 1
    assert not ResponseDraft.objects.exists()


def test_a_late_next_after_sending_leaves_no_draft(client, w):
    code = w.codes[0]
    answer_all(client, w, code)
    response = post(client, code, 0, "next", page1(w))
    assert "đã được ghi nhận" in text(response)
    assert not ResponseDraft.objects.exists() and Response.objects.count() == 1


def test_a_spent_code_says_its_form_was_recorded(client, w):
    answer_all(client, w, w.codes[0])
    response = client.get(form_url(w.codes[0]))
    assert response.status_code == 200 and "đã được ghi nhận" in text(response)
    response = client.post("/s/", {"code": w.codes[0].code})
    assert "đã được ghi nhận" in text(response)


def test_an_unknown_code_is_told_plainly(client, w):
    response = client.get(form_url("KHONGCOMA"))
    assert "Mã phiếu không đúng" in text(response)
    response = client.post("/s/", {"code": "khong co ma"})
    assert "Mã phiếu không đúng" in text(response) and 'value="khong co ma"' in text(response)
    assert "Xin nhập mã phiếu" in text(client.post("/s/", {"code": "  - "}))


def test_a_survey_not_open_yet_or_closed_takes_no_answer(client, w):
    today = timezone.localdate()
    Survey.objects.filter(pk=w.survey.pk).update(opens_on=today + dt.timedelta(days=1))
    assert "chưa mở" in text(client.get(form_url(w.codes[0])))
    Survey.objects.filter(pk=w.survey.pk).update(
        opens_on=today - dt.timedelta(days=9), closes_on=today - dt.timedelta(days=1)
    )
    assert "đã kết thúc" in text(client.get(form_url(w.codes[0])))
    post(client, w.codes[0], 0, "next", page1(w))
    assert not ResponseDraft.objects.exists()
    Survey.objects.filter(pk=w.survey.pk).update(
        closes_on=today + dt.timedelta(days=1), status=SurveyStatus.CLOSED
    )
    assert "đã kết thúc" in text(client.get(form_url(w.codes[0])))


# --- protections ----------------------------------------------------------------------------------
def test_posting_needs_the_csrf_token_of_the_page(w):
    browser = Client(enforce_csrf_checks=True)
    forged = post(browser, w.codes[0], 0, "next", page1(w))
    assert forged.status_code == 403 and not ResponseDraft.objects.exists()
    html = text(browser.get(form_url(w.codes[0])))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    sent = post(browser, w.codes[0], 0, "next", {**page1(w), "csrfmiddlewaretoken": token})
    assert sent.status_code == 302 and ResponseDraft.objects.exists()


def test_pages_send_no_referrer_and_are_not_cached(client, w):
    response = client.get(form_url(w.codes[0]))
    assert response.headers["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response.headers["Cache-Control"]


def test_wrong_codes_from_one_address_are_limited(w):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(9):
        client.post("/s/", {"code": f"SAI{i:04d}"})
    # A working code costs nothing.
    assert client.post("/s/", {"code": w.codes[0].code}).status_code == 302
    assert client.get(form_url(w.codes[1])).status_code == 200
    response = client.post("/s/", {"code": "SAI9999"})
    assert response.status_code == 429 and "thử lại sau 10 phút" in text(response)
    # From now on every code is refused from this address, working or not.
    assert client.post("/s/", {"code": w.codes[0].code}).status_code == 429
    assert client.get(form_url(w.codes[0])).url == "/s/"
    assert post(client, w.codes[0], 0, "next", page1(w)).status_code == 429
    # Others are not affected.
    assert Client(REMOTE_ADDR="203.0.113.8").post("/s/", {"code": "SAI"}).status_code == 200


def test_the_throttle_keeps_no_address(w):
    from django.core.cache import cache

    client = Client(REMOTE_ADDR="198.51.100.23")
    client.get(form_url("SAI00001"))
    keys = list(cache._cache.keys())  # the test cache is in memory
    assert keys and not any("198.51.100.23" in k for k in keys)


def test_a_logged_in_staff_member_answers_like_anyone(login, city_secretary, w):
    client = login(city_secretary)
    assert answer_all(client, w, w.codes[0]).status_code == 302
    assert Response.objects.count() == 1


def test_a_survey_without_a_page_says_so(client, w):
    Question.objects.filter(survey=w.survey).delete()
    assert "chưa có câu hỏi" in text(client.get(form_url(w.codes[0])))
    assert post(client, w.codes[0], 0, "next", {}).status_code == 200


def test_a_bad_page_number_shows_a_page_instead_of_failing(client, w):
    for page in ("99", "-1", "x"):
        response = client.post(SAVE, {"code": w.codes[0].code, "page": page, "action": "next"})
        assert response.status_code == 200 and "Trang 1/2" in text(response)
