"""A public site in a real browser, in Vietnamese: the City Committee's manager opens the site, an
editor writes the news of plan 07-KH/ThU and publishes it, and shows the "Năm không" programme
with one indicator; then a citizen, without logging in and on a phone's screen, finds the post by
typing without diacritics, reads it and comments on it, opens the programme, and never meets the
draft; the editor approves the comment and replies, and the citizen sees both (never the phone
number given). A second flow shows the dissemination: a task group with a subtask left out and a
campaign with one target group, next to a document and a survey's results, read on a phone.
Each public page passes axe-core's WCAG 2.1 A and AA rules, and the policy refuses nothing on
them."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, log_out, watch_csp
from trienkhai.documents import services as documents
from trienkhai.plans import indicators
from trienkhai.plans import programmes as programme_services
from trienkhai.plans.models import Direction, Precision
from trienkhai.public.models import Post, PublicSite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Thành ủy triển khai Kế hoạch 07-KH/ThU"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def five_nos(tree):
    resolution = documents.document_register(
        actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text="01-NQ/ThU",
        issued_on=dt.date(2015, 12, 1), summary="Nghị quyết về thực hiện “Năm không”",
    )  # fmt: skip
    programme = programme_services.programme_create(
        actor=None, document=resolution, title="Chương trình thực hiện “Năm không”",
        field="Trật tự xã hội", owner_unit=tree.city, start_year=2016, end_year=2030,
    )  # fmt: skip
    housing = indicators.indicator_create(
        actor=None, unit=tree.city, programme=programme, name="Hộ ở nhà tạm", measure_unit="hộ",
        direction=Direction.ELIMINATE, target_date=dt.date(2030, 12, 31),
        target_precision=Precision.YEAR, baseline_value=Decimal(1200), baseline_year=2015,
    )  # fmt: skip
    for value, day in ((800, dt.date(2018, 12, 31)), (450, dt.date(2020, 6, 30))):
        indicators.measurement_add(
            actor=None, indicator=housing, unit=tree.city, value=Decimal(value), measured_on=day
        )
    indicators.indicator_create(
        actor=None, unit=tree.city, programme=programme, name="Số vụ trộm cắp (nội bộ)",
        measure_unit="vụ", direction=Direction.AT_MOST, target_value=Decimal(10),
        target_date=dt.date(2030, 1, 1), target_precision=Precision.YEAR,
    )  # fmt: skip
    return programme


def check_accessibility(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def test_a_unit_publishes_and_a_citizen_reads(
    page, browser, live_server, tree, city_secretary, propaganda_officer, five_nos
):
    refused = watch_csp(page)
    # The manager opens the city's site.
    log_in(page, city_secretary)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Trang công khai"
    ).click()
    page.get_by_role("link", name="Mở trang công khai cho Thành ủy Bến Tre").click()
    page.get_by_label("Địa chỉ").fill("thanh-uy-ben-tre")
    page.get_by_label("Giới thiệu").fill("Thông tin về việc thực hiện Nghị quyết Đại hội.")
    page.get_by_label("Mở trang cho công chúng").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu trang công khai.")).to_be_visible()
    log_out(page)

    # An editor writes the post, keeps a draft, and shows the programme with one indicator.
    log_in(page, propaganda_officer)
    page.goto("/public/")
    page.get_by_role("link", name="Thành ủy Bến Tre").first.click()
    page.get_by_role("link", name="Viết tin mới").click()
    page.get_by_label("Tiêu đề").fill(TITLE)
    page.get_by_label("Tóm tắt").fill("Hội nghị quán triệt cho 250 cán bộ chủ chốt.")
    page.get_by_label("Nội dung").fill(
        "Sáng nay Thành ủy tổ chức hội nghị.\n\n51 tổ chức cơ sở đảng ban hành quy chế."
    )
    page.get_by_label("Chuyên mục").fill("Tin hoạt động")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("button", name="Đăng lên trang công khai").click()
    expect(page.get_by_text("Tin đã được đăng lên trang công khai.")).to_be_visible()
    page.goto(f"/public/sites/{PublicSite.objects.get().pk}/posts/new/")
    page.get_by_label("Tiêu đề").fill("Bản nháp nội bộ")
    page.get_by_label("Nội dung").fill("Chưa đăng.")
    page.get_by_role("button", name="Lưu").click()
    page.goto(f"/public/sites/{PublicSite.objects.get().pk}/programmes/")
    page.get_by_role("link", name="Chương trình thực hiện “Năm không”").click()
    page.get_by_label("Giới thiệu với người dân").fill("Thành phố phấn đấu không còn hộ ở nhà tạm.")
    page.get_by_label("Hộ ở nhà tạm").check()
    page.get_by_role("button", name="Công khai").click()
    expect(page.get_by_text("đã được công khai")).to_be_visible()
    log_out(page)
    assert Post.objects.filter(status=Post.Status.DRAFT, title="Bản nháp nội bộ").exists()

    # A citizen on a phone, not logged in.
    phone = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 375, "height": 740}
    )
    citizen = phone.new_page()
    refused += watch_csp(citizen)
    citizen.goto("/p/thanh-uy-ben-tre/")
    expect(citizen.get_by_role("heading", name="Tin tức")).to_be_visible()
    check_accessibility(citizen)
    citizen.get_by_label("Tìm trên trang").fill("quan triet 250")
    citizen.get_by_role("button", name="Tìm").click()
    expect(citizen.get_by_role("link", name=TITLE)).to_be_visible()
    expect(citizen.get_by_text("Bản nháp nội bộ")).to_have_count(0)
    citizen.get_by_role("link", name=TITLE).click()
    expect(citizen.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(citizen.locator('meta[property="og:title"]')).to_have_attribute("content", TITLE)
    check_accessibility(citizen)
    width = citizen.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the post is {width}px wide on a 375px screen"
    # The citizen comments; the comment waits for the unit.
    citizen.get_by_label("Họ tên").fill("Nguyễn Thị Dân")
    citizen.get_by_label("Điện thoại hoặc email").fill("0912 345 678")
    citizen.get_by_label("Ý kiến của bạn").fill("Đề nghị lắp thêm đèn đường ở khu phố 3.")
    citizen.get_by_role("button", name="Gửi ý kiến").click()
    expect(citizen.get_by_text("Ý kiến sẽ hiện sau khi được đơn vị duyệt")).to_be_visible()
    expect(citizen.get_by_text("Đề nghị lắp thêm đèn đường")).to_have_count(0)
    citizen.get_by_role("link", name="Các tin khác").click()
    citizen.get_by_role("link", name="Chương trình thực hiện “Năm không”").click()
    expect(citizen.get_by_role("heading", name="Hộ ở nhà tạm")).to_be_visible()
    expect(citizen.get_by_text("(số liệu đến ngày 30-06-2020)")).to_be_visible()
    expect(citizen.get_by_text("Số vụ trộm cắp (nội bộ)")).to_have_count(0)
    check_accessibility(citizen)

    # The editor approves it and replies; the citizen sees both, never the phone number.
    log_in(page, propaganda_officer)
    page.goto(f"/public/sites/{PublicSite.objects.get().pk}/comments/")
    expect(page.get_by_text("0912 345 678")).to_be_visible()
    page.get_by_role("button", name="Duyệt, cho hiện").click()
    expect(page.get_by_text("Ý kiến đã được duyệt và đang hiện.")).to_be_visible()
    page.get_by_role("link", name="Đang hiện (1)").click()
    page.get_by_label("Trả lời của đơn vị").fill("Cảm ơn, thành phố sẽ bổ sung trong quý tới.")
    page.get_by_role("button", name="Lưu trả lời").click()
    expect(page.get_by_text("Đã lưu trả lời của đơn vị.")).to_be_visible()
    citizen.goto(f"/p/thanh-uy-ben-tre/tin/{Post.objects.get(title=TITLE).slug}/")
    expect(citizen.get_by_text("Đề nghị lắp thêm đèn đường ở khu phố 3.")).to_be_visible()
    expect(citizen.get_by_text("Cảm ơn, thành phố sẽ bổ sung trong quý tới.")).to_be_visible()
    expect(citizen.get_by_text("0912 345 678")).to_have_count(0)
    check_accessibility(citizen)
    phone.close()
    assert refused == []


def test_an_editor_shows_the_dissemination_and_a_citizen_follows_it(
    page, browser, live_server, tree, propaganda_officer, admin_user
):
    """The editor finds the dissemination task by typing without diacritics, leaves one subtask
    out, and shows the campaign with one target group; the survey's results and the plan are
    shown too. A citizen on a phone reads each page: tables fit by scrolling inside, axe finds
    nothing, and what was left out is not there."""
    from tests.outreach.builders import campaign_world
    from tests.surveys.builders import congress_survey
    from tests.surveys.test_results import WARD, submit
    from trienkhai.outreach.defaults import ensure_target_groups
    from trienkhai.outreach.models import TargetGroup
    from trienkhai.plans import tasks
    from trienkhai.public import services

    ensure_target_groups(TargetGroup)  # a transactional test starts without the migration's rows
    refused = watch_csp(page)
    site = services.site_save(
        actor=admin_user, unit=tree.city, slug="thanh-uy-ben-tre", title="Thành ủy Bến Tre",
        is_open=True,
    )  # fmt: skip
    head = tasks.task_create(
        actor=None, title="Triển khai quán triệt Nghị quyết Đại hội trong toàn Đảng bộ",
        assigned_by=tree.city, lead_unit=tree.city, deadline=dt.date(2020, 9, 30),
    )  # fmt: skip
    for title, unit in (
        ("Quán triệt tại Phường An Hội", tree.ward),
        ("Quán triệt tại Phường Phú Khương", tree.sibling),
        ("Việc chuẩn bị nội bộ", tree.city),
    ):
        tasks.task_create(
            actor=None, title=title, assigned_by=tree.city, lead_unit=unit, parent=head,
            deadline=dt.date(2020, 9, 30),
        )  # fmt: skip
    world = campaign_world(tree)
    services.document_publish(actor=admin_user, site=site, document=world.plan)
    survey = congress_survey(tree)
    submit(survey, WARD)
    services.survey_publish(
        actor=admin_user, site=site, survey=survey.survey, summary="Ý kiến cán bộ, đảng viên.",
        question_ids=[survey.q_aware.pk],
    )  # fmt: skip

    log_in(page, propaganda_officer)
    page.goto(f"/public/sites/{site.pk}/")
    page.get_by_role("link", name="Nhóm nhiệm vụ công khai").click()
    page.get_by_label("Tìm nhiệm vụ có nhiệm vụ con").fill("quan triet dai hoi")
    page.get_by_label("Tìm nhiệm vụ có nhiệm vụ con").press("Enter")
    page.get_by_role("link", name=head.title).click()
    page.get_by_role("button", name="Công khai").click()
    expect(page.get_by_text("Hãy viết vài dòng giới thiệu nhóm nhiệm vụ")).to_be_visible()
    page.get_by_label("Giới thiệu với người dân").fill("Các xã, phường học tập nghị quyết.")
    page.get_by_label("Việc chuẩn bị nội bộ").uncheck()
    page.get_by_role("button", name="Công khai").click()
    expect(page.get_by_text("đã được công khai")).to_be_visible()
    page.goto(f"/public/sites/{site.pk}/")
    page.get_by_role("link", name="Đợt quán triệt công khai").click()
    page.get_by_role("link", name=world.campaign.title).click()
    page.get_by_label("Giới thiệu với người dân").fill("Đảng viên toàn thành phố học nghị quyết.")
    page.get_by_label("Cán bộ chủ chốt").uncheck()
    page.get_by_role("button", name="Công khai").click()
    expect(page.get_by_text("đã được công khai")).to_be_visible()
    log_out(page)

    phone = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 375, "height": 740}
    )
    citizen = phone.new_page()
    refused += watch_csp(citizen)
    citizen.goto("/p/thanh-uy-ben-tre/")
    check_accessibility(citizen)
    citizen.get_by_role("link", name=head.title).click()
    expect(citizen.get_by_role("heading", name=head.title)).to_be_visible()
    expect(citizen.get_by_role("cell", name="Quán triệt tại Phường An Hội")).to_be_visible()
    expect(citizen.get_by_text("Việc chuẩn bị nội bộ")).to_have_count(0)
    check_accessibility(citizen)
    width = citizen.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the task group is {width}px wide on a 375px screen"
    citizen.get_by_role("link", name="Trang chủ").click()
    citizen.get_by_role("link", name=world.campaign.title).click()
    expect(citizen.get_by_role("heading", name="Kết quả quán triệt")).to_be_visible()
    expect(citizen.get_by_role("columnheader", name="Đảng viên")).to_be_visible()
    expect(citizen.get_by_role("columnheader", name="Cán bộ chủ chốt")).to_have_count(0)
    check_accessibility(citizen)
    width = citizen.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the campaign is {width}px wide on a 375px screen"
    citizen.get_by_role("link", name="07-KH/ThU").first.click()
    expect(citizen.get_by_role("heading", name="07-KH/ThU")).to_be_visible()
    check_accessibility(citizen)
    citizen.goto("/p/thanh-uy-ben-tre/")
    citizen.get_by_role("link", name=survey.survey.title).click()
    expect(citizen.get_by_role("heading", name=survey.q_aware.text)).to_be_visible()
    check_accessibility(citizen)
    phone.close()
    assert refused == []
