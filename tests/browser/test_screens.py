"""The staff home and the deputies' mobile home in a real Chromium: Chinese on screen, no sideways scroll.

Screenshots land in test-artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from congress.models import Role
from congress.services import notification_create
from tests.congress.factories import CountyFactory, UnitFactory, make_user
from tests.deputies.factories import DeputyFactory
from tests.suggestions.public_data import public_world, suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pass-Word-123"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def browser():
    """Launch Debian's Chromium; list it after the data fixtures in a test's arguments.

    Playwright's sync API runs an event loop in this thread, and an ORM call made while it runs
    opens a database connection in another context that the test's teardown never closes
    (PostgreSQL then refuses to drop the test database).
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo_county():
    county = CountyFactory()
    UnitFactory.create_batch(3, body=county.congress)
    staff = make_user(
        body=county.committee, roles=[Role.OFFICE_STAFF, Role.LEADER], username="staff", full_name="李文静"
    )
    deputy_user = make_user(body=county.congress, roles=[Role.DEPUTY], username="deputy", full_name="张秀英")
    DeputyFactory(body=county.congress, term=county.term, user=deputy_user, name="张秀英")
    for user in (staff, deputy_user):
        notification_create(
            recipient=user, title="关于召开县十八届人大常委会第二十三次会议的通知", url="/notifications/"
        )
    return county


def sign_in(browser, live_server, *, username: str, width: int):
    # Chromium asks for English here (en-US); the portal must still speak Chinese until the person switches.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_staff_home_at_desktop_width_is_chinese(demo_county, live_server, browser):
    page = sign_in(browser, live_server, username="staff", width=1280)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-home-1280.png"), full_page=True)

    assert page.url == f"{live_server.url}/"
    assert page.get_by_text("待办事项").is_visible()
    assert page.get_by_role("heading", name="李文静，").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_deputy_mobile_home_at_phone_width_is_chinese_without_sideways_scroll(demo_county, live_server, browser):
    page = sign_in(browser, live_server, username="deputy", width=390)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "mobile-home-390.png"), full_page=True)

    assert page.url == f"{live_server.url}/m/"
    assert page.get_by_text("张秀英", exact=True).first.is_visible()
    assert page.get_by_text("未读消息").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_deputy_marks_all_messages_read_on_the_phone(demo_county, live_server, browser):
    page = sign_in(browser, live_server, username="deputy", width=390)
    page.goto(f"{live_server.url}/m/notifications/")
    assert page.locator("[data-testid=unread-count]").inner_text() == "1"

    page.get_by_role("button", name="全部标为已读").click()

    page.locator("[data-testid=unread-count]").wait_for(state="detached")
    assert page.get_by_role("button", name="全部标为已读").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture
def registered_suggestion(demo_county):
    """One suggestion to tick; made before the browser starts (see `browser`)."""
    from suggestions.models import Suggestion
    from tests.suggestions.factories import SuggestionFactory

    return SuggestionFactory(
        body=demo_county.congress, session=demo_county.session, status=Suggestion.Status.REGISTERED
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_suggestion_lists_panels_load_their_choices_when_opened(
    demo_county, registered_suggestion, live_server, browser, width
):
    page = sign_in(browser, live_server, username="staff", width=width)
    page.goto(f"{live_server.url}/suggestions/")
    if width < 768:
        page.get_by_role("button", name="搜索和筛选").click()

    page.get_by_role("button", name="更多筛选").click()
    page.wait_for_selector("[data-testid=more-filters-fields] select[name=deputy]")
    assert page.locator("select[name=deputy] option", has_text="张秀英").count() == 1

    page.locator("[data-row-pick]").first.check()
    page.get_by_role("button", name="交办所选建议…").click()
    page.wait_for_selector("#bulk-assign select[name=bulk-lead_unit]")
    page.wait_for_selector("#bulk-assign.collapse.show")  # Bootstrap's opening transition has ended
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"suggestion-list-panels-{width}.png"), full_page=True)
    assert page.locator("#bulk-assign select[name=bulk-lead_unit] option").count() == 4  # "---------" + 3 units
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# The chosen option of each visible filter select whose text is wider than the select leaves for it.
CUT_SELECTS = """() => [...document.querySelectorAll('#filter-form select')].filter(s => s.offsetParent).filter(s => {
  const style = getComputedStyle(s), ruler = document.createElement('canvas').getContext('2d');
  ruler.font = style.font;
  const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return ruler.measureText(s.selectedOptions[0].text).width > room;
}).map(s => `${s.name}: ${s.selectedOptions[0].text}`)"""


@pytest.fixture
def long_named_unit(demo_county):
    """A lead unit known only by its full name; made before the browser starts (see `browser`)."""
    return UnitFactory(body=demo_county.congress, name="青山县住房和城乡建设局", short_name="")


@pytest.mark.parametrize("width", [1280, 768, 390])
@pytest.mark.parametrize("path", ["/suggestions/stats/", "/suggestions/"])
def test_the_filter_bar_shows_a_chosen_session_and_unit_in_full(
    demo_county, long_named_unit, live_server, browser, path, width
):
    page = sign_in(browser, live_server, username="staff", width=width)

    page.goto(f"{live_server.url}{path}?session={demo_county.session.pk}&unit={long_named_unit.pk}&priority=false")

    assert page.locator("select[name=unit]").evaluate("s => s.selectedOptions[0].text") == "青山县住房和城乡建设局"
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#filter-form").screenshot(path=str(ARTIFACTS / f"filter-bar{path.replace('/', '-')}{width}.png"))
    assert page.evaluate(CUT_SELECTS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def published_county():
    """A county with one published suggestion led by 青山县住房和城乡建设局; made before the browser starts."""
    world = public_world()
    suggestion(world, lead_unit=world.housing)
    return world


@pytest.mark.parametrize("width", [1280, 768, 390])
def test_the_public_lists_filter_bar_shows_a_chosen_session_and_unit_in_full(
    published_county, live_server, browser, width
):
    # Given a visitor, not signed in, who follows a link to one session's suggestions led by one unit
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US").new_page()
    body, session, unit = published_county.county.congress, published_county.session, published_county.housing

    page.goto(f"{live_server.url}/public/{body.pk}/suggestions/?session={session.pk}&unit={unit.pk}")

    # Then the filter bar shows both choices whole, and the page does not scroll sideways
    chosen = "s => s.selectedOptions[0].text"
    assert page.locator("#filter-form select[name=session]").evaluate(chosen) == "青山县人民代表大会第十八届第一次会议"
    assert page.locator("#filter-form select[name=unit]").evaluate(chosen) == "青山县住房和城乡建设局"
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#filter-form").screenshot(path=str(ARTIFACTS / f"filter-bar-public-suggestions-{width}.png"))
    assert page.evaluate(CUT_SELECTS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_incomplete_paper_suggestion_gets_the_servers_chinese_errors_in_an_english_browser(
    demo_county, live_server, browser
):
    # Given office staff whose Chromium asks for English, entering a paper suggestion without its title
    page = sign_in(browser, live_server, username="staff", width=1280)
    page.goto(f"{live_server.url}/suggestions/new/")
    page.fill("textarea[name=content]", "城区部分路段路灯不亮，建议尽快检修。")

    # When they save
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")

    # Then the browser lets the form through, and the portal answers in Chinese with what was typed kept
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "suggestion-create-errors-1280.png"), full_page=True)
    assert page.get_by_text("该字段是必填项。").count() == 2  # the lead deputy and the title
    assert page.input_value("textarea[name=content]") == "城区部分路段路灯不亮，建议尽快检修。"
