"""The register pages as clerks meet them: each mistake comes back on the same page with a
specific Vietnamese message and what was typed still in place; nothing odd makes a page fail."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.documents.builders import docx_bytes, draft, register, upload
from trienkhai.documents import services
from trienkhai.documents.models import Document, DocumentRelation
from trienkhai.org.models import AccessRole

D = dt.date
TODAY = dt.date.today()


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(page: str) -> list[str]:
    return [
        part.split("</p>", 1)[0] for part in page.split('<p class="field-error" role="alert">')[1:]
    ]


SUMMARY = "Kế hoạch triển khai thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII"


def form(tree, **fields):
    data = {
        "number_text": "07-KH/ThU",
        "issuer_unit": tree.city.pk,
        "issued_on": "07-08-2020",
        "summary": SUMMARY,
        "signer_name": "Nguyễn Văn A",
        "status": "issued",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def post_register(tree, propaganda_officer, login):
    client = login(propaganda_officer)

    def _post(**fields):
        response = client.post(reverse("documents:register_new"), form(tree, **fields))
        return response, text_of(response)

    return _post


# --- the register form ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("KH/ThU", "“KH/ThU” không bắt đầu bằng số thứ tự của văn bản"),
        ("07-KH", "“07-KH” thiếu cơ quan ban hành sau dấu “/”"),
        ("07-XYZ/ThU", "“XYZ” không phải loại văn bản của Đảng"),
        ("0-KH/ThU", "Số văn bản phải lớn hơn 0."),
        ("07/2020/", "Không đọc được “07/2020/”"),
        ("", "Hãy nhập số, ký hiệu văn bản."),
    ],
)
def test_a_number_that_does_not_parse_is_explained_on_its_field(post_register, typed, message):
    response, page = post_register(number_text=typed)

    assert response.status_code == 200
    assert any(e.startswith(message) for e in field_errors(page)), field_errors(page)
    assert SUMMARY in page and 'value="Nguyễn Văn A"' in page
    assert not Document.objects.exists()


def test_an_issue_date_in_the_future_is_refused(post_register):
    tomorrow = TODAY + dt.timedelta(days=1)

    response, page = post_register(issued_on=tomorrow.strftime("%d-%m-%Y"))

    assert response.status_code == 200
    assert (
        f"Ngày ban hành {tomorrow.day}-{tomorrow.month}-{tomorrow.year} ở tương lai: văn bản đã "
        "ban hành phải có ngày đã qua." in field_errors(page)
    )
    assert 'value="07-KH/ThU"' in page
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31-02-2020", "Ngày không hợp lệ. Hãy nhập theo dạng ngày-tháng-năm, ví dụ 07-08-2020."),
        ("7/8", "Ngày không hợp lệ. Hãy nhập theo dạng ngày-tháng-năm, ví dụ 07-08-2020."),
        ("", "Hãy nhập ngày ban hành."),
    ],
)
def test_a_date_that_is_not_a_date_is_explained(post_register, typed, message):
    response, page = post_register(issued_on=typed)

    assert message in field_errors(page)
    assert f'value="{typed}"' in page if typed else True


def test_an_issuer_is_required_one_way_or_the_other(post_register, tree):
    _response, neither = post_register(issuer_unit=None)
    _response, both = post_register(issuer_name="Ban Bí thư")

    assert "Hãy chọn đơn vị ban hành, hoặc nhập tên cơ quan ban hành bên ngoài." in field_errors(
        neither
    )
    assert "Đã chọn đơn vị ban hành ở trên; hãy để trống tên cơ quan bên ngoài." in field_errors(
        both
    )
    assert 'value="Ban Bí thư"' in both
    assert f'name="issuer_unit" value="{tree.city.pk}" checked' in both


def test_an_administrator_must_say_which_register_an_external_document_goes_in(
    tree, admin_user, login
):
    response = login(admin_user).post(
        reverse("documents:register_new"),
        form(tree, issuer_unit=None, number_text="127-QĐ/TW", issuer_name="Ban Bí thư"),
    )

    assert "Hãy chọn đơn vị vào sổ văn bản của cơ quan bên ngoài." in field_errors(
        text_of(response)
    )


def test_a_type_that_contradicts_the_number_is_refused(post_register):
    _response, page = post_register(doc_type="NQ")

    assert "Loại văn bản NQ không khớp với ký hiệu KH trong số hiệu." in field_errors(page)


def test_a_number_without_a_type_takes_the_chosen_type(post_register, tree):
    response, _page = post_register(
        issuer_unit=None,
        number_text="1234/VPCP-KTTH",
        issuer_name="Văn phòng Chính phủ",
        doc_type="CV",
    )

    assert response.status_code == 302
    assert Document.objects.get().doc_type == "CV"


def test_a_duplicate_links_to_the_document_that_holds_the_number(post_register, tree):
    services.document_register(
        actor=None,
        owner_unit=tree.city,
        number_text="07-KH/ThU",
        issued_on=D(2020, 8, 7),
        summary="Kế hoạch đã vào sổ",
        issuer_unit=tree.city,
    )

    response, page = post_register()

    errors = field_errors(response.content.decode())
    assert len(errors) == 1 and "<a href=" in errors[0]
    assert SUMMARY in page


def test_a_signer_chosen_from_the_unit_fills_name_and_title(tree, propaganda_officer, login):
    from trienkhai.org import services as org_services

    person = org_services.person_save(actor=None, full_name="Trần Văn Bình", home_unit=tree.city)
    org_services.position_save(
        actor=None,
        person=person,
        unit=tree.city,
        role="deputy_secretary",
        title="Phó Bí thư Thường trực Thành ủy",
        start_on=D(2015, 10, 1),
    )

    login(propaganda_officer).post(
        reverse("documents:register_new"),
        form(tree, signer=person.pk, signer_name="", signer_title=""),
    )

    document = Document.objects.get()
    assert document.signer == person
    assert (document.signer_name, document.signer_title) == (
        "Trần Văn Bình",
        "Phó Bí thư Thường trực Thành ủy",
    )


# --- drafts -----------------------------------------------------------------------------------------------
def test_a_draft_type_that_does_not_exist_in_its_system_is_refused(tree, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("documents:draft_new"),
        {
            "system": "party",
            "doc_type": "NĐ",
            "issuer_unit": tree.city.pk,
            "summary": "Dự thảo nghị định",
            "file": upload("nd.docx", docx_bytes("x")),
        },
    )

    page = text_of(response)
    assert "Loại “NĐ” không dùng cho văn bản của đảng." in field_errors(page)
    assert "Dự thảo nghị định" in page


def test_a_draft_needs_its_file(tree, propaganda_officer, login):
    response = login(propaganda_officer).post(
        reverse("documents:draft_new"),
        {"system": "party", "doc_type": "QC", "issuer_unit": tree.city.pk, "summary": "Quy chế"},
    )

    assert "Hãy chọn tệp (PDF, Word .docx hoặc Excel .xlsx)." in field_errors(text_of(response))


def test_a_draft_cannot_be_started_in_a_dissolved_unit(tree, admin_user, login):
    from trienkhai.org import services as org_services

    org_services.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=D(2025, 7, 1))
    sibling_clerk = make_user("vanthu_phukhuong", unit=tree.sibling, role=AccessRole.EDITOR)

    assert login(sibling_clerk).get(reverse("documents:draft_new")).status_code == 403


# --- correcting the record -------------------------------------------------------------------------------
def test_a_concurrent_edit_is_refused_and_nothing_is_lost(
    tree, propaganda_officer, city_secretary, login
):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch")
    opened_at = plan.revision
    services.document_update(
        actor=city_secretary, document=plan, revision=opened_at, summary="Kế hoạch (bí thư sửa)"
    )
    client = login(propaganda_officer)
    mine = {
        "revision": opened_at,
        "summary": "Kế hoạch (văn phòng sửa)",
        "issued_on": "07-08-2020",
        "signer_title": "Bí thư",
    }

    response = client.post(reverse("documents:edit", args=[plan.pk]), mine)

    page = text_of(response)
    plan.refresh_from_db()
    assert response.status_code == 200
    assert "Văn bản vừa được người khác sửa." in page
    assert "Kế hoạch (văn phòng sửa)" in page  # what I typed
    assert "Kế hoạch (bí thư sửa)" in page  # what is stored now, to compare
    assert plan.summary == "Kế hoạch (bí thư sửa)"
    assert f'name="revision" value="{plan.revision}"' in page

    again = client.post(
        reverse("documents:edit", args=[plan.pk]), {**mine, "revision": plan.revision}
    )

    plan.refresh_from_db()
    assert again.status_code == 302
    assert plan.summary == "Kế hoạch (văn phòng sửa)"


def test_an_edit_without_summary_or_with_a_future_date_is_explained(
    tree, propaganda_officer, login
):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch")
    future = (TODAY + dt.timedelta(days=30)).strftime("%d-%m-%Y")

    response = login(propaganda_officer).post(
        reverse("documents:edit", args=[plan.pk]),
        {"revision": plan.revision, "summary": "", "issued_on": future, "signer_name": "Lê C"},
    )

    errors = field_errors(text_of(response))
    assert "Hãy nhập trích yếu nội dung văn bản." in errors
    assert any("ở tương lai" in e for e in errors)
    assert 'value="Lê C"' in text_of(response)


def test_an_edit_form_without_its_revision_is_refused(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch")

    response = login(propaganda_officer).post(
        reverse("documents:edit", args=[plan.pk]),
        {"summary": "Kế hoạch mới", "issued_on": "07-08-2020", "revision": "x"},
    )

    assert "Biểu mẫu thiếu thông tin phiên bản; hãy tải lại trang." in text_of(response)
    plan.refresh_from_db()
    assert plan.summary == "Kế hoạch"


def test_a_draft_has_no_issue_date_to_edit(tree, propaganda_officer, login):
    doc = draft(tree.city)

    page = text_of(login(propaganda_officer).get(reverse("documents:edit", args=[doc.pk])))

    assert 'name="issued_on"' not in page and 'name="summary"' in page


# --- relations and status ---------------------------------------------------------------------------------
def test_a_relation_to_itself_or_twice_is_explained(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch")
    resolution = register(tree.city, "01-NQ/ThU", D(2020, 8, 1), "Nghị quyết")
    client = login(propaganda_officer)
    url = reverse("documents:relation_new", args=[plan.pk])

    itself = text_of(client.post(url, {"kind": "implements", "target": plan.pk}))
    client.post(url, {"kind": "implements", "target": resolution.pk})
    twice = text_of(client.post(url, {"kind": "implements", "target": resolution.pk}))
    no_kind = text_of(client.post(url, {"kind": "bogus", "target": resolution.pk}))

    assert "Không tìm thấy văn bản đã chọn, hoặc bạn không có quyền xem." in field_errors(itself)
    assert "Quan hệ này đã được ghi." in field_errors(twice)
    assert any("bogus" in e for e in field_errors(no_kind))
    assert DocumentRelation.objects.count() == 1


def test_a_status_that_is_not_a_next_step_is_refused(tree, propaganda_officer, login):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch")

    response = login(propaganda_officer).post(
        reverse("documents:status", args=[plan.pk]), {"status": "draft", "note": "thử"}
    )

    assert "Không thể chuyển văn bản sang trạng thái này." in field_errors(text_of(response))
    assert 'value="thử"' in text_of(response)


# --- nothing odd makes a page fail ---------------------------------------------------------------------------
ODD = ["\x00", "²", "9" * 30, "-1", "' OR 1=1 --", "<script>", "ké hoạch" * 80, "%00", " "]


@pytest.mark.parametrize("odd", ODD)
def test_odd_filters_never_break_the_register(tree, ward_clerk, login, odd):
    client = login(ward_clerk)
    params = {
        "q": odd,
        "issuer": odd,
        "year": odd,
        "status": odd,
        "doc_type": odd,
        "system": odd,
        "page": odd,
    }

    for name in ("documents:register", "documents:register_xlsx"):
        assert client.get(reverse(name), params).status_code == 200
    for name in ("documents:pick_unit", "documents:pick_person", "documents:pick_document"):
        response = client.get(reverse(name), {"q": odd, "field": odd, "exclude": odd, "for": odd})
        assert response.status_code == 200
    hint = client.get(
        reverse("documents:next_number"),
        {
            "issuer_unit": odd,
            "number_text": odd,
            "doc_type": odd,
            "issued_on": odd,
            "issuer_name": odd,
        },
    )
    assert hint.status_code == 200


def test_a_bad_filter_is_reported_and_the_others_still_apply(tree, admin_user, login):
    register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch triển khai")
    register(tree.city, "08-BC/ThU", D(2020, 8, 8), "Báo cáo")

    page = text_of(
        login(admin_user).get(reverse("documents:register"), {"q": "ke hoach", "year": "hai nghìn"})
    )

    assert "Năm phải là một số, ví dụ 2020." in page
    assert "07-KH/ThU" in page and "08-BC/ThU" not in page


@pytest.mark.parametrize("odd", ODD)
def test_odd_input_in_every_form_is_answered_not_crashed(tree, propaganda_officer, login, odd):
    plan = register(tree.city, "07-KH/ThU", D(2020, 8, 7), "Kế hoạch")
    client = login(propaganda_officer)
    names = [
        "number_text", "doc_type", "issuer_unit", "issuer_name", "owner_unit", "issued_on",
        "summary", "signer", "signer_name", "signer_title", "status", "system", "note", "kind",
        "target", "revision", "version",
    ]  # fmt: skip
    everything = dict.fromkeys(names, odd)

    for url in (
        reverse("documents:register_new"),
        reverse("documents:draft_new"),
        reverse("documents:edit", args=[plan.pk]),
        reverse("documents:status", args=[plan.pk]),
        reverse("documents:relation_new", args=[plan.pk]),
        reverse("documents:file_add", args=[plan.pk]),
    ):
        response = client.post(url, everything)
        assert response.status_code == 200, url
    assert Document.objects.count() == 1


def test_a_document_number_too_big_for_the_database_is_not_found(tree, propaganda_officer, login):
    client = login(propaganda_officer)

    assert client.get(f"/documents/{'9' * 30}/").status_code == 404
    assert client.get(f"/documents/{'9' * 30}/files/1/").status_code == 404
