"""The portal's own pages: sign-in and out, password change, the staff home, the inbox, the health check."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from congress import todos
from congress.models import Event, Notification, Role, User
from congress.services import notification_create
from congress.todos import TodoItem
from deputies.models import Deputy
from tests.congress.factories import CountyFactory, UnitFactory, make_user
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
STAFF_ROLES = [Role.OFFICE_STAFF, Role.LEADER, Role.COMMITTEE_MEMBER, Role.UNIT_HANDLER, Role.UNIT_HEAD, Role.SYSADMIN]
# The layout's reads (session, user, roles, body, unread count, nav) plus the page's own few (one of them
# asks whether the person oversees every body, for the calendar's to-do; office staff count the suggestions under
# review and the overdue ones apart, each from its own index).
HOME_QUERY_BOUND = 15
INBOX_QUERY_BOUND = 8
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def person(county, role: str, **kwargs) -> User:
    """Create a login for `role` the way the county has it: unit people in a unit, deputies in the congress."""
    if role in (Role.UNIT_HANDLER, Role.UNIT_HEAD):
        return make_user(body=county.congress, roles=[role], unit=UnitFactory(body=county.congress), **kwargs)
    if role == Role.DEPUTY:
        return make_user(body=county.congress, roles=[role], **kwargs)
    return make_user(body=county.committee, roles=[role], **kwargs)


# Staff home


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_home_shows_todos_notifications_and_facts_in_chinese_for_each_staff_role(
    client, county, role, django_assert_max_num_queries
):
    user = person(county, role)
    notification_create(recipient=user, title="请审阅第一季度建议办理情况", url="/notifications/")
    client.force_login(user)

    with django_assert_max_num_queries(HOME_QUERY_BOUND):
        response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "待办事项" in page and "未读消息" in page
    assert "请审阅第一季度建议办理情况" in page
    assert '<html lang="zh-hans">' in page


def test_home_lists_registered_todos_and_shows_an_empty_state_without_any(client, county, monkeypatch):
    user = person(county, Role.LEADER)
    client.force_login(user)
    monkeypatch.setattr(todos, "_providers", [])
    assert "当前没有待办事项" in client.get(reverse("home")).content.decode()

    item = TodoItem(title="审定重点督办建议", url="/somewhere/", detail="共 12 件", level="warning")
    monkeypatch.setattr(todos, "_providers", [lambda user: [item]])
    page = client.get(reverse("home")).content.decode()

    assert "审定重点督办建议" in page and 'href="/somewhere/"' in page
    assert "当前没有待办事项" not in page


def test_home_facts_count_only_the_users_own_county(client, county):
    other = CountyFactory(name="白水县")
    UnitFactory.create_batch(3, body=county.congress)
    UnitFactory.create_batch(5, body=other.congress)
    DeputyFactory.create_batch(2, body=county.congress)
    DeputyFactory.create_batch(4, body=other.congress)
    DeputyFactory(body=county.congress, is_active=False)
    staff = person(county, Role.OFFICE_STAFF)
    client.force_login(staff)

    facts = client.get(reverse("home")).context["facts"]

    assert facts["units"] == 3
    assert facts["deputies"] == 2
    assert facts["term"] == county.term
    assert facts["session"] == county.session


def test_home_shows_a_unit_its_own_unit_instead_of_counts_it_cannot_use(client, county):
    DeputyFactory.create_batch(2, body=county.congress)
    handler = person(county, Role.UNIT_HANDLER)
    client.force_login(handler)

    response = client.get(reverse("home"))

    facts = response.context["facts"]
    assert facts["deputies"] is None and facts["units"] is None
    assert facts["own_unit"] == handler.unit
    page = response.content.decode()
    assert "在任代表" not in page and "本单位" in page and handler.unit.name in page


def test_home_sends_a_deputy_to_the_mobile_view(client, county):
    client.force_login(person(county, Role.DEPUTY))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mobile:home")


def test_home_tells_a_user_without_a_role_whom_to_ask(client, county):
    client.force_login(make_user(body=county.committee, roles=[]))

    response = client.get(reverse("home"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "您的账号尚未分配角色" in page and "系统管理员" in page


@pytest.mark.parametrize(
    "url_name", ["home", "notifications", "password_change", "password_change_done", "mobile:home", "mobile:me"]
)
def test_pages_send_anonymous_visitors_to_login(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


# Sign in and out


def test_login_page_is_chinese_by_default_and_offers_english(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名" in page and "登录" in page
    assert 'value="en"' in page and "English" in page


def test_login_page_switches_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})

    page = client.get(reverse("login")).content.decode()

    assert "Username" in page and "用户名" not in page


def test_wrong_password_is_refused_clearly_and_keeps_the_username(client, county):
    person(county, Role.LEADER, username="wangjg")

    response = client.post(reverse("login"), {"username": "wangjg", "password": "wrong"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="login-error"' in page and "请输入一个正确的" in page
    assert 'value="wangjg"' in page
    assert "_auth_user_id" not in client.session


def test_login_records_an_event_and_sends_staff_home(client, county):
    user = person(county, Role.OFFICE_STAFF, username="lwj")

    response = client.post(reverse("login"), {"username": "lwj", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    event = Event.objects.get(kind="login")
    assert event.subject == user and event.actor == user


def test_login_sends_a_deputy_to_the_mobile_view(client, county):
    person(county, Role.DEPUTY, username="zxy")

    response = client.post(reverse("login"), {"username": "zxy", "password": PASSWORD})

    assert response["Location"] == reverse("mobile:home")


def test_login_keeps_a_deputy_who_also_works_for_the_committee_on_the_staff_home(client, county):
    make_user(body=county.committee, roles=[Role.DEPUTY, Role.COMMITTEE_MEMBER], username="dual")

    response = client.post(reverse("login"), {"username": "dual", "password": PASSWORD})

    assert response["Location"] == reverse("home")


def test_login_follows_a_safe_next_and_ignores_a_foreign_one(client, county):
    person(county, Role.LEADER, username="leader")
    credentials = {"username": "leader", "password": PASSWORD}

    safe = client.post(reverse("login"), {**credentials, "next": "/notifications/?show=unread"})
    client.logout()
    foreign = client.post(reverse("login"), {**credentials, "next": "https://evil.example/steal"})

    assert safe["Location"] == "/notifications/?show=unread"
    assert foreign["Location"] == reverse("home")


def test_logout_needs_a_post_and_ends_the_session(client, county):
    client.force_login(person(county, Role.LEADER))

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


# Password change


def test_password_change_keeps_the_person_signed_in_and_shows_the_done_page(client, county):
    user = person(county, Role.COMMITTEE_MEMBER)
    client.force_login(user)
    assert "修改密码" in client.get(reverse("password_change")).content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Renda-2025-xin", "new_password2": "Renda-2025-xin"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "密码修改成功" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Renda-2025-xin")


def test_password_change_with_a_wrong_old_password_changes_nothing(client, county):
    user = person(county, Role.COMMITTEE_MEMBER)
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Renda-2025-xin", "new_password2": "Renda-2025-xin"},
    )

    assert response.status_code == 200
    assert "旧密码" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# The inbox


@pytest.mark.parametrize("count", [3, 45])
def test_inbox_lists_one_page_of_the_persons_messages_within_a_query_bound(
    client, county, count, django_assert_max_num_queries
):
    user = person(county, Role.OFFICE_STAFF)
    Notification.objects.bulk_create(
        [Notification(recipient=user, title=f"第{n}号通知", url="/x/" if n % 2 else "") for n in range(count)]
    )
    client.force_login(user)

    with django_assert_max_num_queries(INBOX_QUERY_BOUND):
        response = client.get(reverse("notifications"))

    assert response.status_code == 200
    assert len(response.context["notifications"]) == min(count, 20)
    assert "消息中心" in response.content.decode()
    assert ("第 1 / 3 页" in response.content.decode()) == (count == 45)


def test_inbox_filters_unread_and_links_each_message_to_its_page(client, county):
    user = person(county, Role.LEADER)
    notification_create(recipient=user, title="未读的通知", url="/suggestions/7/")
    read = notification_create(recipient=user, title="已读的通知")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client.force_login(user)

    unread_page = client.get(reverse("notifications"), {"show": "unread"}).content.decode()
    all_page = client.get(reverse("notifications")).content.decode()

    assert "未读的通知" in unread_page and "已读的通知" not in unread_page
    assert 'href="/suggestions/7/"' in unread_page
    assert "未读的通知" in all_page and "已读的通知" in all_page


def test_marking_one_message_read_with_a_plain_post_returns_to_the_inbox(client, county):
    user = person(county, Role.LEADER)
    first = notification_create(recipient=user, title="一")
    second = notification_create(recipient=user, title="二")
    client.force_login(user)

    response = client.post(reverse("notifications_mark_read"), {"id": first.pk, "show": "unread"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('notifications')}?show=unread"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_marking_all_read_through_htmx_updates_the_list_and_the_header_badge(client, county):
    user = person(county, Role.LEADER)
    for title in ("一", "二", "三"):
        notification_create(recipient=user, title=title)
    client.force_login(user)

    response = client.post(reverse("notifications_mark_read"), {"all": "1"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="inbox"')
    assert 'id="unread-badge" hx-swap-oob="true"' in page and 'data-testid="unread-count"' not in page
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_a_person_cannot_see_or_mark_someone_elses_messages(client, county):
    owner = person(county, Role.OFFICE_STAFF)
    other = person(county, Role.OFFICE_STAFF)
    secret = notification_create(recipient=owner, title="仅本人可见的通知")
    client.force_login(other)

    page = client.get(reverse("notifications")).content.decode()
    response = client.post(reverse("notifications_mark_read"), {"id": secret.pk})
    garbage = client.post(reverse("notifications_mark_read"), {"id": "abc"})

    assert "仅本人可见的通知" not in page
    assert response.status_code == 404 and garbage.status_code == 404
    secret.refresh_from_db()
    assert secret.read_at is None


def test_marking_read_needs_a_post(client, county):
    client.force_login(person(county, Role.LEADER))

    assert client.get(reverse("notifications_mark_read")).status_code == 405


# Health check


def test_healthz_answers_ok_after_a_database_round_trip(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("congress.views.portal.connection.cursor", refuse)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


# The Chinese catalogue


def test_chinese_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert untranslated == [], f"run locale/merge_pending.py; untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy entries: {fuzzy}"


def test_compiled_chinese_catalogue_matches_the_po_file():
    source = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(CATALOGUE / "django.po")).translated_entries()}
    compiled = {(entry.msgctxt, entry.msgid) for entry in polib.mofile(str(CATALOGUE / "django.mo")) if entry.msgid}

    assert source == compiled, "django.mo is stale: run locale/merge_pending.py and commit django.mo"


def test_deputy_model_names_are_translated():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(Deputy._meta.verbose_name) == "人大代表"
        assert str(Role.COMMITTEE_MEMBER.label) == "常委会组成人员"
