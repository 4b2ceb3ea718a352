"""URL patterns of dissemination campaigns (namespace "outreach"), one module per part."""

from .urls_campaigns import urlpatterns as campaign_patterns
from .urls_io import urlpatterns as io_patterns

app_name = "outreach"
urlpatterns = campaign_patterns + io_patterns
