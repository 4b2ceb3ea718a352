"""Programmes, their indicators and measurements (included by plans/urls.py, namespace "plans")."""

from django.urls import path

from . import views_programmes as views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path(
        "programmes/pick-document/", views.programme_document_pick, name="programme_document_pick"
    ),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_new, name="indicator_new"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/measurements/new/", views.measurement_new, name="measurement_new"),
    path(
        "measurements/<int:pk>/evidence/", views.measurement_evidence, name="measurement_evidence"
    ),
]
