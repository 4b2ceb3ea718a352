"""People, positions, units' terms and one's own notifications (included under /api/)."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_people as views

urlpatterns = [
    path("people/", views.PersonList.as_view(), name="people"),
    path("people/<id:pk>/", views.PersonDetail.as_view(), name="person"),
    path("units/<id:pk>/positions/", views.UnitPositionList.as_view(), name="unit_positions"),
    path("units/<id:pk>/terms/", views.UnitTermList.as_view(), name="unit_terms"),
    path("positions/<id:pk>/", views.PositionDetail.as_view(), name="position"),
    path("positions/<id:pk>/end/", views.PositionEnd.as_view(), name="position_end"),
    path("notifications/", views.NotificationList.as_view(), name="notifications"),
    path(
        "notifications/read-all/",
        views.NotificationReadAll.as_view(),
        name="notifications_read_all",
    ),
    path("notifications/<id:pk>/read/", views.NotificationRead.as_view(), name="notification_read"),
]
