"""A campaign for the campaign, class and matrix tests, built through the services.

The city (Thành ủy Bến Tre) disseminates a resolution to key cadres and Party members by
30-9-2020, delegated to both wards (An Hội by 25-9-2020, Phú Khương by 15-9-2020):

  unit               quota                      classes (held unless said)
  city               50 key cadres              8-9-2020: 45 key cadres
  ward (An Hội)      100 Party members          its cell, 12-9-2020: 30 Party members
                                                ward, 28-9-2020: planned (counts nothing)
  sibling (P.Khương) 80 Party members           14-9-2020: 70 Party members
                                                20-9-2020: cancelled (counts nothing)
"""

import datetime as dt
from zoneinfo import ZoneInfo

from trienkhai.documents.services import document_register
from trienkhai.outreach import classes, services
from trienkhai.outreach.models import CampaignStatus, ClassStatus, TargetGroup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.date(2020, 9, 30)


class World:
    """Named handles on the campaign."""


def at(month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2020, month, day, hour, minute, tzinfo=VN)


def issued_document(tree, number="07-KH/ThU", summary="Kế hoạch quán triệt Nghị quyết Đại hội"):
    return document_register(
        actor=None,
        owner_unit=tree.city,
        number_text=number,
        issued_on=dt.date(2020, 8, 20),
        summary=summary,
        issuer_unit=tree.city,
    )


def hold(w, organiser, title, when, groups, status=ClassStatus.HELD, **extra):
    """A class of the world's campaign; `groups` is [(group, expected, attended)]."""
    return classes.class_create(
        actor=None,
        campaign=w.campaign,
        organiser=organiser,
        title=title,
        starts_at=when,
        ends_at=when + dt.timedelta(hours=3),
        groups={g: (expected, attended) for g, expected, attended in groups},
        status=status,
        **extra,
    )


def campaign_world(tree, *, documents=True) -> World:
    w = World()
    w.tree = tree
    w.cadres = TargetGroup.objects.get(code="can-bo-chu-chot")
    w.members = TargetGroup.objects.get(code="dang-vien")
    w.plan = issued_document(tree) if documents else None
    w.campaign = services.campaign_create(
        actor=None,
        title="Quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XII",
        owner_unit=tree.city,
        plan_document=w.plan,
        documents=[w.plan] if w.plan else [],
        start_on=dt.date(2020, 9, 1),
        deadline=DEADLINE,
        status=CampaignStatus.RUNNING,
        target_groups=[w.cadres, w.members],
    )
    services.quota_set(
        actor=None,
        campaign=w.campaign,
        values={
            (tree.city, w.cadres): 50,
            (tree.ward, w.members): 100,
            (tree.sibling, w.members): 80,
        },
    )
    (w.ward_delegation,) = services.delegation_create(
        actor=None, campaign=w.campaign, units=[tree.ward], deadline=dt.date(2020, 9, 25)
    )
    (w.sibling_delegation,) = services.delegation_create(
        actor=None, campaign=w.campaign, units=[tree.sibling], deadline=dt.date(2020, 9, 15)
    )
    w.city_class = hold(
        w, tree.city, "Lớp quán triệt cán bộ chủ chốt thành phố", at(9, 8), [(w.cadres, 50, 45)]
    )
    w.cell_class = hold(
        w, tree.cell, "Lớp quán triệt đảng viên Chi bộ Khu phố 1", at(9, 12), [(w.members, 35, 30)]
    )
    w.ward_planned = hold(
        w,
        tree.ward,
        "Lớp quán triệt đảng viên Phường An Hội (đợt 2)",
        at(9, 28),
        [(w.members, 65, None)],
        status=ClassStatus.PLANNED,
    )
    w.sibling_class = hold(
        w,
        tree.sibling,
        "Lớp quán triệt đảng viên Phường Phú Khương",
        at(9, 14),
        [(w.members, 80, 70)],
    )
    w.sibling_cancelled = hold(
        w,
        tree.sibling,
        "Lớp bổ sung Phường Phú Khương",
        at(9, 20),
        [(w.members, 10, 10)],
        status=ClassStatus.CANCELLED,
    )
    return w
