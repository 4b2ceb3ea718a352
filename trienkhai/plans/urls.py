"""URL patterns of the plans app, one module per sub-domain (each built and owned separately)."""

from .urls_dashboard import urlpatterns as dashboard_patterns
from .urls_programmes import urlpatterns as programme_patterns
from .urls_reports import urlpatterns as report_patterns
from .urls_requirements import urlpatterns as requirement_patterns
from .urls_tasks import urlpatterns as task_patterns

app_name = "plans"
urlpatterns = (
    programme_patterns + task_patterns + requirement_patterns + report_patterns + dashboard_patterns
)
