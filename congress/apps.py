from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress kernel")

    def ready(self) -> None:
        from congress import navigation, todos
        from congress.permissions import can_view_system

        todos.register(todos.calendar_years_missing)
        for order, (label, url_name) in enumerate(
            [
                (_("Working-day calendar"), "calendar_years"),
                (_("Units"), "unit_list"),
                (_("Users"), "user_list"),
                (_("Terms and sessions"), "term_list"),
                (_("System status"), "system_status"),
            ]
        ):
            navigation.register(navigation.NavItem("system", label, url_name, can_view_system, order=order * 10))
