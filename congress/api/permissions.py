"""Who may call what: a client key needs the endpoint's scope; a person acts with their roles."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import permissions

from congress.api.authentication import is_client_key, request_api_key


def key_has_scope(request, scope: str | None) -> bool:
    """Return whether the request's credentials cover `scope`; sessions and personal tokens always do."""
    if scope is None or not is_client_key(request):
        return True
    return scope in request_api_key(request).scopes


def can_read_personal_data(request) -> bool:
    """Committee-side people, and client keys holding `personal_data:read`, see numbers unmasked."""
    user = request.user
    if not user.is_authenticated:
        return False
    if is_client_key(request):
        return key_has_scope(request, "personal_data:read")
    return user.is_committee_side


class ScopedAccess(permissions.BasePermission):
    """Check the view's scope for the request and, for writes or restricted reads, its role predicate.

    A view declares `read_scope` and `write_scope` (the scope a client key needs), and optionally
    `can_read(user)` / `can_write(user)` predicates; visibility of single objects is decided by the
    view's `visible_to` queryset, so an object outside it is a 404, not a 403.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        reading = request.method in permissions.SAFE_METHODS
        scope = getattr(view, "read_scope", None) if reading else getattr(view, "write_scope", None)
        if not key_has_scope(request, scope):
            # DRF instantiates permissions per request, so the message can name what this key lacks.
            self.message = _("This client key lacks the scope %(scope)s; ask an administrator to add it.") % {
                "scope": scope
            }
            return False
        predicate = getattr(view, "can_read" if reading else "can_write", None)
        return predicate is None or predicate(user)
