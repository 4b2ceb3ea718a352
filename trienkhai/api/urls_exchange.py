from django.urls import path

from . import views_exchange as views

urlpatterns = [
    path("exchange/export/", views.ExchangeExport.as_view(), name="exchange_export"),
    path("exchange/imports/", views.ImportCreate.as_view(), name="exchange_imports"),
    path("exchange/imports/<id:pk>/", views.ImportDetail.as_view(), name="exchange_import"),
    path(
        "exchange/imports/<id:pk>/apply/",
        views.ImportApply.as_view(),
        name="exchange_import_apply",
    ),
]
