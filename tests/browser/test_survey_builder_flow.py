"""Building a survey in a real browser: the propaganda officer opens a new survey of the city,
adds its first part, a single-choice question whose choices she types one per line, a yes/no
question and a question asked only to those who answer "Không", and previews the form as the
respondents will see it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, watch_csp
from trienkhai.surveys.models import Question, QuestionKind, Survey, SurveyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Khảo sát dư luận xã hội về Đại hội Đảng bộ thành phố"
LEVEL = "Trình độ lý luận chính trị của đồng chí"
AWARE = "Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?"
WHY = "Vì sao đồng chí chưa được quán triệt?"


@pytest.fixture(autouse=True)
def _target_groups(target_groups):
    """Seeded rows a transactional test before this one flushed."""


def test_the_officer_builds_a_survey_with_a_condition_and_previews_it(
    page, tree, propaganda_officer
):
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")

    # --- A new survey of the city. ---
    log_in(page, propaganda_officer)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Khảo sát", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Khảo sát dư luận", level=1)).to_be_visible()
    main.get_by_role("link", name="Lập cuộc khảo sát").click()
    page.get_by_role("textbox", name="Tên cuộc khảo sát", exact=True).fill(TITLE)
    page.get_by_role("textbox", name="Lời giới thiệu (in ở đầu phiếu)").fill(
        "Phiếu không ghi tên người trả lời. Xin đồng chí đánh dấu vào ý kiến phù hợp."
    )
    # Her own unit is already chosen.
    expect(page.locator("#id_owner_unit_picker").get_by_role("radio")).to_be_checked()
    expect(page.locator("#id_owner_unit_picker")).to_contain_text("Thành ủy Bến Tre")
    page.get_by_role("button", name="Lưu").click()
    expect(main.get_by_text("Đã lập cuộc khảo sát.")).to_be_visible()
    expect(page.get_by_role("heading", name="Soạn câu hỏi", level=1)).to_be_visible()
    survey = Survey.objects.get(title=TITLE)
    assert survey.owner_unit == tree.city and survey.status == SurveyStatus.DRAFT

    # --- Its first part. ---
    main.get_by_role("link", name="Thêm phần").click()
    page.get_by_role("textbox", name="Tên phần", exact=True).fill("Phần I. Đánh giá chung")
    page.get_by_role("button", name="Lưu").click()
    expect(main.get_by_text("Đã thêm phần “Phần I. Đánh giá chung”.")).to_be_visible()
    expect(main.get_by_role("heading", name="Phần I. Đánh giá chung", level=2)).to_be_visible()

    # --- A single-choice question, its choices typed one per line. ---
    main.get_by_role("link", name="Thêm câu hỏi", exact=True).click()
    expect(page.get_by_role("heading", name="Thêm câu hỏi", level=1)).to_be_visible()
    page.get_by_role("combobox", name="Loại câu hỏi").select_option(label="Chọn một")
    page.get_by_role("textbox", name="Câu hỏi", exact=True).fill(LEVEL)
    page.get_by_role("textbox", name="Các lựa chọn, hoặc thang đánh giá").fill(
        "Sơ cấp\nTrung cấp\nCao cấp, cử nhân"
    )
    page.get_by_role("checkbox", name="Bắt buộc trả lời").check()
    page.get_by_role("button", name="Lưu và thêm câu tiếp theo").click()
    expect(main.get_by_text("Đã thêm câu C1.")).to_be_visible()

    # --- A yes/no question: its two choices come by themselves. ---
    expect(page.get_by_role("heading", name="Thêm câu hỏi", level=1)).to_be_visible()
    page.get_by_role("combobox", name="Loại câu hỏi").select_option(label="Có / Không")
    page.get_by_role("textbox", name="Câu hỏi", exact=True).fill(AWARE)
    page.get_by_role("button", name="Lưu và thêm câu tiếp theo").click()
    expect(main.get_by_text("Đã thêm câu C2.")).to_be_visible()

    # --- "Why not?", asked only when C2 is answered "Không". ---
    page.get_by_role("combobox", name="Loại câu hỏi").select_option(label="Trả lời dài")
    page.get_by_role("textbox", name="Câu hỏi", exact=True).fill(WHY)
    page.get_by_role("combobox", name="Chỉ hỏi khi câu … được trả lời là …").select_option(
        label="= 2. Không"
    )
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(main.get_by_text("Đã thêm câu C3.")).to_be_visible()
    expect(page.get_by_role("heading", name="Soạn câu hỏi", level=1)).to_be_visible()
    level = main.locator("article", has=page.get_by_role("heading", name=re.compile(LEVEL)))
    expect(level.get_by_role("listitem")).to_have_text(["Sơ cấp", "Trung cấp", "Cao cấp, cử nhân"])
    why = main.locator("article", has=page.get_by_role("heading", name=re.compile(WHY)))
    expect(why).to_contain_text("chỉ hỏi khi câu C2 được trả lời là “Không”")
    page.screenshot(path=ARTIFACTS / "survey-builder.png", full_page=True)

    questions = {q.code: q for q in Question.objects.filter(survey=survey)}
    assert [c.label for c in questions["C1"].choices.order_by("value")] == [
        "Sơ cấp",
        "Trung cấp",
        "Cao cấp, cử nhân",
    ]
    assert questions["C1"].required and questions["C2"].kind == QuestionKind.YESNO
    assert questions["C3"].condition_question == questions["C2"]
    assert questions["C3"].condition_choice.label == "Không"

    # --- The preview: the form as respondents see it, nothing to send. ---
    main.get_by_role("link", name="Xem trước phiếu").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(main.get_by_text("Phiếu không ghi tên người trả lời.")).to_be_visible()
    level_box = main.get_by_role("group", name=re.compile(LEVEL))
    expect(level_box.get_by_role("radio")).to_have_count(3)
    expect(level_box.get_by_role("radio", name="Cao cấp, cử nhân")).to_be_disabled()
    aware_box = main.get_by_role("group", name=re.compile("quán triệt Kế hoạch 07"))
    expect(aware_box.get_by_role("radio", name="Có", exact=True)).to_be_visible()
    expect(aware_box.get_by_role("radio", name="Không", exact=True)).to_be_visible()
    expect(main.get_by_text("Chỉ trả lời nếu câu C2 chọn “Không”.")).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile(WHY))).to_be_visible()
    expect(main.get_by_role("button", name="Gửi phiếu")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "survey-builder-preview.png", full_page=True)
    assert refused == []
