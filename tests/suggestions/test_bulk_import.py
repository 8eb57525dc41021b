"""The import's bulk path: a fixed number of queries, the same rows as one-by-one entry, all or nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from congress.models import Event, Notification, Role
from suggestions import importing, services
from suggestions.models import Signer, Suggestion
from suggestions.services.bulk import BulkItemError, NewSuggestion, suggestions_create_bulk
from tests.congress.factories import make_user
from tests.deputies.factories import DeputyFactory
from tests.suggestions.factories import loop_cast
from tests.suggestions.test_concurrency import run_at_once
from tests.suggestions.test_import import confirm, preview_id_of, upload, xlsx

Status = Suggestion.Status


def with_signers_of_every_kind(cast: SimpleNamespace) -> SimpleNamespace:
    """Add co-signers a notification must tell apart: one without a login, one whose login is disabled."""
    cast.no_login = DeputyFactory(body=cast.body, name="孙丽")
    cast.disabled = DeputyFactory(
        body=cast.body, name="周涛", user=make_user(body=cast.body, roles=[Role.DEPUTY], is_active=False)
    )
    return cast


@pytest.fixture
def cast(db) -> SimpleNamespace:
    return with_signers_of_every_kind(loop_cast())


def paper_rows(count: int, *, tag: str = "") -> list[list[str]]:
    """Rows as offices fill them in: co-signers with and without logins, some with a category."""
    cosigners = ["李强、赵敏", "孙丽", "", "周涛、李强"]
    return [
        [
            "王芳" if n % 2 else "赵敏",
            cosigners[n % 4],
            f"关于第{tag}{n}件民生实事的建议",
            f"具体内容{n}",
            "交通" if n % 3 else "",
        ]
        for n in range(count)
    ]


def preview_of(cast, rows, *, session, register, actor=None) -> importing.ImportPreview:
    return importing.import_preview_create(
        upload=xlsx(rows), actor=actor or cast.staff, session=session, register=register
    )


def import_queries(cast, rows, capture) -> int:
    preview = preview_of(cast, rows, session=cast.session, register=True)
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        result = importing.suggestions_import(preview_id=preview.id, actor=cast.staff)
    assert len(result.created_ids) == len(rows), result.skipped
    return len(queries)


def test_the_import_needs_the_same_queries_for_10_and_for_100_rows(
    cast, django_capture_on_commit_callbacks, queued_tasks
):
    # Given two files of 10 and of 100 rows, with co-signers, categories and registration at once,
    # and a first import that has filled the caches every request fills (content types, the actor's roles);
    # the search for their possible duplicates waits for a worker, as it does outside the tests
    import_queries(cast, paper_rows(1, tag="丙"), django_capture_on_commit_callbacks)

    # When each is imported, notifications included
    small = import_queries(cast, paper_rows(10, tag="甲"), django_capture_on_commit_callbacks)
    large = import_queries(cast, paper_rows(100, tag="乙"), django_capture_on_commit_callbacks)

    # Then the number of queries does not grow with the rows
    print(f"\nimport queries: 10 rows {small}, 100 rows {large} ({connection.vendor})")
    assert small <= 20
    if connection.vendor == "sqlite":
        # SQLite takes at most 999 parameters per statement, so Django splits each INSERT into batches
        # (35 suggestions, 99 events, 199 signers, 142 messages): a few statements more, never one per row.
        assert large - small <= 10
    else:
        assert large == small
    assert Suggestion.objects.filter(status=Status.REGISTERED).count() == 111
    assert Notification.objects.filter(kind="suggestion_registered").exists()


def snapshot(suggestions: list[Suggestion]) -> list[dict]:
    """What each suggestion left behind, without ids and times, so two ways of writing it can be compared."""
    ignored = ("id", "created_at", "updated_at", "submitted_at", "registered_at")
    result = []
    for suggestion in suggestions:
        fields = {key: value for key, value in model_to_dict(suggestion).items() if key not in ignored}
        fields["times_set"] = (suggestion.submitted_at is not None, suggestion.registered_at is not None)
        signers = sorted(
            (signer.deputy_id, signer.role, signer.confirmed_at is not None) for signer in suggestion.signers.all()
        )
        events = [
            (event.kind, event.from_state, event.to_state, event.actor_id, event.body_id, event.note, event.data)
            for event in Event.objects.filter(object_id=suggestion.pk, kind__startswith="suggestion_")
            .exclude(kind=importing.EVENT_KIND)
            .order_by("created_at", "id")
        ]
        messages = sorted(
            (n.recipient_id, n.kind, n.title, n.body, n.url.replace(f"/{suggestion.pk}/", "/<pk>/"))
            for n in Notification.objects.filter(url__endswith=f"/{suggestion.pk}/")
        )
        result.append({"fields": fields, "signers": signers, "events": events, "messages": messages})
    return result


@pytest.mark.parametrize(
    ("in_session", "register"), [(True, True), (False, True), (True, False)], ids=["session", "between", "unregistered"]
)
def test_bulk_import_leaves_exactly_what_registering_the_rows_one_by_one_leaves(
    cast, django_capture_on_commit_callbacks, in_session, register
):
    # Given a checked file of six rows, and a suggestion already registered in the same numbering
    session = cast.session if in_session else None
    earlier = services.suggestion_create(
        body=cast.body,
        lead_deputy=cast.lead_deputy,
        title="早先的建议",
        content="内容",
        actor=cast.staff,
        session=session,
        submit=True,
    )
    services.suggestion_register(suggestion_id=earlier.pk, actor=cast.staff)
    preview = preview_of(cast, paper_rows(6), session=session, register=register)
    rows = preview.ok_rows
    assert len(rows) == 6

    # When the rows are entered one by one through the single services (as the import used to), then undone
    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            one_by_one = []
            for row in rows:
                suggestion = services.suggestion_create(
                    body=cast.body,
                    lead_deputy=cast.body.deputies.get(pk=row.lead_id),
                    title=row.title,
                    content=row.content,
                    actor=cast.staff,
                    session=session,
                    category=cast.category if row.category_id else None,
                    cosigner_ids=row.cosigner_ids,
                    source=Suggestion.Source.IMPORT,
                    submit=True,
                    cosigners_confirmed=True,
                )
                if register:
                    services.suggestion_register(
                        suggestion_id=suggestion.pk, actor=cast.staff, category=suggestion.category
                    )
                one_by_one.append(suggestion)
        expected = snapshot([Suggestion.objects.get(pk=s.pk) for s in one_by_one])
        transaction.set_rollback(True)
    # And the same preview is imported in bulk
    with django_capture_on_commit_callbacks(execute=True):
        result = importing.suggestions_import(preview_id=preview.id, actor=cast.staff)

    # Then suggestions, signers, numbers, timelines and messages are the same
    bulk = snapshot(list(Suggestion.objects.filter(pk__in=result.created_ids).order_by("pk")))
    assert bulk == expected
    if register:
        assert [item["fields"]["number"] for item in bulk] == [2, 3, 4, 5, 6, 7]
        # Signers with a login hear of it; the one without a login and the disabled login do not.
        recipients = {message[0] for item in bulk for message in item["messages"]}
        assert recipients == {cast.deputy.pk, cast.co_deputy.pk, cast.other_deputy.pk}


def inject_failure_on_signer(deputy_id: int) -> None:
    """Make the database refuse a signer row for this deputy: a real failure half-way through the writes."""
    table = Signer._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER import_fails BEFORE INSERT ON {table} WHEN NEW.deputy_id = {int(deputy_id)} "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION import_fails() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER import_fails BEFORE INSERT ON {table} FOR EACH ROW "
                f"WHEN (NEW.deputy_id = {int(deputy_id)}) EXECUTE FUNCTION import_fails()"
            )


def test_a_failure_half_way_leaves_nothing_imported_and_says_so(client, cast, django_capture_on_commit_callbacks):
    # Given a checked file whose middle row's lead the database will refuse once the suggestions are written
    middle = DeputyFactory(body=cast.body, name="钱坤")
    rows = paper_rows(5)
    rows.insert(3, ["钱坤", "", "关于中间这一行的建议", "内容", ""])
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(rows), session=cast.session, register=True))
    inject_failure_on_signer(middle.pk)

    # When staff confirm it
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview_id)

    # Then the page explains in the portal's language and offers the preview again; nothing was written
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].non_field_errors()] == [
        _("The import failed and nothing was imported. Try again; if it fails again, tell the system administrator.")
    ]
    assert Suggestion.objects.count() == 0 and Signer.objects.count() == 0
    assert not Event.objects.filter(kind__startswith="suggestion").exists()
    assert not Notification.objects.exists()
    assert response.context["preview"].id == preview_id


def test_a_deputy_who_left_the_roster_after_the_preview_stops_an_all_or_nothing_import(client, cast):
    # Given a checked file whose third row's co-signer leaves the roster before confirmation
    rows = paper_rows(5)
    rows[2][1] = "钱坤"
    leaver = DeputyFactory(body=cast.body, name="钱坤")
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(rows), session=cast.session, register=True))
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])

    # When staff confirm all-or-nothing
    response = confirm(client, preview_id, all_or_nothing=True)

    # Then nothing is imported and the error names the spreadsheet row
    assert response.status_code == 200
    (error,) = response.context["form"].non_field_errors()
    assert _("Row %(line)s could not be imported, so nothing was: %(reason)s") % {
        "line": 4,
        "reason": _("Every co-signer must be a serving deputy of the same congress."),
    } == str(error)
    assert Suggestion.objects.count() == 0 and Signer.objects.count() == 0


def test_without_all_or_nothing_that_row_is_left_out_and_the_rest_numbered_without_a_gap(client, cast):
    # Given the same change to the roster after the preview
    rows = paper_rows(5)
    rows[2][1] = "钱坤"
    leaver = DeputyFactory(body=cast.body, name="钱坤")
    preview_id = preview_id_of(upload(client, cast.staff, xlsx(rows), session=cast.session, register=True))
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])

    # When staff confirm
    confirm(client, preview_id)

    # Then the other four are registered 1 to 4 and the row is listed as left out, with its reason
    result = importing.import_result_get(preview_id=preview_id, actor=cast.staff)
    assert sorted(Suggestion.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    reason = _("Every co-signer must be a serving deputy of the same congress.")
    assert result.skipped == [{"line": 4, "title": rows[2][2], "errors": [reason]}]
    # And the result page names the row's suggestion beside the reason
    page = client.get(reverse("suggestion_import:done", args=[preview_id])).content.decode()
    assert rows[2][2] in page and reason in page


def test_the_bulk_service_refuses_the_whole_list_for_one_bad_item_unless_told_to_skip(cast):
    items = [
        NewSuggestion(lead_deputy_id=cast.lead_deputy.pk, title="标题甲", content="内容"),
        NewSuggestion(lead_deputy_id=cast.lead_deputy.pk, title="  ", content="内容"),
        NewSuggestion(lead_deputy_id=cast.foreign_staff.pk, title="标题丙", content="内容"),
    ]

    with pytest.raises(BulkItemError) as raised:
        suggestions_create_bulk(body=cast.body, items=items, actor=cast.staff, session=cast.session)
    assert raised.value.index == 1 and Suggestion.objects.count() == 0

    outcome = suggestions_create_bulk(
        body=cast.body, items=items, actor=cast.staff, session=cast.session, skip_invalid=True
    )
    assert [s.title for s in outcome.created] == ["标题甲"]
    assert sorted(outcome.refused) == [1, 2]
    assert outcome.refused[1] == _("Give the suggestion a title.")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_and_single_registrations_at_once_get_disjoint_numbers_without_gaps(county):
    # Given two staff members with a checked file each for the same session, and suggestions awaiting registration
    cast = with_signers_of_every_kind(loop_cast(county))
    colleague = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    first = preview_of(cast, paper_rows(40, tag="甲"), session=cast.session, register=True)
    second = preview_of(cast, paper_rows(40, tag="乙"), session=cast.session, register=True, actor=colleague)
    waiting = [
        services.suggestion_create(
            body=cast.body,
            lead_deputy=cast.lead_deputy,
            title=f"单独登记{n}",
            content="内容",
            actor=cast.staff,
            session=cast.session,
            submit=True,
        )
        for n in range(4)
    ]

    # When both confirm while the single registrations run
    results = run_at_once(
        lambda: importing.suggestions_import(preview_id=first.id, actor=cast.staff),
        lambda: importing.suggestions_import(preview_id=second.id, actor=colleague),
        *[(lambda pk=s.pk: services.suggestion_register(suggestion_id=pk, actor=cast.staff)) for s in waiting],
    )

    # Then every number from 1 to 84 is given once, and each import's numbers form one block in file order
    assert not any(isinstance(r, Exception) for r in results), results
    numbers = sorted(Suggestion.objects.filter(session=cast.session).values_list("number", flat=True))
    assert numbers == list(range(1, 85))
    for result in results[:2]:
        block = list(
            Suggestion.objects.filter(pk__in=result.created_ids).order_by("pk").values_list("number", flat=True)
        )
        assert block == list(range(block[0], block[0] + 40))
