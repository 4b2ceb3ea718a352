"""A task in a real browser: the city secretary assigns it to the ward with a month deadline, the
ward clerk finds it under "Nhiệm vụ của đơn vị tôi" and reports 60 % with a comment, the secretary
sees it; a second, stale tab saving over it is refused and keeps what was typed."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, log_out, watch_csp
from trienkhai.plans.models import Task, TaskStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Xây dựng Quy chế làm việc của Đảng ủy phường nhiệm kỳ 2020 - 2025"
COMMENT = "Đã xây dựng xong dự thảo, đang lấy ý kiến các chi bộ trực thuộc."


def pick(page, field_id, typed, name):
    """Type into a picker's search box and tick the unit it finds."""
    picker = page.locator(f"#{field_id}_picker")
    picker.get_by_role("searchbox").fill(typed)
    choice = picker.get_by_role("radio", name=name, exact=True)
    choice.check()
    expect(choice).to_be_checked()


def test_the_secretary_assigns_the_ward_reports_and_a_stale_tab_is_refused(
    page, tree, city_secretary, ward_clerk
):
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation", name="Chức năng chính")

    # --- The city secretary assigns the task to the ward, due "tháng 12-2020". ---
    log_in(page, city_secretary)
    nav.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    main.get_by_role("link", name="Giao nhiệm vụ").click()
    expect(page.get_by_role("heading", name="Giao nhiệm vụ", level=1)).to_be_visible()
    page.get_by_role("textbox", name="Tên nhiệm vụ", exact=True).fill(TITLE)
    pick(page, "id_assigned_by", "thanh uy ben tre", "Thành ủy Bến Tre")
    pick(page, "id_lead_unit", "an hoi", "Đảng ủy Phường An Hội")
    page.get_by_role("textbox", name="Thời hạn", exact=True).fill("tháng 12-2020")
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(re.compile(r"/plans/tasks/\d+/$"))
    expect(main.get_by_text(f"Đã giao nhiệm vụ “{TITLE}”.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main.get_by_role("row", name=re.compile(r"^Thời hạn"))).to_contain_text(
        "tháng 12-2020 (quá hạn nếu chưa xong sau ngày 31-12-2020)"
    )
    task = Task.objects.get(title=TITLE)
    assert task.lead_unit == tree.ward and task.assigned_by == tree.city
    assert task.deadline_precision == "month"
    task_url = page.url
    log_out(page)

    # --- The ward clerk finds it among his unit's tasks, in two tabs. ---
    log_in(page, ward_clerk)
    nav.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    main.get_by_role("link", name="Nhiệm vụ của đơn vị tôi").click()
    expect(page.get_by_role("heading", name="Nhiệm vụ của đơn vị tôi", level=1)).to_be_visible()
    row = main.get_by_role("row", name=re.compile("Xây dựng Quy chế làm việc"))
    expect(row).to_contain_text("Thành ủy Bến Tre")
    row.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(task_url)
    stale = page.context.new_page()
    refused_in_stale = watch_csp(stale)
    stale.goto(task_url)

    # In the first tab: 60 % and a comment.
    page.get_by_role("combobox", name="Trạng thái", exact=True).select_option(
        label="Đang thực hiện"
    )
    page.get_by_role("spinbutton", name="Tiến độ (%)").fill("60")
    page.get_by_role("button", name="Cập nhật").click()
    expect(main.get_by_text("Đã cập nhật tiến độ, trạng thái nhiệm vụ.")).to_be_visible()
    page.get_by_label("Ý kiến, kết quả thực hiện").fill(COMMENT)
    page.get_by_role("button", name="Gửi ý kiến").click()
    expect(main.get_by_text("Đã gửi ý kiến.")).to_be_visible()
    expect(main.get_by_text(COMMENT, exact=True)).to_be_visible()

    # In the second tab, opened before: the save is refused and what was typed stays.
    stale.get_by_role("spinbutton", name="Tiến độ (%)").fill("80")
    stale.get_by_role("textbox", name="Ghi chú", exact=True).fill("Đã xong 4 trên 5 chi bộ.")
    stale.get_by_role("button", name="Cập nhật").click()
    expect(stale.get_by_role("main").get_by_role("alert").first).to_contain_text(
        "thay đổi của bạn chưa được lưu"
    )
    expect(stale.get_by_role("spinbutton", name="Tiến độ (%)")).to_have_value("80")
    expect(stale.get_by_role("textbox", name="Ghi chú", exact=True)).to_have_value(
        "Đã xong 4 trên 5 chi bộ."
    )
    stale.screenshot(path=ARTIFACTS / "task-stale-refused.png", full_page=True)
    task.refresh_from_db()
    assert task.progress == 60 and task.status == TaskStatus.IN_PROGRESS
    stale.close()
    assert refused_in_stale == []
    log_out(page)

    # --- The secretary sees the progress and the comment on the task page. ---
    log_in(page, city_secretary)
    page.goto(task_url)
    expect(main.locator("progress").first).to_have_attribute("value", "60")
    expect(main.get_by_text("60%").first).to_be_visible()
    expect(main.get_by_text("Đang thực hiện").first).to_be_visible()
    expect(main.get_by_text(COMMENT, exact=True)).to_be_visible()
    page.screenshot(path=ARTIFACTS / "task-progress.png", full_page=True)
    assert refused == []
