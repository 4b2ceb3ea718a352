"""Import and export of the tree and positions as XLSX (placeholder replaced by the io work)."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def import_page(request):
    return HttpResponse("")


@login_required
def export_xlsx(request):
    return HttpResponse("")


@login_required
def template_xlsx(request):
    return HttpResponse("")
