"""How API callers prove who they are: `Authorization: Token <key>`, backed by hashed ApiKey rows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from congress.apikeys import ApiKeyError, apikey_authenticate, apikey_record_use
from congress.models import ApiKey

KEYWORD = "Token"


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: a header such as X-Forwarded-For is the caller's to forge, and the
    # allow-list would mean nothing. A reverse proxy in front must pass the real address on.
    return request.META.get("REMOTE_ADDR")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate `Authorization: Token <key>` against the hashes of live API keys."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give exactly one key after Token."))
        try:
            plain = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        ip = client_ip(request)
        try:
            api_key = apikey_authenticate(plain=plain, ip=ip)
        except ApiKeyError as error:
            raise exceptions.AuthenticationFailed(str(error)) from error
        apikey_record_use(api_key=api_key, ip=ip)
        return api_key.user, api_key

    def authenticate_header(self, request) -> str:
        # Makes unauthenticated requests a 401 with WWW-Authenticate rather than a 403.
        return KEYWORD


def request_api_key(request) -> ApiKey | None:
    """Return the key the request came with, if any (None for the portal's session)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


def is_client_key(request) -> bool:
    api_key = request_api_key(request)
    return api_key is not None and api_key.kind == ApiKey.Kind.CLIENT


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "congress.api.authentication.ApiKeyAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <key>`: a client key created by an administrator (acts within its scopes) "
                "or a personal token from POST /api/v1/auth/token/ (acts with the person's roles)."
            ),
        }
