"""Consultation on a draft, told through the services: the Office sends the draft working rules
to the Standing Committee, members comment (some late, some not at all), the Office builds the
synthesis table, uploads the revised version, submits it, and the Secretary's signature issues it."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.documents import consultation_world
from tests.documents.consultation_world import docx_upload, open_round, pass_deadline
from trienkhai.documents import consultation as consult
from trienkhai.documents.models import Comment, DocStatus, Document, Recipient, Resolution
from trienkhai.notifications.models import Notification
from trienkhai.org.models import PositionRole

# The shared personas (fixtures), without a conftest that other modules would inherit.
draft = consultation_world.draft
world = consultation_world.world


def key():
    return consult.new_submission_key()


# --- opening a round ---------------------------------------------------------------------------
def test_the_office_sends_the_draft_to_everyone_in_the_standing_committee(
    world, draft, city_secretary, django_capture_on_commit_callbacks
):

    with django_capture_on_commit_callbacks(execute=True):
        round_ = open_round(draft, actor=city_secretary, units=[world.btv])

    recipients = list(round_.recipients.select_related("person"))
    assert [(r.person.full_name, r.title) for r in recipients] == [
        ("Nguyễn Văn An", "Bí thư Thành ủy"),
        ("Trần Thị Bình", "Phó Bí thư Thường trực Thành ủy"),
        ("Lê Văn Cường", "Trưởng Ban Tuyên giáo Thành ủy"),
    ]
    assert round_.round_number == 1
    assert round_.version.number == 1
    draft.refresh_from_db()
    assert draft.status == DocStatus.IN_CONSULTATION
    assert draft.status_changes.last().to_status == DocStatus.IN_CONSULTATION
    # Each one is told in the application and by e-mail.
    notices = Notification.objects.filter(user=world.an.user)
    assert notices.count() == 1
    assert "Xin ý kiến dự thảo" in notices.get().text
    assert sorted(m.to[0] for m in mail.outbox) == [
        "an@thanhuy.example.vn",
        "binh@thanhuy.example.vn",
        "cuong@thanhuy.example.vn",
    ]
    assert mail.outbox[0].subject.startswith("Xin ý kiến dự thảo: Quy chế làm việc")
    assert f"/documents/consultations/{round_.pk}/respond/" in mail.outbox[0].body


def test_someone_in_both_committees_is_asked_once_with_the_higher_title(world, draft):
    round_ = open_round(draft, units=[world.bch, world.btv], persons=[world.an, world.dung])

    names = [r.person.full_name for r in round_.recipients.select_related("person")]
    assert sorted(names) == sorted(
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Võ Văn Em"]
    )
    assert round_.recipients.get(person=world.an).title == "Bí thư Thành ủy"


def test_roles_narrow_a_unit_to_some_of_its_members(world, draft):
    round_ = open_round(
        draft,
        units=[world.btv],
        roles=[PositionRole.SECRETARY, PositionRole.DEPUTY_SECRETARY],
    )

    assert {r.person for r in round_.recipients.all()} == {world.an, world.binh}


def test_a_person_chosen_alone_gets_their_current_title(world, draft):
    round_ = open_round(draft, persons=[world.dung])

    assert round_.recipients.get().title == "Bí thư Đảng ủy Phường An Hội"


def test_a_member_without_an_account_is_e_mailed(world, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        open_round(draft, persons=[world.em])

    assert [m.to for m in mail.outbox] == [["em@xa.example.vn"]]
    # A link to a login page would help nobody without an account.
    assert "xin gửi ý kiến bằng văn bản về Thành ủy Bến Tre" in mail.outbox[0].body
    assert "/respond/" not in mail.outbox[0].body


def test_someone_neither_online_nor_with_an_address_is_not_counted_for_reminders(world, draft):
    from trienkhai.org import services as org

    paper = org.person_save(actor=None, full_name="Chỉ nhận bản giấy", home_unit=world.city)
    round_ = open_round(draft, persons=[paper, world.dung])

    assert [r.person for r in consult.recipients_due_reminder(round_)] == [world.dung]
    assert consult.consultation_remind(actor=None, consultation=round_) == 1


def test_a_deadline_in_the_past_is_refused_and_nothing_is_saved(world, draft):
    with pytest.raises(ValidationError) as caught:
        consult.consultation_open(
            actor=None,
            document=draft,
            position_units=[world.btv],
            deadline=timezone.now() - dt.timedelta(days=1),
            message="",
        )

    (message,) = caught.value.message_dict["deadline"]
    assert message.startswith("Hạn góp ý") and "đã qua" in message
    assert not draft.consultations.exists()
    assert Document.objects.get(pk=draft.pk).status == DocStatus.DRAFT


def test_a_round_with_nobody_to_ask_is_refused(world, draft):
    with pytest.raises(ValidationError) as caught:
        consult.consultation_open(
            actor=None, document=draft, deadline=timezone.now() + dt.timedelta(days=3)
        )

    assert "Hãy chọn người được xin ý kiến" in caught.value.message_dict["persons"][0]
    assert not draft.consultations.exists()


def test_a_unit_where_nobody_holds_the_chosen_role_is_refused(world, draft):
    with pytest.raises(ValidationError) as caught:
        open_round(draft, units=[world.btv], roles=[PositionRole.CHAIR])

    assert "Hiện không có ai giữ chức vụ" in caught.value.message_dict["position_units"][0]


def test_a_second_round_cannot_open_while_the_first_is_open(world, draft):
    open_round(draft, units=[world.btv])

    with pytest.raises(ValidationError) as caught:
        open_round(draft, units=[world.bch])

    assert "Đợt lấy ý kiến lần 1 đang mở" in caught.value.messages[0]


# --- answering ---------------------------------------------------------------------------------
def test_a_member_comments_on_an_article_and_is_counted_as_answered(world, draft):
    round_ = open_round(draft, units=[world.btv])

    comment = consult.comment_submit(
        actor=world.an.user,
        consultation=round_,
        section="Điều 5,  khoản 2",
        text="Đề nghị bổ sung trách nhiệm của Thường trực.",
        submission_key=key(),
    )

    assert comment.section == "Điều 5, khoản 2"
    assert comment.is_late is False
    assert round_.recipients.get(person=world.an).answered_at is not None
    assert [r.person for r in consult.recipients_missing(round_)] == [world.binh, world.cuong]


def test_a_comment_after_the_deadline_is_accepted_and_marked_late(world, draft):
    round_ = pass_deadline(open_round(draft, units=[world.btv]))

    comment = consult.comment_submit(
        actor=world.binh.user, consultation=round_, text="Góp ý muộn.", submission_key=key()
    )

    assert comment.is_late is True
    assert round_.is_overdue


def test_the_same_form_submitted_twice_records_one_comment(world, draft):
    round_ = open_round(draft, units=[world.btv])
    token = key()

    first = consult.comment_submit(
        actor=world.an.user, consultation=round_, text="Một ý kiến.", submission_key=token
    )
    second = consult.comment_submit(
        actor=world.an.user, consultation=round_, text="Một ý kiến.", submission_key=token
    )

    assert first.pk == second.pk
    assert Comment.objects.count() == 1


def test_one_persons_token_never_finds_another_persons_comment(world, draft):
    round_ = open_round(draft, units=[world.btv])
    token = key()
    consult.comment_submit(actor=world.an.user, consultation=round_, text="A", submission_key=token)

    other = consult.comment_submit(
        actor=world.binh.user, consultation=round_, text="B", submission_key=token
    )

    assert other.recipient.person == world.binh
    assert Comment.objects.count() == 2


def test_an_empty_comment_is_refused(world, draft):
    round_ = open_round(draft, units=[world.btv])

    with pytest.raises(ValidationError) as caught:
        consult.comment_submit(
            actor=world.an.user, consultation=round_, text="   \n", submission_key=key()
        )

    assert caught.value.message_dict == {"text": ["Hãy nhập nội dung góp ý."]}
    assert not Comment.objects.exists()
    assert round_.recipients.get(person=world.an).answered_at is None


def test_only_a_recipient_may_comment(world, draft, city_secretary):
    round_ = open_round(draft, units=[world.btv])

    with pytest.raises(ValidationError) as caught:
        consult.comment_submit(
            actor=world.dung.user, consultation=round_, text="Tôi cũng muốn góp ý."
        )
    assert caught.value.messages == ["Bạn không có trong danh sách được xin ý kiến đợt này."]
    with pytest.raises(ValidationError):
        consult.comment_submit(actor=city_secretary, consultation=round_, text="...")


def test_no_comment_is_an_answer(world, draft):
    round_ = open_round(draft, units=[world.btv])

    recipient = consult.comment_none(actor=world.cuong.user, consultation=round_)

    assert recipient.no_comment and recipient.answered_at is not None
    assert world.cuong not in [r.person for r in consult.recipients_missing(round_)]
    # Saying it twice changes nothing.
    assert consult.comment_none(actor=world.cuong.user, consultation=round_).pk == recipient.pk


def test_no_comment_after_commenting_is_refused(world, draft):
    round_ = open_round(draft, units=[world.btv])
    consult.comment_submit(actor=world.an.user, consultation=round_, text="Ý kiến.")

    with pytest.raises(ValidationError) as caught:
        consult.comment_none(actor=world.an.user, consultation=round_)

    assert "không thể chọn “Không có ý kiến”" in caught.value.messages[0]


def test_a_comment_after_saying_no_comment_counts_as_a_comment(world, draft):
    round_ = open_round(draft, units=[world.btv])
    consult.comment_none(actor=world.an.user, consultation=round_)

    consult.comment_submit(actor=world.an.user, consultation=round_, text="Nghĩ lại, có ý kiến.")

    assert round_.recipients.get(person=world.an).no_comment is False


def test_the_organiser_records_a_comment_received_on_paper(world, draft, city_secretary):
    round_ = open_round(draft, units=[world.bch])
    em = round_.recipients.get(person=world.em)

    comment = consult.comment_submit(
        actor=city_secretary,
        consultation=round_,
        text="Ý kiến bằng văn bản.",
        on_behalf_of=em,
    )

    assert comment.recipient == em
    em.refresh_from_db()
    assert em.answered_at is not None


def test_a_closed_round_takes_no_more_comments(world, draft):
    round_ = open_round(draft, units=[world.btv])
    consult.consultation_close(actor=None, consultation=round_)

    with pytest.raises(ValidationError) as caught:
        consult.comment_submit(actor=world.an.user, consultation=round_, text="Muộn quá.")

    assert "đã kết thúc" in caught.value.messages[0]


# --- the synthesis table -----------------------------------------------------------------------
@pytest.fixture
def commented(world, draft):
    round_ = open_round(draft, units=[world.btv])
    a = consult.comment_submit(
        actor=world.an.user, consultation=round_, section="Điều 3", text="Sửa Điều 3."
    )
    b = consult.comment_submit(
        actor=world.binh.user, consultation=round_, section="", text="Rút gọn toàn văn."
    )
    return round_, a, b


def test_each_comment_is_marked_accepted_partly_or_explained(commented, city_secretary):
    round_, a, b = commented

    a = consult.comment_resolve(
        actor=city_secretary, comment=a, resolution=Resolution.ACCEPTED, response=""
    )
    b = consult.comment_resolve(
        actor=city_secretary,
        comment=b,
        resolution=Resolution.EXPLAINED,
        response="Giữ nguyên vì theo mẫu của Trung ương.",
    )

    assert (a.resolution, b.resolution) == (Resolution.ACCEPTED, Resolution.EXPLAINED)
    assert b.resolved_by == city_secretary and b.resolved_at is not None
    assert consult.round_stats(round_)["pending"] == 0


@pytest.mark.parametrize("how", [Resolution.EXPLAINED, Resolution.PARTLY])
def test_explaining_without_a_response_is_refused(commented, how):
    _round, a, _b = commented

    with pytest.raises(ValidationError) as caught:
        consult.comment_resolve(actor=None, comment=a, resolution=how, response="  ")

    assert "cần có nội dung giải trình" in caught.value.message_dict["response"][0]
    a.refresh_from_db()
    assert a.resolution == Resolution.PENDING


# --- revised version, more rounds, submission, signing ------------------------------------------
def test_a_revised_version_answers_comments_and_ends_the_round(commented, draft, city_secretary):
    round_, a, b = commented

    version = consult.version_upload(
        actor=city_secretary,
        document=draft,
        uploaded=docx_upload("du-thao-v2.docx", "Điều 3 (đã sửa)."),
        note="Tiếp thu ý kiến BTV",
        answers=[a.pk],
    )

    assert version.number == 2
    assert version.files.get().original_name == "du-thao-v2.docx"
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.answered_in, b.answered_in) == (version, None)
    round_.refresh_from_db()
    assert not round_.is_open
    draft.refresh_from_db()
    assert draft.status == DocStatus.REVISED


def test_a_bad_file_for_the_revised_version_saves_nothing(commented, draft):
    from tests.documents import builders

    with pytest.raises(ValidationError) as caught:
        consult.version_upload(
            actor=None,
            document=draft,
            uploaded=builders.upload("du-thao.docx", b"not really a word file"),
            answers=[],
        )

    assert "uploaded" in caught.value.message_dict
    assert draft.versions.count() == 1
    assert Document.objects.get(pk=draft.pk).status == DocStatus.IN_CONSULTATION


def test_a_second_round_goes_out_on_the_revised_version(commented, draft, world):
    consult.version_upload(
        actor=None, document=draft, uploaded=docx_upload("v2.docx", "Bản sửa."), answers=[]
    )

    second = open_round(draft, units=[world.bch])

    assert (second.round_number, second.version.number) == (2, 2)
    draft.refresh_from_db()
    assert draft.status == DocStatus.IN_CONSULTATION


def test_submitting_needs_every_round_closed_and_every_comment_answered(commented, draft):
    round_, a, b = commented

    with pytest.raises(ValidationError) as caught:
        consult.document_submit(actor=None, document=draft)
    assert len(caught.value.messages) == 2

    consult.consultation_close(actor=None, consultation=round_)
    consult.comment_resolve(actor=None, comment=a, resolution=Resolution.ACCEPTED)
    consult.comment_resolve(
        actor=None, comment=b, resolution=Resolution.PARTLY, response="Rút gọn phần chung."
    )
    submitted = consult.document_submit(actor=None, document=draft)

    assert submitted.status == DocStatus.SUBMITTED


def test_signing_gives_the_next_number_and_issues_the_draft(world, draft, city_secretary):
    issued = consult.document_issue(
        actor=city_secretary,
        document=draft,
        issued_on=timezone.localdate(),
        signer=world.an,
    )

    assert issued.status == DocStatus.ISSUED
    assert issued.number_text == "01-QC/ThU"
    assert (issued.signer_name, issued.signer_title) == ("Nguyễn Văn An", "Bí thư Thành ủy")


def test_signing_with_a_number_already_used_links_to_that_document(world, draft):
    from tests.documents import builders

    existing = builders.register(
        world.city, "01-QC/ThU", timezone.localdate() - dt.timedelta(days=2), "Quy chế khác"
    )

    with pytest.raises(ValidationError) as caught:
        consult.document_issue(actor=None, document=draft, issued_on=timezone.localdate(), number=1)

    (message,) = caught.value.message_dict["number_text"]
    assert f'href="/documents/{existing.pk}/"' in message
    assert Document.objects.get(pk=draft.pk).status == DocStatus.DRAFT


def test_signing_with_a_future_date_is_refused(world, draft):
    with pytest.raises(ValidationError) as caught:
        consult.document_issue(
            actor=None, document=draft, issued_on=timezone.localdate() + dt.timedelta(days=3)
        )

    assert "ở tương lai" in caught.value.message_dict["issued_on"][0]
    assert Document.objects.get(pk=draft.pk).number is None


def test_signing_while_a_round_is_open_is_refused(world, draft):
    open_round(draft, units=[world.btv])

    with pytest.raises(ValidationError) as caught:
        consult.document_issue(actor=None, document=draft, issued_on=timezone.localdate())

    assert "đang mở" in caught.value.messages[0]


def test_a_round_past_its_deadline_is_flagged_overdue_until_closed(world, draft):
    round_ = open_round(draft, units=[world.btv])
    assert not round_.is_overdue

    pass_deadline(round_)
    assert round_.is_overdue

    closed = consult.consultation_close(actor=None, consultation=round_)
    assert not closed.is_overdue


def test_closing_twice_changes_nothing(world, draft):
    round_ = open_round(draft, units=[world.btv])
    first = consult.consultation_close(actor=None, consultation=round_).closed_at

    assert consult.consultation_close(actor=None, consultation=round_).closed_at == first


def test_the_to_do_list_puts_open_rounds_first(world, draft):
    round_ = open_round(draft, units=[world.btv])

    rows = list(consult.rounds_for_person(world.an))

    assert [r.consultation for r in rows] == [round_]
    assert list(consult.rounds_for_person(None)) == []


def test_recipients_are_unique_per_round(world, draft):
    round_ = open_round(draft, units=[world.btv], persons=[world.an, world.an])

    assert Recipient.objects.filter(consultation=round_, person=world.an).count() == 1


def test_a_round_held_in_2020_is_recorded_from_the_paper_file(
    world, draft, django_capture_on_commit_callbacks
):
    tz = timezone.get_current_timezone()

    def moment(day, hour=9):
        return dt.datetime(2020, 9, day, hour, tzinfo=tz)

    with django_capture_on_commit_callbacks(execute=True):
        round_ = consult.consultation_open(
            actor=None,
            document=draft,
            position_units=[world.btv],
            deadline=moment(12, 17),
            message="Góp ý dự thảo Quy chế làm việc",
            at=moment(5),
        )
    consult.comment_submit(
        actor=world.an.user, consultation=round_, text="Đúng hạn.", at=moment(10)
    )
    late = consult.comment_submit(
        actor=world.binh.user, consultation=round_, text="Sau hạn.", at=moment(14)
    )
    consult.consultation_close(actor=None, consultation=round_, at=moment(15))
    issued = consult.document_issue(actor=None, document=draft, issued_on=dt.date(2020, 9, 18))

    round_.refresh_from_db()
    assert (round_.opened_at, round_.closed_at) == (moment(5), moment(15))
    assert late.is_late and late.created_at == moment(14)
    assert not Notification.objects.exists() and mail.outbox == []
    assert (issued.number_text, issued.issued_on) == ("01-QC/ThU", dt.date(2020, 9, 18))


def test_a_past_round_still_needs_its_deadline_after_it_opened(world, draft):
    tz = timezone.get_current_timezone()

    with pytest.raises(ValidationError) as caught:
        consult.consultation_open(
            actor=None,
            document=draft,
            position_units=[world.btv],
            deadline=dt.datetime(2020, 9, 1, tzinfo=tz),
            at=dt.datetime(2020, 9, 5, tzinfo=tz),
        )

    assert "deadline" in caught.value.message_dict
