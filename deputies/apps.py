from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies")

    def ready(self) -> None:
        from congress import navigation
        from congress.permissions import can_view_roster

        for order, (label, url_name) in enumerate(
            [
                (_("Deputies roster"), "deputies:deputy_list"),
                (_("Deputy groups"), "deputies:group_list"),
                (_("Stations"), "deputies:station_list"),
            ]
        ):
            navigation.register(navigation.NavItem("deputies", label, url_name, can_view_roster, order=order * 10))
