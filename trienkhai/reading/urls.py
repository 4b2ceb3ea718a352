from django.urls import path

from . import views

app_name = "reading"
urlpatterns = [
    path("new/", views.read_for_unit, name="new"),
    path("documents/<int:pk>/", views.read_document, name="read_document"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
]
