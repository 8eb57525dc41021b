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

        # Reminders and notifications engine: the kernel's own reminder kind and its staff pages.
        from congress.reminders.kinds import register_kernel_kinds
        from congress.reminders.permissions import can_manage_reminders, can_set_own_preferences

        register_kernel_kinds()
        for order, (label, url_name, allowed) in enumerate(
            [
                (_("Reminder ledger"), "reminders:ledger", can_manage_reminders),
                (_("Reminder policies"), "reminders:policies", can_manage_reminders),
                (_("Message templates"), "reminders:templates", can_manage_reminders),
                (_("My notification settings"), "reminders:preferences", can_set_own_preferences),
            ]
        ):
            navigation.register(navigation.NavItem("system", label, url_name, allowed, order=60 + order * 10))
