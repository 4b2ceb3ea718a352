"""Results, quota progress and exports of a survey (namespace "surveys")."""

from django.urls import path

from . import views_results as views

urlpatterns = [
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/q<int:qid>.svg", views.results_chart, name="results_chart"),
    path("<int:pk>/results/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<int:pk>/results/raw.xlsx", views.results_raw_xlsx, name="results_raw_xlsx"),
    path("<int:pk>/results/raw.csv", views.results_raw_csv, name="results_raw_csv"),
    path("<int:pk>/results/report.docx", views.results_docx, name="results_docx"),
    path("<int:pk>/quota/", views.quota, name="quota"),
]
