"""Rate limits per client key, per person and per address; rates come from settings (environment)."""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings

from congress.api.authentication import client_ip, is_client_key, request_api_key

logger = logging.getLogger(__name__)


class SettingsRateThrottle(throttling.SimpleRateThrottle):
    """Read the rate when the request comes, so a changed setting takes effect without a re-import."""

    def allow_request(self, request, view):
        # The counters live in the cache (Redis in production); when it is down, serving the
        # request unthrottled is better than failing every county system's call.
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            logger.warning("Throttle cache unavailable; %s not rate-limited", self.scope, exc_info=True)
            return True

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as error:
            raise ImproperlyConfigured(f"No rate set for throttle scope {self.scope!r}") from error


class ClientKeyThrottle(SettingsRateThrottle):
    """Each county system's key has its own budget, whichever login it acts as."""

    scope = "client"

    def get_cache_key(self, request, view):
        if not is_client_key(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request_api_key(request).pk}


class PersonThrottle(SettingsRateThrottle):
    """A person's budget, shared by their session and their tokens."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated or is_client_key(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousThrottle(SettingsRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class TokenObtainThrottle(SettingsRateThrottle):
    """Slow down password guessing on the token endpoint, per address."""

    scope = "auth_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}
