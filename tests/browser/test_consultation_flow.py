"""A consultation on a draft in a real browser: the City Office creates the draft with its Word
file and asks the Standing Committee; a member comments on an article (a double click records one
comment); the Office marks it "Tiếp thu" in the synthesis table (htmx, row by row) and downloads
the synthesis as Word."""

import io
import re
import time

import docx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, log_out, watch_csp
from tests.conftest import make_user
from tests.documents import builders, consultation_world
from trienkhai.documents import consultation as consult
from trienkhai.documents.models import Comment, Document, Resolution
from trienkhai.org.models import AccessRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = consultation_world.world

SUMMARY = "Dự thảo Quy chế làm việc của Ban Chấp hành Đảng bộ thành phố khóa XII"
COMMENT = "Đề nghị bổ sung đối tượng áp dụng là các đồng chí Ủy viên Ban Chấp hành."


def test_the_office_consults_the_standing_committee_and_synthesises(page, world, monkeypatch):
    real_submit = consult.comment_submit
    office = make_user("vanphong", unit=world.city, role=AccessRole.EDITOR)
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")

    # --- The Office creates the draft with its Word file. ---
    log_in(page, office)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Văn bản"
    ).click()
    expect(page.get_by_role("heading", name="Sổ văn bản", level=1)).to_be_visible()
    main.get_by_role("link", name="Tạo dự thảo").click()
    expect(page.get_by_role("heading", name="Tạo dự thảo")).to_be_visible()
    main.get_by_role("radio", name="Văn bản của Đảng").check()
    page.get_by_label("Loại văn bản").select_option("QC")
    # The Office's only unit is offered already as the drafting unit.
    expect(main.get_by_role("radio", name="Thành ủy Bến Tre", exact=True)).to_be_checked()
    page.get_by_label("Trích yếu").fill(SUMMARY)
    page.get_by_label("Tệp dự thảo").set_input_files(
        {
            "name": "du-thao-quy-che.docx",
            "mimeType": builders.DOCX_TYPE,
            "buffer": builders.docx_bytes(
                "Điều 1. Phạm vi điều chỉnh", "Điều 2. Đối tượng áp dụng"
            ),
        }
    )
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(main.get_by_text("Đã tạo dự thảo.")).to_be_visible()
    expect(main.get_by_role("link", name="du-thao-quy-che.docx").first).to_be_visible()
    draft = Document.objects.get(summary=SUMMARY)

    # --- ... and asks everyone holding a position in the Standing Committee. ---
    main.get_by_role("link", name="Lấy ý kiến dự thảo").click()
    expect(page).to_have_url(re.compile(rf"/documents/{draft.pk}/consultations/new/$"))
    main.get_by_role(
        "checkbox", name=re.compile(r"Ban Thường vụ Thành ủy Bến Tre \(3 người\)")
    ).check()
    page.get_by_label("Lời nhắn cho người được xin ý kiến").fill(
        "Đề nghị các đồng chí nghiên cứu, góp ý."
    )
    page.get_by_role("button", name="Gửi xin ý kiến").click()
    expect(page).to_have_url(re.compile(r"/documents/consultations/\d+/$"))
    expect(main.get_by_text("Đã mở đợt lấy ý kiến lần 1 và gửi tới 3 người.")).to_be_visible()
    expect(main.get_by_role("cell", name="Lê Văn Cường")).to_be_visible()
    round_url = page.url
    log_out(page)

    # --- A Standing Committee member finds it under "Cần góp ý" and comments on an article. ---
    log_in(page, world.cuong.user)
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Cần góp ý"
    ).click()
    expect(page.get_by_role("heading", name="Cần góp ý", level=1)).to_be_visible()
    row = main.get_by_role("row", name=re.compile("Dự thảo Quy chế làm việc"))
    expect(row.get_by_text("Chưa trả lời")).to_be_visible()
    row.get_by_role("link", name=re.compile("Dự thảo Quy chế làm việc")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Góp ý dự thảo")
    expect(main.get_by_role("link", name="du-thao-quy-che.docx")).to_be_visible()
    page.get_by_label("Điều, khoản góp ý").fill("Điều 2")
    page.get_by_label("Nội dung góp ý").fill(COMMENT)
    # A slow server (held half a second here) is when people click twice: the second click lands
    # while the first form is on its way, and both reach the server with the same form token.
    calls = []

    def slow_submit(**kwargs):
        calls.append(kwargs.get("submission_key"))
        time.sleep(0.5)
        return real_submit(**kwargs)

    monkeypatch.setattr(consult, "comment_submit", slow_submit)
    send = page.get_by_role("button", name="Gửi ý kiến")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_request(lambda r: r.method == "POST"):
        page.mouse.click(x, y)
    page.mouse.click(x, y)
    expect(main.get_by_text("Đã ghi nhận ý kiến của đồng chí.")).to_be_visible()
    expect(main.get_by_role("cell", name="Điều 2", exact=True)).to_have_count(1)
    assert len(calls) == 2 and calls[0] == calls[1], calls
    assert Comment.objects.filter(consultation__document=draft).count() == 1
    page.screenshot(path=ARTIFACTS / "consultation-respond.png", full_page=True)
    log_out(page)

    # --- The Office marks it "Tiếp thu" in the synthesis table, without leaving the page. ---
    log_in(page, office)
    page.goto(round_url)
    comment = Comment.objects.get(consultation__document=draft)
    table_row = page.locator(f"#comment-{comment.pk}")
    expect(table_row).to_contain_text(COMMENT)
    table_row.get_by_label("Xử lý").select_option(label="Tiếp thu")
    table_row.get_by_label("Nội dung tiếp thu, giải trình").fill(
        "Đã bổ sung tại Điều 2 của dự thảo."
    )
    with page.expect_response(
        lambda r: r.url.endswith(f"/comments/{comment.pk}/resolve/")
    ) as saved:
        table_row.get_by_role("button", name="Lưu").click()
    assert saved.value.request.headers.get("hx-request") == "true"  # htmx, not a page load
    expect(table_row.get_by_role("status")).to_have_text("Đã lưu")
    expect(page).to_have_url(round_url)
    comment.refresh_from_db()
    assert comment.resolution == Resolution.ACCEPTED
    assert comment.response == "Đã bổ sung tại Điều 2 của dự thảo."
    page.screenshot(path=ARTIFACTS / "consultation-synthesis.png", full_page=True)

    # --- ... and downloads the synthesis table as Word. ---
    with page.expect_download() as info:
        main.get_by_role("link", name="Bảng tổng hợp (Word)").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    word = docx.Document(io.BytesIO(download.path().read_bytes()))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in word.paragraphs] + cells)
    assert COMMENT in text
    assert "Tiếp thu" in text
    assert "Lê Văn Cường" in text
    assert refused == []
