"""The notice list (being built)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def inbox(request):
    return HttpResponse("")
