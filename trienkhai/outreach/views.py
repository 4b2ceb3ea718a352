"""Pages of dissemination campaigns: list, detail with the completion matrix, the campaign form,
the quota grid, delegation and the delegated unit's report. Thin: fetch what the user may see
(404 otherwise), check what they may change (403 otherwise), call a service, render.
Classes and attendees are in views_classes.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from trienkhai.audit.selectors import audit_entries_for_many
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.views import _apply_errors

from . import completion, rules, selectors, services
from . import forms as outreach_forms
from .models import Campaign, Delegation

PAGE_SIZE = 50


# --- helpers ------------------------------------------------------------------------------------
def _id(raw) -> int | None:
    """An id from the query string, or None when it is not one."""
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and len(raw) < 19 else None


def campaign_for(user, pk: int, check=None) -> Campaign:
    """The campaign if the user may see it (404 otherwise) and passes `check` (403 otherwise)."""
    try:
        campaign = selectors.campaign_with_relations(pk)
    except Campaign.DoesNotExist:
        raise Http404 from None
    if not rules.can_view_campaign(user, campaign):
        raise Http404
    if check is not None and not check(user, campaign):
        raise PermissionDenied
    return campaign


def _editable_units(user):
    return org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT).filter(
        ended_on__isnull=True
    )


def _drill_root(request, campaign: Campaign) -> Unit | None:
    """The unit of ?unit= whose children the matrix shows: in the campaign and in the part of
    it the user sees (404 otherwise)."""
    raw = request.GET.get("unit")
    if raw in (None, ""):
        return None
    pk = _id(raw)
    unit = Unit.objects.filter(pk=pk).first() if pk is not None else None
    if unit is None or not rules.can_view_campaign_unit(request.user, campaign, unit):
        raise Http404
    return unit


def _lay_out(matrix: completion.Matrix) -> None:
    """Cells in column order, for the template."""
    for row in [*matrix.rows, matrix.total]:
        row.cell_list = [row.cells[g.pk] for g in matrix.groups]


# --- list ---------------------------------------------------------------------------------------
@login_required
@require_GET
def campaign_list(request):
    user = request.user
    form = outreach_forms.CampaignFilterForm(
        request.GET or None,
        units=org_rules.filter_units(user, Unit.objects.all()),
        years=selectors.campaign_years(user),
    )
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("status", "unit", "year")}
    page = Paginator(selectors.campaigns_for(user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    progress = completion.progress_by_campaign(page.object_list, user=user)
    for campaign in page.object_list:
        campaign.progress = progress[campaign.pk]
    return render(
        request,
        "outreach/campaign_list.html",
        {"form": form, "page": page, "can_create": rules.can_start_campaign(user)},
    )


# --- the campaign -------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    user = request.user
    units = _editable_units(user)
    initial = {}
    raw_unit = request.GET.get("unit")
    if raw_unit is not None:
        unit = get_object_or_404(Unit, pk=_id(raw_unit) or 0)
        if not org_rules.can_view_unit(user, unit):
            raise Http404
        if not org_rules.can_edit_unit(user, unit):
            raise PermissionDenied
        initial["owner_unit"] = unit.pk
    elif not rules.can_start_campaign(user):
        raise PermissionDenied
    else:
        home = units.filter(pk__in=org_rules.home_units(user).values("pk")).first()
        if home is not None:
            initial["owner_unit"] = home.pk
    form = outreach_forms.CampaignForm(
        request.POST or None, user=user, units=units, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, **form.service_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Đã lập đợt quán triệt “%(title)s”.") % {"title": campaign.title}
            )
            return redirect("outreach:campaign", campaign.pk)
    return render(request, "outreach/campaign_form.html", {"form": form, "campaign": None})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    user = request.user
    campaign = campaign_for(user, pk, rules.can_manage_campaign)
    units = _editable_units(user) | Unit.objects.filter(pk=campaign.owner_unit_id)
    form = outreach_forms.CampaignForm(
        request.POST or None,
        user=user,
        units=units.distinct(),
        initial=outreach_forms.CampaignForm.initial_for(campaign),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=user, campaign=campaign, **form.service_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu đợt quán triệt."))
            return redirect("outreach:campaign", campaign.pk)
    return render(request, "outreach/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_GET
def campaign_detail(request, pk):
    user = request.user
    campaign = campaign_for(user, pk)
    root = _drill_root(request, campaign)
    today = timezone.localdate()
    matrix = completion.completion_matrix(campaign, user=user, root=root, today=today)
    _lay_out(matrix)
    delegations = list(selectors.delegations_for(user, campaign))
    for d in delegations:
        d.can_report = rules.can_report_delegation(user, d)
    can_manage = rules.can_manage_campaign(user, campaign)
    # The delegated unit's own clerk gets the report form on the page; the organisers (who may
    # also write for any ward) use the link in the table, not fourteen forms.
    reportable = [
        d for d in delegations if d.can_report and d.status != "reported" and not can_manage
    ]
    context = {
        "campaign": campaign,
        "matrix": matrix,
        "root": root,
        "root_parent": root.parent_unit() if root is not None else None,
        "classes": selectors.classes_for(user, campaign),
        "delegations": delegations,
        "report_forms": [(d, outreach_forms.ReportForm()) for d in reportable],
        "can_manage": can_manage,
        "can_hold_class": selectors.organiser_units(user, campaign).exists(),
        "sees_whole": rules.sees_whole_campaign(user, campaign),
        "audit": (
            audit_entries_for_many(campaign, campaign.delegations.all())[:20] if can_manage else []
        ),
    }
    return render(request, "outreach/campaign_detail.html", context)


# --- quotas -------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def campaign_quotas(request, pk):
    user = request.user
    campaign = campaign_for(user, pk, rules.can_manage_campaign)
    in_campaign = Unit.objects.filter(path__startswith=campaign.owner_unit.path)
    # Rows added with ?add=ID (several may be added one after another; the form posts back to
    # the same address, so they stay while the numbers are typed).
    wanted = [_id(v) for v in request.GET.getlist("add")]
    extra = list(in_campaign.filter(pk__in=[pk for pk in wanted if pk]))
    add_form = outreach_forms.AddRowForm(units=in_campaign)
    units, groups, values = selectors.quota_grid(campaign, extra)
    form = outreach_forms.QuotaGridForm(
        request.POST or None, units=units, groups=groups, values=values
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.quota_set(actor=user, campaign=campaign, values=form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Đã lưu chỉ tiêu số người (%(n)s ô thay đổi).") % {"n": changed}
            )
            return redirect("outreach:campaign", campaign.pk)
    return render(
        request,
        "outreach/quota_form.html",
        {
            "campaign": campaign,
            "form": form,
            "add_form": add_form,
            "groups": groups,
            "extra": extra,
        },
    )


# --- delegations --------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def campaign_delegate(request, pk):
    user = request.user
    campaign = campaign_for(user, pk, rules.can_manage_campaign)
    form = outreach_forms.DelegateForm(
        request.POST or None,
        children=selectors.delegable_children(campaign),
        units=selectors.delegable_units(campaign),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.delegation_create(
                actor=user, campaign=campaign, **form.service_data()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Đã giao cho %(n)s đơn vị thực hiện.") % {"n": len(created)}
            )
            return redirect("outreach:campaign", campaign.pk)
    return render(
        request,
        "outreach/delegate_form.html",
        {
            "campaign": campaign,
            "form": form,
            "delegations": selectors.delegations_for(user, campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegation_report(request, pk):
    user = request.user
    delegation = get_object_or_404(Delegation.objects.select_related("campaign", "unit"), pk=pk)
    campaign = campaign_for(user, delegation.campaign_id)
    if not rules.can_view_delegation(user, delegation):
        raise Http404
    if not rules.can_report_delegation(user, delegation):
        raise PermissionDenied
    form = outreach_forms.ReportForm(request.POST or None, initial={"report": delegation.report})
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_report(
                actor=user, delegation=delegation, report=form.cleaned_data["report"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã gửi báo cáo kết quả."))
            return redirect("outreach:campaign", campaign.pk)
    return render(
        request,
        "outreach/report_form.html",
        {"campaign": campaign, "delegation": delegation, "form": form},
    )
