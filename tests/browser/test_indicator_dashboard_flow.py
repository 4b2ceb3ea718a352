"""An indicator and the dashboard in a real browser: an editor enters this year's value and sees
the chart in its colours (the page's Content-Security-Policy forbids inline style, so colours must
survive as SVG attributes); "Tổng hợp" counts the tasks and its chart images load and are drawn
in colour."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, watch_csp
from trienkhai.plans import indicators
from trienkhai.plans import tasks as task_services
from trienkhai.plans.models import Direction, Measurement, Precision, TaskStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATER = "Tỷ lệ hộ dân sử dụng nước sạch"
BLUE = "rgb(11, 79, 156)"  # the first colour of trienkhai.lib.charts.PALETTE, #0b4f9c
# --ok, --link, --warn and --bad of site.css: a status tag in one of them got its class's colour.
STATUS_COLOURS = {"rgb(29, 107, 54)", "rgb(11, 79, 156)", "rgb(138, 90, 0)", "rgb(163, 21, 27)"}


@pytest.fixture
def water(tree):
    """The city's clean-water indicator, 85 % in 2015, 98 % wanted by 2025; 90 % two years ago."""
    today = timezone.localdate()
    indicator = indicators.indicator_create(
        actor=None,
        unit=tree.city,
        name=WATER,
        measure_unit="%",
        direction=Direction.AT_LEAST,
        target_value=Decimal(98),
        target_date=dt.date(today.year + 1, 1, 1),
        target_precision=Precision.YEAR,
        baseline_value=Decimal(85),
        baseline_year=today.year - 5,
    )
    indicators.measurement_add(
        actor=None,
        indicator=indicator,
        unit=tree.city,
        value=Decimal(90),
        measured_on=dt.date(today.year - 2, 12, 31),
        source="Báo cáo của Ủy ban nhân dân thành phố",
    )
    return indicator


@pytest.fixture
def three_tasks(tree):
    """Under the city: one overdue at the ward, one under way, one done."""
    today = timezone.localdate()
    make = task_services.task_create
    overdue = make(
        actor=None,
        title="Rà soát, kiện toàn các chi bộ khu phố",
        assigned_by=tree.city,
        lead_unit=tree.ward,
        deadline=today - dt.timedelta(days=10),
        today=today - dt.timedelta(days=40),
    )
    under_way = make(
        actor=None,
        title="Xây dựng đề án chỉnh trang đô thị",
        assigned_by=tree.city,
        lead_unit=tree.board,
        deadline=today + dt.timedelta(days=90),
    )
    task_services.task_report_progress(
        actor=None,
        task=under_way,
        revision=under_way.revision,
        status=TaskStatus.IN_PROGRESS,
        progress=40,
    )
    done = make(
        actor=None,
        title="Tổ chức hội nghị quán triệt Nghị quyết",
        assigned_by=tree.city,
        lead_unit=tree.sibling,
        deadline=today + dt.timedelta(days=30),
    )
    task_services.task_report_progress(
        actor=None, task=done, revision=done.revision, status=TaskStatus.DONE
    )
    return overdue, under_way, done


STROKES_AND_FILLS = """figure => {
    const colours = new Set();
    for (const el of figure.querySelectorAll("svg path, svg line, svg polyline, svg rect")) {
        const style = getComputedStyle(el);
        colours.add(style.stroke);
        colours.add(style.fill);
    }
    return [...colours];
}"""

# Draws a loaded chart image on a canvas and returns the colours of its pixels (same origin, so
# the canvas is readable): proof the image is drawn in colour, not in default black.
IMAGE_COLOURS = """img => {
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200) colours.add(`rgb(${data[i]}, ${data[i + 1]}, ${data[i + 2]})`);
    }
    return [...colours];
}"""


def test_an_editor_enters_a_value_sees_the_chart_and_the_dashboard_counts(
    page, tree, propaganda_officer, water, three_tasks
):
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation", name="Chức năng chính")
    this_year = timezone.localdate().year

    # --- The editor opens the indicator and enters this year's value. ---
    log_in(page, propaganda_officer)
    nav.get_by_role("link", name="Chỉ tiêu").click()
    main.get_by_role("link", name=WATER).click()
    expect(page.get_by_role("heading", name=WATER, level=1)).to_be_visible()
    main.get_by_role("link", name="Nhập số liệu").click()
    expect(page.get_by_role("heading", name="Nhập số liệu", level=1)).to_be_visible()
    page.get_by_role("textbox", name="Giá trị", exact=True).fill("93,5")
    page.get_by_role("textbox", name="Ngày số liệu", exact=True).fill(f"30-06-{this_year}")
    page.get_by_role("textbox", name="Nguồn số liệu", exact=True).fill(
        "Báo cáo sơ kết 6 tháng của Ủy ban nhân dân thành phố"
    )
    page.get_by_role("button", name="Ghi số liệu").click()
    expect(page).to_have_url(re.compile(rf"/plans/indicators/{water.pk}/$"))
    expect(main.get_by_text(re.compile(r"Đã ghi số liệu 93,5 %"))).to_be_visible()
    assert Measurement.objects.filter(indicator=water, value=Decimal("93.5")).exists()

    # Its status tag is coloured by the stylesheet (an inline style would be refused).
    tag = main.locator(".indicator-status").first
    expect(tag).to_be_visible()
    assert tag.evaluate("el => getComputedStyle(el).color") in STATUS_COLOURS

    # Its chart: an inline SVG whose line keeps its colour under the page's policy.
    chart = main.locator("figure.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("svg")).to_have_count(1)
    colours = chart.evaluate(STROKES_AND_FILLS)
    assert BLUE in colours, colours
    table = main.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Năm"))
    expect(table).to_contain_text(str(this_year))
    expect(table).to_contain_text("93,5")
    chart.screenshot(path=ARTIFACTS / "indicator-chart.png")
    # The change log speaks Vietnamese, even for a yes/no field.
    audit = main.locator("table.audit")
    expect(audit).to_contain_text(re.compile(r"Theo dõi theo đơn vị trực thuộc:\s*→ Không"))
    expect(audit).not_to_contain_text("False")
    page.screenshot(path=ARTIFACTS / "indicator-detail.png", full_page=True)

    # --- "Tổng hợp": the counts of the city's tasks and its charts, drawn in colour. ---
    nav.get_by_role("link", name="Tổng hợp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tổng hợp tình hình thực hiện: Thành ủy Bến Tre"
    )
    tasks_card = main.locator("section.card").filter(
        has=page.get_by_role("heading", name="Nhiệm vụ", exact=True)
    )
    expect(tasks_card).to_contain_text("3 nhiệm vụ do đơn vị và các đơn vị trực thuộc chủ trì")
    expect(tasks_card).to_contain_text("1 quá hạn")
    by_status = main.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Tình trạng")
    )
    for label, count in (("Đang thực hiện", "1"), ("Quá hạn", "1"), ("Hoàn thành", "1")):
        row = by_status.get_by_role("row", name=re.compile(rf"^{label} "))
        expect(row.get_by_role("cell").nth(1)).to_have_text(count)
    expect(main.get_by_role("link", name="Rà soát, kiện toàn các chi bộ khu phố")).to_be_visible()

    images = main.locator("figure.card img")
    expect(images.first).to_be_visible()
    assert images.count() >= 1
    for img in images.all():
        expect(img).to_have_attribute("alt", re.compile(r"\S"))
        img.evaluate("img => img.decode()")
        assert img.evaluate("img => img.complete && img.naturalWidth") > 0
        pixels = img.evaluate(IMAGE_COLOURS)
        coloured = [c for c in pixels if len(set(c[4:-1].split(", "))) > 1]
        assert coloured, f"{img.get_attribute('alt')}: drawn without colour"
    page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)
    assert refused == []
