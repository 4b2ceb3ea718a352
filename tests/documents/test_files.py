"""Files of documents: the content decides what a file is, a bad file gets a specific message,
and the text inside a good one makes its document findable."""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.documents.builders import (
    DOCX_TYPE,
    XLSX_TYPE,
    docx_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
    register,
    upload,
    xlsx_bytes,
    zip_bytes,
)
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents import files, selectors
from trienkhai.documents.models import Document, DocumentFile

D = dt.date
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refused(uploaded) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        files.file_check_and_read(uploaded)
    return caught.value


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- good files are read -----------------------------------------------------------------------------
def test_a_pdf_is_read_for_search():
    kind, text = files.file_check_and_read(
        upload("ke-hoach.pdf", pdf_bytes("Ke hoach trien khai", "khuyen nong 2020"))
    )

    assert kind == "pdf"
    assert "Ke hoach trien khai" in text and "khuyen nong 2020" in text


def test_a_docx_is_read_with_its_tables():
    data = docx_bytes(
        "Quy chế làm việc của Ban Chấp hành Đảng bộ thành phố",
        table=[["Điều", "Nội dung"], ["Điều 5", "Chế độ thông tin, báo cáo"]],
    )

    kind, text = files.file_check_and_read(upload("quy-che.docx", data, DOCX_TYPE))

    assert kind == "docx"
    assert "Quy chế làm việc" in text
    assert "Chế độ thông tin, báo cáo" in text


def test_an_xlsx_is_read_cell_by_cell():
    data = xlsx_bytes([["Đơn vị", "Ý kiến"], ["Phường An Hội", "Thống nhất"], [None, 42]])

    kind, text = files.file_check_and_read(upload("tong-hop.XLSX", data, XLSX_TYPE))

    assert kind == "xlsx"
    assert "Phường An Hội Thống nhất" in text and "42" in text


def test_the_text_kept_for_search_is_bounded(monkeypatch):
    monkeypatch.setattr(files, "MAX_TEXT_CHARS", 100)
    data = docx_bytes(*[f"Đoạn văn số {n} của dự thảo" for n in range(200)])

    _kind, text = files.file_check_and_read(upload("dai.docx", data))

    assert len(text) == 100


def test_a_word_inside_the_file_makes_the_document_findable(tree, propaganda_officer):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch triển khai")
    data = docx_bytes("Phát triển kinh tế nông thôn mới, khuyến nông", table=[["Chỉ tiêu", "Xã"]])

    files.file_attach(actor=propaganda_officer, document=plan, uploaded=upload("kh.docx", data))

    found = selectors.search_documents(propaganda_officer, q="khuyen nong").object_list
    assert list(found) == [plan]
    assert list(selectors.search_documents(propaganda_officer, q="Chỉ tiêu").object_list) == [plan]


def test_a_word_inside_a_pdf_and_an_xlsx_makes_the_document_findable(tree, propaganda_officer):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch")

    files.file_attach(
        actor=propaganda_officer,
        document=plan,
        uploaded=upload("kh.pdf", pdf_bytes("phong chong thien tai")),
    )
    files.file_attach(
        actor=propaganda_officer,
        document=plan,
        uploaded=upload("phu-luc.xlsx", xlsx_bytes([["Chỉ tiêu giảm nghèo bền vững"]])),
    )

    for words in ("thien tai", "giam ngheo ben vung"):
        assert list(selectors.search_documents(propaganda_officer, q=words).object_list) == [plan]


def test_attaching_keeps_the_hash_the_size_and_a_log_entry(tree, propaganda_officer):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7))
    data = pdf_bytes("Ke hoach")

    stored = files.file_attach(
        actor=propaganda_officer, document=plan, uploaded=upload("../../etc/Kế hoạch.pdf", data)
    )

    assert stored.original_name == "Kế hoạch.pdf"
    assert stored.size == len(data) and len(stored.sha256) == 64
    assert stored.file.name.startswith("documents/") and stored.file.name.endswith(".pdf")
    assert "Kế hoạch" not in stored.file.name
    entry = audit_entries_for(plan).first()
    assert entry.changes == {"file": [None, "Kế hoạch.pdf"]}


def test_the_same_file_twice_on_one_document_is_refused(tree, propaganda_officer):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7))
    data = pdf_bytes("Ke hoach")
    files.file_attach(actor=propaganda_officer, document=plan, uploaded=upload("a.pdf", data))

    with pytest.raises(ValidationError, match="đã được đính kèm văn bản này"):
        files.file_attach(actor=propaganda_officer, document=plan, uploaded=upload("b.pdf", data))
    assert plan.files.count() == 1


# --- bad files are refused, each with its reason ------------------------------------------------------
def test_a_file_over_the_size_limit_is_refused(settings):
    settings.TRIENKHAI_MAX_DOCUMENT_BYTES = 1024 * 1024
    data = pdf_bytes("Ke hoach") + b"%" + b"x" * (1024 * 1024)

    error = refused(upload("lon.pdf", data))

    assert error.code == "too_large"
    assert "vượt quá giới hạn 1 MB" in error.message


def test_an_empty_file_is_refused():
    error = refused(upload("rong.pdf", b""))

    assert error.code == "empty"
    assert "rỗng" in error.message


def test_a_pdf_that_is_really_a_docx_says_what_it_really_is():
    error = refused(upload("ke-hoach.pdf", docx_bytes("Kế hoạch")))

    assert error.code == "wrong_extension"
    assert error.message.startswith(
        "Tệp “ke-hoach.pdf” có đuôi “.pdf” nhưng thực chất là tệp Word (.docx)."
    )


def test_a_docx_that_is_really_a_pdf_says_so():
    error = refused(upload("quy-che.docx", pdf_bytes("Quy che")))

    assert error.code == "wrong_extension"
    assert "thực chất là tệp PDF" in error.message


def test_an_xlsx_named_docx_says_so():
    error = refused(upload("bang.docx", xlsx_bytes([["a"]])))

    assert "thực chất là tệp Excel (.xlsx)" in error.message


def test_a_file_without_an_extension_is_told_which_one_it_needs():
    error = refused(upload("ke-hoach", pdf_bytes("x")))

    assert error.code == "wrong_extension"
    assert "(không có đuôi)" in error.message and "“.pdf”" in error.message


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "ảnh PNG"),
        ("scan.pdf", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "ảnh JPEG"),
        ("cu.doc", OLE2 + b"\x00" * 600, "tệp Word hoặc Excel đời cũ (.doc, .xls)"),
        ("ghi-chu.pdf", "Ghi chú cuộc họp".encode(), "tệp văn bản thuần (.txt)"),
        ("trang.docx", b"<!DOCTYPE html><html></html>", "trang web (HTML)"),
        ("nen.zip", zip_bytes({"a.txt": b"abc"}), "tệp nén ZIP"),
        ("nen.docx", zip_bytes({"a.txt": b"abc"}), "tệp nén ZIP"),
        (
            "trinh-chieu.pdf",
            zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}),
            "bản trình chiếu PowerPoint (.pptx)",
        ),
        (
            "vb.odt",
            zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}),
            "tệp OpenDocument",
        ),
        ("app.pdf", b"MZ\x90\x00" + b"\x00" * 64, "tệp chương trình (.exe)"),
        ("la.pdf", bytes(range(256)) * 4, "tệp không rõ định dạng"),
    ],
)
def test_a_file_of_another_kind_is_refused_saying_what_it_is(name, data, what):
    error = refused(upload(name, data))

    assert error.code == "not_allowed"
    assert what in error.message
    assert name in error.message


def test_a_password_protected_word_file_is_refused():
    data = OLE2 + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512

    error = refused(upload("mat.docx", data))

    assert error.code == "encrypted"
    assert "có đặt mật khẩu" in error.message and "gỡ mật khẩu" in error.message


def test_a_password_protected_pdf_is_refused():
    error = refused(upload("mat.pdf", encrypted_pdf_bytes()))

    assert error.code == "encrypted"
    assert "Tệp PDF “mat.pdf” có đặt mật khẩu" in error.message


def test_a_damaged_pdf_is_refused():
    error = refused(upload("hong.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"))

    assert error.code == "corrupt"
    assert "Tệp “hong.pdf” là tệp PDF nhưng bị hỏng" in error.message


def test_a_truncated_docx_is_refused():
    data = docx_bytes("Kế hoạch")

    error = refused(upload("cut.docx", data[: len(data) // 2]))

    assert error.code == "corrupt"
    assert "tệp Word (.docx) nhưng bị hỏng" in error.message


def test_a_docx_with_broken_insides_is_refused():
    data = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document><not closed",
        }
    )

    error = refused(upload("hong.docx", data))

    assert error.code == "corrupt"


def test_an_xlsx_with_broken_insides_is_refused():
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<<<"})

    error = refused(upload("hong.xlsx", data))

    assert error.code == "corrupt"
    assert "tệp Excel (.xlsx) nhưng bị hỏng" in error.message


def test_a_document_with_macros_is_refused():
    data = zip_bytes(
        {
            "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
            "word/document.xml": b"<w:document/>",
        }
    )

    error = refused(upload("macro.docx", data))

    assert error.code == "not_allowed"
    assert "tệp Word có macro (.docm)" in error.message


def test_a_zip_that_unpacks_to_far_too_much_is_refused(settings):
    settings.TRIENKHAI_MAX_DOCUMENT_BYTES = 100_000
    data = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/padding.bin": b"\x00" * 3_000_000,
        }
    )
    assert len(data) < 100_000

    error = refused(upload("bom.docx", data))

    assert error.code == "too_much_data"


# --- through the pages: nothing half-saved ---------------------------------------------------------------
def test_a_bad_file_on_the_register_form_saves_nothing_and_keeps_what_was_typed(
    tree, propaganda_officer, login
):
    response = login(propaganda_officer).post(
        reverse("documents:register_new"),
        {
            "number_text": "07-KH/ThU",
            "issuer_unit": tree.city.pk,
            "issued_on": "07-08-2020",
            "summary": "Kế hoạch triển khai thực hiện Nghị quyết Đại hội",
            "status": "issued",
            "files": [upload("ke-hoach.pdf", docx_bytes("Kế hoạch"))],
        },
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "thực chất là tệp Word (.docx)" in page
    assert 'value="07-KH/ThU"' in page
    assert "Kế hoạch triển khai thực hiện Nghị quyết Đại hội" in page
    assert "hãy chọn lại tệp" in page
    assert not Document.objects.exists()
    assert not DocumentFile.objects.exists()


def test_one_bad_file_among_good_ones_saves_none_of_them(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7))

    response = login(propaganda_officer).post(
        reverse("documents:file_add", args=[plan.pk]),
        {"files": [upload("a.pdf", pdf_bytes("a")), upload("b.xlsx", b"")]},
    )

    assert response.status_code == 200
    assert "rỗng" in text_of(response)
    assert not DocumentFile.objects.exists()


def test_registering_with_files_attaches_them_all(tree, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("documents:register_new"),
        {
            "number_text": "07-KH/ThU",
            "issuer_unit": tree.city.pk,
            "issued_on": "07-08-2020",
            "summary": "Kế hoạch",
            "status": "issued",
            "files": [
                upload("ke-hoach.pdf", pdf_bytes("phong chong dich")),
                upload("phu-luc.xlsx", xlsx_bytes([["Phụ lục chỉ tiêu"]])),
            ],
        },
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert sorted(document.files.values_list("kind", flat=True)) == ["pdf", "xlsx"]
    assert "phong chong dich" in document.search_text and "phu luc chi tieu" in document.search_text


def test_a_draft_is_created_with_its_first_file_on_version_1(tree, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("documents:draft_new"),
        {
            "system": "party",
            "doc_type": "QC",
            "issuer_unit": tree.city.pk,
            "summary": "Quy chế làm việc của Ban Chấp hành Đảng bộ thành phố khóa XII",
            "file": upload("quy-che.docx", docx_bytes("Điều 1. Phạm vi điều chỉnh")),
        },
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert document.status == "draft" and document.number_text == ""
    stored = document.files.get()
    assert stored.version.number == 1
    assert "dieu 1. pham vi dieu chinh" in document.search_text


def test_a_draft_with_a_bad_file_is_not_created(tree, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("documents:draft_new"),
        {
            "system": "party",
            "doc_type": "QC",
            "issuer_unit": tree.city.pk,
            "summary": "Quy chế làm việc",
            "file": upload("quy-che.docx", encrypted_pdf_bytes()),
        },
    )

    assert response.status_code == 200
    assert "thực chất là tệp PDF" in text_of(response)
    assert "Quy chế làm việc" in text_of(response)
    assert not Document.objects.exists()


def test_a_file_is_downloaded_with_its_own_name(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7))
    data = pdf_bytes("Ke hoach")
    stored = files.file_attach(
        actor=propaganda_officer, document=plan, uploaded=upload("Kế hoạch 07.pdf", data)
    )

    response = login(propaganda_officer).get(
        reverse("documents:file_download", args=[plan.pk, stored.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == data


def test_a_file_missing_on_disk_is_a_404_not_a_crash(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7))
    stored = files.file_attach(
        actor=propaganda_officer, document=plan, uploaded=upload("a.pdf", pdf_bytes("a"))
    )
    stored.file.storage.delete(stored.file.name)

    response = login(propaganda_officer).get(
        reverse("documents:file_download", args=[plan.pk, stored.pk])
    )

    assert response.status_code == 404
