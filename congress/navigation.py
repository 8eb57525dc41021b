"""The staff portal's navigation, assembled from items that apps register in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
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
# Built on every staff page, so what does not change per request is worked out once: each section's items in
# their order (until another item registers) and each item's URL (per script prefix, which a deployment fixes).
_by_section: dict[str, list[NavItem]] = {}
_urls: dict[tuple[str, str], str] = {}


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _by_section.clear()


def _registered(section: str) -> list[NavItem]:
    if not _by_section:
        for key, _label, _icon in SECTIONS:
            _by_section[key] = sorted((item for item in _items if item.section == key), key=lambda item: item.order)
    return _by_section[section]


@receiver(setting_changed)
def _forget_urls(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _urls.clear()


def _url(url_name: str) -> str:
    key = (get_script_prefix(), url_name)
    if (url := _urls.get(key)) is None:
        url = _urls[key] = reverse(url_name)
    return url


def nav_for(user: User, path: str) -> list[NavSection]:
    sections = []
    visible: list[tuple[NavSection, dict]] = []
    for key, label, icon in SECTIONS:
        section = NavSection(key=key, label=label, icon=icon)
        registered = _registered(key)
        section.available = bool(registered)
        for item in registered:
            if item.allowed(user):
                entry = {"label": item.label, "url": _url(item.url_name), "active": False}
                section.items.append(entry)
                visible.append((section, entry))
        if section.items or not section.available:
            sections.append(section)
    # Only the longest matching URL is current, so /deputies/groups/ does not also light up /deputies/.
    matches = [(section, entry) for section, entry in visible if path.startswith(entry["url"]) and entry["url"] != "/"]
    if matches:
        section, entry = max(matches, key=lambda match: len(match[1]["url"]))
        entry["active"] = section.active = True
    return sections
