"""Opinion surveys: definitions and their building, audience and quota, copies and new
versions, opening and closing, results, and answering with a one-time code (included under
/api/). No address gives one-time codes: they are printed and exported from the pages."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_surveys as views

urlpatterns = [
    path("surveys/", views.SurveyList.as_view(), name="surveys"),
    # Answering: the code travels in the body, never in these addresses.
    path("surveys/respond/", views.Respond.as_view(), name="survey_respond"),
    path("surveys/respond/form/", views.RespondForm.as_view(), name="survey_respond_form"),
    path("surveys/<id:pk>/", views.SurveyDetail.as_view(), name="survey"),
    path("surveys/<id:pk>/copy/", views.SurveyCopy.as_view(), name="survey_copy"),
    path(
        "surveys/<id:pk>/new-version/",
        views.SurveyNewVersion.as_view(),
        name="survey_new_version",
    ),
    path("surveys/<id:pk>/sections/", views.SectionCreate.as_view(), name="survey_sections"),
    path(
        "surveys/<id:pk>/sections/<id:section>/",
        views.SectionDetail.as_view(),
        name="survey_section",
    ),
    path("surveys/<id:pk>/questions/", views.QuestionCreate.as_view(), name="survey_questions"),
    path(
        "surveys/<id:pk>/questions/<id:question>/",
        views.QuestionDetail.as_view(),
        name="survey_question",
    ),
    path(
        "surveys/<id:pk>/questions/<id:question>/move/",
        views.QuestionMove.as_view(),
        name="survey_question_move",
    ),
    path("surveys/<id:pk>/audience/", views.SurveyAudience.as_view(), name="survey_audience"),
    path(
        "surveys/<id:pk>/allocations/",
        views.AllocationCreate.as_view(),
        name="survey_allocations",
    ),
    path(
        "surveys/<id:pk>/allocations/<id:allocation>/",
        views.AllocationDetail.as_view(),
        name="survey_allocation",
    ),
    path("surveys/<id:pk>/open/", views.SurveyOpen.as_view(), name="survey_open"),
    path("surveys/<id:pk>/close/", views.SurveyClose.as_view(), name="survey_close"),
    path("surveys/<id:pk>/results/", views.SurveyResults.as_view(), name="survey_results"),
]
