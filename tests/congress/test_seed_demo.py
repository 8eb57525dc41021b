"""seed_demo builds the demo county deterministically and idempotently, and only where it may."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from congress.demo import county
from congress.demo.county import DEMO_LOGINS, DEMO_PASSWORD, demo_counts
from congress.demo.suggestions import SESSION_NUMBER, build_suggestions, suggestion_counts
from congress.models import Body, CongressSession, Role, RoleGrant, Term, Unit, User
from deputies.models import Deputy, DeputyGroup, Level, Station

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_suggestions(request, monkeypatch):
    """Build the county without its session of suggestions, the slow step, unless a test asks for them."""
    if "demo_suggestions" in request.fixturenames:
        return
    monkeypatch.setattr(county, "STEPS", tuple(step for step in county.STEPS if step is not build_suggestions))


@pytest.fixture
def demo_suggestions():
    """The full demo, suggestions included, and how long it took to seed."""
    started = time.perf_counter()
    seed()
    return time.perf_counter() - started


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--allow-production", *args, stdout=out)
    return out.getvalue()


def grants() -> set[tuple[str, str]]:
    return set(RoleGrant.objects.values_list("user__username", "role"))


def roster() -> list[tuple[str, str, str]]:
    return list(Deputy.objects.order_by("body__name", "code").values_list("body__name", "code", "name"))


def test_running_twice_gives_the_same_counts_and_role_grants():
    started = time.perf_counter()
    seed()
    print(f"seed_demo on an empty database: {time.perf_counter() - started:.2f} s")
    counts, first_grants = demo_counts(), grants()

    started = time.perf_counter()
    seed()
    print(f"seed_demo again: {time.perf_counter() - started:.2f} s")

    assert demo_counts() == counts
    assert grants() == first_grants
    assert first_grants == {(login.username, role.value) for login in DEMO_LOGINS for role in login.roles}


def test_a_stray_role_on_a_demo_login_is_removed_on_the_next_run():
    seed()
    RoleGrant.objects.create(user=User.objects.get(username="handler"), role=Role.SYSADMIN)

    seed()

    assert set(User.objects.get(username="handler").role_grants.values_list("role", flat=True)) == {Role.UNIT_HANDLER}


def test_the_same_seed_gives_the_same_deputies_and_another_seed_other_names():
    seed("--seed", "7")
    first = roster()

    seed("--seed", "8")
    other = roster()
    seed("--seed", "7")

    assert roster() == first
    assert [name for *_key, name in other] != [name for *_key, name in first]
    assert [key for *key, _name in other] == [key for *key, _name in first]


def test_the_county_has_the_asked_shape():
    seed()

    congress = Body.objects.get(kind=Body.Kind.COUNTY_CONGRESS)
    assert congress.name == "青山县人民代表大会"
    assert Body.objects.get(kind=Body.Kind.STANDING_COMMITTEE).parent == congress
    assert Body.objects.filter(kind=Body.Kind.TOWNSHIP_CONGRESS, parent=congress).count() == 11
    assert Body.objects.filter(kind=Body.Kind.STREET_COMMITTEE).count() == 3
    term = Term.objects.get(body=congress)
    assert (term.number, str(term.start_date)) == (18, "2022-01-05")
    sessions = CongressSession.objects.filter(term=term).order_by("number")
    assert [(s.number, s.start_date.year, s.start_date.month) for s in sessions] == [
        (n, 2021 + n, 1) for n in range(1, 6)
    ]
    assert all(s.location for s in sessions)
    assert 35 <= Unit.objects.count() <= 55
    assert Unit.objects.filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.STREET]).count() == 14
    assert Unit.objects.filter(kind=Unit.Kind.SPECIAL_COMMITTEE).exists()
    assert not Unit.objects.filter(phone="").exists()


def test_the_roster_has_about_300_deputies_at_every_level_mostly_county():
    seed()

    by_level = {level: Deputy.objects.filter(level=level).count() for level in Level.values}
    assert 280 <= sum(by_level.values()) <= 320
    assert 150 <= by_level[Level.COUNTY] <= 230
    assert all(by_level[level] > 0 for level in Level.values)
    women = Deputy.objects.filter(gender=Deputy.Gender.FEMALE).count() / sum(by_level.values())
    assert 0.2 <= women <= 0.45
    assert not Deputy.objects.exclude(id_card_number="").exists()
    assert not Deputy.objects.exclude(phone__startswith="100").exists()
    assert not Deputy.objects.filter(station__isnull=True).exists()
    name_lengths = set(Deputy.objects.values_list("name", flat=True).distinct())
    assert {len(name) for name in name_lengths} == {2, 3}


def test_every_deputy_group_has_a_convenor_among_its_members():
    seed()

    for group in DeputyGroup.objects.select_related("convenor"):
        assert group.convenor is not None, group.name
        assert group.convenor.group_id == group.pk, group.name
        assert group.members.count() >= 3, group.name


def test_stations_follow_one_centre_fourteen_stations_thirty_six_points():
    seed()

    centre = Station.objects.get(kind=Station.Kind.CENTRE)
    stations = Station.objects.filter(kind__in=[Station.Kind.STATION, Station.Kind.HOME])
    assert stations.count() == 14
    assert set(stations.values_list("parent", flat=True)) == {centre.pk}
    points = Station.objects.filter(kind=Station.Kind.POINT)
    assert points.count() == 36
    assert set(points.values_list("parent__kind", flat=True)) <= {Station.Kind.STATION, Station.Kind.HOME}


def test_every_role_has_a_demo_login_that_authenticates_with_the_demo_password():
    seed()

    for role in Role:
        assert User.objects.with_role(role).filter(username__in=[d.username for d in DEMO_LOGINS]).exists(), role
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
        assert user.body.kind == Body.Kind.STANDING_COMMITTEE


def test_the_printed_table_lists_every_login_with_the_password():
    output = seed()

    for login in DEMO_LOGINS:
        assert any(line.startswith(login.username + " ") and DEMO_PASSWORD in line for line in output.splitlines())


def test_unit_logins_belong_to_the_education_bureau_and_office_staff_to_the_office():
    seed()

    assert User.objects.get(username="handler").unit.name == "青山县教育局"
    assert User.objects.get(username="unithead").unit.name == "青山县教育局"
    assert User.objects.get(username="office").unit.kind == Unit.Kind.COMMITTEE_OFFICE
    assert User.objects.get(username="admin").is_superuser


def test_the_deputy_login_is_linked_to_one_county_deputy():
    seed()
    seed("--seed", "8")

    user = User.objects.get(username="deputy")
    deputy = Deputy.objects.get(user=user)
    assert deputy.level == Level.COUNTY
    assert user.full_name == deputy.name
    assert list(Deputy.objects.visible_to(user)) == [deputy]


def test_it_refuses_without_debug_unless_allowed(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())

    assert not Deputy.objects.exists()
    assert not User.objects.exists()


def test_it_runs_with_debug_on_without_the_flag(settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())

    assert Deputy.objects.exists()


def test_the_demo_client_key_reads_the_roster_through_the_api_and_nothing_more(client):
    from congress.demo.county import DEMO_API_KEY, build_demo_county

    build_demo_county(seed=2026)
    build_demo_county(seed=2026)
    headers = {"HTTP_AUTHORIZATION": f"Token {DEMO_API_KEY}"}

    assert client.get("/api/v1/deputies/?level=county", **headers).status_code == 200
    refused = client.post("/api/v1/deputies/", {"name": "测试"}, content_type="application/json", **headers)
    assert refused.status_code == 403


def test_the_fifth_session_has_235_suggestions_in_every_state_and_a_second_run_adds_none(demo_suggestions):
    from suggestions.models import Suggestion

    print(f"seed_demo with suggestions: {demo_suggestions:.1f} s")
    counts = suggestion_counts()
    assert sum(counts.values()) == 235
    assert set(counts) == set(Suggestion.Status.values)
    assert Suggestion.objects.filter(session__number=SESSION_NUMBER).count() == 235

    seed()

    assert suggestion_counts() == counts


def test_the_demo_suggestions_look_like_a_real_session(demo_suggestions):
    from suggestions.models import Answer, Category, Contact, Rating, Signer, Suggestion

    session = Suggestion.objects.filter(session__number=SESSION_NUMBER)
    leader = User.objects.get(username="leader")
    assert session.filter(is_priority=True, supervising_leader=leader).count() == 12
    assert set(Category.objects.values_list("name", flat=True)) >= {
        "教育", "交通", "医疗卫生", "农业农村", "城乡建设", "生态环境", "社会保障", "文化旅游", "其他"
    }  # fmt: skip
    assert session.exclude(reject_reason="").filter(status="not_registered").count() == 8
    assert Contact.objects.exists() and Signer.objects.filter(role="co", confirmed_at__isnull=False).exists()
    assert set(Rating.objects.values_list("result", flat=True)) == {"satisfied", "basically_satisfied", "unsatisfied"}
    assert Answer.objects.filter(is_public=True).exists() and session.filter(is_public=True).exists()
    assert session.overdue().exists() and session.open().exclude(pk__in=session.overdue()).exists()
    # the history is dated at the session, not at the moment the seed ran: filed during its days
    held = CongressSession.objects.get(number=SESSION_NUMBER, term__body__kind=Body.Kind.COUNTY_CONGRESS)
    first = session.filter(submitted_at__isnull=False).order_by("submitted_at").values_list("submitted_at", flat=True)
    assert held.start_date <= timezone.localdate(first[0]) <= held.end_date


def test_the_demo_logins_have_real_work(demo_suggestions):
    from congress.todos import todos_for
    from suggestions.models import Assignment, Suggestion

    handler = User.objects.get(username="handler")
    mine = Assignment.objects.filter(unit=handler.unit)
    assert mine.filter(status="assigned").exists()
    assert mine.filter(status="accepted").exists()
    deputy = Deputy.objects.get(user__username="deputy")
    assert Suggestion.objects.filter(lead_deputy=deputy, status="answered").exists()
    for username in ("office", "handler", "unithead", "deputy"):
        assert todos_for(User.objects.get(username=username)), username


def test_a_parallel_round_rated_unsatisfied_and_left_unrated_past_its_window_waits_for_the_office(demo_suggestions):
    from congress.workflow import WorkflowError
    from suggestions import services
    from suggestions.models import Assignment, Suggestion
    from suggestions.services.closing import lapsed_rounds

    office = User.objects.get(username="office")
    lapsed = lapsed_rounds(timezone.localdate())
    assert lapsed.count() == 1
    suggestion = lapsed.get()
    parallel = suggestion.assignments.get(role=Assignment.Role.PARALLEL)
    assert suggestion.status == Suggestion.Status.ANSWERED
    assert parallel.answers.get().ratings.get().result == "unsatisfied"
    assert not suggestion.assignments.get(role=Assignment.Role.LEAD).answers.get().ratings.exists()

    with pytest.raises(WorkflowError):
        services.suggestion_close(suggestion_id=suggestion.pk, actor=office)
    services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=office)

    suggestion.refresh_from_db()
    parallel.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REHANDLING
    assert parallel.status == Assignment.Status.ACCEPTED and parallel.answer_due > timezone.localdate()
