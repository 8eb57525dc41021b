"""The API's conventions: keys and tokens, errors, idempotency, throttling, masking, schema and docs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from congress.apikeys import apikey_revoke, hash_key
from congress.models import ApiKey, IdempotencyRecord, Notification
from deputies.models import Deputy
from tests.api.helpers import as_key, as_person, client_key

pytestmark = pytest.mark.django_db

DEPUTIES = "/api/v1/deputies/"
ME = "/api/v1/users/me/"


def deputy_payload(people, **overrides) -> dict:
    return {
        "body": people.county.congress.pk,
        "code": "D001",
        "name": "王建国",
        "gender": "male",
        "level": "county",
        **overrides,
    }


# Keys and tokens


def test_key_is_stored_only_as_its_hash(people):
    plain = client_key(people.system, ["roster:read"])

    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(plain)
    assert plain not in {key.prefix, key.key_hash, key.name}


def test_client_key_with_scope_reads_the_roster(api, people):
    as_key(api, client_key(people.system, ["roster:read"]))

    response = api.get(DEPUTIES)

    assert response.status_code == 200
    assert set(response.json()) >= {"next", "previous", "results"}


def test_missing_credentials_are_a_401_in_the_error_shape(api, people):
    response = api.get(DEPUTIES)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Token"


def test_unknown_key_is_refused(api, people):
    as_key(api, "cgk_not-a-real-key")

    assert api.get(ME).status_code == 401


def test_revoked_key_is_refused(api, people):
    plain = client_key(people.system, ["roster:read"])
    apikey_revoke(api_key=ApiKey.objects.get(), actor=None)

    response = as_key(api, plain).get(DEPUTIES)

    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_expired_key_is_refused(api, people):
    plain = client_key(people.system, ["roster:read"], expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = as_key(api, plain).get(DEPUTIES)

    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_key_from_outside_its_ip_allow_list_is_refused(api, people):
    plain = client_key(people.system, ["roster:read"], allowed_ips=["10.8.0.0/16"])
    as_key(api, plain)

    refused = api.get(DEPUTIES, REMOTE_ADDR="192.168.1.9")
    allowed = api.get(DEPUTIES, REMOTE_ADDR="10.8.3.4")

    assert refused.status_code == 401
    assert allowed.status_code == 200


def test_out_of_scope_key_is_forbidden(api, people):
    as_key(api, client_key(people.system, ["reference:read"]))

    response = api.get(DEPUTIES)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_read_scope_does_not_allow_writes(api, people):
    as_key(api, client_key(people.system, ["roster:read"]))

    response = api.post(DEPUTIES, deputy_payload(people), format="json")

    assert response.status_code == 403
    assert not Deputy.objects.exists()


def test_last_use_is_recorded_at_most_once_a_minute(api, people):
    plain = client_key(people.system, ["roster:read"])
    as_key(api, plain)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        api.get(DEPUTIES, REMOTE_ADDR="10.0.0.1")
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        api.get(DEPUTIES, REMOTE_ADDR="10.0.0.2")
    first = ApiKey.objects.get()
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        api.get(DEPUTIES, REMOTE_ADDR="10.0.0.3")
    second = ApiKey.objects.get()

    assert (first.last_used_at, first.last_used_ip) == (start, "10.0.0.1")
    assert second.last_used_ip == "10.0.0.3"


def test_person_exchanges_password_for_a_token_that_acts_as_them(api, people):
    people.staff.set_password("right-Password-1")
    people.staff.save()

    response = api.post(
        "/api/v1/auth/token/", {"username": people.staff.username, "password": "right-Password-1"}, format="json"
    )
    token = response.json()["token"]
    me = as_key(api, token).get(ME)

    assert response.status_code == 201
    assert ApiKey.objects.get().kind == ApiKey.Kind.PERSONAL
    assert me.json()["username"] == people.staff.username
    assert me.json()["credentials"] == "personal"


def test_wrong_password_gets_no_token(api, people):
    response = api.post("/api/v1/auth/token/", {"username": people.staff.username, "password": "nope"}, format="json")

    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def throttle_rates(**rates):
    from rest_framework.settings import api_settings

    defaults = {"client": "600/min", "user": "240/min", "anon": "30/min", "auth_token": "10/min"}
    return override_settings(
        REST_FRAMEWORK={**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": {**defaults, **rates}}
    )


def test_token_endpoint_is_throttled_against_guessing(api, people):
    with throttle_rates(auth_token="3/min"):
        codes = [
            api.post("/api/v1/auth/token/", {"username": "office", "password": f"guess{n}"}, format="json")
            for n in range(4)
        ]

    assert [response.status_code for response in codes] == [400, 400, 400, 429]
    assert int(codes[-1].headers["Retry-After"]) > 0
    assert codes[-1].json()["error"]["code"] == "throttled"


def test_session_login_works_and_enforces_csrf(people):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(people.staff)

    read = browser.get(ME)
    write = browser.post("/api/v1/notifications/mark-read/", {}, format="json")

    assert read.status_code == 200
    assert read.json()["credentials"] == "session"
    assert write.status_code == 403
    assert "CSRF" in write.json()["error"]["message"]


# Errors


def test_errors_speak_the_request_language(api, people):
    english = api.get(DEPUTIES, HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    chinese = api.get(DEPUTIES, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["error"]["message"]

    assert english == "Authentication credentials were not provided."
    assert chinese != english
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese)


def test_malformed_json_is_a_400(api, people):
    as_person(api, people.staff)

    response = api.post(DEPUTIES, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_form_encoded_body_is_a_415(api, people):
    as_person(api, people.staff)

    response = api.post(DEPUTIES, data={"name": "x"})

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_nul_byte_and_overlong_input_are_400_with_field_details(api, people):
    as_person(api, people.staff)

    nul = api.post(DEPUTIES, deputy_payload(people, name="王\x00建国"), format="json")
    overlong = api.post(DEPUTIES, deputy_payload(people, name="王" * 51), format="json")
    wrong_type = api.post(DEPUTIES, deputy_payload(people, body="first"), format="json")

    assert [nul.status_code, overlong.status_code, wrong_type.status_code] == [400, 400, 400]
    assert set(nul.json()["error"]["fields"]) == {"name"}
    assert set(overlong.json()["error"]["fields"]) == {"name"}
    assert set(wrong_type.json()["error"]["fields"]) == {"body"}
    assert not Deputy.objects.exists()


def test_bad_query_values_are_400_not_500(api, people):
    as_person(api, people.staff)

    responses = [
        api.get(DEPUTIES, {"search": "a\x00b"}),
        api.get(DEPUTIES, {"search": "x" * 101}),
        api.get(DEPUTIES, {"level": "galactic"}),
        api.get(DEPUTIES, {"group": "99999999999999999999999"}),
        api.get(DEPUTIES, {"ordering": "password"}),
        api.get(DEPUTIES, {"cursor": "garbage"}),
        api.get(DEPUTIES, {"page_size": "0"}),
        api.get("/api/v1/units/", {"page": "abc"}),
    ]

    assert [response.status_code for response in responses] == [400] * len(responses)


def test_huge_or_non_numeric_ids_are_404(api, people):
    as_person(api, people.staff)

    assert api.get(f"{DEPUTIES}99999999999999999999999/").status_code == 404
    assert api.get(f"{DEPUTIES}abc/").status_code == 404
    assert api.get(f"{DEPUTIES}999999/").json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_405_in_the_error_shape(api, people):
    as_person(api, people.staff)

    response = api.delete(f"{DEPUTIES}1/")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_service_rule_breach_is_a_400_naming_the_problem(api, people):
    as_person(api, people.staff)
    api.post(DEPUTIES, deputy_payload(people), format="json")

    response = api.post(DEPUTIES, deputy_payload(people, name="另一人"), format="json")

    assert response.status_code == 400
    assert "D001" in response.json()["error"]["message"]
    assert Deputy.objects.count() == 1


# Idempotency


def test_retried_post_with_same_key_creates_one_object(api, people):
    as_person(api, people.staff)
    payload = deputy_payload(people)

    first = api.post(DEPUTIES, payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    second = api.post(DEPUTIES, payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Deputy.objects.count() == 1


def test_same_idempotency_key_with_another_body_is_a_409(api, people):
    as_person(api, people.staff)
    api.post(DEPUTIES, deputy_payload(people), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")

    response = api.post(DEPUTIES, deputy_payload(people, code="D002"), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_mismatch"
    assert Deputy.objects.count() == 1


def test_duplicate_while_the_first_is_still_running_is_a_409(api, people):
    as_person(api, people.staff)
    body = json.dumps(deputy_payload(people))
    # The first request has claimed the key but not finished.
    from rest_framework.test import APIRequestFactory

    from congress.api.idempotency import request_fingerprint

    request = APIRequestFactory().post(DEPUTIES, body, content_type="application/json")
    request._request = request
    IdempotencyRecord.objects.create(
        user=people.staff, key="retry-3", method="POST", path=DEPUTIES, request_hash=request_fingerprint(request)
    )

    response = api.post(DEPUTIES, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-3")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"
    assert not Deputy.objects.exists()


def test_a_claim_abandoned_by_a_dead_request_is_taken_over_by_the_retry(api, people):
    import datetime as dt

    from django.utils import timezone
    from rest_framework.test import APIRequestFactory

    from congress.api.idempotency import request_fingerprint

    as_person(api, people.staff)
    body = json.dumps(deputy_payload(people))
    request = APIRequestFactory().post(DEPUTIES, body, content_type="application/json")
    request._request = request
    # The first request claimed the key ten minutes ago and its worker was killed before answering.
    IdempotencyRecord.objects.create(
        user=people.staff,
        key="retry-4",
        method="POST",
        path=DEPUTIES,
        request_hash=request_fingerprint(request),
        created_at=timezone.now() - dt.timedelta(minutes=10),
    )

    response = api.post(DEPUTIES, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-4")
    replay = api.post(DEPUTIES, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-4")

    assert response.status_code == 201
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert Deputy.objects.count() == 1


def test_idempotency_keys_are_per_caller(api, people):
    as_person(api, people.staff)
    api.post(DEPUTIES, deputy_payload(people), format="json", HTTP_IDEMPOTENCY_KEY="shared")

    as_person(api, people.admin)
    response = api.post(DEPUTIES, deputy_payload(people, code="D002"), format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert response.status_code == 201
    assert Deputy.objects.count() == 2


def test_rejected_request_is_replayed_too_so_a_retry_stays_consistent(api, people):
    as_person(api, people.staff)
    bad = deputy_payload(people, name="")

    first = api.post(DEPUTIES, bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    second = api.post(DEPUTIES, bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")

    assert first.status_code == second.status_code == 400
    assert second.headers["Idempotent-Replayed"] == "true"


def test_purge_deletes_only_old_idempotency_records(people):
    from congress.api.idempotency import purge_idempotency_records

    old = IdempotencyRecord.objects.create(
        user=people.staff,
        key="old",
        method="POST",
        path="/",
        request_hash="x",
        created_at=timezone.now() - dt.timedelta(days=2),
    )
    IdempotencyRecord.objects.create(user=people.staff, key="new", method="POST", path="/", request_hash="x")

    assert purge_idempotency_records() == 1
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()
    assert IdempotencyRecord.objects.count() == 1


# Throttling


def test_each_client_key_has_its_own_budget(api, people):
    first, second = client_key(people.system, ["reference:read"]), client_key(people.system, ["reference:read"])

    with throttle_rates(client="2/min"):
        first_codes = [as_key(api, first).get("/api/v1/terms/").status_code for _ in range(3)]
        second_code = as_key(api, second).get("/api/v1/terms/").status_code

    assert first_codes == [200, 200, 429]
    assert second_code == 200


# Personal data


def test_phone_and_id_card_are_masked_unless_allowed(api, people):
    Deputy.objects.create(
        body=people.county.congress,
        code="D9",
        name="李梅",
        gender="female",
        level="county",
        phone="13812345678",
        id_card_number="110101199001011234",
    )

    masked = as_key(api, client_key(people.system, ["roster:read"])).get(DEPUTIES).json()["results"][0]
    full = as_key(api, client_key(people.system, ["roster:read", "personal_data:read"])).get(DEPUTIES).json()
    staff = as_person(api, people.staff).get(DEPUTIES).json()["results"][0]

    assert (masked["phone"], masked["id_card_number"]) == ("138****5678", "110101********1234")
    assert full["results"][0]["phone"] == "13812345678"
    assert staff["id_card_number"] == "110101199001011234"


# Schema and docs


def test_schema_is_served_as_json_and_yaml(api, people):
    as_person(api, people.staff)

    as_json = api.get("/api/v1/schema/", {"format": "json"})
    as_yaml = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")

    assert as_json.status_code == 200
    assert json.loads(as_json.content)["openapi"].startswith("3.")
    assert as_yaml.status_code == 200
    assert as_yaml.content.startswith(b"openapi: 3")


def test_schema_documents_errors_idempotency_filters_and_token_auth(api, people):
    schema = json.loads(as_person(api, people.staff).get("/api/v1/schema/", {"format": "json"}).content)

    create = schema["paths"]["/api/v1/deputies/"]["post"]
    listing = schema["paths"]["/api/v1/deputies/"]["get"]
    assert {"400", "401", "403", "409", "429"} <= set(create["responses"])
    assert "Idempotency-Key" in {parameter["name"] for parameter in create["parameters"]}
    assert {"level", "group", "constituency", "active", "search", "ordering", "cursor"} <= {
        parameter["name"] for parameter in listing["parameters"]
    }
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_docs_page_loads_every_asset_locally(api, people):
    import re

    response = api.get("/api/v1/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "swagger-ui" in html
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html)
    assert "cdn" not in html.lower()


def test_notifications_are_only_the_callers_own(api, people):
    Notification.objects.create(recipient=people.staff, title="给你的")
    Notification.objects.create(recipient=people.admin, title="别人的")

    results = as_person(api, people.staff).get("/api/v1/notifications/").json()["results"]

    assert [item["title"] for item in results] == ["给你的"]
