"""Cursor pages on a forged cursor: the position must fit the ordering field, or the list is a 400."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from congress.models import Notification, Role
from tests.api.helpers import as_person
from tests.congress.factories import make_user
from tests.deputies.factories import DeputyFactory
from tests.suggestions.factories import drive, loop_cast

pytestmark = pytest.mark.django_db

INVALID = "Invalid cursor: use the next or previous link as given."


def forged(position: str) -> str:
    """A cursor as the pagination encodes it, with a position no row has."""
    return base64.b64encode(f"p={quote(position)}".encode("ascii")).decode("ascii")


@pytest.fixture
def cast(county):
    cast = loop_cast(county)
    drive(cast, to="submitted")
    drive(cast, to="submitted")
    return cast


# Each cursor-paged list with an ordering of each type of field it offers, and positions that field cannot hold.
FORGERIES = [
    ("/api/v1/suggestions/?ordering=id", "abc"),
    ("/api/v1/suggestions/?ordering=id", "1e400"),
    ("/api/v1/suggestions/?ordering=id", "3.7"),
    ("/api/v1/suggestions/?ordering=-id", "9" * 30),
    ("/api/v1/suggestions/?ordering=-id", "-9223372036854775809"),
    ("/api/v1/suggestions/?ordering=year", "-1"),
    ("/api/v1/suggestions/", "abc"),
    ("/api/v1/suggestions/", "2026-13-01 00:00:00+00:00"),
    ("/api/v1/suggestions/", "2026-01-01 00:00:00"),
    ("/api/v1/suggestions/", "0001-01-01 00:00:00+08:00"),
    ("/api/v1/suggestions/?ordering=updated_at", "1e400"),
    ("/api/v1/deputies/", "D\x00001"),
    ("/api/v1/deputies/?ordering=id", "abc"),
    ("/api/v1/users/", "admin\x00"),
    ("/api/v1/users/?ordering=id", "1e400"),
    ("/api/v1/notifications/", "yesterday"),
    ("/api/v1/notifications/?ordering=id", "9" * 30),
]


@pytest.mark.parametrize(("url", "position"), FORGERIES)
def test_a_forged_cursor_position_is_an_invalid_cursor_not_a_server_error(api, cast, url, position):
    # One login that may read every list: the office's staff who also administers logins.
    reader = make_user(body=cast.county.committee, roles=[Role.OFFICE_STAFF, Role.SYSADMIN])
    DeputyFactory(body=cast.county.congress)
    Notification.objects.create(recipient=reader, title="请办理")
    as_person(api, reader)
    separator = "&" if "?" in url else "?"

    response = api.get(f"{url}{separator}cursor={forged(position)}")

    assert response.status_code == 400, response.content
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "The request contains invalid data; see the fields for details.",
        "fields": {"cursor": [INVALID]},
    }


def test_the_invalid_cursor_is_told_in_chinese_without_djangos_date_format(api, cast):
    as_person(api, cast.staff)

    response = api.get("/api/v1/suggestions/", {"cursor": forged("abc")}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cursor": ["游标无效：请直接使用返回的 next 或 previous 链接。"]}


@pytest.mark.parametrize("ordering", ["-created_at", "id", "-id", "year", "-updated_at"])
def test_the_cursors_a_list_gives_still_page_through_it_both_ways(api, cast, ordering):
    drive(cast, to="submitted")
    as_person(api, cast.staff)

    forward, url = [], f"/api/v1/suggestions/?ordering={ordering}&page_size=1"
    while url:
        page = api.get(url).json()
        forward += [item["id"] for item in page["results"]]
        last, url = page, page["next"]
    backward, url = [], last["previous"]
    while url:
        page = api.get(url).json()
        backward = [item["id"] for item in page["results"]] + backward
        url = page["previous"]

    assert len(forward) == 3
    assert backward == forward[:-1]
