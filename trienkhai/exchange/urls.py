from django.urls import path, re_path

from . import views

app_name = "exchange"
urlpatterns = [
    re_path(
        r"^documents/(?P<pk>[0-9]{1,18})/package\.(?P<extension>json|xlsx)$",
        views.export,
        name="export",
    ),
    path("import/", views.import_new, name="import_new"),
    path("import/<int:pk>/", views.import_detail, name="import"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
]
