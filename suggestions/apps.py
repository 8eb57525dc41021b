from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("Deputy suggestions")

    def ready(self) -> None:
        from suggestions.nav import register_nav

        register_nav()
