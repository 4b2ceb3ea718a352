"""URL patterns of surveys for staff (namespace "surveys"), one module per part."""

from .urls_builder import urlpatterns as builder_patterns
from .urls_paper import urlpatterns as paper_patterns
from .urls_print import urlpatterns as print_patterns
from .urls_results import urlpatterns as results_patterns

app_name = "surveys"
urlpatterns = builder_patterns + paper_patterns + print_patterns + results_patterns
