from django.urls import path

from . import views, views_io

app_name = "org"
urlpatterns = [
    path("", views.home, name="home"),
    path("tree/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("search/", views.search, name="search"),
    path("pick/", views.pick, name="pick"),
    path("events/", views.events, name="events"),
    path("units/new/", views.unit_create, name="unit_new"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/reorganise/<slug:kind>/", views.unit_reorganise, name="reorganise"),
    path("units/<int:pk>/terms/new/", views.term_form, name="term_new"),
    path("units/<int:pk>/terms/<int:term_id>/", views.term_form, name="term_edit"),
    path("units/<int:pk>/positions/new/", views.position_form, name="position_new"),
    path("units/<int:pk>/positions/<int:position_id>/", views.position_form, name="position_edit"),
    path("units/<int:pk>/access/", views.unit_access, name="access"),
    path(
        "units/<int:pk>/access/<int:access_id>/revoke/", views.access_revoke, name="access_revoke"
    ),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_form, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_form, name="person_edit"),
    path("import/", views_io.import_page, name="import"),
    path("export.xlsx", views_io.export_xlsx, name="export"),
    path("template.xlsx", views_io.template_xlsx, name="template"),
]
