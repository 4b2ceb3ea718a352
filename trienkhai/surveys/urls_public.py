"""The respondent's pages (namespace "respond"): no login, a one-time code instead."""

from django.urls import path

from . import views_respond as views

app_name = "respond"
urlpatterns = [
    path("", views.enter, name="enter"),
    # Fixed words first: a code is upper-case letters and digits, never these.
    path("gui/", views.save, name="save"),
    path("cam-on/", views.done, name="done"),
    path("<str:code>/", views.form, name="form"),
]
