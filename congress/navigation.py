"""The staff portal's navigation, assembled from items that apps register in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from congress.models import User

SECTIONS: list[tuple[str, str, str]] = [
    ("suggestions", _("Suggestions"), "bi-chat-square-text"),
    ("supervision", _("Supervision"), "bi-clipboard-check"),
    ("deputies", _("Deputies' work"), "bi-people"),
    ("statistics", _("Statistics"), "bi-bar-chart"),
    ("system", _("System"), "bi-gear"),
]


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    allowed: Callable[[User], bool]
    order: int = 100


@dataclass
class NavSection:
    key: str
    label: str
    icon: str
    items: list[dict] = field(default_factory=list)
    active: bool = False
    # A section whose app has registered no page yet is shown, greyed, so the map stays stable.
    available: bool = False


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)


def nav_for(user: User, path: str) -> list[NavSection]:
    sections = []
    for key, label, icon in SECTIONS:
        section = NavSection(key=key, label=label, icon=icon)
        registered = sorted((item for item in _items if item.section == key), key=lambda item: item.order)
        section.available = bool(registered)
        for item in registered:
            if not item.allowed(user):
                continue
            url = reverse(item.url_name)
            is_active = path.startswith(url) and url != "/"
            section.items.append({"label": item.label, "url": url, "active": is_active})
            section.active = section.active or is_active
        if section.items or not section.available:
            sections.append(section)
    return sections
