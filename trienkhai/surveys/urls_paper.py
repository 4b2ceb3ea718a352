"""Typing paper forms (namespace "surveys")."""

from django.urls import path

from . import views_paper as views

urlpatterns = [
    path("<int:pk>/paper/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/paper/mismatches/", views.paper_mismatches, name="paper_mismatches"),
    path(
        "<int:pk>/paper/mismatches/<int:entry_code_id>/",
        views.paper_resolve,
        name="paper_resolve",
    ),
]
