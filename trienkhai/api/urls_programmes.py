"""Programmes, indicators, measurements and periodic reports (included under /api/)."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_programmes as views

urlpatterns = [
    path("programmes/", views.ProgrammeList.as_view(), name="programmes"),
    path("programmes/<id:pk>/", views.ProgrammeDetail.as_view(), name="programme"),
    path("indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("indicators/<id:pk>/", views.IndicatorDetail.as_view(), name="indicator"),
    path(
        "indicators/<id:pk>/measurements/",
        views.MeasurementList.as_view(),
        name="indicator_measurements",
    ),
    path("reports/", views.ReportList.as_view(), name="reports"),
    path("reports/<id:pk>/", views.ReportDetail.as_view(), name="report"),
]
