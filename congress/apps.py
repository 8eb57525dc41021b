from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress kernel")

    def ready(self) -> None:
        from congress import todos

        todos.register(todos.calendar_years_missing)
