"""Attendance counts of a class, derived from its list of people when the list is known.

A class's counts per target group are typed by its organiser, or — once people are listed —
computed: those present, plus those absent from another class who made it up in this one (they
are listed on their original class with `made_up_in` pointing here, and not listed again).
"""

from django.db import transaction
from django.db.models import Count

from .models import AttendanceStatus, Attendee, ClassGroup, ClassSession


@transaction.atomic
def class_counts_refresh(session: ClassSession) -> None:
    """Recompute `ClassGroup.attended` of `session` from its attendees, when it has any."""
    present = (
        Attendee.objects.filter(session=session, status=AttendanceStatus.PRESENT)
        .values("target_group_id")
        .annotate(n=Count("id"))
    )
    made_up = (
        Attendee.objects.filter(made_up_in=session)
        .exclude(session=session)
        .values("target_group_id")
        .annotate(n=Count("id"))
    )
    listed = Attendee.objects.filter(session=session).exists()
    if not listed and not made_up:
        return
    counts: dict[int, int] = {}
    for row in list(present) + list(made_up):
        counts[row["target_group_id"]] = counts.get(row["target_group_id"], 0) + row["n"]
    groups = {g.target_group_id: g for g in ClassGroup.objects.filter(session=session)}
    for group_id, n in counts.items():
        group = groups.get(group_id)
        if group is None:
            ClassGroup.objects.create(session=session, target_group_id=group_id, attended=n)
        elif group.attended != n:
            group.attended = n
            group.save(update_fields=["attended"])
    for group_id, group in groups.items():
        if group_id not in counts and group.attended != 0:
            group.attended = 0
            group.save(update_fields=["attended"])
