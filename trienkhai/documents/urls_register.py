from django.urls import path

from . import views

urlpatterns = [
    path("", views.register, name="register"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("new/", views.register_new, name="register_new"),
    path("drafts/new/", views.draft_new, name="draft_new"),
    path("next-number/", views.next_number, name="next_number"),
    path("pick/units/", views.pick_unit, name="pick_unit"),
    path("pick/people/", views.pick_person, name="pick_person"),
    path("pick/documents/", views.pick_document, name="pick_document"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/relations/new/", views.relation_new, name="relation_new"),
    path("<int:pk>/files/new/", views.file_add, name="file_add"),
    path("<int:pk>/files/<int:file_id>/", views.file_download, name="file_download"),
]
