"""A unit shows an issued document on its public site with the files it chooses; drafts and the
other files stay inside."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.documents.builders import pdf_bytes
from tests.public.kinds import WHO, check_pages
from trienkhai.documents import files
from trienkhai.documents import services as documents
from trienkhai.public import services
from trienkhai.public.models import DocumentPublication

PDF = pdf_bytes("Ke hoach 07-KH/ThU")


@pytest.fixture
def plan(tree):
    document = documents.document_register(
        actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text="07-KH/ThU",
        issued_on=dt.date(2020, 8, 7), summary="Kế hoạch học tập, quán triệt Nghị quyết Đại hội",
    )  # fmt: skip
    document.public_file = files.file_attach(
        actor=None, document=document, uploaded=SimpleUploadedFile("ke-hoach-07.pdf", PDF)
    )
    document.internal_file = files.file_attach(
        actor=None,
        document=document,
        uploaded=SimpleUploadedFile("to-trinh-noi-bo.pdf", pdf_bytes("To trinh noi bo")),
    )
    return document


def test_the_document_shows_with_the_chosen_file_only(client, site, plan, propaganda_officer):
    shown = services.document_publish(
        actor=propaganda_officer, site=site, document=plan, summary="Lịch học tập đến tháng 9.",
        file_ids=[plan.public_file.pk],
    )  # fmt: skip
    page = client.get(reverse("public_site:document", args=[site.slug, shown.pk])).content.decode()
    assert "07-KH/ThU" in page and "07-08-2020" in page and "Lịch học tập đến tháng 9." in page
    assert "ke-hoach-07.pdf" in page and "to-trinh-noi-bo.pdf" not in page
    ok = client.get(
        reverse("public_site:document_file", args=[site.slug, shown.pk, plan.public_file.pk])
    )
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PDF
    hidden = reverse("public_site:document_file", args=[site.slug, shown.pk, plan.internal_file.pk])
    assert client.get(hidden).status_code == 404
    assert "07-KH/ThU" in client.get(reverse("public_site:home", args=[site.slug])).content.decode()


def test_a_draft_cannot_be_shown(tree, site, propaganda_officer):
    draft = documents.document_create_draft(
        actor=None, owner_unit=tree.city, system="party", doc_type="QC", summary="Dự thảo quy chế"
    )
    with pytest.raises(ValidationError, match="đã ban hành"):
        services.document_publish(actor=propaganda_officer, site=site, document=draft)


def test_another_documents_file_cannot_be_chosen(tree, site, plan, propaganda_officer):
    other = documents.document_register(
        actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text="08-KH/ThU",
        issued_on=dt.date(2020, 9, 1), summary="Kế hoạch khác",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.document_publish(
            actor=propaganda_officer, site=site, document=other, file_ids=[plan.public_file.pk]
        )
    assert "của chính văn bản này" in error.value.message_dict["files"][0]


def test_an_editor_finds_shows_and_withdraws_a_document(
    login, client, site, plan, propaganda_officer
):
    editor = login(propaganda_officer)
    listing = editor.get(
        reverse("public:documents", args=[site.pk]), {"q": "07-kh/thu"}
    ).content.decode()
    new_url = reverse("public:document_new", args=[site.pk]) + f"?document={plan.pk}"
    assert new_url in listing.replace("&amp;", "&")
    editor.post(new_url, {"summary": "", "files": [plan.public_file.pk]})
    publication = DocumentPublication.objects.get()
    public_url = reverse("public_site:document", args=[site.slug, publication.pk])
    assert client.get(public_url).status_code == 200
    editor.post(reverse("public:document_withdraw", args=[publication.pk]))
    assert client.get(public_url).status_code == 404


@pytest.mark.parametrize("persona, expected", WHO)
def test_who_may_open_the_document_pages(
    request, client, site, plan, admin_user, persona, expected
):
    publication = services.document_publish(actor=admin_user, site=site, document=plan)
    check_pages(
        request, client, publication, persona, expected, name="document", listing="documents",
        target="document",
    )  # fmt: skip


def test_the_home_page_lists_ten_documents_and_links_to_all_of_them(
    client, tree, site, plan, admin_user
):
    for n in range(1, 12):
        document = documents.document_register(
            actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text=f"{n}-TB/ThU",
            issued_on=dt.date(2021, 1, n), summary=f"Thông báo số {n}",
        )  # fmt: skip
        services.document_publish(actor=admin_user, site=site, document=document)
    home = client.get(reverse("public_site:home", args=[site.slug])).content.decode()
    assert ">11-TB/ThU<" in home and ">02-TB/ThU<" in home and ">01-TB/ThU<" not in home
    every = reverse("public_site:documents", args=[site.slug])
    assert every in home
    page = client.get(every).content.decode()
    assert all(f">{n:02}-TB/ThU<" in page for n in range(1, 12)) and ">07-KH/ThU<" not in page
    services.document_publish(actor=admin_user, site=site, document=plan)
    assert ">07-KH/ThU<" in client.get(every).content.decode()


def test_the_site_search_finds_what_the_site_shows_besides_news(client, site, plan, admin_user):
    services.document_publish(actor=admin_user, site=site, document=plan)
    home = reverse("public_site:home", args=[site.slug])
    found = client.get(home, {"q": "ke hoach quan triet"}).content.decode()
    assert "07-KH/ThU: Kế hoạch học tập" in search_results(found)
    assert search_results(client.get(home, {"q": "ngan sach"}).content.decode()) == ""


def search_results(page: str) -> str:
    """The part of the home page that lists the pages found, "" when none."""
    if "Các trang có" not in page:
        return ""
    start = page.index("Các trang có")
    return page[start : page.index("</ul>", start)]
