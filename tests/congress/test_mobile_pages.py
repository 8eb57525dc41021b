"""The deputies' mobile view: who gets in, what the deputy sees, their inbox and their account."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from congress import todos
from congress.models import Notification, Role
from congress.services import notification_create
from congress.todos import TodoItem
from deputies.models import Level
from tests.congress.factories import UnitFactory, make_user
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
# The layout's reads (session, user, roles, unread count) plus the deputy card and the page's own few.
MOBILE_QUERY_BOUND = 9
MOBILE_PAGES = ["mobile:home", "mobile:me", "mobile:notifications", "mobile:password_change"]


@pytest.fixture
def deputy_user(county):
    return make_user(body=county.congress, roles=[Role.DEPUTY], username="zhangxy")


@pytest.fixture
def deputy(county, deputy_user):
    return DeputyFactory(
        body=county.congress,
        term=county.term,
        user=deputy_user,
        name="张秀英",
        level=Level.COUNTY,
        group__name="城关镇代表小组",
        station__name="城关镇人大代表联络站",
        constituency__name="城关镇第三选区",
    )


@pytest.mark.parametrize("url_name", MOBILE_PAGES)
def test_mobile_pages_render_in_chinese_for_a_deputy(client, deputy, url_name, django_assert_max_num_queries):
    client.force_login(deputy.user)

    with django_assert_max_num_queries(MOBILE_QUERY_BOUND):
        response = client.get(reverse(url_name))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page and "我的" in page
    assert 'class="mobile-tabbar"' in page


def test_mobile_home_shows_the_deputys_card_todos_and_unread_messages(client, deputy, monkeypatch):
    notification_create(recipient=deputy.user, title="请参加代表集中活动日", url="/m/notifications/")
    item = TodoItem(title="评价建议答复", url="/m/", level="warning")
    monkeypatch.setattr(todos, "_providers", [lambda user: [item] if user.is_deputy else []])
    client.force_login(deputy.user)

    page = client.get(reverse("mobile:home")).content.decode()

    for text in ("张秀英", "县级人大代表", "城关镇代表小组", "城关镇人大代表联络站", "城关镇第三选区"):
        assert text in page
    assert "评价建议答复" in page and "请参加代表集中活动日" in page


def test_mobile_home_explains_a_deputy_login_without_a_roster_record(client, deputy_user):
    client.force_login(deputy_user)

    response = client.get(reverse("mobile:home"))

    assert response.status_code == 200
    assert "您的账号尚未关联代表信息" in response.content.decode()


@pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.LEADER, Role.COMMITTEE_MEMBER, Role.SYSADMIN])
def test_mobile_view_sends_committee_people_who_are_not_deputies_home(client, county, role):
    client.force_login(make_user(body=county.committee, roles=[role]))

    response = client.get(reverse("mobile:home"))

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "移动端仅供人大代表使用，已为您转到工作平台首页。"
    ]


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.UNIT_HEAD])
def test_mobile_view_sends_unit_people_home(client, county, role):
    client.force_login(make_user(body=county.congress, roles=[role], unit=UnitFactory(body=county.congress)))

    for url_name in MOBILE_PAGES:
        assert client.get(reverse(url_name))["Location"] == reverse("home")


def test_a_deputy_who_also_sits_on_the_committee_may_use_both_views(client, county):
    user = make_user(body=county.committee, roles=[Role.DEPUTY, Role.COMMITTEE_MEMBER])
    client.force_login(user)

    assert client.get(reverse("mobile:home")).status_code == 200
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert reverse("mobile:home") in home.content.decode()


def test_me_page_offers_password_language_and_logout(client, deputy):
    client.force_login(deputy.user)

    page = client.get(reverse("mobile:me")).content.decode()

    assert deputy.code in page and "张秀英" in page
    assert f'href="{reverse("mobile:password_change")}"' in page
    assert f'action="{reverse("set_language")}"' in page
    assert f'action="{reverse("logout")}"' in page


def test_deputy_changes_password_in_the_mobile_layout_and_returns_to_me(client, deputy):
    client.force_login(deputy.user)

    response = client.post(
        reverse("mobile:password_change"),
        {"old_password": PASSWORD, "new_password1": "Daibiao-2025-xin", "new_password2": "Daibiao-2025-xin"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("mobile:me")
    assert "密码已修改" in response.content.decode()
    deputy.user.refresh_from_db()
    assert deputy.user.check_password("Daibiao-2025-xin")


def test_mobile_password_change_with_mismatched_passwords_changes_nothing(client, deputy):
    client.force_login(deputy.user)

    response = client.post(
        reverse("mobile:password_change"),
        {"old_password": PASSWORD, "new_password1": "Daibiao-2025-xin", "new_password2": "Daibiao-2025-xim"},
    )

    assert response.status_code == 200
    assert "mobile-tabbar" in response.content.decode()
    deputy.user.refresh_from_db()
    assert deputy.user.check_password(PASSWORD)


@pytest.mark.parametrize("count", [2, 30])
def test_mobile_inbox_lists_the_deputys_own_messages_within_a_query_bound(
    client, county, deputy, count, django_assert_max_num_queries
):
    other = make_user(body=county.congress, roles=[Role.DEPUTY])
    Notification.objects.bulk_create([Notification(recipient=deputy.user, title=f"通知{n}") for n in range(count)])
    notification_create(recipient=other, title="别人的通知")
    client.force_login(deputy.user)

    with django_assert_max_num_queries(MOBILE_QUERY_BOUND):
        response = client.get(reverse("mobile:notifications"))

    page = response.content.decode()
    assert len(response.context["notifications"]) == min(count, 20)
    assert "别人的通知" not in page
    assert f'action="{reverse("mobile:notifications_mark_read")}"' in page


def test_mobile_mark_read_updates_through_htmx_and_falls_back_to_a_redirect(client, county, deputy):
    first = notification_create(recipient=deputy.user, title="一")
    second = notification_create(recipient=deputy.user, title="二")
    client.force_login(deputy.user)

    partial = client.post(reverse("mobile:notifications_mark_read"), {"id": first.pk}, headers={"HX-Request": "true"})
    plain = client.post(reverse("mobile:notifications_mark_read"), {"all": "1"})

    assert partial.status_code == 200 and 'hx-swap-oob="true"' in partial.content.decode()
    assert 'data-testid="unread-count">1<' in partial.content.decode()
    assert plain.status_code == 302 and plain["Location"] == reverse("mobile:notifications")
    assert not Notification.objects.filter(pk__in=[first.pk, second.pk], read_at__isnull=True).exists()


def test_a_deputy_cannot_mark_someone_elses_message(client, county, deputy):
    other = make_user(body=county.congress, roles=[Role.DEPUTY])
    foreign = notification_create(recipient=other, title="别人的通知")
    client.force_login(deputy.user)

    response = client.post(reverse("mobile:notifications_mark_read"), {"id": foreign.pk})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None
