from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import (
    converters,  # noqa: F401 - the "id" path converter
    views_compliance,
    views_org,
    views_tasks,
)

app_name = "api"


urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
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
]
