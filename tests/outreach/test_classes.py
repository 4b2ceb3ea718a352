"""Classes through their pages: a ward holds a class for its delegation, typed counts or a list of
people, absentees made up in another class, cancelled classes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.outreach.builders import VN, at, campaign_world, hold
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.outreach import classes
from trienkhai.outreach.completion import completion_matrix
from trienkhai.outreach.models import AttendanceStatus, ClassGroup, ClassSession, ClassStatus


@pytest.fixture
def w(tree):
    return campaign_world(tree)


def class_post(w, organiser, **over):
    data = {
        "title": "Lớp quán triệt đảng viên Chi bộ Khu phố 1 (đợt 2)",
        "organiser": organiser.pk,
        "day": "18-9-2020",
        "start_time": "7h30",
        "end_time": "11g",
        "place": "Nhà văn hóa Khu phố 1",
        "presenters": "Đ/c Nguyễn Văn A, Bí thư Đảng ủy phường",
        "status": ClassStatus.HELD,
        f"exp_{w.members.pk}": "65",
        f"att_{w.members.pk}": "60",
        "materials": [w.plan.pk],
        "notes": "",
    }
    data.update(over)
    return data


def counts(session):
    return {g.target_group.code: (g.expected, g.attended) for g in session.groups.all()}


def test_ward_clerk_holds_a_class_for_its_delegation_as_its_cell(w, tree, ward_clerk, login):
    client = login(ward_clerk)
    url = reverse("outreach:class_new", args=[w.campaign.pk])
    page = client.get(url).content.decode()
    assert "Đảng viên" in page and "Cán bộ chủ chốt" in page

    response = client.post(url, class_post(w, tree.cell))
    session = ClassSession.objects.get(title="Lớp quán triệt đảng viên Chi bộ Khu phố 1 (đợt 2)")
    assert response.status_code == 302
    assert response.url == reverse("outreach:class", args=[session.pk])
    assert session.organiser == tree.cell
    assert timezone.localtime(session.starts_at) == dt.datetime(2020, 9, 18, 7, 30, tzinfo=VN)
    assert timezone.localtime(session.ends_at).hour == 11
    assert counts(session) == {"dang-vien": (65, 60)}
    assert list(session.materials.all()) == [w.plan]
    assert audit_entries_for(session).get().changes["starts_at"] == [None, "18-9-2020 07:30"]

    m = completion_matrix(w.campaign, user=ward_clerk, today=dt.date(2020, 9, 20))
    assert m.total.total.reached == 90  # 30 earlier + 60 today

    page = client.get(reverse("outreach:campaign", args=[w.campaign.pk])).content.decode()
    assert session.title in page
    assert w.cell_class.title in page
    assert w.sibling_class.title not in page


def test_ward_clerk_cannot_hold_a_class_as_the_sibling_ward(w, tree, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("outreach:class_new", args=[w.campaign.pk]), class_post(w, tree.sibling)
    )
    assert response.status_code == 200
    assert "Không tìm thấy đơn vị đã chọn" in response.content.decode()
    with pytest.raises(ValidationError):
        classes.class_create(
            actor=ward_clerk,
            campaign=w.campaign,
            organiser=tree.sibling,
            title="Lớp thay phường bạn",
            starts_at=at(9, 18),
        )


def test_a_class_not_yet_held_cannot_be_marked_held(w, tree, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("outreach:class_new", args=[w.campaign.pk]),
        class_post(w, tree.ward, day=f"1-1-{timezone.localdate().year + 1}"),
    )
    assert "chưa ghi “Đã tổ chức” được" in response.content.decode()


def test_times_are_checked_and_kept_when_wrong(w, tree, ward_clerk, login):
    url = reverse("outreach:class_new", args=[w.campaign.pk])
    client = login(ward_clerk)
    html = client.post(url, class_post(w, tree.ward, end_time="7:00")).content.decode()
    assert "Giờ kết thúc phải sau giờ bắt đầu." in html
    html = client.post(url, class_post(w, tree.ward, start_time="sáng")).content.decode()
    assert "Giờ không hợp lệ" in html
    assert "Nhà văn hóa Khu phố 1" in html
    html = client.post(url, class_post(w, tree.ward, **{f"att_{w.members.pk}": "năm"})).content
    assert "Số người phải là một số nguyên" in html.decode()
    assert not ClassSession.objects.filter(place="Nhà văn hóa Khu phố 1").exists()


def test_the_list_of_people_gives_the_counts(w, tree, ward_clerk, login):
    client = login(ward_clerk)
    add = reverse("outreach:attendee_add", args=[w.cell_class.pk])
    for name, status in [
        ("Nguyễn Văn Một", AttendanceStatus.PRESENT),
        ("Nguyễn Văn Hai", AttendanceStatus.PRESENT),
        ("Trần Thị Ba", AttendanceStatus.EXCUSED),
    ]:
        response = client.post(
            add, {"full_name": name, "target_group": w.members.pk, "status": status}
        )
        assert response.status_code == 302
    assert counts(w.cell_class) == {"dang-vien": (35, 2)}
    page = client.get(reverse("outreach:class", args=[w.cell_class.pk])).content.decode()
    assert "Trần Thị Ba" in page and "chưa học bù" in page

    one = w.cell_class.attendees.get(full_name="Nguyễn Văn Một")
    client.post(
        reverse("outreach:attendee_edit", args=[one.pk]),
        {"full_name": one.full_name, "target_group": w.members.pk, "status": "absent"},
    )
    assert counts(w.cell_class) == {"dang-vien": (35, 1)}
    for attendee in list(w.cell_class.attendees.all()):
        client.post(reverse("outreach:attendee_remove", args=[attendee.pk]))
    assert counts(w.cell_class) == {"dang-vien": (35, 0)}
    assert "Xóa người tham dự: Trần Thị Ba" in audit_entries_for(w.cell_class).first().note


def test_an_attendee_without_a_name_is_explained(w, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("outreach:attendee_add", args=[w.cell_class.pk]),
        {"full_name": " ", "target_group": w.members.pk, "status": "present", "workplace": "UBND"},
    )
    assert "Hãy nhập họ và tên." in response.content.decode()
    assert 'value="UBND"' in response.content.decode()


def test_an_absentee_made_up_in_another_class_counts_there(w, tree, ward_clerk, login):
    absent = classes.attendee_add(
        actor=ward_clerk,
        session=w.cell_class,
        full_name="Lê Văn Vắng",
        target_group=w.members,
        status=AttendanceStatus.ABSENT,
    )
    classes.attendee_add(
        actor=ward_clerk, session=w.cell_class, full_name="Lê Văn Có", target_group=w.members
    )
    makeup = hold(
        w,
        tree.ward,
        "Lớp học bù Phường An Hội",
        at(9, 19),
        [(w.members, 1, None)],
        makeup_of=w.cell_class,
    )
    client = login(ward_clerk)
    page = client.get(reverse("outreach:class", args=[makeup.pk])).content.decode()
    assert "Lê Văn Vắng" in page  # offered to mark as made up here
    assert "Lê Văn Có" not in page

    response = client.post(
        reverse("outreach:attendee_makeup", args=[makeup.pk]), {"attendee": absent.pk}
    )
    assert response.status_code == 302
    absent.refresh_from_db()
    assert absent.made_up_in == makeup
    assert counts(makeup) == {"dang-vien": (1, 1)}
    assert counts(w.cell_class) == {"dang-vien": (35, 1)}
    page = client.get(reverse("outreach:class", args=[makeup.pk])).content.decode()
    assert "đã học bù tại lớp này" in page
    m = completion_matrix(w.campaign, user=ward_clerk, today=dt.date(2020, 9, 20))
    assert m.total.total.reached == 2  # one present, one made up


def test_a_present_person_needs_no_make_up(w, tree, ward_clerk):
    present = classes.attendee_add(
        actor=ward_clerk, session=w.cell_class, full_name="Lê Văn Có", target_group=w.members
    )
    makeup = hold(w, tree.cell, "Lớp học bù", at(9, 19), [(w.members, 1, None)])
    updated = classes.attendee_update(actor=ward_clerk, attendee=present, made_up_in=makeup)
    assert updated.made_up_in is None  # a present person is never marked made up
    present.status = AttendanceStatus.ABSENT
    with pytest.raises(ValidationError):
        classes.attendee_update(
            actor=ward_clerk, attendee=present, status="absent", made_up_in=w.cell_class
        )


def test_editing_a_listed_class_keeps_the_counts_of_the_list(w, tree, ward_clerk, login):
    classes.attendee_add(
        actor=ward_clerk, session=w.cell_class, full_name="Lê Văn Có", target_group=w.members
    )
    client = login(ward_clerk)
    url = reverse("outreach:class_edit", args=[w.cell_class.pk])
    assert "số thực tế tham dự được tính từ danh sách" in client.get(url).content.decode()
    data = class_post(
        w, tree.cell, title=w.cell_class.title, day="12-9-2020", **{f"att_{w.members.pk}": "99"}
    )
    assert client.post(url, data).status_code == 302
    assert counts(w.cell_class) == {"dang-vien": (65, 1)}


def test_a_cancelled_class_counts_for_nobody(w, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("outreach:class_cancel", args=[w.cell_class.pk]), {"reason": "Mưa bão"}
    )
    assert response.status_code == 302
    w.cell_class.refresh_from_db()
    assert w.cell_class.status == ClassStatus.CANCELLED
    assert audit_entries_for(w.cell_class).first().note == "Mưa bão"
    m = completion_matrix(w.campaign, user=ward_clerk, today=dt.date(2020, 9, 20))
    assert m.total.total.reached == 0


def test_ward_clerk_cannot_edit_the_citys_own_class(w, ward_clerk):
    with pytest.raises(ValidationError):
        classes.class_update(actor=ward_clerk, session=w.city_class, title="Đổi tên")
    with pytest.raises(ValidationError):
        classes.attendee_add(
            actor=ward_clerk, session=w.sibling_class, full_name="Ai đó", target_group=w.members
        )
    assert ClassGroup.objects.get(session=w.city_class).attended == 45
