"""Pages of the dashboard, the review draft and the calendar feeds. Thin: check what the user may
see, ask `dashboard`, `reviews` or `calendar`, render."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.lib import charts
from trienkhai.org import rules as org_rules
from trienkhai.org.forms import UnitField
from trienkhai.org.models import Unit
from trienkhai.org.selectors import ancestors
from trienkhai.org.widgets import MAX_ID

from . import calendar, dashboard, dashboard_xlsx, reviews
from .models import CalendarFeed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers ------------------------------------------------------------------------------------
def _id(value) -> int | None:
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def _chosen_unit(request) -> Unit | None:
    """?unit=<id> if the user may see it (404 otherwise), else their top unit (None if none)."""
    raw = request.GET.get("unit", "").strip()
    if raw:
        pk = _id(raw)
        if pk is None:
            raise Http404
        unit = get_object_or_404(Unit, pk=pk)
        if not org_rules.can_view_unit(request.user, unit):
            raise Http404
        return unit
    return org_rules.home_units(request.user).first()


CHART_CACHE_SECONDS = 24 * 3600
MAX_COUNT = 10**9


def _charts(board: dashboard.Dashboard) -> list[dict]:
    """The page's charts as images whose address carries their counts: the page answers without
    drawing, the browser fetches the drawings in parallel and keeps them (the page's policy
    forbids the inline styles matplotlib's SVG carries anyway; an image is its own document)."""
    out = []
    for kind, counts in board.chart_counts().items():
        if not any(counts):
            continue
        title, buckets = dashboard.CHARTS[kind]
        query = urlencode({"v": ",".join(map(str, counts)), "lang": get_language()})
        alt = f"{title}: " + "; ".join(
            f"{label} {n}" for (_key, label, _color), n in zip(buckets, counts, strict=True) if n
        )
        src = reverse("plans:dashboard_chart", args=[kind]) + "?" + query
        out.append({"src": src, "alt": alt})
    return out


# --- the dashboard ------------------------------------------------------------------------------
class UnitChoiceForm(forms.Form):
    unit = UnitField(label=gettext_lazy("Đơn vị"))


@login_required
@require_GET
def dashboard_page(request):
    """The numbers of a unit's subtree; any unit the user can see, their top unit by default."""
    unit = _chosen_unit(request)
    if unit is None:
        return render(request, "plans/dashboard/page.html", {"unit": None})
    board = dashboard.dashboard_for(unit)
    crumbs = [(u, org_rules.can_view_unit(request.user, u)) for u in ancestors(unit)]
    return render(
        request,
        "plans/dashboard/page.html",
        {
            "unit": unit,
            "board": board,
            "crumbs": crumbs,
            "charts": _charts(board),
            "status_buckets": board.status_buckets(),
            "compliance_buckets": dashboard.compliance_buckets(board.compliance),
            "form": UnitChoiceForm(initial={"unit": unit.pk}),
            "tops": org_rules.home_units(request.user)[:20],
            "due_soon_days": dashboard.DUE_SOON_DAYS,
            "compliance_percent": board.compliance_percent,
        },
    )


@login_required
@require_GET
def dashboard_export(request):
    """The same numbers as the page, as a workbook."""
    unit = _chosen_unit(request)
    if unit is None:
        raise Http404
    board = dashboard.dashboard_for(unit, list_size=dashboard_xlsx.LIST_ROWS)
    response = HttpResponse(dashboard_xlsx.workbook(board), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{dashboard_xlsx.filename(board)}"'
    return response


@login_required
@require_GET
def dashboard_chart(request, kind):
    """A bar chart of the counts in ?v= (SVG): drawn once per counts and language, then cached
    by the server and, for a day, by the browser. It shows only the numbers it is given."""
    if kind not in dashboard.CHARTS:
        raise Http404
    title, buckets = dashboard.CHARTS[kind]
    raw = request.GET.get("v", "")
    parts = raw.split(",")
    if len(parts) != len(buckets) or not all(p.isascii() and p.isdigit() for p in parts):
        raise Http404
    counts = [int(p) for p in parts]
    if max(counts) > MAX_COUNT or not any(counts):
        raise Http404
    shown = [
        (label, n, color) for (_key, label, color), n in zip(buckets, counts, strict=True) if n
    ]

    def draw() -> bytes:
        return charts.bar_chart(
            [str(label) for label, _n, _c in shown],
            [n for _l, n, _c in shown],
            title=str(title),
            colors=[c for _l, _n, c in shown],
        )

    key = f"plans:chart:{kind}:{get_language()}:{','.join(map(str, counts))}"
    response = HttpResponse(
        cache.get_or_set(key, draw, CHART_CACHE_SECONDS), content_type="image/svg+xml"
    )
    response["Cache-Control"] = f"private, max-age={CHART_CACHE_SECONDS}"
    return response


# --- the review ---------------------------------------------------------------------------------
class ReviewForm(forms.Form):
    unit = UnitField(
        label=gettext_lazy("Đơn vị báo cáo"),
        help_text=gettext_lazy("Số liệu của đơn vị này và các đơn vị trực thuộc."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại báo cáo"),
        choices=[
            ("so_ket", gettext_lazy("Sơ kết")),
            ("tong_ket", gettext_lazy("Tổng kết")),
        ],
        initial="tong_ket",
    )
    start_year = forms.IntegerField(
        label=gettext_lazy("Từ năm"),
        error_messages={
            "required": gettext_lazy("Hãy nhập năm bắt đầu giai đoạn, ví dụ 2016."),
            "invalid": gettext_lazy("Năm phải là một số, ví dụ 2016."),
        },
    )
    end_year = forms.IntegerField(
        label=gettext_lazy("Đến năm"),
        error_messages={
            "required": gettext_lazy("Hãy nhập năm kết thúc giai đoạn, ví dụ 2020."),
            "invalid": gettext_lazy("Năm phải là một số, ví dụ 2020."),
        },
    )

    MAX_YEARS = 10

    def __init__(self, *args, user, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["unit"].queryset = org_rules.filter_units(user, Unit.objects.all())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        this_year = timezone.localdate().year
        if start is not None and not 1945 <= start <= this_year:
            self.add_error(
                "start_year",
                _("Năm bắt đầu phải từ 1945 đến %(year)d.") % {"year": this_year},
            )
        if end is not None and not 1945 <= end <= this_year + 1:
            self.add_error(
                "end_year",
                _("Năm kết thúc phải từ 1945 đến %(year)d.") % {"year": this_year + 1},
            )
        if self.errors or start is None or end is None:
            return data
        if end < start:
            self.add_error(
                "end_year",
                _("Năm kết thúc (%(end)d) trước năm bắt đầu (%(start)d).")
                % {"end": end, "start": start},
            )
        elif end - start + 1 > self.MAX_YEARS:
            self.add_error(
                "end_year",
                _("Giai đoạn dài %(n)d năm: một báo cáo sơ kết, tổng kết gồm tối đa %(max)d năm.")
                % {"n": end - start + 1, "max": self.MAX_YEARS},
            )
        issued = self.document.issued_on
        if issued and end < issued.year:
            self.add_error(
                "end_year",
                _("Văn bản ban hành năm %(year)d: giai đoạn phải kết thúc từ năm đó trở đi.")
                % {"year": issued.year},
            )
        return data

    def request(self) -> reviews.ReviewRequest:
        d = self.cleaned_data
        return reviews.ReviewRequest(
            document=self.document,
            unit=d["unit"],
            start_year=d["start_year"],
            end_year=d["end_year"],
            kind=d["kind"],
        )


def _document_for(user, pk: int) -> Document:
    document = get_object_or_404(Document, pk=pk)
    if not document_rules.can_view(user, document):
        raise Http404
    return document


def _review_initial(user, document: Document) -> dict:
    unit = (
        next(
            (
                u
                for u in (document.issuer_unit, document.owner_unit)
                if u is not None and org_rules.can_view_unit(user, u)
            ),
            None,
        )
        or org_rules.home_units(user).first()
    )
    start = (document.issued_on or timezone.localdate()).year
    end = min(start + 4, timezone.localdate().year)
    return {"unit": unit.pk if unit else None, "start_year": start, "end_year": max(start, end)}


def _review_form(request, document: Document) -> ReviewForm:
    data = request.GET if "start_year" in request.GET else None
    return ReviewForm(
        data, user=request.user, document=document, initial=_review_initial(request.user, document)
    )


@login_required
@require_GET
def review_page(request, pk):
    """Choose the unit and the period; see the numbers the draft will carry; download it."""
    document = _document_for(request.user, pk)
    form = _review_form(request, document)
    context = {"document": document, "form": form}
    if form.is_bound and form.is_valid():
        req = form.request()
        board = dashboard.dashboard_for(req.unit, today=req.as_of(), focus=req.focus)
        context |= {
            "req": req,
            "board": board,
            "title": reviews.title_text(req),
            "figures_date": req.figures_date(),
            "status_buckets": board.status_buckets(),
            "docx_url": reverse("plans:review_docx", args=[document.pk])
            + "?"
            + request.GET.urlencode(),
        }
    return render(request, "plans/dashboard/review.html", context)


@login_required
@require_GET
def review_docx(request, pk):
    document = _document_for(request.user, pk)
    form = _review_form(request, document)
    if not (form.is_bound and form.is_valid()):
        return render(
            request, "plans/dashboard/review.html", {"document": document, "form": form}, status=400
        )
    req = form.request()
    response = HttpResponse(reviews.review_docx(req), content_type=reviews.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{reviews.review_filename(req)}"'
    return response


# --- calendar feeds -----------------------------------------------------------------------------
def _feed_urls(request, token: str) -> dict:
    https = request.build_absolute_uri(reverse("plans:calendar_feed", args=[token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_feeds(request):
    """Create and revoke the secret addresses of one's deadline calendar."""
    new_urls = None
    if request.method == "POST":
        try:
            _feed, token = calendar.calendar_feed_create(actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:calendar_feeds")
        # Shown on this response only: the token is not stored anywhere.
        new_urls = _feed_urls(request, token)
    feeds = CalendarFeed.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(
        request,
        "plans/dashboard/calendar_feeds.html",
        {
            "feeds": feeds,
            "new_urls": new_urls,
            "task_count": calendar.feed_tasks(request.user, timezone.localdate()).count(),
        },
    )


@login_required
@require_POST
def calendar_feed_revoke(request, pk):
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    try:
        calendar.calendar_feed_revoke(actor=request.user, feed=feed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi địa chỉ lịch; địa chỉ đó không còn dùng được."))
    return redirect("plans:calendar_feeds")


@require_GET
def calendar_feed(request, token):
    """The ICS feed: no login, only a live token."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404
    calendar.feed_touch(feed)
    response = HttpResponse(calendar.feed_ics(feed), content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="trienkhai.ics"'
    # Asked again each time, so a revoked address stops at once.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
