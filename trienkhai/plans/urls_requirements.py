from django.urls import path

from . import views_requirements as views

urlpatterns = [
    path("requirements/", views.requirement_list, name="requirements"),
    path("requirements/new/", views.requirement_new, name="requirement_new"),
    path("requirements/<int:pk>/", views.requirement_detail, name="requirement"),
    path("requirements/<int:pk>/edit/", views.requirement_edit, name="requirement_edit"),
    path("requirements/pick-document/", views.pick_document, name="requirement_pick_document"),
    path("compliance/", views.compliance_matrix, name="compliance"),
    path("compliance/xlsx/", views.compliance_xlsx, name="compliance_xlsx"),
]
