"""The print-ready paper form of a survey (staff)."""

from django.urls import path

from . import views_print as views

urlpatterns = [
    path("<int:pk>/form.pdf", views.form_pdf, name="form_pdf"),
]
