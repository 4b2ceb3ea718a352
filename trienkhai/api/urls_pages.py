from django.urls import path

from . import views_tokens

app_name = "api_keys"

urlpatterns = [
    path("", views_tokens.tokens, name="list"),
    path("<int:pk>/revoke/", views_tokens.revoke, name="revoke"),
]
