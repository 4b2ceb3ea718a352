"""Reminding those who have not answered: an e-mail through a real SMTP server (aiosmtpd on a
free local port) and an in-app notice, each person claimed once, so running the job twice in a
row sends nothing twice."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.documents import consultation_world
from tests.documents.consultation_world import open_round, pass_deadline
from trienkhai.documents import consultation as consult
from trienkhai.documents import jobs
from trienkhai.documents.models import Recipient
from trienkhai.notifications.models import Notification

# The shared personas (fixtures), without a conftest that other modules would inherit.
draft = consultation_world.draft
world = consultation_world.world


# E-mails leave after commit: these tests commit for real, as the web process and the worker do.
pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        return sorted(address for rcpts, _m in self.received for address in rcpts)

    def subjects(self) -> list[str]:
        # A long encoded subject is folded onto its own line; the parser keeps the fold space.
        return [str(message["subject"]).strip() for _r, message in self.received]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()


@pytest.fixture
def round_(world, draft):
    """The BTV round: An commented, Bình and Cường have not answered. Tests ask for it before
    `smtp`, so the opening e-mails go to the test outbox and are not counted."""
    opened = open_round(draft, units=[world.btv])
    consult.comment_submit(actor=world.an.user, consultation=opened, text="Đã góp ý.")
    mail.outbox.clear()
    return opened


def test_the_job_reminds_those_missing_by_real_e_mail(world, round_, smtp):
    sent = jobs.send_consultation_reminders(round_.pk)

    assert sent == 2
    assert smtp.to() == ["binh@thanhuy.example.vn", "cuong@thanhuy.example.vn"]
    assert all(s.startswith("Nhắc góp ý dự thảo: Quy chế làm việc") for s in smtp.subjects())
    _rcpts, message = smtp.received[0]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "chưa nhận được ý kiến của đồng chí" in body
    assert reverse("documents:respond", args=[round_.pk]) in body
    notices = Notification.objects.filter(user=world.binh.user, text__startswith="Nhắc góp ý")
    assert notices.count() == 1
    assert Notification.objects.filter(user=world.an.user, text__startswith="Nhắc").count() == 0
    recipient = round_.recipients.get(person=world.binh)
    assert (recipient.reminders_sent, recipient.reminded_at is not None) == (1, True)


def test_running_the_job_twice_in_a_row_sends_nothing_twice(world, round_, smtp):
    jobs.send_consultation_reminders(round_.pk)
    again = jobs.send_consultation_reminders(round_.pk)

    assert again == 0
    assert len(smtp.received) == 2
    assert Notification.objects.filter(text__startswith="Nhắc góp ý").count() == 2


def test_a_person_claimed_by_another_run_is_skipped(world, round_, smtp):
    """Two workers read the same list; the second one's claim finds the row already changed."""
    binh = round_.recipients.get(person=world.binh)
    Recipient.objects.filter(pk=binh.pk).update(reminded_at=timezone.now(), reminders_sent=1)
    stale = [binh]  # what the second worker read before the first one's update

    claimed = Recipient.objects.filter(
        pk=stale[0].pk, answered_at=None, reminded_at=stale[0].reminded_at
    ).update(reminded_at=timezone.now())

    assert claimed == 0
    assert jobs.send_consultation_reminders(round_.pk) == 1  # only Cường is still due
    assert smtp.to() == ["cuong@thanhuy.example.vn"]


def test_after_the_interval_a_second_reminder_goes_out(world, round_, smtp, settings):
    jobs.send_consultation_reminders(round_.pk)
    settings.TRIENKHAI_REMINDER_INTERVAL_MINUTES = 0

    assert jobs.send_consultation_reminders(round_.pk) == 2

    assert len(smtp.received) == 4
    assert round_.recipients.get(person=world.binh).reminders_sent == 2


def test_an_overdue_reminder_says_the_deadline_has_passed(world, round_, smtp):
    pass_deadline(round_)

    jobs.send_consultation_reminders(round_.pk)

    _rcpts, message = smtp.received[0]
    assert "đã qua" in message.get_body(preferencelist=("plain",)).get_content()


def test_the_remind_button_queues_the_job_once(world, round_, smtp, client, city_secretary):
    client.force_login(city_secretary)
    url = reverse("documents:consultation_remind", args=[round_.pk])

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    assert "Đã gửi nhắc nhở (thư điện tử và thông báo) tới 2 người" in first.content.decode()
    assert "Không có ai cần nhắc" in second.content.decode()
    assert smtp.to() == ["binh@thanhuy.example.vn", "cuong@thanhuy.example.vn"]


def test_a_closed_round_reminds_nobody(world, round_, smtp):
    consult.consultation_close(actor=None, consultation=round_)

    assert jobs.send_consultation_reminders(round_.pk) == 0
    assert smtp.received == []


def test_a_mail_server_that_is_down_does_not_break_the_job(world, round_, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()

    assert jobs.send_consultation_reminders(round_.pk) == 2
    # The in-app notices are there; the next run does not repeat them.
    assert Notification.objects.filter(text__startswith="Nhắc góp ý").count() == 2
