from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path
from django.views.i18n import set_language


def home(request):
    return redirect("org:home")


urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("trienkhai.accounts.urls")),
    path("org/", include("trienkhai.org.urls")),
    path("documents/", include("trienkhai.documents.urls")),
    path("notifications/", include("trienkhai.notifications.urls")),
    path("plans/", include("trienkhai.plans.urls")),
    path("outreach/", include("trienkhai.outreach.urls")),
    path("surveys/", include("trienkhai.surveys.urls")),
    path("reading/", include("trienkhai.reading.urls")),
    path("exchange/", include("trienkhai.exchange.urls")),
    path("api/", include("trienkhai.api.urls")),
    path("accounts/api-keys/", include("trienkhai.api.urls_pages")),
    path("s/", include("trienkhai.surveys.urls_public")),
    path("public/", include("trienkhai.public.urls")),
    path("p/", include("trienkhai.public.urls_public")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
