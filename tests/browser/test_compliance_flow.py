"""A requirement and its compliance matrix in a real browser: the city secretary requires every
grassroots Party committee to issue its working rules implementing the Congress resolution; the
An Hội clerk registers his ward's rules and links them to the resolution; the matrix shows An Hội
done and Phú Khương still missing."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, log_out, watch_csp
from tests.documents.builders import register
from trienkhai.plans.models import Requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES = "Ban hành quy chế làm việc của cấp ủy nhiệm kỳ 2020 - 2025"


def test_a_ward_registers_its_rules_and_the_matrix_shows_done_and_missing(
    page, tree, city_secretary, ward_clerk
):
    today = timezone.localdate()
    congress = register(
        tree.city,
        "01-NQ/ThU",
        today - dt.timedelta(days=60),
        "Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII",
    )
    due = today + dt.timedelta(days=30)
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation", name="Chức năng chính")

    # --- The city secretary sets the requirement on the grassroots Party committees. ---
    log_in(page, city_secretary)
    nav.get_by_role("link", name="Yêu cầu, tuân thủ").click()
    main.get_by_role("link", name="Đặt yêu cầu mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Đặt yêu cầu đối với đơn vị trực thuộc"
    )
    page.get_by_role("textbox", name="Nội dung yêu cầu", exact=True).fill(RULES)
    # Her only unit is offered already.
    expect(
        page.locator("#id_set_by_picker").get_by_role("radio", name="Thành ủy Bến Tre")
    ).to_be_checked()
    main.get_by_role("checkbox", name="Đảng ủy cơ sở, Đảng ủy xã, phường").check()
    main.get_by_role("checkbox", name="Chỉ các đơn vị trực thuộc trực tiếp").check()
    page.get_by_role("combobox", name="Loại văn bản phải ban hành").select_option("QC")
    page.locator("#id_implements").fill("01-NQ")
    main.get_by_role("radio", name=re.compile(r"^01-NQ")).check()
    page.get_by_role("textbox", name="Thời hạn", exact=True).fill(due.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Đặt yêu cầu").click()
    expect(page).to_have_url(re.compile(r"/plans/requirements/\d+/$"))
    expect(main.get_by_text(f"Đã đặt yêu cầu “{RULES}” cho 2 đơn vị.")).to_be_visible()
    requirement = Requirement.objects.get(title=RULES)
    assert requirement.implements == congress
    log_out(page)

    # --- The An Hội clerk registers the ward's rules and records what they implement. ---
    log_in(page, ward_clerk)
    page.goto("/documents/new/")
    expect(page.get_by_role("heading", name="Vào sổ văn bản đã ban hành")).to_be_visible()
    page.locator("#id_issuer_unit").fill("an hoi")
    main.get_by_role("radio", name="Đảng ủy Phường An Hội", exact=True).check()
    page.get_by_label("Số, ký hiệu").fill("01-QC/ĐU")
    page.get_by_label("Loại văn bản").select_option("QC")
    page.get_by_label("Ngày ban hành").fill(today.strftime("%d-%m-%Y"))
    page.get_by_label("Trích yếu").fill("Quy chế làm việc của Ban Chấp hành Đảng bộ phường An Hội")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("01-QC/ĐU")
    main.get_by_role("link", name="Ghi quan hệ với văn bản khác").first.click()
    page.get_by_label("Văn bản này").select_option("implements")
    page.locator("#id_target").fill("nghi quyet dai hoi")
    main.get_by_role("radio", name=re.compile("Nghị quyết Đại hội")).check()
    page.get_by_role("button", name="Ghi quan hệ").click()
    expect(main.get_by_role("link", name="01-NQ/ThU")).to_be_visible()
    log_out(page)

    # --- The matrix: An Hội done with its document, Phú Khương not yet. ---
    log_in(page, city_secretary)
    nav.get_by_role("link", name="Yêu cầu, tuân thủ").click()
    row = main.get_by_role("row", name=re.compile(RULES))
    expect(row).to_contain_text("01-NQ/ThU")
    main.get_by_role("link", name="Xem ma trận tuân thủ").click()
    expect(page.get_by_role("heading", name="Ma trận tuân thủ", level=1)).to_be_visible()
    matrix = main.locator("table.matrix")
    an_hoi = matrix.get_by_role("row", name=re.compile("Đảng ủy Phường An Hội"))
    phu_khuong = matrix.get_by_role("row", name=re.compile("Đảng ủy Phường Phú Khương"))
    expect(an_hoi.locator(".state")).to_have_text("✔ Hoàn thành")
    expect(an_hoi.locator(".state")).to_have_class(re.compile(r"\bstate-done\b"))
    expect(an_hoi.get_by_role("link", name="01-QC/ĐU")).to_be_visible()
    expect(phu_khuong.locator(".state")).to_have_text("○ Chưa có (chưa đến hạn)")
    expect(phu_khuong.locator(".state")).to_have_class(re.compile(r"\bstate-missing\b"))
    # The colours come from the stylesheet: done is green, missing is not.
    done_bg = an_hoi.locator(".state").evaluate("el => getComputedStyle(el).backgroundColor")
    missing_bg = phu_khuong.locator(".state").evaluate("el => getComputedStyle(el).backgroundColor")
    assert done_bg == "rgb(227, 245, 230)" and missing_bg != done_bg
    # The cell of the ward's own cell (a party cell, not directly under the city) is not asked.
    expect(matrix.get_by_role("row", name=re.compile("Chi bộ Khu phố 1"))).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "compliance-matrix.png", full_page=True)
    assert refused == []
