"""The public pages (答复公开): published suggestions, progress and answers, without logging in."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from suggestions.models import Answer, Rating, Suggestion
from tests.suggestions.public_data import LI_PHONE, WANG_PHONE, answer, public_world, rate, suggestion

pytestmark = pytest.mark.django_db

Status = Suggestion.Status


def detail_url(item: Suggestion) -> str:
    return reverse("public:suggestion_detail", args=[item.body_id, item.pk])


@pytest.fixture
def world():
    return public_world()


@pytest.fixture
def home_url(world):
    return reverse("public:home", args=[world.county.congress.pk])


@pytest.fixture
def list_url(world):
    return reverse("public:suggestion_list", args=[world.county.congress.pk])


def _chinese(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def _titles(response) -> list[str]:
    return [item.title for item in response.context["page"].object_list]


# Who sees what


def test_the_public_pages_need_no_login(client, world, home_url, list_url):
    item = suggestion(world)

    for url in (home_url, list_url, detail_url(item)):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_list_shows_only_published_registered_suggestions(client, world, list_url):
    shown = suggestion(world, title="关于加快城关镇老旧小区改造的建议")
    suggestion(world, title="未公开的建议", is_public=False)
    suggestion(world, title="审查中的建议", status=Status.SUBMITTED)
    suggestion(world, title="已撤回的建议", status=Status.WITHDRAWN)
    suggestion(world, title="不予立案的建议", status=Status.NOT_REGISTERED)
    suggestion(world, title="不予立案后归档的建议", status=Status.ARCHIVED, reject_reason="no_content")

    response = client.get(list_url)

    assert _titles(response) == [shown.title]
    assert "未公开" not in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [{"is_public": False}, {"status": Status.SUBMITTED}, {"status": Status.ARCHIVED, "reject_reason": "complaint"}],
)
def test_a_suggestion_that_is_not_public_is_not_found(client, world, fields):
    hidden = suggestion(world, **fields)

    response = client.get(detail_url(hidden))

    assert response.status_code == 404


def test_the_detail_shows_published_answers_only(client, world):
    item = suggestion(world, co_signers=(world.li,))
    answer(world, item, text="公开的答复：已列入年度改造计划。", grade=Answer.Grade.A)
    answer(world, item, text="内部答复：尚在协调资金。", is_public=False)

    html = client.get(detail_url(item)).content.decode()

    assert "公开的答复：已列入年度改造计划。" in html
    assert "内部答复" not in html
    assert _chinese(Answer.Grade.A.label) in html


def test_the_detail_names_the_deputies_but_never_their_phones(client, world):
    item = suggestion(world, co_signers=(world.li,))
    answer(world, item)

    html = client.get(detail_url(item)).content.decode()

    assert "王芳" in html
    assert "李强" in html
    assert WANG_PHONE not in html
    assert LI_PHONE not in html
    assert not re.search(r"1[3-9]\d{9}", html), "no mobile number of any kind"


def test_the_list_never_shows_phones(client, world, list_url):
    suggestion(world, co_signers=(world.li,))

    html = client.get(list_url).content.decode()

    assert "王芳" in html
    assert not re.search(r"1[3-9]\d{9}", html)


def test_the_detail_shows_the_rating_result_but_not_the_comment(client, world):
    item = suggestion(world)
    rate(world, answer(world, item), result="unsatisfied", comment="电话里单位催我填满意")

    html = client.get(detail_url(item)).content.decode()

    assert _chinese(Rating.Level.UNSATISFIED.label) in html
    assert "电话里单位催我填满意" not in html


def test_an_unrated_answer_is_shown_as_not_rated(client, world):
    item = suggestion(world, status=Status.ANSWERED)
    answer(world, item)

    html = client.get(detail_url(item)).content.decode()

    assert "尚未评价" in html
    assert _chinese(Rating.Level.SATISFIED.label) not in html


def test_the_timeline_shows_reached_and_pending_milestones(client, world):
    item = suggestion(world, status=Status.HANDLING)

    response = client.get(detail_url(item))

    steps = response.context["timeline"]
    assert [step.reached for step in steps] == [True, True, False, False]
    assert steps[1].detail == world.housing.name
    html = response.content.decode()
    assert "2025-01-20" in html and "2025-02-01" in html


# Search, filters and paging


def test_the_list_searches_chinese_words_all_of_which_must_match(client, world, list_url):
    housing = suggestion(world, title="关于加快城关镇老旧小区改造的建议")
    suggestion(world, title="关于城关镇农贸市场改造的建议", content="市场大棚漏雨，摊位拥挤。")
    suggestion(world, title="关于加强农村饮水安全的建议", content="山区村组旱季缺水。")

    assert _titles(client.get(list_url, {"q": "城关镇 小区"})) == [housing.title]
    assert len(_titles(client.get(list_url, {"q": "改造"}))) == 2
    assert _titles(client.get(list_url, {"q": "旱季"})) == ["关于加强农村饮水安全的建议"]
    empty = client.get(list_url, {"q": "养老院"})
    assert _titles(empty) == []
    assert "没有" in empty.content.decode()


def test_the_list_filters_by_session_category_unit_and_status(client, world, list_url):
    water = suggestion(world, title="关于加强农村饮水安全的建议", category=world.farming, lead_unit=world.water)
    handling = suggestion(world, title="关于城关镇排水管网的建议", status=Status.HANDLING)
    suggestion(world, title="关于加快城关镇老旧小区改造的建议")

    assert _titles(client.get(list_url, {"category": world.farming.pk})) == [water.title]
    assert _titles(client.get(list_url, {"unit": world.water.pk})) == [water.title]
    assert _titles(client.get(list_url, {"status": Status.HANDLING})) == [handling.title]
    assert len(_titles(client.get(list_url, {"session": world.session.pk}))) == 3


def test_bad_filters_are_explained_and_ignored_not_a_server_error(client, world, list_url):
    suggestion(world)

    response = client.get(list_url, {"session": "abc", "status": "draft", "page": "x", "q": "小区"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"session", "status"}
    assert len(_titles(response)) == 1
    assert "有效" in response.content.decode()  # Django's "选择一个有效的选项"


def test_the_list_pages_by_twenty_and_keeps_the_filters_in_the_links(client, world, list_url):
    for number in range(25):
        suggestion(world, title=f"关于城关镇第{number}号小区改造的建议")

    first = client.get(list_url, {"q": "小区"})
    second = client.get(list_url, {"q": "小区", "page": 2})

    assert len(_titles(first)) == 20
    assert len(_titles(second)) == 5
    assert "?q=%E5%B0%8F%E5%8C%BA&amp;page=2" in first.content.decode()


def _fill(world, count: int) -> None:
    for number in range(count):
        item = suggestion(world, title=f"关于城关镇第{number}号小区改造的建议", co_signers=(world.li,))
        answer(world, item)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_at_any_size(client, world, django_assert_max_num_queries, count, list_url):
    _fill(world, count)

    # The body, two filter checks, three filter menus, count, page, other bodies, and on PostgreSQL the
    # search's look at the planner's statistics to pick an index.
    with django_assert_max_num_queries(10):
        response = client.get(list_url, {"q": "小区", "category": world.towns.pk, "unit": world.housing.pk})

    assert len(_titles(response)) == min(count, 20)


@pytest.mark.parametrize("count", [3, 30])
def test_the_home_page_costs_the_same_queries_at_any_size(
    client, django_assert_max_num_queries, count, home_url, world
):
    _fill(world, count)

    with django_assert_max_num_queries(4):
        response = client.get(home_url)

    assert response.context["overview"] == {"published": count, "answered": count, "closed": count}


@pytest.mark.parametrize("answers", [1, 6])
def test_the_detail_costs_the_same_queries_however_many_answers(client, world, django_assert_max_num_queries, answers):
    item = suggestion(world, co_signers=(world.li,))
    for _ in range(answers):
        rate(world, answer(world, item), result="satisfied")

    with django_assert_max_num_queries(7):
        response = client.get(detail_url(item))

    assert len(response.context["suggestion"].public_answers) == answers


# Language and layout


def test_the_public_pages_are_chinese_by_default(client, world, home_url, list_url):
    item = suggestion(world)
    answer(world, item)

    for url in (home_url, list_url, detail_url(item)):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'lang="zh-hans"' in html, url
        assert "代表建议" in html, url
        assert not re.search(r"\b(Search|Home|Answers|Progress|Staff login)\b", html), url


def test_the_home_page_counts_and_offers_search_and_the_staff_login(client, world, home_url, list_url):
    suggestion(world)
    suggestion(world, title="关于城关镇排水管网的建议", status=Status.HANDLING)

    response = client.get(home_url)

    assert response.context["overview"] == {"published": 2, "answered": 1, "closed": 1}
    html = response.content.decode()
    assert f'action="{list_url}"' in html
    assert f'href="{reverse("login")}"' in html
