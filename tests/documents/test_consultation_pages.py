"""The consultation pages end to end: the Office opens a round through the form, members answer
on their page, the synthesis table is filled in row by row (htmx), a revised version goes up, the
draft is submitted and signed. Bad input gets a specific message and keeps what was typed."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.documents import consultation_world
from tests.documents.consultation_world import docx_upload, open_round, pass_deadline
from trienkhai.documents import consultation as consult
from trienkhai.documents.models import Comment, DocStatus, Document, Resolution

# The shared personas (fixtures), without a conftest that other modules would inherit.
draft = consultation_world.draft
world = consultation_world.world


def page(response) -> str:
    return response.content.decode()


def key_in(html: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', html).group(1)


def day(d: dt.date) -> str:
    return d.strftime("%d-%m-%Y")


# --- opening -----------------------------------------------------------------------------------
def test_the_office_opens_a_round_for_the_standing_committee(world, draft, client, city_secretary):
    client.force_login(city_secretary)
    url = reverse("documents:consultation_new", args=[draft.pk])

    form = client.get(url)
    assert "Ban Thường vụ Thành ủy Bến Tre (3 người)" in page(form)

    deadline = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        url,
        {
            "groups": [world.btv.pk],
            "deadline_date": day(deadline),
            "deadline_time": "17:00",
            "message": "Đề nghị góp ý trước ngày họp.",
        },
        follow=True,
    )

    round_ = draft.consultations.get()
    assert response.redirect_chain[-1][0] == reverse("documents:consultation", args=[round_.pk])
    assert "Đã mở đợt lấy ý kiến lần 1 và gửi tới 3 người." in page(response)
    local = timezone.localtime(round_.deadline)
    assert (local.date(), local.hour, local.minute) == (deadline, 17, 0)
    assert round_.recipients.count() == 3


def test_a_deadline_in_the_past_keeps_the_form_as_typed(world, draft, client, city_secretary):
    client.force_login(city_secretary)

    response = client.post(
        reverse("documents:consultation_new", args=[draft.pk]),
        {
            "groups": [world.btv.pk],
            "deadline_date": "15-09-2020",
            "message": "Lời nhắn đã gõ.",
        },
    )

    html = page(response)
    assert "Hạn góp ý 23:59 ngày 15-9-2020 đã qua. Hãy chọn một thời điểm sau bây giờ." in html
    assert "Lời nhắn đã gõ." in html
    assert re.search(rf'name="groups" value="{world.btv.pk}"[^>]*checked', html)
    assert not draft.consultations.exists()


def test_a_round_with_no_recipients_is_refused_on_the_page(draft, client, city_secretary):
    client.force_login(city_secretary)
    deadline = timezone.localdate() + dt.timedelta(days=5)

    response = client.post(
        reverse("documents:consultation_new", args=[draft.pk]),
        {"deadline_date": day(deadline), "message": "Xin ý kiến."},
    )

    assert "Hãy chọn người được xin ý kiến" in page(response)
    assert "Xin ý kiến." in page(response)
    assert not draft.consultations.exists()


# --- answering ---------------------------------------------------------------------------------
def test_a_member_reads_the_draft_and_comments_on_an_article(world, draft, client):
    round_ = open_round(draft, units=[world.btv])
    client.force_login(world.an.user)
    url = reverse("documents:respond", args=[round_.pk])

    form = client.get(url)
    html = page(form)
    assert "du-thao-quy-che.docx" in html
    file_url = reverse("documents:round_file", args=[round_.pk, draft.files.get().pk])
    assert file_url in html
    assert client.get(file_url).status_code == 200

    response = client.post(
        url,
        {"section": "Điều 5", "text": "Đề nghị làm rõ.", "submission_key": key_in(html)},
        follow=True,
    )

    html = page(response)
    assert "Đã ghi nhận ý kiến của đồng chí." in html
    assert "Đề nghị làm rõ." in html and "Điều 5" in html


def test_a_double_submission_of_the_comment_form_records_one_comment(world, draft, client):
    round_ = open_round(draft, units=[world.btv])
    client.force_login(world.an.user)
    url = reverse("documents:respond", args=[round_.pk])
    data = {"text": "Một lần thôi.", "submission_key": key_in(page(client.get(url)))}

    client.post(url, data)
    client.post(url, data)

    assert Comment.objects.filter(text="Một lần thôi.").count() == 1
    # A new rendering of the form carries a new token: a second, different comment is fine.
    again = client.get(url)
    assert key_in(page(again)) != data["submission_key"]


def test_a_comment_after_the_deadline_is_accepted_and_the_page_says_so(world, draft, client):
    round_ = pass_deadline(open_round(draft, units=[world.btv]))
    client.force_login(world.binh.user)
    url = reverse("documents:respond", args=[round_.pk])

    before = page(client.get(url))
    assert "Đã quá hạn góp ý" in before
    assert "được đánh dấu là gửi sau hạn" in before

    after = page(client.post(url, {"text": "Góp ý muộn.", "submission_key": "k1"}, follow=True))

    assert "ý kiến được đánh dấu gửi sau hạn góp ý" in after
    assert "gửi sau hạn" in after
    assert Comment.objects.get().is_late


def test_an_empty_comment_keeps_the_section_typed(world, draft, client):
    round_ = open_round(draft, units=[world.btv])
    client.force_login(world.an.user)

    response = client.post(
        reverse("documents:respond", args=[round_.pk]),
        {"section": "Điều 7, khoản 3", "text": "   ", "submission_key": "abc"},
    )

    html = page(response)
    assert "Hãy nhập nội dung góp ý." in html
    assert 'value="Điều 7, khoản 3"' in html
    assert 'name="submission_key" value="abc"' in html
    assert not Comment.objects.exists()


def test_no_comment_is_one_button(world, draft, client):
    round_ = open_round(draft, units=[world.btv])
    client.force_login(world.cuong.user)

    response = client.post(reverse("documents:respond_none", args=[round_.pk]), follow=True)

    assert "Đồng chí đã trả lời: không có ý kiến." in page(response)
    assert round_.recipients.get(person=world.cuong).no_comment


def test_the_to_do_list_shows_what_a_member_is_asked(world, draft, client):
    round_ = open_round(draft, units=[world.btv])
    client.force_login(world.an.user)

    html = page(client.get(reverse("documents:todo")))

    assert reverse("documents:respond", args=[round_.pk]) in html
    assert "Chưa trả lời" in html


# --- the organiser's page ----------------------------------------------------------------------
@pytest.fixture
def commented(world, draft):
    round_ = open_round(draft, units=[world.btv])
    comment = consult.comment_submit(
        actor=world.an.user, consultation=round_, section="Điều 3", text="Sửa Điều 3."
    )
    return round_, comment


def test_the_organiser_sees_who_has_not_answered(commented, client, city_secretary):
    round_, _comment = commented
    client.force_login(city_secretary)

    html = page(client.get(reverse("documents:consultation", args=[round_.pk])))

    assert "Người được xin ý kiến (1/3 đã trả lời)" in html
    assert html.count("Chưa trả lời") == 2
    assert "Nhắc 2 người chưa trả lời" in html


def test_an_overdue_round_is_flagged(commented, client, city_secretary):
    round_, _comment = commented
    pass_deadline(round_)
    client.force_login(city_secretary)

    assert "Quá hạn" in page(client.get(reverse("documents:consultation", args=[round_.pk])))


def test_the_synthesis_table_is_filled_in_row_by_row(commented, client, city_secretary):
    round_, comment = commented
    client.force_login(city_secretary)
    prefix = f"c{comment.pk}"

    response = client.post(
        reverse("documents:comment_resolve", args=[comment.pk]),
        {f"{prefix}-resolution": "partly", f"{prefix}-response": "Tiếp thu phần đầu."},
        HTTP_HX_REQUEST="true",
    )

    html = page(response)
    assert html.startswith(f'<tr id="comment-{comment.pk}" class="saved">')
    assert "Đã lưu" in html
    comment.refresh_from_db()
    assert (comment.resolution, comment.response) == (Resolution.PARTLY, "Tiếp thu phần đầu.")


def test_explaining_without_a_response_keeps_the_row_as_typed(commented, client, city_secretary):
    round_, comment = commented
    client.force_login(city_secretary)
    prefix = f"c{comment.pk}"

    response = client.post(
        reverse("documents:comment_resolve", args=[comment.pk]),
        {f"{prefix}-resolution": "explained", f"{prefix}-response": ""},
        HTTP_HX_REQUEST="true",
    )

    html = page(response)
    assert "Ý kiến được “Giải trình” cần có nội dung giải trình" in html
    assert '<option value="explained" selected>' in html
    comment.refresh_from_db()
    assert comment.resolution == Resolution.PENDING


def test_without_htmx_the_row_error_shows_on_the_whole_page(commented, client, city_secretary):
    round_, comment = commented
    client.force_login(city_secretary)
    prefix = f"c{comment.pk}"

    response = client.post(
        reverse("documents:comment_resolve", args=[comment.pk]),
        {f"{prefix}-resolution": "explained", f"{prefix}-response": ""},
    )

    html = page(response)
    assert "Bảng tổng hợp, tiếp thu, giải trình ý kiến" in html
    assert "cần có nội dung giải trình" in html


def test_a_comment_on_paper_is_recorded_by_the_organiser(world, draft, client, city_secretary):
    round_ = open_round(draft, units=[world.bch])
    client.force_login(city_secretary)
    em = round_.recipients.get(person=world.em)

    response = client.post(
        reverse("documents:comment_on_behalf", args=[round_.pk]),
        {
            "recipient": em.pk,
            "section": "",
            "text": "Ý kiến gửi bằng văn bản.",
            "submission_key": "p1",
        },
        follow=True,
    )

    assert "Đã ghi ý kiến của Võ Văn Em." in page(response)
    assert em.comments.get().text == "Ý kiến gửi bằng văn bản."


def test_the_revised_version_is_uploaded_with_the_comments_it_answers(
    commented, draft, client, city_secretary
):
    round_, comment = commented
    consult.comment_resolve(actor=None, comment=comment, resolution=Resolution.ACCEPTED)
    client.force_login(city_secretary)
    url = reverse("documents:version_new", args=[draft.pk])

    form = page(client.get(url))
    assert f'value="{comment.pk}"' in form and "checked" in form

    response = client.post(
        url,
        {
            "uploaded": docx_upload("v2.docx", "Điều 3 đã sửa."),
            "note": "Bản 2",
            "answers": [comment.pk],
        },
        follow=True,
    )

    assert "Đã tải lên dự thảo phiên bản 2." in page(response)
    comment.refresh_from_db()
    assert comment.answered_in.number == 2
    assert Document.objects.get(pk=draft.pk).status == DocStatus.REVISED


def test_a_file_that_is_not_what_it_says_is_refused_with_its_reason(
    commented, draft, client, city_secretary
):
    from tests.documents import builders

    client.force_login(city_secretary)

    response = client.post(
        reverse("documents:version_new", args=[draft.pk]),
        {"uploaded": builders.upload("v2.docx", builders.pdf_bytes("x")), "note": "Ghi chú đã gõ"},
    )

    html = page(response)
    assert "thực chất là tệp PDF" in html
    assert "Ghi chú đã gõ" in html
    assert draft.versions.count() == 1


def test_submit_then_sign_issues_the_draft_with_its_number(
    commented, world, draft, client, city_secretary
):
    round_, comment = commented
    consult.comment_resolve(actor=None, comment=comment, resolution=Resolution.ACCEPTED)
    consult.consultation_close(actor=None, consultation=round_)
    client.force_login(city_secretary)

    client.post(reverse("documents:submit", args=[draft.pk]))
    assert Document.objects.get(pk=draft.pk).status == DocStatus.SUBMITTED

    url = reverse("documents:sign", args=[draft.pk])
    form = page(client.get(url))
    assert "01-QC/ThU" in form
    assert 'name="number" value="1"' in form
    response = client.post(
        url,
        {"number": "1", "issued_on": day(timezone.localdate()), "signer": world.an.pk},
    )

    issued = Document.objects.get(pk=draft.pk)
    assert response.status_code == 302
    assert (issued.status, issued.number_text) == (DocStatus.ISSUED, "01-QC/ThU")
    assert issued.signer_title == "Bí thư Thành ủy"


def test_submitting_too_early_says_why(commented, draft, client, city_secretary):
    client.force_login(city_secretary)

    response = client.post(reverse("documents:submit", args=[draft.pk]), follow=True)

    html = page(response)
    assert "Đợt lấy ý kiến lần 1 đang mở; hãy kết thúc đợt đó trước." in html
    assert "Còn 1 ý kiến chưa được xử lý" in html
    assert Document.objects.get(pk=draft.pk).status == DocStatus.IN_CONSULTATION


def test_signing_with_a_used_number_links_to_the_document_holding_it(
    world, draft, client, city_secretary
):

    from tests.documents import builders

    existing = builders.register(
        world.city, "05-QC/ThU", timezone.localdate() - dt.timedelta(days=1), "Quy chế cũ"
    )
    client.force_login(city_secretary)

    response = client.post(
        reverse("documents:sign", args=[draft.pk]),
        {"number": "5", "issued_on": day(timezone.localdate()), "signer_title": "Bí thư"},
    )

    html = page(response)
    assert "Số này đã được dùng trong cùng sổ" in html
    assert f'<a href="/documents/{existing.pk}/">' in html
    assert 'name="signer_title" value="Bí thư"' in html
    assert Document.objects.get(pk=draft.pk).status == DocStatus.DRAFT


def test_signing_with_a_future_date_is_refused_on_the_page(draft, client, city_secretary):
    client.force_login(city_secretary)
    future = timezone.localdate() + dt.timedelta(days=2)

    response = client.post(
        reverse("documents:sign", args=[draft.pk]), {"number": "3", "issued_on": day(future)}
    )

    assert "ở tương lai: văn bản đã ban hành phải có ngày đã qua" in page(response)
    assert 'name="number" value="3"' in page(response)
    assert Document.objects.get(pk=draft.pk).number is None


def test_the_document_page_shows_the_consultation_panel(world, draft, client, city_secretary):
    round_ = open_round(draft, units=[world.btv])
    client.force_login(city_secretary)

    html = page(client.get(reverse("documents:detail", args=[draft.pk])))

    assert "Lấy ý kiến dự thảo" in html
    assert reverse("documents:consultation", args=[round_.pk]) in html
    assert reverse("documents:version_new", args=[draft.pk]) in html


def test_a_recipient_finds_the_respond_link_on_the_document_page(world, draft, client):
    round_ = open_round(draft, units=[world.btv])
    client.force_login(world.an.user)

    html = page(client.get(reverse("documents:detail", args=[draft.pk])))

    assert reverse("documents:respond", args=[round_.pk]) in html
    assert f'href="{reverse("documents:consultation", args=[round_.pk])}"' not in html


@pytest.mark.parametrize(
    "data",
    [
        {"persons": ["99999999999999999999999"], "deadline_date": "01-01-2099"},
        {"groups": ["99999999999999999999999"], "deadline_date": "01-01-2099"},
        {"position_units": ["abc"], "deadline_date": "01-01-2099"},
        {"position_roles": ["emperor"], "deadline_date": "01-01-2099"},
        {"persons": ["1"], "deadline_date": "31-02-2099", "deadline_time": "25:99"},
        {"persons": ["1"], "deadline_date": "01-01-0001"},
    ],
)
def test_garbage_in_the_round_form_is_a_message_not_a_crash(draft, client, city_secretary, data):
    client.force_login(city_secretary)

    response = client.post(reverse("documents:consultation_new", args=[draft.pk]), data)

    assert response.status_code == 200
    assert 'class="field-error"' in page(response)
    assert not draft.consultations.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"signer": "99999999999999999999999", "issued_on": "01-01-2020"},
        {"number": "-4", "issued_on": "01-01-2020"},
        {"number": "abc", "issued_on": "hôm qua"},
        {"number": "99999999999999999999", "issued_on": "01-01-2020"},
    ],
)
def test_garbage_in_the_sign_form_is_a_message_not_a_crash(draft, client, city_secretary, data):
    client.force_login(city_secretary)

    response = client.post(reverse("documents:sign", args=[draft.pk]), data)

    assert response.status_code == 200
    assert 'class="field-error"' in page(response)
    assert Document.objects.get(pk=draft.pk).status == DocStatus.DRAFT


def test_garbage_in_a_synthesis_row_is_a_message(commented, client, city_secretary):
    round_, comment = commented
    client.force_login(city_secretary)

    response = client.post(
        reverse("documents:comment_resolve", args=[comment.pk]),
        {f"c{comment.pk}-resolution": "ignored"},
        HTTP_HX_REQUEST="true",
    )

    assert "Hãy chọn cách xử lý" in page(response)
