"""Register pages (being built)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse


@login_required
def register(request):
    return HttpResponse("")


@login_required
def detail(request, pk):
    raise Http404
