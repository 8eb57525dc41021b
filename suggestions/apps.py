from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("Deputy suggestions")

    def ready(self) -> None:
        from congress import todos
        from suggestions import nav
        from suggestions import todos as suggestion_todos
        from suggestions.reminders import register_kinds

        nav.register_nav()
        # The staff pages and the unit workspace bring their own nav items; they land separately.
        for module in ("suggestions.nav_pages", "suggestions.nav_unit"):
            if find_spec(module) is not None:
                import_module(module).register_nav()
        register_kinds()
        for provider in suggestion_todos.PROVIDERS:
            todos.register(provider)
