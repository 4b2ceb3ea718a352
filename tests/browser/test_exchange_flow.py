"""Moving a plan's implementation between deployments in a real browser, in Vietnamese: the city
secretary uploads a package made elsewhere, is told what is wrong with a wrong file, reads the
preview (nothing written yet), applies it, and downloads the plan's package as Excel."""

import json

import pytest
from django.db import transaction
from playwright.sync_api import expect

from tests.browser.helpers import log_in, watch_csp
from tests.exchange.conftest import build_plan
from trienkhai.documents.models import Document
from trienkhai.exchange.export import export_package
from trienkhai.plans.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretary_imports_a_package_then_exports_it(page, tree, city_secretary, tmp_path):
    with transaction.atomic():
        world = build_plan(tree, city_secretary)
        package = export_package(city_secretary, world.plan)
        transaction.set_rollback(True)
    good = tmp_path / "07-KH-ThU.json"
    good.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    wrong = tmp_path / "sai.json"
    wrong.write_text(json.dumps({**package, "version": 9}), encoding="utf-8")

    refused = watch_csp(page)
    main = page.get_by_role("main")
    log_in(page, city_secretary)
    page.goto("/exchange/import/")
    expect(page.get_by_role("heading", name="Nhập gói dữ liệu", level=1)).to_be_visible()

    # A file of another version is refused, with the reason.
    page.get_by_label("Tệp gói dữ liệu (.json, .xlsx)").set_input_files(str(wrong))
    page.get_by_role("button", name="Xem trước").click()
    expect(main.get_by_role("alert")).to_contain_text("Gói dữ liệu phiên bản 9")

    # The right one: a preview, and nothing written yet.
    page.get_by_label("Tệp gói dữ liệu (.json, .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("heading", name="Xem trước khi nhập", level=1)).to_be_visible()
    tasks_row = main.locator("#counts tr", has_text="Nhiệm vụ")
    expect(tasks_row.locator("td").first).to_have_text("3")
    expect(main.locator("#changes")).to_contain_text("Chỉnh trang các tuyến đường trung tâm")
    assert not Task.objects.exists()

    page.get_by_role("button", name="Áp dụng").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Đã nhập gói dữ liệu: 13 mục mới, 0 mục cập nhật."
    )
    expect(page.get_by_role("heading", name="Đã nhập gói dữ liệu", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Áp dụng")).to_have_count(0)
    assert Task.objects.count() == 3

    # The plan now has its page, and its package as Excel.
    plan = Document.objects.get(number_text="07-KH/ThU")
    page.goto(f"/documents/{plan.pk}/")
    with page.expect_download() as download:
        main.locator(".exchange-links").get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.startswith("trien-khai-07-kh-thu-")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert refused == []
