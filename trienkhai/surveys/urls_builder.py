"""The survey builder, audience and codes (namespace "surveys")."""

from django.urls import path

from . import views_audience, views_builder

v = views_builder

urlpatterns = [
    path("", v.survey_list, name="survey_list"),
    path("new/", v.survey_new, name="survey_new"),
    path("<int:pk>/", v.survey_detail, name="survey"),
    path("<int:pk>/edit/", v.survey_edit, name="survey_edit"),
    path("<int:pk>/copy/", v.survey_copy, name="survey_copy"),
    path("<int:pk>/new-version/", v.survey_new_version, name="survey_new_version"),
    path("<int:pk>/open/", v.survey_open, name="survey_open"),
    path("<int:pk>/close/", v.survey_close, name="survey_close"),
    path("<int:pk>/builder/", v.builder_page, name="builder"),
    path("<int:pk>/sections/new/", v.section_new, name="section_new"),
    path("<int:pk>/sections/<int:section>/edit/", v.section_edit, name="section_edit"),
    path("<int:pk>/sections/<int:section>/delete/", v.section_delete, name="section_delete"),
    path("<int:pk>/questions/new/", v.question_new, name="question_new"),
    path("<int:pk>/questions/<int:question>/edit/", v.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:question>/delete/", v.question_delete, name="question_delete"),
    path("<int:pk>/questions/<int:question>/move/", v.question_move, name="question_move"),
    path("<int:pk>/preview/", v.preview, name="preview"),
    path("<int:pk>/audience/", views_audience.audience, name="audience"),
    path("<int:pk>/codes/", views_audience.codes, name="codes"),
    path("<int:pk>/codes/export/", views_audience.codes_export, name="codes_export"),
]
