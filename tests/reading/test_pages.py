"""The reading pages: paste or upload, the review with the text marked, creating the chosen
items (twice is once), the errors a clerk can make — each said on the form, what was typed kept,
never a server error — and the way back from a task to its sentence."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.documents.builders import DOCX_TYPE, docx_bytes, pdf_bytes
from tests.reading.conftest import TEXT, make_reading
from trienkhai.plans.models import Indicator, Task
from trienkhai.reading import apply, services
from trienkhai.reading.models import Reading, ReadingLink

pytestmark = pytest.mark.django_db


def read_url(document):
    return reverse("reading:read_document", args=[document.pk])


def detail_url(reading):
    return reverse("reading:detail", args=[reading.pk])


def apply_url(reading):
    return reverse("reading:apply", args=[reading.pk])


def page_text(response) -> str:
    return response.content.decode()


# --- reading -------------------------------------------------------------------------------------
def test_the_document_page_offers_to_read_it_to_its_editors(world, login, city_secretary):
    response = login(city_secretary).get(reverse("documents:detail", args=[world.followup.pk]))
    assert read_url(world.followup) in page_text(response)


def test_a_viewer_is_not_offered_to_read(world, login, viewer):
    response = login(viewer).get(reverse("documents:detail", args=[world.followup.pk]))
    assert response.status_code == 200
    assert read_url(world.followup) not in page_text(response)


def test_the_task_list_offers_a_plan_from_text(world, login, city_secretary):
    response = login(city_secretary).get(reverse("plans:task_list"))
    assert reverse("reading:new") in page_text(response)


def test_pasted_text_is_read_and_reviewed(world, login, city_secretary):
    client = login(city_secretary)
    response = client.post(read_url(world.followup), {"text": TEXT})
    reading = Reading.objects.get()
    assert response.status_code == 302 and response.url == detail_url(reading)
    assert reading.document == world.followup and reading.unit == world.city

    page = page_text(client.get(detail_url(reading)))
    assert '<mark class="hl hl-doc_ref"' in page and "07-KH/ThU</mark>" in page
    assert '<mark class="hl hl-deadline"' in page
    assert '<mark class="hl hl-quantity" title="Số lượng">11 lớp</mark>' in page
    assert 'class="sentence hl-assignment" id="s0"' in page
    assert "Xây dựng kế hoạch tuyên truyền</textarea>" in page
    # The matched units are chosen in the pickers.
    assert re.search(rf'name="task_0_lead_unit" value="{world.city_committee.pk}" checked', page)
    assert re.search(
        rf'name="task_0_coordinating_units" value="{world.home_affairs.pk}" checked', page
    )
    assert 'value="30-09-2020"' in page or "30-9-2020" in page
    assert apply_url(reading) in page


def test_an_empty_form_says_what_to_do(world, login, city_secretary):
    response = login(city_secretary).post(read_url(world.followup), {"text": "  \n "})
    assert response.status_code == 200
    assert "Hãy dán nội dung văn bản hoặc chọn một tệp để đọc." in page_text(response)
    assert Reading.objects.count() == 0


def test_text_and_file_together_are_refused_and_the_text_is_kept(world, login, city_secretary):
    upload = SimpleUploadedFile("kh.txt", TEXT.encode(), content_type="text/plain")
    response = login(city_secretary).post(
        read_url(world.followup), {"text": "Nội dung đã gõ <b>đậm</b>", "file": upload}
    )
    assert response.status_code == 200
    page = page_text(response)
    assert "vừa dán nội dung vừa chọn tệp" in page
    assert "Nội dung đã gõ &lt;b&gt;đậm&lt;/b&gt;</textarea>" in page
    assert Reading.objects.count() == 0


def test_a_plan_from_text_needs_a_unit_and_keeps_the_text(world, login, propaganda_officer):
    client = login(propaganda_officer)
    assert client.get(reverse("reading:new")).status_code == 200
    response = client.post(reverse("reading:new"), {"text": TEXT})
    page = page_text(response)
    assert "Hãy chọn đơn vị lập kế hoạch." in page
    assert "Giao UBND thành phố chủ trì" in page
    assert Reading.objects.count() == 0
    response = client.post(reverse("reading:new"), {"text": TEXT, "unit": world.city.pk})
    reading = Reading.objects.get()
    assert response.url == detail_url(reading) and reading.document is None


def test_a_unit_outside_ones_scope_is_refused(world, login, ward_clerk):
    response = login(ward_clerk).post(reverse("reading:new"), {"text": TEXT, "unit": world.city.pk})
    assert "Bạn không có quyền lập kế hoạch cho đơn vị đã chọn." in page_text(response)
    assert Reading.objects.count() == 0


def test_a_txt_file_is_read(world, login, city_secretary):
    upload = SimpleUploadedFile("ke-hoach.txt", TEXT.encode("utf-16"), content_type="text/plain")
    login(city_secretary).post(read_url(world.followup), {"file": upload})
    reading = Reading.objects.get()
    assert reading.text.strip() == TEXT and reading.source_name == "ke-hoach.txt"


def test_a_docx_file_is_read(world, login, city_secretary):
    data = docx_bytes(*TEXT.split(". ", 1))
    upload = SimpleUploadedFile("ke-hoach.docx", data, content_type=DOCX_TYPE)
    login(city_secretary).post(read_url(world.followup), {"file": upload})
    reading = Reading.objects.get()
    assert "Giao UBND thành phố chủ trì" in reading.text
    assert "07-KH/ThU" in reading.text


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Chưa đọc được loại tệp"),
        ("ban-quet.pdf", pdf_bytes(), "lớp chữ"),
        ("hong.docx", b"PK\x03\x04 not really a zip", "bị hỏng"),
        ("trong.txt", b"   \n  ", "không có nội dung"),
    ],
)
def test_a_file_that_cannot_be_read_is_said_so_on_the_form(
    world, login, city_secretary, name, data, words
):
    upload = SimpleUploadedFile(name, data)
    response = login(city_secretary).post(read_url(world.followup), {"file": upload})
    assert response.status_code == 200
    page = page_text(response)
    assert words in page, page[page.find("field-error") - 200 : page.find("field-error") + 400]
    assert 'class="field-error"' in page
    assert Reading.objects.count() == 0


def test_a_file_too_large_is_refused(world, login, city_secretary, settings):
    settings.TRIENKHAI_MAX_DOCUMENT_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("lon.txt", b"a" * (1024 * 1024 + 1))
    response = login(city_secretary).post(read_url(world.followup), {"file": upload})
    assert "vượt quá giới hạn 1 MB" in page_text(response)
    assert Reading.objects.count() == 0


def test_a_paste_too_large_for_the_server_is_said_so(world, login, city_secretary, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = login(city_secretary).post(read_url(world.followup), {"text": "x" * 5000})
    assert response.status_code == 200
    assert "Nội dung gửi lên quá lớn để đọc." in page_text(response)


def test_a_text_too_long_is_said_so(world, login, city_secretary, monkeypatch):
    monkeypatch.setattr(services, "MAX_TEXT_CHARS", 100)
    response = login(city_secretary).post(read_url(world.followup), {"text": TEXT})
    assert "vượt quá giới hạn 100 ký tự" in page_text(response)


def test_the_pages_speak_english_from_the_catalogue(world, client, city_secretary):
    """The reading pages go through gettext: the switch changes their language (the words are
    the catalogue's; untranslated ones stay Vietnamese until it has them)."""
    from django.conf import settings as dj

    client.force_login(city_secretary)
    client.cookies[dj.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(read_url(world.followup))
    assert response.status_code == 200
    assert '<html lang="en">' in page_text(response)


# --- reviewing and creating ------------------------------------------------------------------------
def review_data(page: str) -> dict:
    """The review form's fields as the browser would send them, untouched."""
    data: dict[str, list[str]] = {}
    form = page[page.index('action="' + "/reading/") :]
    for m in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        name = attrs.get("name")
        if not name or name == "q" or attrs.get("type") == "search":
            continue
        kind = attrs.get("type", "text")
        if kind in ("checkbox", "radio"):
            if " checked" in m.group(1):
                data.setdefault(name, []).append(attrs.get("value", "on"))
        else:
            data.setdefault(name, []).append(attrs.get("value", ""))
    for m in re.finditer(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[m.group(1)] = [m.group(2).strip("\n").replace("&quot;", '"')]
    for m in re.finditer(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', m.group(2))
        first = re.search(r'<option value="([^"]*)"', m.group(2))
        data[m.group(1)] = [(chosen or first).group(1)]
    return data


def test_creating_the_chosen_items_once(world, login, city_secretary):
    client = login(city_secretary)
    reading = make_reading(world.city, document=world.followup)
    data = review_data(page_text(client.get(detail_url(reading))))
    assert data["task_0_include"] == ["on"] and data["ref_0_include"] == ["on"]
    assert "ind_0_include" not in data  # a quantity is not ticked by default
    data["task_0_title"] = ["Xây dựng kế hoạch tuyên truyền kết quả Đại hội"]
    del data["ref_0_include"]  # the user unticks the reference

    response = client.post(apply_url(reading), data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.title == "Xây dựng kế hoạch tuyên truyền kết quả Đại hội"
    assert list(ReadingLink.objects.values_list("kind", flat=True)) == ["task"]

    page = page_text(client.get(detail_url(reading)))
    assert "Đã tạo 1 mục từ văn bản." in page
    assert reverse("plans:task", args=[task.pk]) in page
    assert 'class="sentence hl-assignment linked" id="s0"' in page
    assert apply_url(reading) not in page  # no second form

    # The same form sent again (a double click, a reload) creates nothing more.
    response = client.post(apply_url(reading), data, follow=True)
    assert "đã được tạo trước đó" in page_text(response)
    assert Task.objects.count() == 1


def test_a_refused_item_is_shown_on_its_row_and_nothing_is_created(world, login, city_secretary):
    client = login(city_secretary)
    reading = make_reading(world.city, document=world.followup)
    data = review_data(page_text(client.get(detail_url(reading))))
    data["task_0_title"] = ["Tên đã sửa, giữ lại khi báo lỗi"]
    data["task_0_lead_unit"] = [str(world.home_affairs.pk)]  # the city cannot assign it
    data["task_0_coordinating_units"] = []
    data["ind_0_include"] = ["on"]
    data["ind_0_deadline"] = ["tháng 9-2020"]
    response = client.post(apply_url(reading), data)
    assert response.status_code == 200
    page = page_text(response)
    assert "Chưa tạo mục nào" in page
    assert "không giao nhiệm vụ được cho" in page
    assert "Tên đã sửa, giữ lại khi báo lỗi</textarea>" in page
    assert Task.objects.count() == 0 and Indicator.objects.count() == 0
    assert not Reading.objects.get().is_applied


def test_a_ticked_row_with_missing_fields_is_refused_by_the_form(world, login, city_secretary):
    client = login(city_secretary)
    reading = make_reading(world.city, document=world.followup)
    data = review_data(page_text(client.get(detail_url(reading))))
    data["ind_0_include"] = ["on"]  # no deadline for it
    data["task_0_lead_unit"] = []
    response = client.post(apply_url(reading), data)
    page = page_text(response)
    assert "Hãy chọn đơn vị chủ trì." in page
    assert "phải có thời hạn đạt" in page
    assert Task.objects.count() == 0


def test_nothing_ticked_is_said_so(world, login, city_secretary):
    client = login(city_secretary)
    reading = make_reading(world.city, document=world.followup)
    response = client.post(apply_url(reading), {})
    assert "Chưa chọn mục nào để tạo" in page_text(response)


def test_an_unticked_row_with_rubbish_is_ignored(world, login, city_secretary):
    client = login(city_secretary)
    reading = make_reading(world.city, document=world.followup)
    data = review_data(page_text(client.get(detail_url(reading))))
    data["ind_0_target_value"] = ["mười một"]
    data["ind_0_deadline"] = ["hôm nào đó"]
    client.post(apply_url(reading), data)
    assert Task.objects.count() == 1


def test_the_task_and_indicator_pages_quote_their_sentence(world, login, city_secretary):
    client = login(city_secretary)
    reading = make_reading(world.city, document=world.followup)
    data = review_data(page_text(client.get(detail_url(reading))))
    data["ind_0_include"] = ["on"]
    data["ind_0_deadline"] = ["tháng 9-2020"]
    client.post(apply_url(reading), data)
    task, indicator = Task.objects.get(), Indicator.objects.get()

    page = page_text(client.get(reverse("plans:task", args=[task.pk])))
    assert "Trích từ văn bản:" in page
    assert f'href="{detail_url(reading)}#s0">«Giao UBND thành phố chủ trì' in page
    page = page_text(client.get(reverse("plans:indicator", args=[indicator.pk])))
    start = TEXT.index("Thành phố tổ chức")
    assert f'href="{detail_url(reading)}#s{start}">«Thành phố tổ chức 11 lớp' in page


def test_who_sees_the_task_but_not_the_reading_gets_the_quote_without_the_link(
    world, client, login, city_secretary, ward_clerk
):
    reading = make_reading(world.city, document=world.followup)
    apply.reading_apply(
        actor=city_secretary,
        reading=reading,
        tasks=[apply.ChosenTask("task_0", 0, 10, "Tổ chức học tập", world.ward, [], None, "day")],
    )
    task = Task.objects.get()
    page = page_text(login(ward_clerk).get(reverse("plans:task", args=[task.pk])))
    assert "Trích từ văn bản:" in page and "«Giao UBND" in page
    assert detail_url(reading) not in page


def test_a_viewer_sees_the_reading_without_the_form(world, login, viewer):
    reading = make_reading(world.city, document=world.followup)
    response = login(viewer).get(detail_url(reading))
    assert response.status_code == 200
    page = page_text(response)
    assert "hl-doc_ref" in page and apply_url(reading) not in page


def test_the_document_page_lists_its_readings(world, login, city_secretary):
    reading = make_reading(world.city, document=world.followup)
    page = page_text(
        login(city_secretary).get(reverse("documents:detail", args=[world.followup.pk]))
    )
    assert detail_url(reading) in page and "chờ xem lại" in page


def test_the_text_is_escaped(world, login, city_secretary):
    client = login(city_secretary)
    client.post(
        read_url(world.followup),
        {"text": "<script>alert(1)</script> Giao UBND thành phố chủ trì xây dựng kế hoạch."},
    )
    page = page_text(client.get(detail_url(Reading.objects.get())))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
