"""Authentication backend that loads what every page asks of the signed-in person at once."""

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models.expressions import RawSQL

from congress.models import RoleGrant, User


def _role_names() -> RawSQL:
    """The user's roles as one column of the user's own row: a list on PostgreSQL, comma-separated elsewhere."""
    grants = RoleGrant._meta.db_table
    users = User._meta.db_table
    if connection.vendor == "postgresql":
        return RawSQL(f'ARRAY(SELECT role FROM "{grants}" WHERE user_id = "{users}".id)', ())
    return RawSQL(f'(SELECT group_concat(role, \',\') FROM "{grants}" WHERE user_id = "{users}".id)', ())


class CongressBackend(ModelBackend):
    """ModelBackend, but the session's user arrives with body, unit and roles already loaded.

    Every page reads the person's body (visibility scope, header title), unit and roles. They come in the
    user's one query: the roles as a subquery column rather than a prefetch, which cost a second query and, in
    Python, as much again as the user's own (a request's sign-in check was most of a small page's time).
    """

    def get_user(self, user_id):
        try:
            user = (
                User._default_manager.select_related("body__parent", "unit")
                .annotate(role_names=_role_names())
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        names = user.__dict__.pop("role_names")
        if isinstance(names, str):
            names = names.split(",")
        # `User.roles` is a cached_property: filling its slot is what a first read would have done.
        user.__dict__["roles"] = frozenset(names or ())
        return user if self.user_can_authenticate(user) else None
