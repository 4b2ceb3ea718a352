from django.urls import path, register_converter
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import views_compliance, views_org, views_tasks

app_name = "api"


class IdConverter:
    """An object id: at most 18 digits, so no id overflows the database's 64-bit integers."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("units/", views_org.UnitList.as_view(), name="units"),
    path("units/<id:pk>/", views_org.UnitDetail.as_view(), name="unit"),
    path("tasks/", views_tasks.TaskList.as_view(), name="tasks"),
    path("tasks/<id:pk>/", views_tasks.TaskDetail.as_view(), name="task"),
    path("compliance/", views_compliance.ComplianceMatrix.as_view(), name="compliance"),
]
