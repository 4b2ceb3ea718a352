"""The respondent's pages (namespace "respond"): no login, a one-time code instead."""

app_name = "respond"
urlpatterns = []
