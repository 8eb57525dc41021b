"""Every page of the portal, for every demo login, renders in Chinese with a bounded number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress.demo.county import DEMO_LOGINS, build_demo_county
from congress.models import User
from congress.navigation import nav_for

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20
# English words that would betray an untranslated label in the page's visible text.
ENGLISH = re.compile(r"\b(Home|Deputies|System|Suggestions|Supervision|Statistics|Log out|Search|Filter)\b")
FIXED_PAGES = [
    "/",
    "/notifications/",
    "/accounts/password/change/",
    "/m/",
    "/m/me/",
    "/m/me/password/",
    "/m/notifications/",
]


@pytest.fixture
def demo():
    return build_demo_county(seed=2026)


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
REQUIRED_FIELD = re.compile(r"<(input|select|textarea)\b[^>]*\brequired\b", re.I)


def forms_relying_on_the_browser(html: str) -> list[str]:
    """Return the opening tags of POST forms whose required fields the browser would check in its own language.

    Without `novalidate` an English-locale browser says "Please fill out this field." and the server's Chinese
    errors (and the form kept as typed) are never seen.
    """
    return [
        f"<form{attributes}>"
        for attributes, body in FORM.findall(html)
        if re.search(r"method=[\"']?post", attributes, re.I)
        and REQUIRED_FIELD.search(body)
        and "novalidate" not in attributes
    ]


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS if login.username != "apiclient"])
def test_each_page_a_login_can_reach_is_chinese_and_cheap(client, demo, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    urls = set(FIXED_PAGES)
    urls |= {item["url"] for section in nav_for(user, "/") for item in section.items}
    if user.is_committee_side:
        assert len(urls) >= len(FIXED_PAGES) + 3, "the committee side reaches at least the roster pages"

    for url in sorted(urls):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, follow=True)
        assert response.status_code in (200, 403), (url, response.status_code)
        assert len(queries) <= MAX_QUERIES, (url, len(queries))
        html = response.content.decode()
        assert 'lang="zh-hans"' in html, url
        assert re.search(r"[\u4e00-\u9fff]", html), url
        leftovers = ENGLISH.findall(_visible_text(html))
        assert not leftovers, (url, leftovers)
        assert not forms_relying_on_the_browser(html), url
