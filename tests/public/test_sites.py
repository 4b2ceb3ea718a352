"""A unit opens its public site and publishes news; the public sees published posts of an open
site and nothing else (no login), finds them with or without diacritics, reads the Atom feed and
shares a link that carries its Open Graph tags.

The story: the City Committee of Bến Tre opens "Thành ủy Bến Tre — Thông tin" and posts the
launch of plan 07-KH/ThU; a second post stays a draft.
"""

import datetime as dt
import re
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.public import services
from trienkhai.public.models import Post, PublicSite

LAUNCH = "Triển khai Kế hoạch 07-KH/ThU về thực hiện Nghị quyết Đại hội"


@pytest.fixture
def site(tree, city_secretary):
    return services.site_save(
        actor=city_secretary,
        unit=tree.city,
        slug="thanh-uy-ben-tre",
        title="Thành ủy Bến Tre — Thông tin",
        intro="Tin hoạt động của Thành ủy Bến Tre.",
        is_open=True,
    )


@pytest.fixture
def launch(site, propaganda_officer):
    post = services.post_save(
        actor=propaganda_officer,
        site=site,
        title=LAUNCH,
        summary="Thành ủy tổ chức hội nghị quán triệt cho 250 cán bộ chủ chốt.",
        body="Sáng 5-3, Thành ủy tổ chức hội nghị.\n\n51 tổ chức cơ sở đảng ban hành quy chế.",
        author_name="Ban Tuyên giáo Thành ủy",
        category_names=["Tin hoạt động", "Nghị quyết"],
    )
    return services.post_publish(
        actor=propaganda_officer, post=post, published_on=dt.date(2021, 3, 5)
    )


@pytest.fixture
def draft(site, propaganda_officer):
    return services.post_save(
        actor=propaganda_officer,
        site=site,
        title="Dự thảo báo cáo sơ kết — chưa đăng",
        body="Nội dung nội bộ.",
        author_name="Văn phòng Thành ủy",
    )


# --- writing and publishing -------------------------------------------------------------------
def test_a_post_is_a_draft_until_published_and_every_step_is_audited(
    site, draft, propaganda_officer
):
    assert draft.status == Post.Status.DRAFT and draft.published_on is None
    assert draft.slug == "du-thao-bao-cao-so-ket-chua-dang"

    published = services.post_publish(actor=propaganda_officer, post=draft)
    withdrawn = services.post_withdraw(actor=propaganda_officer, post=published)

    assert published.is_published and withdrawn.status == Post.Status.DRAFT
    notes = list(audit_entries_for(draft).order_by("at").values_list("action", "note"))
    assert notes == [
        ("create", ""),
        ("update", "Đăng lên trang công khai"),
        ("update", "Gỡ khỏi trang công khai"),
    ]


def test_two_posts_with_the_same_title_get_two_addresses(site, propaganda_officer):
    first = services.post_save(
        actor=propaganda_officer, site=site, title="Thông báo", body="a", author_name="VP"
    )
    second = services.post_save(
        actor=propaganda_officer, site=site, title="Thông báo", body="b", author_name="VP"
    )
    assert (first.slug, second.slug) == ("thong-bao", "thong-bao-2")


def test_what_is_missing_is_said_field_by_field(site, propaganda_officer):
    with pytest.raises(ValidationError) as error:
        services.post_save(actor=propaganda_officer, site=site, title=" ", body="", author_name="")
    assert error.value.message_dict == {
        "title": ["Hãy nhập tiêu đề tin."],
        "body": ["Hãy nhập nội dung tin."],
        "author_name": ["Hãy nhập tên tác giả (người viết hoặc bộ phận)."],
    }


def test_a_post_cannot_be_dated_in_the_future(draft, propaganda_officer):
    with pytest.raises(ValidationError) as error:
        services.post_publish(
            actor=propaganda_officer, post=draft, published_on=dt.date(2999, 1, 1)
        )
    assert "tương lai" in error.value.message_dict["published_on"][0]


def test_a_stale_form_is_refused_not_saved_over(launch, propaganda_officer):
    with pytest.raises(ValidationError, match="vừa được người khác sửa"):
        services.post_save(
            actor=propaganda_officer, site=launch.site, post=launch, revision=launch.revision - 1,
            title="Khác", body="Khác", author_name="Khác",
        )  # fmt: skip


def test_site_addresses_are_plain_and_unique(tree, city_secretary, ward_clerk, site):
    with pytest.raises(ValidationError) as error:
        services.site_save(actor=city_secretary, unit=tree.ward, slug="Thành Ủy", title="x")
    assert "chữ thường không dấu" in error.value.message_dict["slug"][0]
    with pytest.raises(ValidationError) as error:
        services.site_save(actor=city_secretary, unit=tree.ward, slug="thanh-uy-ben-tre", title="x")
    assert "đã được dùng" in error.value.message_dict["slug"][0]
    with pytest.raises(PermissionDenied):  # an editor writes posts; managers open sites
        services.site_save(actor=ward_clerk, unit=tree.ward, slug="an-hoi", title="An Hội")


def test_a_ward_editor_cannot_write_on_the_citys_site(site, ward_clerk):
    with pytest.raises(PermissionDenied):
        services.post_save(actor=ward_clerk, site=site, title="x", body="x", author_name="x")


# --- the public site ---------------------------------------------------------------------------
def test_the_public_sees_published_posts_without_login(client, site, launch, draft):
    home = client.get(reverse("public_site:home", args=[site.slug]))
    page = client.get(reverse("public_site:post", args=[site.slug, launch.slug]))

    assert home.status_code == page.status_code == 200
    text = home.content.decode()
    assert LAUNCH in text and draft.title not in text
    body = page.content.decode()
    assert "<p>Sáng 5-3, Thành ủy tổ chức hội nghị.</p>" in body
    assert "05-03-2021" in body and "Ban Tuyên giáo Thành ủy" in body
    assert f'<meta property="og:title" content="{LAUNCH}">' in body
    assert 'property="og:url" content="http://127.0.0.1:8000/p/thanh-uy-ben-tre/tin/' in body


def test_a_draft_a_closed_site_and_an_unknown_address_all_answer_not_found(
    client, tree, city_secretary, site, launch, draft
):
    assert client.get(reverse("public_site:post", args=[site.slug, draft.slug])).status_code == 404
    assert client.get(reverse("public_site:home", args=["khong-co"])).status_code == 404
    services.site_save(
        actor=city_secretary, unit=tree.city, site=site, slug=site.slug, title=site.title,
        moderation=site.moderation, is_open=False,
    )  # fmt: skip
    assert client.get(reverse("public_site:home", args=[site.slug])).status_code == 404
    assert client.get(reverse("public_site:post", args=[site.slug, launch.slug])).status_code == 404
    assert client.get(reverse("public_site:feed", args=[site.slug])).status_code == 404


@pytest.mark.parametrize("q", ["quán triệt", "quan triet", "QUAN TRIET 250"])
def test_search_finds_a_post_with_or_without_diacritics(client, site, launch, draft, q):
    response = client.get(reverse("public_site:home", args=[site.slug]), {"q": q})
    assert LAUNCH in response.content.decode()


def test_search_never_finds_a_draft(client, site, launch, draft):
    response = client.get(reverse("public_site:home", args=[site.slug]), {"q": "noi bo"})
    assert "Không có tin nào khớp" in response.content.decode()


def test_posts_are_filed_by_category(client, site, launch, propaganda_officer):
    other = services.post_save(
        actor=propaganda_officer, site=site, title="Lịch tiếp công dân", body="Thứ Hai.",
        author_name="Văn phòng", category_names=["Thông báo"],
    )  # fmt: skip
    services.post_publish(actor=propaganda_officer, post=other)
    response = client.get(
        reverse("public_site:home", args=[site.slug]), {"chuyen-muc": "thong-bao"}
    )
    text = response.content.decode()
    assert "Lịch tiếp công dân" in text and LAUNCH not in text


def test_the_atom_feed_carries_published_posts_only(client, site, launch, draft):
    response = client.get(reverse("public_site:feed", args=[site.slug]))
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == [LAUNCH]
    assert entries[0].find("a:author/a:name", ns).text == "Ban Tuyên giáo Thành ủy"
    assert {c.get("term") for c in entries[0].findall("a:category", ns)} == {
        "Tin hoạt động",
        "Nghị quyết",
    }


def test_text_typed_by_editors_is_shown_as_text_never_as_markup(client, site, propaganda_officer):
    post = services.post_save(
        actor=propaganda_officer, site=site, title="<script>alert(1)</script>",
        body="<img src=x onerror=alert(1)>", author_name="<b>x</b>",
    )  # fmt: skip
    services.post_publish(actor=propaganda_officer, post=post)
    for url in (
        reverse("public_site:home", args=[site.slug]),
        reverse("public_site:post", args=[site.slug, post.slug]),
        reverse("public_site:feed", args=[site.slug]),
    ):
        text = client.get(url).content.decode()
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>x</b>" not in text


def test_a_site_page_and_a_post_page_take_a_fixed_number_of_queries(
    client, site, launch, propaganda_officer, django_assert_max_num_queries
):
    for n in range(12):
        extra = services.post_save(
            actor=propaganda_officer, site=site, title=f"Tin số {n}", body="x", author_name="VP",
            category_names=["Tin hoạt động"],
        )  # fmt: skip
        services.post_publish(actor=propaganda_officer, post=extra)
    # the site, the posts and their count, categories, and one query for each kind shown
    with django_assert_max_num_queries(10):
        client.get(reverse("public_site:home", args=[site.slug]))
    with django_assert_max_num_queries(5):
        client.get(reverse("public_site:post", args=[site.slug, launch.slug]))


def test_nothing_is_public_until_a_manager_opens_the_site(tree, city_secretary, client):
    closed = services.site_save(actor=city_secretary, unit=tree.city, slug="tu", title="TU")
    assert closed.is_open is False
    assert client.get(reverse("public_site:home", args=["tu"])).status_code == 404
    assert PublicSite.objects.get().moderation == PublicSite.Moderation.BEFORE


# --- the pages inside the product ---------------------------------------------------------------
def test_an_editor_writes_and_publishes_a_post_through_the_pages(login, site, propaganda_officer):
    client = login(propaganda_officer)
    response = client.post(
        reverse("public:post_new", args=[site.pk]),
        {"title": "Hội nghị sơ kết", "summary": "", "body": "Nội dung.", "author_name": "BTG",
         "categories": "Tin hoạt động, Thông báo"},
    )  # fmt: skip
    post = Post.objects.get(title="Hội nghị sơ kết")
    assert response.status_code == 302 and response["Location"] == reverse(
        "public:post", args=[post.pk]
    )
    assert sorted(c.name for c in post.categories.all()) == ["Thông báo", "Tin hoạt động"]

    client.post(reverse("public:post_publish", args=[post.pk]))
    post.refresh_from_db()
    assert post.is_published
    page = client.get(reverse("public:post", args=[post.pk])).content.decode()
    assert "Gỡ khỏi trang công khai" in page


def test_a_refused_post_keeps_what_was_typed(login, site, propaganda_officer):
    client = login(propaganda_officer)
    response = client.post(
        reverse("public:post_new", args=[site.pk]),
        {"title": "Tiêu đề đã gõ", "summary": "", "body": "Đoạn văn đã gõ", "author_name": " "},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Tiêu đề đã gõ" in text and "Đoạn văn đã gõ" in text
    assert "This field is required" not in text and "Trường này là bắt buộc." in text


def test_a_manager_opens_the_site_of_their_unit(login, tree, city_secretary):
    client = login(city_secretary)
    form = client.get(reverse("public:site_new") + f"?unit={tree.ward.pk}").content.decode()
    assert 'value="dang-uy-phuong-an-hoi"' in form
    response = client.post(
        reverse("public:site_new") + f"?unit={tree.ward.pk}",
        {"title": "Phường An Hội", "slug": "an-hoi", "intro": "", "moderation": "after", "is_open": "on"},
    )  # fmt: skip
    site = PublicSite.objects.get(unit=tree.ward)
    assert response["Location"] == reverse("public:site", args=[site.pk])
    assert (site.slug, site.is_open, site.moderation) == ("an-hoi", True, "after")


def test_the_pages_speak_english_when_chosen(
    client, login, site, launch, propaganda_officer, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = client.get(reverse("public_site:home", args=[site.slug]), {"q": "khong co"})
    assert "No post matches the words searched." in home.content.decode()
    editor = login(propaganda_officer)
    editor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = editor.post(
        reverse("public:post_new", args=[site.pk]),
        {"title": "x", "summary": "", "body": "x", "author_name": "x", "categories": "!!!"},
    )
    assert "A category name needs letters or digits." in refused.content.decode()


def test_the_sitemap_lists_the_public_pages_only(client, site, launch, propaganda_officer):
    draft = services.post_save(
        actor=propaganda_officer, site=site, title="Bản nháp", body="x", author_name="VP"
    )
    response = client.get(reverse("public_site:sitemap", args=[site.slug]))
    xml = response.content.decode()
    assert response["Content-Type"].startswith("application/xml")
    assert f"/p/{site.slug}/tin/{launch.slug}/</loc>" in xml
    assert draft.slug not in xml
    assert re.search(rf"<loc>https?://[^<]+/p/{site.slug}/</loc>", xml)  # TRIENKHAI_SITE_URL
