"""Pages of classes (lớp quán triệt) and their lists of attendees, with absences made up in
another class. Thin: fetch what the user may see (404), check what they may change (403), call
a service from classes.py, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.views import _apply_errors

from . import classes as class_services
from . import forms as outreach_forms
from . import rules, selectors
from .models import AttendanceStatus, Attendee, ClassSession, ClassStatus
from .views import _id, campaign_for


def class_for(user, pk: int, check=None) -> ClassSession:
    """The class if the user may see it (404 otherwise) and passes `check` (403 otherwise)."""
    try:
        session = selectors.class_with_relations(pk)
    except ClassSession.DoesNotExist:
        raise Http404 from None
    if not rules.can_view_class(user, session):
        raise Http404
    if check is not None and not check(user, session):
        raise PermissionDenied
    return session


def _class_form(request, campaign, session=None, initial=None):
    user = request.user
    organisers = selectors.organiser_units(user, campaign)
    if session is not None:
        # The current organiser stays valid for whoever may edit the class.
        organisers = (organisers | Unit.objects.filter(pk=session.organiser_id)).distinct()
    listed = session is not None and (
        session.attendees.exists() or session.made_up_attendees.exists()
    )
    return outreach_forms.ClassForm(
        request.POST or None,
        user=user,
        organisers=organisers,
        groups=selectors.class_target_groups(campaign, session),
        makeups=selectors.makeup_choices(user, campaign, exclude=session),
        listed=listed,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_new(request, pk):
    user = request.user
    campaign = campaign_for(user, pk)
    organisers = selectors.organiser_units(user, campaign)
    if not organisers.exists():
        raise PermissionDenied
    initial = {}
    unit_id = _id(request.GET.get("unit"))
    if unit_id and organisers.filter(pk=unit_id).exists():
        initial["organiser"] = unit_id
    else:
        # The unit the user works in (the top of their scope), when it may hold the class.
        home = organisers.filter(pk__in=org_rules.home_units(user).values("pk")).first()
        if home is None and organisers.count() == 1:
            home = organisers.first()
        if home is not None:
            initial["organiser"] = home.pk
    makeup_id = _id(request.GET.get("makeup_of"))
    if makeup_id:
        initial["makeup_of"] = makeup_id
    form = _class_form(request, campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = class_services.class_create(
                actor=user, campaign=campaign, **form.service_data()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã thêm lớp “%(title)s”.") % {"title": session.title})
            return redirect("outreach:class", session.pk)
    return render(
        request,
        "outreach/class_form.html",
        {"campaign": campaign, "session": None, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_edit(request, pk):
    user = request.user
    session = class_for(user, pk, rules.can_edit_class)
    campaign = session.campaign
    form = _class_form(
        request, campaign, session, initial=outreach_forms.ClassForm.initial_for(session)
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if form.listed:
            # Attendance comes from the list: keep the counts the list gave.
            data["groups"] = {
                g: (exp, _attended(session, g)) for g, (exp, _att) in data["groups"].items()
            }
        try:
            class_services.class_update(actor=user, session=session, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu lớp."))
            return redirect("outreach:class", session.pk)
    return render(
        request,
        "outreach/class_form.html",
        {"campaign": campaign, "session": session, "form": form},
    )


def _attended(session, group):
    row = next((g for g in session.groups.all() if g.target_group_id == group.pk), None)
    return row.attended if row is not None else None


@login_required
@require_GET
def class_detail(request, pk):
    user = request.user
    session = class_for(user, pk)
    campaign = session.campaign
    can_edit = rules.can_edit_class(user, session)
    attendees = list(selectors.attendees_of(session))
    for a in attendees:
        a.can_edit = can_edit
    # On a make-up class: the absentees of the class it makes up for, to mark as made up here.
    absentees = []
    if session.makeup_of_id and can_edit and session.status != ClassStatus.CANCELLED:
        original = session.makeup_of
        if rules.can_view_class(user, original):
            absentees = list(
                selectors.attendees_of(original)
                .exclude(status=AttendanceStatus.PRESENT)
                .filter(made_up_in__isnull=True)
            )
    totals = {
        "expected": sum(g.expected for g in session.groups.all()),
        "attended": sum(g.attended or 0 for g in session.groups.all()),
    }
    context = {
        "campaign": campaign,
        "session": session,
        "totals": totals,
        "attendees": attendees,
        "made_up_here": selectors.made_up_here(session),
        "makeups": session.makeups.all(),
        "absentees": absentees,
        "can_edit": can_edit,
        "attendee_form": _attendee_form(request, session) if can_edit else None,
        "cancel_form": outreach_forms.CancelForm() if can_edit else None,
        "audit": audit_entries_for(session)[:20] if can_edit else [],
    }
    return render(request, "outreach/class_detail.html", context)


@login_required
@require_POST
def class_cancel(request, pk):
    user = request.user
    session = class_for(user, pk, rules.can_edit_class)
    form = outreach_forms.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    class_services.class_cancel(actor=user, session=session, reason=reason)
    messages.success(request, _("Đã hủy lớp."))
    return redirect("outreach:class", session.pk)


# --- attendees ----------------------------------------------------------------------------------
def _attendee_form(request, session, attendee=None, data=None):
    campaign = session.campaign
    return outreach_forms.AttendeeForm(
        data,
        groups=selectors.class_target_groups(campaign, session),
        makeups=selectors.makeup_choices(request.user, campaign, exclude=session),
        initial=outreach_forms.AttendeeForm.initial_for(attendee) if attendee else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendee_add(request, pk):
    """The form is on the class page; a GET shows it alone, and errors come back here."""
    user = request.user
    session = class_for(user, pk, rules.can_edit_class)
    form = _attendee_form(request, session, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attendee = class_services.attendee_add(actor=user, session=session, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Đã thêm %(name)s vào danh sách.") % {"name": attendee.full_name}
            )
            return redirect("outreach:class", session.pk)
    return render(
        request,
        "outreach/attendee_form.html",
        {"session": session, "campaign": session.campaign, "form": form, "attendee": None},
    )


def _attendee_for(user, pk) -> Attendee:
    attendee = get_object_or_404(Attendee.objects.select_related("session"), pk=pk)
    class_for(user, attendee.session_id)
    return attendee


@login_required
@require_http_methods(["GET", "POST"])
def attendee_edit(request, pk):
    user = request.user
    attendee = _attendee_for(user, pk)
    session = class_for(user, attendee.session_id, rules.can_edit_class)
    form = _attendee_form(request, session, attendee, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            class_services.attendee_update(actor=user, attendee=attendee, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("outreach:class", session.pk)
    return render(
        request,
        "outreach/attendee_form.html",
        {"session": session, "campaign": session.campaign, "form": form, "attendee": attendee},
    )


@login_required
@require_POST
def attendee_remove(request, pk):
    user = request.user
    attendee = _attendee_for(user, pk)
    session = class_for(user, attendee.session_id, rules.can_edit_class)
    class_services.attendee_remove(actor=user, attendee=attendee)
    messages.success(request, _("Đã xóa %(name)s khỏi danh sách.") % {"name": attendee.full_name})
    return redirect("outreach:class", session.pk)


@login_required
@require_POST
def attendee_makeup(request, pk):
    """Mark an absentee of another class as having made it up in class `pk` (the make-up
    class's editors may do it)."""
    user = request.user
    makeup = class_for(user, pk, rules.can_edit_class)
    attendee = _attendee_for(user, _id(request.POST.get("attendee")) or 0)
    if attendee.session.campaign_id != makeup.campaign_id:
        raise Http404
    try:
        class_services.attendee_update(actor=user, attendee=attendee, made_up_in=makeup)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Đã ghi %(name)s học bù tại lớp này.") % {"name": attendee.full_name}
        )
    return redirect("outreach:class", makeup.pk)
