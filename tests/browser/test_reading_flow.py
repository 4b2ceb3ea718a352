"""Reading a text in a real browser, in Vietnamese: the city secretary opens a plan, pastes the
text, reviews what was found (the units already matched), unticks the reference, edits the
task's title, adds a coordinating unit with the picker, creates — and finds the task with
"Trích từ văn bản", which leads back to the sentence."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, watch_csp
from tests.reading.conftest import TEXT, world  # noqa: F401 - the fixture
from trienkhai.documents.models import DocumentRelation
from trienkhai.plans.models import Task
from trienkhai.reading.models import Reading, ReadingLink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Xây dựng kế hoạch tuyên truyền kết quả Đại hội"


def test_the_secretary_reads_a_plan_and_creates_its_task(page, world, city_secretary):  # noqa: F811
    refused = watch_csp(page)
    main = page.get_by_role("main")
    log_in(page, city_secretary)

    # The plan's page offers to read it.
    page.goto(f"/documents/{world.followup.pk}/")
    main.get_by_role("link", name="Đọc văn bản", exact=True).click()
    expect(page.get_by_role("heading", name="Đọc văn bản", level=1)).to_be_visible()

    # An empty form is refused on the page; then the text is pasted.
    page.get_by_role("button", name="Đọc và đề xuất").click()
    expect(main.get_by_text("Hãy dán nội dung văn bản hoặc chọn một tệp để đọc.")).to_be_visible()
    page.get_by_label("Dán nội dung văn bản").fill(TEXT)
    page.get_by_role("button", name="Đọc và đề xuất").click()
    expect(page).to_have_url(re.compile(r"/reading/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đọc văn bản 09-KH/ThU")

    # The text with what was found marked.
    text = main.locator(".reading-text")
    expect(text.locator("mark.hl-doc_ref")).to_have_text("Kế hoạch số 07-KH/ThU")
    expect(text.locator("mark.hl-quantity")).to_have_text("11 lớp")
    expect(text.locator("mark.hl-deadline")).to_contain_text("30-9-2020")
    expect(text.locator(".sentence.hl-assignment")).to_contain_text("Giao UBND thành phố")

    # The proposals: the task with its units matched, the reference ticked, the target not.
    task_row = main.locator("fieldset#task_0")
    expect(task_row.get_by_role("radio", name="Ủy ban nhân dân thành phố Bến Tre")).to_be_checked()
    expect(task_row.get_by_role("checkbox", name="Sở Nội vụ tỉnh Bến Tre")).to_be_checked()
    expect(task_row.get_by_role("textbox", name="Thời hạn")).to_have_value("30-9-2020")
    reference = main.get_by_label("Ghi quan hệ với văn bản này trong sổ")
    expect(reference).to_be_checked()
    expect(main.get_by_label("Tạo chỉ tiêu này")).not_to_be_checked()

    # The secretary unticks the reference, edits the title, adds a coordinating unit.
    reference.uncheck()
    title = task_row.get_by_role("textbox", name="Tên nhiệm vụ")
    expect(title).to_have_value("Xây dựng kế hoạch tuyên truyền")
    title.fill(TITLE)
    picker = task_row.locator("#id_task_0_coordinating_units_picker")
    picker.get_by_role("searchbox").fill("xay dung")
    construction = picker.get_by_role("checkbox", name="Sở Xây dựng tỉnh Bến Tre")
    construction.check()
    expect(construction).to_be_checked()
    page.get_by_role("button", name="Tạo các mục đã chọn").click()

    # Created once: the list of what was created, the sentence marked.
    expect(main.get_by_text("Đã tạo 1 mục từ văn bản.")).to_be_visible()
    created = main.locator("#created")
    expect(created.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("button", name="Tạo các mục đã chọn")).to_have_count(0)
    task = Task.objects.get()
    assert task.title == TITLE and task.lead_unit == world.city_committee
    assert set(task.coordinating_units.all()) == {world.home_affairs, world.construction}
    assert not DocumentRelation.objects.exists()
    assert list(ReadingLink.objects.values_list("kind", flat=True)) == ["task"]

    # The task says where it came from, and leads back to the sentence.
    created.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    quote = main.get_by_text("Trích từ văn bản:")
    expect(quote).to_be_visible()
    main.get_by_role("link", name=re.compile("^«Giao UBND thành phố chủ trì")).click()
    reading = Reading.objects.get()
    expect(page).to_have_url(re.compile(rf"/reading/{reading.pk}/#s0$"))
    expect(page.locator("#s0")).to_contain_text("Giao UBND thành phố chủ trì")

    assert refused == []
