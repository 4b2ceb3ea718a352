"""Opinion surveys: definitions, the first steps of building, opening and closing, results, and
answering with a one-time code (included under /api/)."""

from django.urls import path

from . import converters  # noqa: F401 - the "id" path converter
from . import views_surveys as views

urlpatterns = [
    path("surveys/", views.SurveyList.as_view(), name="surveys"),
    # Answering: the code travels in the body, never in these addresses.
    path("surveys/respond/", views.Respond.as_view(), name="survey_respond"),
    path("surveys/respond/form/", views.RespondForm.as_view(), name="survey_respond_form"),
    path("surveys/<id:pk>/", views.SurveyDetail.as_view(), name="survey"),
    path("surveys/<id:pk>/sections/", views.SectionCreate.as_view(), name="survey_sections"),
    path("surveys/<id:pk>/questions/", views.QuestionCreate.as_view(), name="survey_questions"),
    path("surveys/<id:pk>/open/", views.SurveyOpen.as_view(), name="survey_open"),
    path("surveys/<id:pk>/close/", views.SurveyClose.as_view(), name="survey_close"),
    path("surveys/<id:pk>/results/", views.SurveyResults.as_view(), name="survey_results"),
]
