"""Citizens comment on a post or a programme without an account; the unit moderates before or
after, replies, rejects with a reason, and deletes a comment with its writer's data on request.
Robots and floods are held off by a honeypot, a limit per address, a limit of links and the
refusal of the same text twice; the contact given is never shown to the public.
"""

import pytest
from django.urls import reverse

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.public import comments, services
from trienkhai.public.models import PublicComment, PublicSite


@pytest.fixture
def site(tree, city_secretary):
    return services.site_save(
        actor=city_secretary,
        unit=tree.city,
        slug="thanh-uy",
        title="Thành ủy Bến Tre",
        is_open=True,
    )


@pytest.fixture
def post(site, propaganda_officer):
    post = services.post_save(
        actor=propaganda_officer, site=site, title="Lấy ý kiến về chỉnh trang bờ kè",
        body="Thành phố mời người dân góp ý.", author_name="Văn phòng",
    )  # fmt: skip
    return services.post_publish(actor=propaganda_officer, post=post)


def send(client, site, post, **data):
    form = {
        "name": "Nguyễn Văn Dân",
        "contact": "0912 345 678",
        "body": "Nên làm thêm đèn.",
        "website": "",
    }
    form.update(data)
    return client.post(reverse("public_site:post", args=[site.slug, post.slug]), form)


def test_a_comment_waits_for_approval_then_shows_without_its_contact(
    client, site, post, propaganda_officer
):
    response = send(client, site, post)
    assert response.status_code == 302 and response["Location"].endswith("?da-gui=1#y-kien")
    thanks = client.get(response["Location"]).content.decode()
    assert "Ý kiến sẽ hiện sau khi được đơn vị duyệt" in thanks
    assert "Nên làm thêm đèn." not in thanks

    comment = PublicComment.objects.get()
    comments.comment_approve(actor=propaganda_officer, comment=comment)
    comments.comment_reply(actor=propaganda_officer, comment=comment, reply="Cảm ơn, sẽ bổ sung.")
    page = client.get(reverse("public_site:post", args=[site.slug, post.slug])).content.decode()
    assert "Nguyễn Văn Dân" in page and "Nên làm thêm đèn." in page
    assert "Thành ủy Bến Tre trả lời:" in page and "Cảm ơn, sẽ bổ sung." in page
    assert "0912 345 678" not in page


def test_a_site_that_moderates_afterwards_shows_the_comment_at_once(
    client, tree, city_secretary, site, post
):
    services.site_save(
        actor=city_secretary, unit=tree.city, site=site, slug=site.slug, title=site.title,
        moderation=PublicSite.Moderation.AFTER, is_open=True,
    )  # fmt: skip
    send(client, site, post)
    page = client.get(reverse("public_site:post", args=[site.slug, post.slug])).content.decode()
    assert "Nên làm thêm đèn." in page
    assert PublicComment.objects.get().needs_review  # still in the queue, to be looked at


def test_what_was_typed_stays_when_a_comment_is_refused(client, site, post):
    response = send(client, site, post, name=" ", body="Ý kiến dài đã gõ")
    text = response.content.decode()
    assert response.status_code == 400
    assert "Hãy cho biết họ tên của bạn." in text and "Ý kiến dài đã gõ" in text


def test_robots_that_fill_the_hidden_field_are_refused(client, site, post):
    response = send(client, site, post, website="http://spam.example")
    assert response.status_code == 400 and not PublicComment.objects.exists()


def test_more_than_two_links_are_refused(client, site, post):
    response = send(client, site, post, body="Xem http://a.vn http://b.vn www.c.vn")
    assert "tối đa 2 đường dẫn" in response.content.decode()


def test_the_same_text_twice_is_refused_even_with_other_accents(client, site, post):
    send(client, site, post, body="Nên làm thêm đèn đường.")
    response = send(client, site, post, name="Người khác", body="nen lam them  den duong.")
    assert "Ý kiến này đã được gửi" in response.content.decode()
    assert PublicComment.objects.count() == 1


def test_an_address_sending_too_many_comments_is_asked_to_wait(client, site, post, settings):
    settings.TRIENKHAI_COMMENT_LIMIT = 2
    for n in range(2):
        assert send(client, site, post, body=f"Ý kiến số {n}").status_code == 302
    response = send(client, site, post, body="Ý kiến thứ ba")
    assert "hãy gửi lại sau 10 phút".lower() in response.content.decode().lower()
    other = client.post(
        reverse("public_site:post", args=[site.slug, post.slug]),
        {"name": "Hàng xóm", "body": "Ý kiến khác", "website": ""},
        REMOTE_ADDR="10.0.0.2",
    )
    assert other.status_code == 302  # another address is not held back


def test_a_draft_takes_no_comment(client, site, propaganda_officer):
    draft = services.post_save(
        actor=propaganda_officer, site=site, title="Nháp", body="x", author_name="x"
    )
    response = client.post(
        reverse("public_site:post", args=[site.slug, draft.slug]), {"name": "A", "body": "B"}
    )
    assert response.status_code == 404


def test_a_reported_comment_goes_back_to_the_queue(client, site, post, propaganda_officer):
    send(client, site, post)
    comment = comments.comment_approve(
        actor=propaganda_officer, comment=PublicComment.objects.get()
    )
    assert not comment.needs_review
    response = client.post(reverse("public_site:report", args=[site.slug, comment.pk]))
    comment.refresh_from_db()
    assert response.status_code == 302 and comment.reports == 1 and comment.needs_review


def test_rejecting_needs_a_reason_and_erasing_leaves_no_personal_data(
    site, post, client, propaganda_officer
):
    send(client, site, post)
    comment = PublicComment.objects.get()
    with pytest.raises(Exception, match="lý do"):
        comments.comment_reject(actor=propaganda_officer, comment=comment, reason=" ")
    comments.comment_reject(actor=propaganda_officer, comment=comment, reason="Quảng cáo")
    comments.comment_erase(actor=propaganda_officer, comment=comment)
    assert not PublicComment.objects.exists()
    history = " ".join(str(e.changes) + e.note for e in audit_entries_for(comment))
    assert "Quảng cáo" in history and "Xóa ý kiến theo yêu cầu" in history
    assert "Nguyễn Văn Dân" not in history and "0912" not in history


def test_the_queue_shows_new_and_reported_comments_with_the_contact(
    login, client, site, post, propaganda_officer
):
    send(client, site, post)
    editor = login(propaganda_officer)
    page = editor.get(reverse("public:comments", args=[site.pk])).content.decode()
    assert "Nguyễn Văn Dân" in page and "0912 345 678" in page and "Cần xem (1)" in page
    comment = PublicComment.objects.get()
    editor.post(reverse("public:comment_act", args=[comment.pk, "duyet"]), {"xem": "can-xem"})
    comment.refresh_from_db()
    assert comment.status == PublicComment.Status.PUBLISHED and not comment.needs_review
    response = editor.post(
        reverse("public:comment_act", args=[comment.pk, "khong-dang"]), {"reason": ""}
    )
    assert response.status_code == 302
    assert "Hãy ghi lý do" in editor.get(response["Location"]).content.decode()


def test_a_programmes_page_inside_counts_its_public_feedback_by_week_and_theme(
    login, tree, city_secretary, propaganda_officer, client
):
    import datetime as dt

    from tests.plans.test_programmes import make_programme
    from trienkhai.documents.services import document_register

    resolution = document_register(
        actor=None, owner_unit=tree.city, issuer_unit=tree.city, number_text="01-NQ/ThU",
        issued_on=dt.date(2020, 9, 1), summary="Nghị quyết Đại hội",
    )  # fmt: skip
    programme = make_programme(tree.city, resolution, title="Chỉnh trang đô thị")
    site = services.site_save(
        actor=city_secretary, unit=tree.city, slug="tu", title="TU", is_open=True,
        moderation=PublicSite.Moderation.AFTER,
    )  # fmt: skip
    shown = services.programme_publish(
        actor=propaganda_officer, site=site, programme=programme, summary="Giới thiệu"
    )
    url = reverse("public_site:programme", args=[site.slug, shown.pk])
    for n, (body, address) in enumerate(
        [
            ("Đề nghị lắp thêm đèn đường ở khu phố 3.", "10.0.0.1"),
            ("Khu phố 5 cũng cần đèn đường, tối quá.", "10.0.0.2"),
            ("Cần sửa đèn đường hẻm 12 và dọn rác.", "10.0.0.3"),
            ("Nên có thêm chỗ đổ rác.", "10.0.0.4"),
        ]
    ):
        client.post(url, {"name": f"Dân {n}", "body": body}, REMOTE_ADDR=address)
    spam = PublicComment.objects.order_by("pk").last()
    comments.comment_reject(actor=propaganda_officer, comment=spam, reason="Trùng")

    page = login(propaganda_officer).get(reverse("plans:programme", args=[programme.pk]))
    text = page.content.decode()
    assert "Ý kiến người dân trên trang công khai" in text
    assert "3 ý kiến: 3 đang hiện, 0 chờ duyệt." in text
    assert "“đèn đường” — 3 ý kiến" in text


def test_the_units_editors_are_told_once_a_day_that_comments_wait(
    site, post, propaganda_officer, city_secretary, viewer, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from trienkhai.notifications.models import Notification

    propaganda_officer.email = "tuyengiao@example.vn"
    propaganda_officer.save()
    city_secretary.email = ""
    city_secretary.save()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves on commit
        for n in range(3):
            comments.comment_submit(
                site=site, post=post, name="Dân", body=f"Ý kiến số {n}", address=f"10.0.0.{n}"
            )
    told = Notification.objects.filter(url=reverse("public:comments", args=[site.pk]))
    assert sorted(told.values_list("user__username", flat=True)) == sorted(
        [propaganda_officer.username, city_secretary.username]
    )  # the editor and the manager of the city, once each; not the viewer
    assert "có ý kiến của người dân cần xem" in told.first().text
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["tuyengiao@example.vn"], "Ý kiến người dân cần xem")
    ]
    comments.comment_report(comment=PublicComment.objects.filter(site=site).first())
    assert told.count() == 2  # the same day: no second notice
