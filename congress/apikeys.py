"""API keys: county systems' client keys and people's tokens. Only a key's SHA-256 is stored.

The plain key is returned once, by `apikey_create` / `personal_token_issue`, and never again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.models import ApiKey, User
from congress.permissions import is_sysadmin
from congress.services import record_event
from congress.workflow import ensure

KEY_PREFIX = "cgk_"
# Shown next to a key so people can tell keys apart; short enough to reveal nothing useful.
DISPLAY_PREFIX_LENGTH = 10
# Writing last_used on every request would turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

# Every scope a client key may carry; later apps add theirs here.
SCOPES: dict[str, str] = {
    "roster:read": gettext_lazy("Read the deputies roster"),
    "roster:write": gettext_lazy("Create and update deputies on the roster"),
    "users:read": gettext_lazy("Read logins"),
    "users:write": gettext_lazy("Create and update logins and their roles"),
    "reference:read": gettext_lazy("Read units, terms, sessions and the working-day calendar"),
    "notifications:read": gettext_lazy("Read the client's own inbox"),
    "notifications:write": gettext_lazy("Mark the client's own notifications read"),
    "personal_data:read": gettext_lazy("See phone and ID-card numbers unmasked"),
    "suggestions:read": gettext_lazy("Read deputies' suggestions"),
    "suggestions:write": gettext_lazy("Act on deputies' suggestions"),
    "supervision:read": gettext_lazy("Read supervision work"),
    "supervision:write": gettext_lazy("Act on supervision work"),
}


class ApiKeyError(Exception):
    """A key that cannot authenticate: unknown, revoked, expired or used from a disallowed address."""


def hash_key(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def _new_plain_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    """Return the scopes sorted and deduplicated, or raise ValueError naming an unknown one."""
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise ValueError(_("Unknown scope: %(scope)s") % {"scope": ", ".join(unknown)})
    return scopes


def validate_allowed_ips(networks: Iterable[str]) -> list[str]:
    """Return the allow-list as normalised CIDR strings, or raise ValueError naming a bad entry."""
    result = []
    for entry in networks:
        try:
            result.append(str(ipaddress.ip_network(str(entry).strip(), strict=False)))
        except ValueError as error:
            raise ValueError(_("Not an IP address or network: %(entry)s") % {"entry": entry}) from error
    return result


@transaction.atomic
def apikey_create(
    *,
    user: User,
    name: str,
    actor: User | None,
    scopes: Iterable[str] = (),
    allowed_ips: Iterable[str] = (),
    expires_at: dt.datetime | None = None,
    kind: str = ApiKey.Kind.CLIENT,
) -> tuple[ApiKey, str]:
    """Create a key acting as `user` and return it with its plain text, which is never shown again."""
    if actor is not None:
        ensure(is_sysadmin(actor))
    plain = _new_plain_key()
    api_key = ApiKey.objects.create(
        user=user,
        kind=kind,
        name=name,
        prefix=plain[:DISPLAY_PREFIX_LENGTH],
        key_hash=hash_key(plain),
        scopes=validate_scopes(scopes),
        allowed_ips=validate_allowed_ips(allowed_ips),
        expires_at=expires_at,
        created_by=actor,
    )
    record_event(api_key, actor=actor, kind="api_key_created", data={"user": user.pk, "scopes": api_key.scopes})
    return api_key, plain


@transaction.atomic
def apikey_revoke(*, api_key: ApiKey, actor: User | None) -> ApiKey:
    """Refuse the key from now on; revoking twice changes nothing."""
    if actor is not None and api_key.user_id != actor.pk:
        ensure(is_sysadmin(actor))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        record_event(api_key, actor=actor, kind="api_key_revoked")
    return api_key


def personal_token_issue(*, user: User) -> tuple[ApiKey, str]:
    """Give a signed-in person a token that acts with their own roles, expiring after the configured days."""
    days = getattr(settings, "API_PERSONAL_TOKEN_DAYS", 30)
    return apikey_create(
        user=user,
        name=_("Personal token"),
        actor=None,
        kind=ApiKey.Kind.PERSONAL,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def apikey_authenticate(*, plain: str, ip: str | None, now: dt.datetime | None = None) -> ApiKey:
    """Return the live key matching `plain` used from `ip`, or raise ApiKeyError."""
    now = now or timezone.now()
    digest = hash_key(plain)
    # The lookup is by hash through a unique index; comparing digests again costs nothing and
    # keeps the check constant-time even if the database collation were ever case-insensitive.
    api_key = ApiKey.objects.select_related("user", "user__body", "user__body__parent").filter(key_hash=digest).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, digest):
        raise ApiKeyError(_("Invalid token."))
    if api_key.revoked_at is not None:
        raise ApiKeyError(_("This token has been revoked."))
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise ApiKeyError(_("This token has expired."))
    if not api_key.user.is_active:
        raise ApiKeyError(_("The login behind this token is inactive."))
    if api_key.allowed_ips and not ip_allowed(ip, api_key.allowed_ips):
        raise ApiKeyError(_("This token may not be used from this address."))
    return api_key


def ip_allowed(ip: str | None, networks: Iterable[str]) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def apikey_record_use(*, api_key: ApiKey, ip: str | None, now: dt.datetime | None = None) -> bool:
    """Note when and where the key was last used, at most once a minute; return whether it wrote."""
    now = now or timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return False
    valid_ip = ip if ip and _is_ip(ip) else None
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now, last_used_ip=valid_ip)
    api_key.last_used_at, api_key.last_used_ip = now, valid_ip
    return True


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
