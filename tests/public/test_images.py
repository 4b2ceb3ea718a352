"""Pictures in a post: an editor adds a PNG, JPEG or GIF (decided by its content) with the text
read in its place and a caption; the public sees it once the post is published, never before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trienkhai.public import services
from trienkhai.public.models import PostImage

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00"
    b"IEND\xaeB`\x82"
)


@pytest.fixture
def post(site, propaganda_officer):
    return services.post_save(
        actor=propaganda_officer, site=site, title="Hội nghị quán triệt", body="x", author_name="VP"
    )


def upload(
    client,
    post,
    data=PNG,
    name="hoi-nghi.png",
    alt="Quang cảnh hội nghị",
    caption="Hội nghị sáng 5-3",
):
    return client.post(
        reverse("public:post", args=[post.pk]),
        {"image": SimpleUploadedFile(name, data), "alt": alt, "caption": caption},
    )


def test_a_picture_shows_in_the_published_post_with_its_caption_and_text(
    login, client, site, post, propaganda_officer
):
    editor = login(propaganda_officer)
    assert upload(editor, post).status_code == 302
    image = PostImage.objects.get()
    assert image.kind == "png" and image.image.name.endswith(".png")
    public_url = reverse("public_site:image", args=[site.slug, image.pk])
    anonymous = client.__class__()
    assert anonymous.get(public_url).status_code == 404  # the post is still a draft

    published = services.post_publish(actor=propaganda_officer, post=post)
    page = anonymous.get(
        reverse("public_site:post", args=[site.slug, published.slug])
    ).content.decode()
    assert f'<img src="{public_url}" alt="Quang cảnh hội nghị"' in page
    assert "<figcaption>Hội nghị sáng 5-3</figcaption>" in page
    assert f'property="og:image" content="http://127.0.0.1:8000{public_url}"' in page
    response = anonymous.get(public_url)
    assert response["Content-Type"] == "image/png" and b"".join(response.streaming_content) == PNG


def test_a_file_that_is_not_a_picture_is_refused_whatever_its_name(login, post, propaganda_officer):
    editor = login(propaganda_officer)
    response = upload(editor, post, data=b"<html><script>alert(1)</script></html>", name="anh.png")
    assert response.status_code == 400
    assert "không phải ảnh PNG, JPEG hoặc GIF" in response.content.decode()
    assert not PostImage.objects.exists()


def test_a_picture_needs_a_description_and_keeps_what_was_typed(login, post, propaganda_officer):
    response = upload(login(propaganda_officer), post, alt="", caption="Chú thích đã gõ")
    text = response.content.decode()
    assert response.status_code == 400 and "Chú thích đã gõ" in text


def test_a_picture_over_the_limit_is_refused(login, post, propaganda_officer, settings):
    settings.TRIENKHAI_MAX_EVIDENCE_BYTES = 40
    response = upload(login(propaganda_officer), post)
    assert "Ảnh quá lớn" in response.content.decode()


def test_removing_a_picture_takes_it_off_and_is_audited(login, site, post, propaganda_officer):
    editor = login(propaganda_officer)
    upload(editor, post)
    image = PostImage.objects.get()
    editor.post(reverse("public:image_remove", args=[image.pk]))
    assert not PostImage.objects.exists()
    from trienkhai.audit.selectors import audit_entries_for

    assert [e.note for e in audit_entries_for(post)][:2] == ["Bỏ ảnh khỏi tin", "Thêm ảnh vào tin"]


def test_another_units_editor_cannot_see_or_add_pictures(login, post, ward_clerk):
    editor = login(ward_clerk)
    assert upload(editor, post).status_code == 404
