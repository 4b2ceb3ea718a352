"""A dissemination campaign in a real browser: the propaganda officer opens it for the city with a
deadline a month away, hands it to both wards and types how many Party members each must reach;
the An Hội ward clerk finds it, records the class his ward held three days ago (120 expected, 90
came), sees his row at 75 % and sends the ward's report, never seeing the sibling ward; the
officer then sees the ward's row reported at 75 % and the class on the month calendar."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, log_out, watch_csp
from trienkhai.outreach.models import Campaign, ClassSession, ClassStatus, DelegationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Quán triệt Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII"
CLASS_TITLE = "Lớp quán triệt cho đảng viên Phường An Hội"
REPORT = "Đã tổ chức 1 lớp cho 90/120 đảng viên; 30 đồng chí vắng sẽ học bù trong tháng."
WARD = "Đảng ủy Phường An Hội"
SIBLING = "Đảng ủy Phường Phú Khương"


@pytest.fixture(autouse=True)
def _target_groups(target_groups):
    """Seeded rows a transactional test before this one flushed."""


def day_text(day: dt.date) -> str:
    """A date as officials type it: 23-11-2026."""
    return f"{day.day}-{day.month}-{day.year}"


def pick(page, field_id, typed, name):
    """Type into a picker's search box and tick the unit it finds."""
    picker = page.locator(f"#{field_id}_picker")
    picker.get_by_role("searchbox").fill(typed)
    choice = picker.get_by_role("radio", name=name, exact=True)
    choice.check()
    expect(choice).to_be_checked()


def test_the_officer_delegates_the_ward_holds_a_class_and_reports(
    page, tree, propaganda_officer, ward_clerk
):
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation", name="Chức năng chính")
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=30)
    held_on = today - dt.timedelta(days=3)  # a "held" class cannot be in the future

    # --- The propaganda officer opens the campaign for the city. ---
    log_in(page, propaganda_officer)
    nav.get_by_role("link", name="Quán triệt", exact=True).click()
    expect(page.get_by_role("heading", name="Các đợt quán triệt", level=1)).to_be_visible()
    main.get_by_role("link", name="Lập đợt quán triệt").click()
    expect(page.get_by_role("heading", name="Lập đợt quán triệt", level=1)).to_be_visible()
    page.get_by_role("textbox", name="Tên đợt quán triệt", exact=True).fill(TITLE)
    pick(page, "id_owner_unit", "thanh uy ben tre", "Thành ủy Bến Tre")
    main.get_by_role("checkbox", name="Đảng viên", exact=True).check()
    page.get_by_role("textbox", name="Ngày bắt đầu", exact=True).fill(
        day_text(today - dt.timedelta(days=10))
    )
    page.get_by_role("textbox", name="Thời hạn hoàn thành", exact=True).fill(day_text(deadline))
    page.get_by_role("combobox", name="Trạng thái", exact=True).select_option(
        label="Đang triển khai"
    )
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(re.compile(r"/outreach/campaigns/\d+/$"))
    expect(main.get_by_text(f"Đã lập đợt quán triệt “{TITLE}”.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    campaign = Campaign.objects.get(title=TITLE)
    assert campaign.owner_unit == tree.city and campaign.deadline == deadline
    campaign_url = page.url

    # It goes to both wards, with the campaign's deadline.
    main.get_by_role("link", name="Giao đơn vị thực hiện").click()
    expect(page.get_by_role("heading", name="Giao đơn vị thực hiện", level=1)).to_be_visible()
    main.get_by_role("checkbox", name=WARD, exact=True).check()
    main.get_by_role("checkbox", name=SIBLING, exact=True).check()
    page.get_by_role("textbox", name="Yêu cầu", exact=True).fill(
        "Tổ chức quán triệt cho toàn thể đảng viên, báo cáo trước thời hạn."
    )
    main.get_by_role("button", name="Giao", exact=True).click()
    expect(main.get_by_text("Đã giao cho 2 đơn vị thực hiện.")).to_be_visible()

    # Party members expected: 120 in An Hội, 80 in Phú Khương.
    main.get_by_role("link", name="Số người dự kiến").click()
    expect(
        page.get_by_role("heading", name="Số người dự kiến theo đơn vị và đối tượng")
    ).to_be_visible()
    expect(main.get_by_role("columnheader", name="Đảng viên")).to_be_visible()
    main.get_by_role("row", name=re.compile(f"^{WARD}")).get_by_role("textbox").fill("120")
    main.get_by_role("row", name=re.compile(f"^{SIBLING}")).get_by_role("textbox").fill("80")
    main.get_by_role("button", name="Lưu cả bảng").click()
    expect(page).to_have_url(campaign_url)
    expect(main.get_by_text("Đã lưu chỉ tiêu số người (2 ô thay đổi).")).to_be_visible()
    matrix = main.locator("table.matrix")
    expect(matrix.get_by_role("row", name=re.compile(f"^{WARD}"))).to_contain_text("0 / 120 (0%)")
    log_out(page)

    # --- The ward clerk finds the campaign among those he sees. ---
    log_in(page, ward_clerk)
    nav.get_by_role("link", name="Quán triệt", exact=True).click()
    main.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(campaign_url)
    expect(main.get_by_text("Bạn chỉ xem được phần việc của đơn vị mình.")).to_be_visible()
    expect(main.get_by_text(SIBLING)).to_have_count(0)
    expect(main.get_by_role("link", name="Giao đơn vị thực hiện")).to_have_count(0)

    # He records the class held three days ago: 120 Party members expected, 90 came.
    main.get_by_role("link", name="Thêm lớp").click()
    expect(page.get_by_role("heading", name="Thêm lớp quán triệt", level=1)).to_be_visible()
    page.get_by_role("textbox", name="Tên lớp", exact=True).fill(CLASS_TITLE)
    pick(page, "id_organiser", "an hoi", WARD)
    page.get_by_role("textbox", name="Ngày học", exact=True).fill(day_text(held_on))
    page.get_by_role("textbox", name="Giờ bắt đầu", exact=True).fill("7h30")
    page.get_by_role("textbox", name="Giờ kết thúc", exact=True).fill("11h")
    page.get_by_role("textbox", name="Địa điểm", exact=True).fill("Hội trường Đảng ủy phường")
    page.get_by_role("textbox", name="Báo cáo viên", exact=True).fill(
        "Đ/c Trần Văn B, Bí thư Đảng ủy phường"
    )
    page.get_by_role("combobox", name="Trạng thái", exact=True).select_option(label="Đã tổ chức")
    page.get_by_label("Đảng viên: dự kiến").fill("120")
    page.get_by_label("Đảng viên: thực tế tham dự").fill("90")
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(re.compile(r"/outreach/classes/\d+/$"))
    expect(main.get_by_text(f"Đã thêm lớp “{CLASS_TITLE}”.")).to_be_visible()
    session = ClassSession.objects.get(title=CLASS_TITLE)
    assert session.organiser == tree.ward and session.status == ClassStatus.HELD
    assert timezone.localtime(session.starts_at).date() == held_on

    # His row of the matrix: 90 of 120, 75 %; the sibling ward is nowhere.
    page.goto(campaign_url)
    ward_row = main.locator("table.matrix").get_by_role("row", name=re.compile(f"^{WARD}"))
    expect(ward_row).to_contain_text("90 / 120 (75%)")
    expect(main.get_by_role("link", name=CLASS_TITLE)).to_be_visible()
    expect(main.get_by_text(SIBLING)).to_have_count(0)

    # He sends the ward's report from the campaign page.
    page.get_by_role("textbox", name="Báo cáo kết quả", exact=True).fill(REPORT)
    main.get_by_role("button", name="Gửi báo cáo").click()
    expect(page).to_have_url(campaign_url)
    expect(main.get_by_text("Đã gửi báo cáo kết quả.")).to_be_visible()
    expect(main.locator("#giao").get_by_role("row", name=re.compile(f"^{WARD}"))).to_contain_text(
        "Đã báo cáo"
    )
    expect(main.get_by_text(SIBLING)).to_have_count(0)
    delegation = campaign.delegations.get(unit=tree.ward)
    assert delegation.status == DelegationStatus.REPORTED and delegation.report == REPORT
    page.screenshot(path=ARTIFACTS / "campaign-ward-reported.png", full_page=True)
    log_out(page)

    # --- The officer sees the ward's row reported at 75 %, the sibling still at 0. ---
    log_in(page, propaganda_officer)
    page.goto(campaign_url)
    matrix = main.locator("table.matrix")
    ward_row = matrix.get_by_role("row", name=re.compile(f"^{WARD}"))
    expect(ward_row).to_contain_text("đã báo cáo")
    expect(ward_row).to_contain_text("90 / 120 (75%)")
    expect(matrix.get_by_role("row", name=re.compile(f"^{SIBLING}"))).to_contain_text("0 / 80 (0%)")
    # The report beside the delegation, and the same text in the campaign's change log.
    expect(main.get_by_role("cell", name=re.compile("^Đã báo cáo"))).to_contain_text(REPORT)
    expect(main.locator("ins", has_text=REPORT)).to_be_visible()
    page.screenshot(path=ARTIFACTS / "campaign-officer-matrix.png", full_page=True)

    # And the class on the calendar of its month.
    page.goto(reverse("outreach:calendar") + f"?month={held_on:%Y-%m}")
    expect(page.get_by_role("heading", name="Lịch lớp quán triệt", level=1)).to_be_visible()
    grid = main.locator("table.cal-month")
    expect(grid.get_by_role("link", name=CLASS_TITLE)).to_be_visible()
    expect(grid.get_by_role("cell", name=re.compile(CLASS_TITLE))).to_contain_text(str(held_on.day))
    page.screenshot(path=ARTIFACTS / "campaign-calendar.png", full_page=True)
    assert refused == []
