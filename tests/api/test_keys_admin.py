"""Issuing and revoking keys: the admin shows a new key once, the command prints it once."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from congress.apikeys import hash_key
from congress.models import ApiKey
from tests.api.helpers import as_key
from tests.congress.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_a_key_and_shows_its_plain_text_once(client, api, people):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    response = client.post(
        "/admin/congress/apikey/add/",
        {"user": people.system.pk, "name": "政府OA", "scopes": ["roster:read"], "allowed_ips": "10.0.0.0/8"},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    plain = re.search(r"cgk_\S+", " ".join(shown)).group(0)
    key = ApiKey.objects.get()

    assert key.key_hash == hash_key(plain)
    assert (key.scopes, key.allowed_ips, key.created_by) == (["roster:read"], ["10.0.0.0/8"], admin_user)
    assert as_key(api, plain).get("/api/v1/deputies/", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert plain not in client.get(f"/admin/congress/apikey/{key.pk}/change/").content.decode()


def test_admin_rejects_a_malformed_ip_allow_list(client, people):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/congress/apikey/add/", {"user": people.system.pk, "name": "x", "allowed_ips": "not-an-ip"}
    )

    assert response.status_code == 200
    assert not ApiKey.objects.exists()


def test_admin_revoke_action_refuses_the_key_from_then_on(client, api, people):
    from tests.api.helpers import client_key

    plain = client_key(people.system, ["roster:read"])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        "/admin/congress/apikey/",
        {"action": "revoke", "_selected_action": [ApiKey.objects.get().pk]},
    )

    assert ApiKey.objects.get().revoked_at is not None
    assert as_key(api, plain).get("/api/v1/deputies/").status_code == 401


def test_command_prints_a_working_key_once(api, people):
    out = io.StringIO()

    call_command(
        "create_api_key",
        people.system.username,
        "--name",
        "12345热线",
        "--scope",
        "roster:read",
        stdout=out,
        stderr=io.StringIO(),
    )
    plain = out.getvalue().strip()

    assert ApiKey.objects.get().key_hash == hash_key(plain)
    assert as_key(api, plain).get("/api/v1/deputies/").status_code == 200


def test_command_refuses_an_unknown_scope(people, english):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("create_api_key", people.system.username, "--name", "x", "--scope", "everything")

    assert not ApiKey.objects.exists()


def test_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
