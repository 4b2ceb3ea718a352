"""The Congress opinion survey in a real browser, open from yesterday for a month.

A Party member of An Hội opens his personal link on a phone, answers the first page, goes on,
forgets the question his "Không" made compulsory and is told so in Vietnamese with all he typed
still there, sends, and is thanked; going back or sending from a second tab records nothing more.
Another answers with JavaScript turned off. The propaganda officer types a paper form with
digits, Tab and Enter only. Once enough forms are in, the officer reads the results; the ward
clerk may not, but follows his own ward's share of the quota."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, log_out, watch_csp
from tests.surveys.builders import congress_survey, full_answers
from trienkhai.surveys.models import Channel, Code, Response, ResponseDraft
from trienkhai.surveys.responses import response_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WHY = "Đồng chí bận công tác ở xa nên chưa dự được lớp quán triệt."
IDEA = "Cần chọn người có đức, có tài vào Ban Chấp hành."
PAGE_BUDGET = 100 * 1024  # the respondent's page, all included (issue 5, point 9)


@pytest.fixture
def world(target_groups, tree):
    """The test survey, open since yesterday for a month."""
    w = congress_survey(tree)
    today = timezone.localdate()
    w.survey.opens_on = today - dt.timedelta(days=1)
    w.survey.closes_on = today + dt.timedelta(days=30)
    w.survey.save()
    w.today = today
    return w


@pytest.fixture
def new_page(browser, live_server, request):
    """Pages in fresh contexts (a phone, a browser without JavaScript...), closed at the end;
    a screenshot of the last one on failure."""
    contexts = []

    def _new(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed and contexts and contexts[-1].pages:
        ARTIFACTS.mkdir(exist_ok=True)
        contexts[-1].pages[-1].screenshot(
            path=ARTIFACTS / f"{request.node.name}-failure.png", full_page=True
        )
    for context in contexts:
        context.close()


def question(page, text):
    """A question answered by picking: its fieldset, named by its legend."""
    return page.get_by_role("group", name=re.compile(re.escape(text)))


def test_a_party_member_answers_on_his_phone_once(world, new_page):
    ARTIFACTS.mkdir(exist_ok=True)
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    refused = watch_csp(phone)
    code = world.codes[0].code
    link = f"/s/{code}/"

    # --- Page 1: yes/no, several sources with "Khác", a scale, a grid. ---
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Phần I. Đánh giá chung", level=1)).to_be_visible()
    expect(phone.get_by_text("Trang 1/2")).to_be_visible()
    assert phone.locator("script").count() == 0  # nothing to run: any phone can answer
    weight = phone.evaluate(
        "performance.getEntries().reduce((n, e) => n + (e.decodedBodySize || 0), 0)"
    )
    assert 0 < weight < PAGE_BUDGET, f"the first page weighs {weight} bytes"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    question(phone, "có được quán triệt Kế hoạch 07").get_by_role(
        "radio", name="Không", exact=True
    ).check()
    sources = question(phone, "biết thông tin về Đại hội qua kênh nào")
    sources.get_by_role("checkbox", name="Sinh hoạt chi bộ").check()
    sources.get_by_role("checkbox", name="Khác (ghi rõ)").check()
    sources.get_by_role("textbox", name="Ý kiến khác (ghi rõ)").fill("Qua bạn bè, người thân")
    question(phone, "Mức độ tin tưởng").get_by_role("radio", name="Đồng ý", exact=True).check()
    grid = question(phone, "Đánh giá các mặt công tác")
    grid.get_by_role("group", name="Xây dựng Đảng").get_by_role("radio", name="Khá").check()
    grid.get_by_role("group", name="Phát triển kinh tế").get_by_role("radio", name="Tốt").check()
    phone.screenshot(path=ARTIFACTS / "survey-phone-page1.png", full_page=True)
    phone.get_by_role("button", name="Tiếp theo").click()

    # --- Page 2: the "why not" question is asked, because of the "Không". ---
    expect(phone.get_by_role("heading", name="Phần II. Ý kiến đóng góp", level=1)).to_be_visible()
    expect(phone.get_by_text("Trang 2/2")).to_be_visible()
    why = phone.get_by_role("textbox", name=re.compile("Vì sao đồng chí chưa được quán triệt"))
    expect(why).to_be_visible()
    # Back and forth keeps the first page's answers.
    phone.get_by_role("button", name="Quay lại").click()
    expect(phone.get_by_text("Trang 1/2")).to_be_visible()
    expect(
        question(phone, "có được quán triệt Kế hoạch 07").get_by_role(
            "radio", name="Không", exact=True
        )
    ).to_be_checked()
    expect(phone.get_by_role("textbox", name="Ý kiến khác (ghi rõ)")).to_have_value(
        "Qua bạn bè, người thân"
    )
    phone.get_by_role("button", name="Tiếp theo").click()
    expect(phone.get_by_text("Trang 2/2")).to_be_visible()

    phone.get_by_role("textbox", name=re.compile("Số năm tuổi Đảng")).fill("12")
    question(phone, "Trình độ lý luận chính trị").get_by_role("radio", name="Trung cấp").check()
    phone.get_by_role("textbox", name=re.compile("Kiến nghị")).fill(IDEA)
    phone.get_by_role("button", name="Gửi phiếu").click()

    # The forgotten question, in Vietnamese; nothing typed is lost.
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Còn 1 câu cần xem lại:")
    expect(alert).to_contain_text("Câu này cần được trả lời.")
    expect(why).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_role("textbox", name=re.compile("Số năm tuổi Đảng"))).to_have_value("12")
    expect(
        question(phone, "Trình độ lý luận chính trị").get_by_role("radio", name="Trung cấp")
    ).to_be_checked()
    expect(phone.get_by_role("textbox", name=re.compile("Kiến nghị"))).to_have_value(IDEA)
    assert Response.objects.count() == 0
    phone.screenshot(path=ARTIFACTS / "survey-phone-missing.png", full_page=True)

    # He keeps it for later; a second tab on the same link finds where he was.
    phone.get_by_role("button", name="Lưu lại, trả lời tiếp sau").click()
    expect(phone.get_by_role("status")).to_contain_text("Đã lưu các câu trả lời.")
    second = phone.context.new_page()
    refused_in_second = watch_csp(second)
    second.goto(link)
    expect(second.get_by_text("Trang 2/2")).to_be_visible()
    expect(second.get_by_role("textbox", name=re.compile("Kiến nghị"))).to_have_value(IDEA)

    # --- He answers it and sends: thanks. ---
    why.fill(WHY)
    phone.get_by_role("button", name="Gửi phiếu").click()
    expect(phone.get_by_role("heading", name="Xin trân trọng cảm ơn!")).to_be_visible()
    expect(phone.get_by_role("status")).to_have_text("Phiếu trả lời đã được ghi nhận.")
    phone.screenshot(path=ARTIFACTS / "survey-phone-thanks.png", full_page=True)

    # Going back shows no form any more.
    phone.go_back()
    expect(phone.get_by_role("status")).to_contain_text("phiếu trả lời đã được ghi nhận")
    expect(phone.get_by_role("button", name="Gửi phiếu")).to_have_count(0)
    # Sending from the other tab records nothing more.
    second.get_by_role("textbox", name=re.compile("Vì sao đồng chí")).fill(WHY)
    second.get_by_role("button", name="Gửi phiếu").click()
    expect(second.get_by_role("status")).to_have_text(
        "Mã phiếu này đã được dùng: phiếu trả lời đã được ghi nhận. Mỗi mã chỉ dùng được một lần."
    )

    response = Response.objects.get(survey=world.survey)
    assert response.channel == Channel.ONLINE and response.submitted_on == world.today
    assert response.unit == world.ward_alloc.unit
    assert {a.text for a in response.answers.all()} >= {WHY, IDEA, "Qua bạn bè, người thân"}
    assert Code.objects.get(code=code).used
    assert not ResponseDraft.objects.exists()
    assert refused == [] and refused_in_second == []


def test_a_form_can_be_answered_and_sent_without_javascript(world, new_page):
    page = new_page(java_script_enabled=False, viewport=PHONE)
    refused = watch_csp(page)

    # He types the code printed on his paper, as printed, lower case and all.
    page.goto(reverse("respond:enter"))
    page.get_by_role("textbox", name="Mã phiếu").fill("ward0-00001")
    page.get_by_role("button", name="Bắt đầu trả lời").click()
    expect(page.get_by_text("Trang 1/2")).to_be_visible()
    question(page, "có được quán triệt Kế hoạch 07").get_by_role(
        "radio", name="Có", exact=True
    ).check()
    question(page, "Mức độ tin tưởng").get_by_role(
        "radio", name="Hoàn toàn đồng ý", exact=True
    ).check()
    page.get_by_role("button", name="Tiếp theo").click()

    # "Có": the "why not" question is not asked.
    expect(page.get_by_text("Trang 2/2")).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile("Vì sao đồng chí"))).to_have_count(0)
    page.get_by_role("textbox", name=re.compile("Kiến nghị")).fill(IDEA)
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_role("status")).to_have_text("Phiếu trả lời đã được ghi nhận.")

    response = Response.objects.get(survey=world.survey)
    assert response.channel == Channel.ONLINE
    assert Code.objects.get(code="WARD000001").used
    assert refused == []


def test_the_officer_types_a_paper_form_with_the_keyboard_only(page, world, propaganda_officer):
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")
    log_in(page, propaganda_officer)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Khảo sát", exact=True
    ).click()
    main.get_by_role("link", name=world.survey.title).click()
    main.get_by_role("link", name="Nhập phiếu giấy").click()
    expect(page.get_by_role("heading", name="Nhập phiếu giấy", level=1)).to_be_visible()

    # The cursor waits in the code box; from there on, only the keyboard.
    code_box = page.get_by_role("textbox", name="Mã phiếu")
    expect(code_box).to_be_focused()
    keys = page.keyboard
    keys.type("sibl0-00000")  # as printed on the paper: SIBL0-00000
    for typed in [
        "1",  # C1 Có
        "12",  # C2 Sinh hoạt chi bộ, Báo, đài
        "",  # C2 ý kiến khác: blank
        "4",  # C3 Đồng ý
        "3",  # C4 Xây dựng Đảng: Khá
        "4",  # C4 Phát triển kinh tế: Tốt
        "",  # C5 (only when C1 is "Không"): blank
        "25",  # C6 years in the Party
        "3",  # C7 Cao cấp
    ]:
        keys.press("Tab")
        if typed:
            keys.type(typed)
    expect(page.get_by_role("textbox", name=re.compile("Trình độ lý luận"))).to_be_focused()
    expect(page.get_by_role("textbox", name=re.compile("qua kênh nào"))).to_have_value("12")
    expect(page.get_by_role("textbox", name=re.compile("Phát triển kinh tế"))).to_have_value("4")
    expect(page.get_by_role("textbox", name=re.compile("Số năm tuổi Đảng"))).to_have_value("25")
    page.screenshot(path=ARTIFACTS / "survey-paper-typed.png", full_page=True)
    keys.press("Enter")

    expect(main.get_by_text("Đã nhập phiếu SIBL0-00000 (phiếu thứ 1 hôm nay).")).to_be_visible()
    expect(code_box).to_have_value("")
    expect(code_box).to_be_focused()  # ready for the next paper
    response = Response.objects.get(survey=world.survey)
    assert response.channel == Channel.PAPER
    assert response.unit == world.sibling_alloc.unit
    picked = {(a.question_id, a.choice.value) for a in response.answers.exclude(choice=None)}
    assert (world.q_aware.pk, 1) in picked and (world.q_level.pk, 3) in picked
    assert response.answers.get(question=world.q_years).number == 25
    assert Code.objects.get(code="SIBL000000").used
    assert refused == []


def test_the_officer_reads_the_results_and_the_ward_only_its_quota(
    page, world, propaganda_officer, ward_clerk
):
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")
    # Five forms: four from An Hội (one "Không"), one from Phú Khương.
    for code, aware in (("WARD000000", 1), ("WARD000001", 1), ("WARD000002", 1)):
        response_submit(code_text=code, data=full_answers(world, aware=aware), today=world.today)
    response_submit(code_text="WARD000003", data=full_answers(world, aware=2), today=world.today)
    response_submit(
        code_text="SIBL000000", data=full_answers(world), channel=Channel.PAPER, today=world.today
    )

    # --- The officer: the count against the quota and each question's percentages. ---
    log_in(page, propaganda_officer)
    page.goto(reverse("surveys:survey", args=[world.survey.pk]))
    main.get_by_role("link", name="Kết quả", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kết quả khảo sát: {world.survey.title}"
    )
    received = main.locator("section", has=page.get_by_role("heading", name="Số phiếu đã nhận"))
    expect(received).to_contain_text("5 / 20 phiếu theo kế hoạch")
    aware = main.locator(f"#q{world.q_aware.pk}")
    expect(aware).to_contain_text("5 phiếu trả lời câu này")
    expect(aware.get_by_role("row", name=re.compile(r"^1\. Có 4 80,0%"))).to_be_visible()
    expect(aware.get_by_role("row", name=re.compile(r"^2\. Không 1 20,0%"))).to_be_visible()
    page.screenshot(path=ARTIFACTS / "survey-results.png", full_page=True)
    log_out(page)

    # --- The ward clerk: no results, his own share of the quota only. ---
    log_in(page, ward_clerk)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Khảo sát", exact=True
    ).click()
    main.get_by_role("link", name=world.survey.title).click()
    expect(main.get_by_role("link", name="Kết quả", exact=True)).to_have_count(0)
    forbidden = page.goto(reverse("surveys:results", args=[world.survey.pk]))
    assert forbidden.status == 403
    expect(page.get_by_text("Số phiếu đã nhận")).to_have_count(0)
    page.go_back()
    main.get_by_role("link", name="Tiến độ thu phiếu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Tiến độ thu phiếu: {world.survey.title}"
    )
    expect(main.get_by_text("Bạn xem phần phân bổ cho đơn vị mình.")).to_be_visible()
    expect(
        main.get_by_role("row", name=re.compile("^Đảng ủy Phường An Hội Đảng viên 10 10 4 40,0%"))
    ).to_be_visible()
    expect(main.get_by_text("Phú Khương")).to_have_count(0)
    expect(main.get_by_text("Cán bộ chủ chốt")).to_have_count(0)
    expect(main.get_by_role("link", name="Xem kết quả khảo sát")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "survey-ward-quota.png", full_page=True)
    assert refused == []
