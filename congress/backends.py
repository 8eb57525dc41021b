"""Authentication backend that loads what every page asks of the signed-in person at once."""

from django.contrib.auth.backends import ModelBackend

from congress.models import User


class CongressBackend(ModelBackend):
    """ModelBackend, but the session's user arrives with body, unit and roles already loaded.

    Every page reads the person's body (visibility scope, header title), unit and roles. They come in the
    user's one query: the roles as a column of its row (`with_role_names`) rather than a prefetch, which cost a
    second query and, in Python, as much again as the user's own (most of a small page's sign-in check).
    """

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("body__parent", "unit").with_role_names().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
