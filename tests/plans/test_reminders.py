"""The daily digest: each person hears once a day, by e-mail and in the app, about the tasks
their units lead that are overdue or due within 7 days, and their units' missing reports and
requirements. E-mail goes through a real SMTP server (aiosmtpd) on a free local port."""

import datetime as dt
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.plans.test_dashboard import days, make_requirement, make_task, quarterly_reports
from trienkhai.notifications.models import Notification
from trienkhai.org import services as org_services
from trienkhai.org.models import AccessRole, PositionRole
from trienkhai.plans import jobs, reminders
from trienkhai.plans.models import TaskStatus


class Inbox:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Rcpt"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["X-Rcpt"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.TRIENKHAI_SITE_URL = "https://trienkhai.example.vn"
    yield inbox
    controller.stop()


@pytest.fixture
def office(tree, ward_clerk, city_secretary, viewer):
    """Work due and overdue across the tree, and the people who hear about it."""
    w = tree
    ward_clerk.email = "vanthu.anhoi@example.vn"
    ward_clerk.save()
    city_secretary.email = "bithu@example.vn"
    city_secretary.save()
    viewer.email = "xem@example.vn"
    viewer.save()
    # The ward's secretary holds a position there and has an account, but no access role.
    w.secretary_user = make_user("bithu_anhoi")
    person = org_services.person_save(
        actor=None,
        full_name="Nguyễn Văn Bình",
        home_unit=w.ward,
        email="binh@example.vn",
        user=w.secretary_user,
    )
    org_services.position_save(
        actor=None,
        position=None,
        unit=w.ward,
        person=person,
        role=PositionRole.SECRETARY,
        start_on=dt.date(2020, 10, 1),
    )
    # A former deputy whose position ended hears nothing.
    w.former_user = make_user("pbt_cu")
    former = org_services.person_save(
        actor=None,
        full_name="Trần Thị Cũ",
        home_unit=w.ward,
        email="cu@example.vn",
        user=w.former_user,
    )
    org_services.position_save(
        actor=None,
        position=None,
        unit=w.ward,
        person=former,
        role=PositionRole.DEPUTY_SECRETARY,
        start_on=dt.date(2020, 2, 1),
        end_on=dt.date(2020, 9, 30),
    )
    w.poor = make_task("Rà soát hộ nghèo", w.ward, assigned_by=w.city, deadline=days(3))
    w.late = make_task("Báo cáo công tác dân vận", w.ward, assigned_by=w.city, deadline=days(-10))
    make_task("Việc còn xa", w.ward, assigned_by=w.city, deadline=days(30))
    make_task("Việc đã xong", w.ward, assigned_by=w.city, deadline=days(-2), status=TaskStatus.DONE)
    make_task("Việc của chi bộ", w.cell, assigned_by=w.ward, deadline=days(-1))
    w.smart = make_task(
        "Xây dựng nghị quyết đô thị thông minh", w.city, assigned_by=w.province, deadline=days(2)
    )
    make_task("Sửa nhà văn hóa", w.sibling, assigned_by=w.city, deadline=days(-4))
    make_requirement(w.city, [w.ward, w.sibling], doc_type="QC", due_on=days(-15))
    return w


def run_job(capture, day=None):
    with capture(execute=True):
        jobs.send_daily_digests.delay(day.isoformat() if day else None)


def test_each_person_gets_one_digest_a_day_by_mail_and_in_the_app(
    office, smtp, ward_clerk, city_secretary, django_capture_on_commit_callbacks
):
    run_job(django_capture_on_commit_callbacks)
    addresses = sorted(m["X-Rcpt"] for m in smtp.messages)
    assert addresses == ["binh@example.vn", "bithu@example.vn", "vanthu.anhoi@example.vn"]

    clerk_mail = smtp.to("vanthu.anhoi@example.vn")[0]
    assert (
        clerk_mail["Subject"].strip() == f"[Triển Khai] Nhắc việc ngày {_vi(timezone.localdate())}"
    )
    body = clerk_mail.get_content()
    assert "Nhiệm vụ quá hạn (1):" in body
    assert "- Báo cáo công tác dân vận — Đảng ủy Phường An Hội — hạn" in body
    assert "quá 10 ngày" in body
    assert f"https://trienkhai.example.vn/plans/tasks/{office.late.pk}/" in body
    assert "Nhiệm vụ đến hạn trong 7 ngày tới (1):" in body and "Rà soát hộ nghèo" in body
    assert "Yêu cầu ban hành văn bản chưa thực hiện (1):" in body
    assert "Ban hành quy chế làm việc" in body and "(đã quá hạn)" in body
    # Not the cell's work (the clerk's access on the ward is not a position in the cell), nor
    # work due in a month, nor done work, nor the sibling ward's.
    for other in ("Việc của chi bộ", "Việc còn xa", "Việc đã xong", "Sửa nhà văn hóa"):
        assert other not in body

    assert (
        smtp.to("binh@example.vn")[0].get_content().startswith("Kính gửi đồng chí Nguyễn Văn Bình,")
    )
    secretary_body = smtp.to("bithu@example.vn")[0].get_content()
    assert "Xây dựng nghị quyết đô thị thông minh" in secretary_body
    assert "Rà soát hộ nghèo" not in secretary_body  # a ward's work goes to the ward

    notice = Notification.objects.get(user=ward_clerk)
    assert notice.key == f"digest:{ward_clerk.pk}:{timezone.localdate().isoformat()}"
    assert notice.text.startswith(f"Nhắc việc ngày {_vi(timezone.localdate())}: 1 nhiệm vụ quá hạn")
    assert notice.read_at is None


def test_running_the_job_twice_sends_nothing_twice(
    office, smtp, django_capture_on_commit_callbacks
):
    run_job(django_capture_on_commit_callbacks)
    first = len(smtp.messages)
    notices = Notification.objects.count()
    run_job(django_capture_on_commit_callbacks)
    assert len(smtp.messages) == first == 3
    assert Notification.objects.count() == notices == 3


def test_the_next_day_brings_a_new_digest(office, smtp, django_capture_on_commit_callbacks):
    run_job(django_capture_on_commit_callbacks)
    run_job(django_capture_on_commit_callbacks, day=days(1))
    assert len(smtp.to("vanthu.anhoi@example.vn")) == 2


def test_viewers_former_holders_and_people_with_nothing_due_hear_nothing(
    office, smtp, viewer, propaganda_officer, django_capture_on_commit_callbacks
):
    run_job(django_capture_on_commit_callbacks)
    assert smtp.to("xem@example.vn") == []  # a viewer is not told
    assert smtp.to("cu@example.vn") == []  # the position ended
    assert not Notification.objects.filter(user__in=[viewer, office.former_user]).exists()
    # The propaganda officer edits the city: told in the app (no address to mail).
    assert Notification.objects.filter(user=propaganda_officer).count() == 1


def test_a_person_whose_units_have_nothing_pending_gets_no_digest(
    tree, smtp, ward_clerk, django_capture_on_commit_callbacks
):
    make_task("Việc còn xa", tree.ward, deadline=days(30))
    run_job(django_capture_on_commit_callbacks)
    assert smtp.messages == []
    assert not Notification.objects.exists()


def test_the_unread_count_shows_in_the_header(
    office, smtp, ward_clerk, login, django_capture_on_commit_callbacks
):
    run_job(django_capture_on_commit_callbacks)
    body = login(ward_clerk).get(reverse("plans:dashboard")).content.decode()
    assert '<span class="badge"' in body and ">1</span>" in body


def test_a_failing_mail_server_does_not_undo_the_notice(
    office, settings, ward_clerk, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens
    run_job(django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=ward_clerk).count() == 1


def test_the_digest_is_claimed_by_its_key(office, ward_clerk):
    day = timezone.localdate()
    assert reminders.digest_send(user=ward_clerk, day=day) is True
    assert reminders.digest_send(user=ward_clerk, day=day) is False


def _vi(day: dt.date) -> str:
    return f"{day.day}-{day.month}-{day.year}"


def test_access_on_an_ancestor_is_not_a_reason_to_hear_about_a_unit(tree):
    manager = make_user("quanly_tinh", unit=tree.province, role=AccessRole.MANAGER)
    make_task("Việc của phường", tree.ward, deadline=days(-1))
    digest = reminders.digest_for(manager, timezone.localdate())
    assert digest.is_empty


def test_a_unit_hears_about_its_own_missing_report(
    office, smtp, city_secretary, django_capture_on_commit_callbacks
):
    _schedule, period = quarterly_reports(office, submitted_by=[office.sibling])
    run_job(django_capture_on_commit_callbacks)
    body = smtp.to("vanthu.anhoi@example.vn")[0].get_content()
    assert "Báo cáo chưa nộp (1):" in body
    assert f"- Báo cáo quý công tác xây dựng Đảng — {period.label} — Đảng ủy Phường An Hội" in body
    # The city reports nothing itself: its secretary is not told about a ward's report.
    assert "Báo cáo chưa nộp" not in smtp.to("bithu@example.vn")[0].get_content()
