from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from trienkhai.accounts.middleware import CSP

from . import (
    converters,  # noqa: F401 - the "id" path converter
    views_compliance,
    views_org,
    views_tasks,
)

app_name = "api"


class DocsView(SpectacularSwaggerSplitView):
    """The reference page: Swagger UI sets style attributes from its script, so this page alone
    (static, no user content) allows inline styles; scripts stay 'self' only."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = CSP.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response


urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("units/", views_org.UnitList.as_view(), name="units"),
    path("units/<id:pk>/", views_org.UnitDetail.as_view(), name="unit"),
    path("tasks/", views_tasks.TaskList.as_view(), name="tasks"),
    path("tasks/<id:pk>/", views_tasks.TaskDetail.as_view(), name="task"),
    path("compliance/", views_compliance.ComplianceMatrix.as_view(), name="compliance"),
    path("", include("trienkhai.api.urls_documents")),
    path("", include("trienkhai.api.urls_programmes")),
    path("", include("trienkhai.api.urls_work")),
    path("", include("trienkhai.api.urls_people")),
    path("", include("trienkhai.api.urls_outreach")),
    path("", include("trienkhai.api.urls_surveys")),
    path("", include("trienkhai.api.urls_exchange")),
    path("", include("trienkhai.api.urls_public")),
]
