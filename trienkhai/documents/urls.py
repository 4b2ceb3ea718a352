from .urls_consultation import urlpatterns as consultation_patterns
from .urls_register import urlpatterns as register_patterns

app_name = "documents"
urlpatterns = register_patterns + consultation_patterns
