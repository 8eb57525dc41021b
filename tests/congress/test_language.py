"""Pages speak Chinese unless the person chose English; the API follows Accept-Language."""

import pytest
from django.conf import settings

from congress.models import Role
from tests.congress.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_login_page_is_chinese_even_for_a_browser_set_to_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_choosing_english_switches_pages_to_english(client, county):
    user = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get("/accounts/login/")

    assert 'lang="zh-hans"' in response.content.decode()


def test_the_api_answers_in_the_language_the_caller_asks_for(client):
    english = client.get("/api/v1/users/me/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/users/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.status_code == chinese.status_code == 401
    assert english.json()["error"]["message"] != chinese.json()["error"]["message"]
