"""A small campaign for the calendar, import and export tests, built with the ORM.

The city (Thành ủy Bến Tre) runs a campaign in September 2020 for key cadres and Party members,
delegated to both wards:

  city     quota 50 key cadres    class 8-9-2020 7:30–11:00, held, 45 attended
                                  class 22-9-2020 (cancelled)
  ward     quota 40 Party members class 10-9-2020 14:00–16:30, held, 38 attended
  sibling  quota 30 Party members class 15-9-2020 8:00, held, 12 attended
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from trienkhai.outreach.models import (
    Campaign,
    CampaignStatus,
    ClassGroup,
    ClassSession,
    ClassStatus,
    Delegation,
    Quota,
    TargetGroup,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2020, 9, 20)


class World:
    """Named handles on the campaign."""


def at(day: int, hour: int, minute: int = 0, month: int = 9) -> dt.datetime:
    return dt.datetime(2020, month, day, hour, minute, tzinfo=VN)


def _class(
    campaign, organiser, title, starts_at, ends_at, status, groups, place=""
) -> ClassSession:
    session = ClassSession.objects.create(
        campaign=campaign,
        organiser=organiser,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        place=place,
        presenters="Đồng chí Nguyễn Văn Báo",
    )
    for group, expected, attended in groups:
        ClassGroup.objects.create(
            session=session, target_group=group, expected=expected, attended=attended
        )
    return session


def campaign_world(tree) -> World:
    w = World()
    w.tree = tree
    w.cadres = TargetGroup.objects.get(code="can-bo-chu-chot")
    w.members = TargetGroup.objects.get(code="dang-vien")
    w.campaign = Campaign.objects.create(
        title="Quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII",
        owner_unit=tree.city,
        start_on=dt.date(2020, 9, 1),
        deadline=dt.date(2020, 9, 30),
        status=CampaignStatus.RUNNING,
    )
    w.campaign.target_groups.set([w.cadres, w.members])
    Quota.objects.create(campaign=w.campaign, unit=tree.city, target_group=w.cadres, expected=50)
    Quota.objects.create(campaign=w.campaign, unit=tree.ward, target_group=w.members, expected=40)
    Quota.objects.create(
        campaign=w.campaign, unit=tree.sibling, target_group=w.members, expected=30
    )
    w.ward_delegation = Delegation.objects.create(
        campaign=w.campaign, unit=tree.ward, deadline=dt.date(2020, 9, 25)
    )
    w.sibling_delegation = Delegation.objects.create(
        campaign=w.campaign, unit=tree.sibling, deadline=dt.date(2020, 9, 15)
    )
    w.city_class = _class(
        w.campaign,
        tree.city,
        "Lớp quán triệt cán bộ chủ chốt thành phố",
        at(8, 7, 30),
        at(8, 11),
        ClassStatus.HELD,
        [(w.cadres, 50, 45)],
        place="Hội trường Thành ủy",
    )
    w.cancelled_class = _class(
        w.campaign,
        tree.city,
        "Lớp bổ sung (hủy)",
        at(22, 8),
        None,
        ClassStatus.CANCELLED,
        [(w.cadres, 10, None)],
    )
    w.ward_class = _class(
        w.campaign,
        tree.ward,
        "Lớp quán triệt đảng viên Phường An Hội",
        at(10, 14),
        at(10, 16, 30),
        ClassStatus.HELD,
        [(w.members, 40, 38)],
        place="Nhà văn hóa Phường An Hội",
    )
    w.sibling_class = _class(
        w.campaign,
        tree.sibling,
        "Lớp quán triệt đảng viên Phường Phú Khương",
        at(15, 8),
        None,
        ClassStatus.HELD,
        [(w.members, 30, 12)],
        place="Hội trường Phường Phú Khương",
    )
    return w


HEADER = ["Họ và tên", "Đơn vị công tác", "Đối tượng", "Điểm danh", "Ghi chú"]


def xlsx_file(rows, *, header=HEADER, title="Danh sách", name="diem-danh.xlsx"):
    """An uploaded-file-like BytesIO holding one sheet with `header` and `rows`."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out
