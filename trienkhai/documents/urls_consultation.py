from django.urls import path

from . import views_consultation as views

urlpatterns = [
    path("consultations/mine/", views.todo, name="todo"),
    path("<int:pk>/consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/remind/", views.consultation_remind, name="consultation_remind"),
    path("consultations/<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("consultations/<int:pk>/on-behalf/", views.comment_on_behalf, name="comment_on_behalf"),
    path("consultations/<int:pk>/respond/", views.respond, name="respond"),
    path("consultations/<int:pk>/respond/none/", views.respond_none, name="respond_none"),
    path("consultations/<int:pk>/files/<int:file_id>/", views.round_file, name="round_file"),
    path("consultations/<int:pk>/synthesis.docx", views.synthesis_docx, name="synthesis_docx"),
    path("consultations/<int:pk>/synthesis.xlsx", views.synthesis_xlsx, name="synthesis_xlsx"),
    path("comments/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("<int:pk>/submit/", views.document_submit, name="submit"),
    path("<int:pk>/sign/", views.sign, name="sign"),
]
