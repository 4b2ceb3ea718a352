"""The user's notices: newest first, unread marked; mark all read; open one (marks it read)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .services import notifications_mark_read


@login_required
@require_GET
def inbox(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unread = qs.filter(read_at__isnull=True).count()
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def mark_all_read(request):
    n = notifications_mark_read(user=request.user)
    if n:
        messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": n})
    return redirect("notifications:inbox")


@login_required
@require_POST
def open_notice(request, pk):
    """Mark one notice read and go where it points (only within the site)."""
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(user=request.user, ids=[notice.pk])
    url = notice.url
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return redirect(url)
    return redirect("notifications:inbox")
