"""How the API knows who calls: `Authorization: Bearer tk_…` (a personal token), or the pages'
own session with its CSRF token (htmx calls). A read-only token may only read."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from .tokens import token_check


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in ("bearer", "token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Tiêu đề Authorization phải có dạng “Bearer <khóa>”.")
            )
        token = token_check(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Khóa API không hợp lệ, đã bị thu hồi hoặc đã hết hạn.")
            )
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class IsAuthenticatedWithinToken(permissions.BasePermission):
    """Logged in; and, through a read-only token, reading only."""

    message = gettext_lazy("Khóa API này chỉ được đọc, không được thay đổi dữ liệu.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        token = request.auth
        return not (
            getattr(token, "read_only", False) and request.method not in permissions.SAFE_METHODS
        )


class TokenScheme(OpenApiAuthenticationExtension):
    """Tells the OpenAPI schema how a token is sent."""

    target_class = "trienkhai.api.auth.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "a personal API token (tk_…)"}
