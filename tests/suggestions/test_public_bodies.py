"""The public pages per congress body: one portal per county, named after it, and the old addresses still work."""

import re

import pytest
from django.urls import reverse

from congress.models import Body
from suggestions.models import Suggestion
from tests.congress.factories import BodyFactory, make_user
from tests.suggestions.public_data import answer, public_world, suggestion

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
INDEX_URL = reverse("public:index")


@pytest.fixture
def qingshan():
    return public_world("青山县")


@pytest.fixture
def baishui():
    return public_world("白水县")


def home_url(world) -> str:
    return reverse("public:home", args=[world.county.congress.pk])


def list_url(world) -> str:
    return reverse("public:suggestion_list", args=[world.county.congress.pk])


def detail_url(body: Body, item: Suggestion) -> str:
    return reverse("public:suggestion_detail", args=[body.pk, item.pk])


def _titles(response) -> list[str]:
    return [item.title for item in response.context["page"].object_list]


def _page_title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


# One body or several


def test_with_one_body_the_public_portal_opens_on_it(client, qingshan):
    suggestion(qingshan)

    response = client.get(INDEX_URL)

    assert response.status_code == 302
    assert response["Location"] == home_url(qingshan)


def test_with_nothing_published_a_one_county_deployment_still_opens_on_its_county(client, qingshan):
    response = client.get(INDEX_URL, follow=True)

    assert response.redirect_chain == [(home_url(qingshan), 302)]
    assert response.context["overview"]["published"] == 0
    assert "尚无公开的答复" in response.content.decode()


def test_with_several_bodies_the_portal_lists_those_that_publish(client, qingshan, baishui):
    suggestion(qingshan)
    suggestion(baishui)
    silent = BodyFactory(name="红岩县人民代表大会")  # publishes nothing: not listed

    response = client.get(INDEX_URL)

    assert response.status_code == 200
    assert [body.name for body in response.context["bodies"]] == ["青山县人民代表大会", "白水县人民代表大会"]
    html = response.content.decode()
    assert f'href="{home_url(qingshan)}"' in html and f'href="{home_url(baishui)}"' in html
    assert silent.name not in html


def test_a_township_that_publishes_is_listed_under_its_county(client, qingshan, baishui):
    township = BodyFactory(name="城关镇人民代表大会", kind=Body.Kind.TOWNSHIP_CONGRESS, parent=qingshan.county.congress)
    suggestion(qingshan)
    suggestion(baishui)
    suggestion(qingshan, title="关于城关镇集贸市场改造的建议", body=township)

    bodies = client.get(INDEX_URL).context["bodies"]

    assert [(body.name, body.depth) for body in bodies] == [
        ("青山县人民代表大会", 0),
        ("城关镇人民代表大会", 1),
        ("白水县人民代表大会", 0),
    ]


@pytest.mark.parametrize("counties", [2, 6])
def test_the_list_of_bodies_costs_the_same_queries_however_many(client, django_assert_max_num_queries, counties):
    for number in range(counties):
        suggestion(public_world(f"第{number}县"))

    with django_assert_max_num_queries(2):
        response = client.get(INDEX_URL)

    assert len(response.context["bodies"]) == counties


# Each body's pages show its own suggestions only


def test_each_body_shows_only_its_own_suggestions_counts_and_recent_answers(client, qingshan, baishui):
    ours = suggestion(qingshan, title="关于青山县老旧小区改造的建议")
    answer(qingshan, ours)
    suggestion(baishui, title="关于白水县老旧小区改造的建议")
    suggestion(baishui, title="关于白水县排水管网的建议", status=Status.HANDLING)

    home = client.get(home_url(qingshan))
    listing = client.get(list_url(qingshan))

    assert home.context["overview"] == {"published": 1, "answered": 1, "closed": 1}
    assert [item.title for item in home.context["recent"]] == [ours.title]
    assert _titles(listing) == [ours.title]
    assert "白水县" not in listing.content.decode()


def test_search_stays_within_the_body(client, qingshan, baishui):
    ours = suggestion(qingshan, title="关于城关镇老旧小区改造的建议")
    suggestion(baishui, title="关于城关镇老旧小区改造的建议", content="白水县城关镇的小区。")

    response = client.get(list_url(qingshan), {"q": "老旧小区"})

    assert [item.pk for item in response.context["page"].object_list] == [ours.pk]


def test_another_bodys_suggestion_under_this_body_is_not_found(client, qingshan, baishui):
    theirs = suggestion(baishui)

    assert client.get(detail_url(qingshan.county.congress, theirs)).status_code == 404
    assert client.get(detail_url(baishui.county.congress, theirs)).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [{"is_public": False}, {"status": Status.SUBMITTED}, {"status": Status.ARCHIVED, "reject_reason": "complaint"}],
)
def test_an_unpublished_suggestion_is_not_found_under_its_own_body_either(client, qingshan, fields):
    hidden = suggestion(qingshan, title="未公开的建议", **fields)

    assert client.get(detail_url(qingshan.county.congress, hidden)).status_code == 404
    assert "未公开的建议" not in client.get(list_url(qingshan)).content.decode()
    assert client.get(home_url(qingshan)).context["overview"]["published"] == 0


def test_an_unknown_body_is_not_found(client, qingshan):
    item = suggestion(qingshan)
    missing = Body.objects.order_by("-pk").first().pk + 100

    for url in (
        reverse("public:home", args=[missing]),
        reverse("public:suggestion_list", args=[missing]),
        reverse("public:suggestion_detail", args=[missing, item.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_filters_offer_only_the_bodys_sessions_categories_and_units(client, qingshan, baishui):
    suggestion(qingshan)
    suggestion(baishui, lead_unit=baishui.water)

    response = client.get(list_url(qingshan), {"category": baishui.towns.pk, "session": baishui.session.pk})

    form = response.context["form"]
    assert list(form.fields["category"].queryset) == [qingshan.towns, qingshan.farming]
    assert list(form.fields["session"].queryset) == [qingshan.session]
    assert list(form.fields["unit"].queryset) == [qingshan.housing]  # the only unit leading a public one
    assert form.errors.keys() == {"category", "session"}
    assert response.status_code == 200 and len(_titles(response)) == 1


def test_other_bodies_are_offered_only_when_there_are_some(client, qingshan, baishui):
    suggestion(qingshan)

    assert 'data-testid="other-bodies"' not in client.get(home_url(qingshan)).content.decode()

    suggestion(baishui)

    html = client.get(home_url(qingshan)).content.decode()
    assert 'data-testid="other-bodies"' in html and f'href="{INDEX_URL}"' in html


# Named after the body in view


def test_a_bodys_pages_carry_its_name_in_the_title_and_header(client, qingshan, baishui, settings):
    settings.PORTAL_TITLE = "全省人大代表建议公开平台"
    item = suggestion(baishui)
    baishui.county.congress.short_name = "白水县人大"
    baishui.county.congress.save()

    for url in (home_url(baishui), list_url(baishui), detail_url(baishui.county.congress, item)):
        response = client.get(url)
        assert _page_title(response).endswith("· 白水县人大"), url
        assert "<strong>白水县人大</strong>" in response.content.decode(), url
        assert "全省" not in response.content.decode(), url
    assert "白水县人民代表大会" in client.get(home_url(baishui)).content.decode()  # the full name on its home


def test_the_list_of_bodies_uses_the_deployments_title(client, qingshan, baishui, settings):
    suggestion(qingshan)
    suggestion(baishui)

    assert _page_title(client.get(INDEX_URL)).endswith("· 县人民代表大会常务委员会")

    settings.PORTAL_TITLE = "全省人大代表建议公开平台"

    response = client.get(INDEX_URL)
    assert _page_title(response).endswith("· 全省人大代表建议公开平台")
    assert "<strong>全省人大代表建议公开平台</strong>" in response.content.decode()
    assert _page_title(client.get(reverse("login"))).endswith("· 全省人大代表建议公开平台")


def test_signed_in_staff_see_their_own_body_and_on_public_pages_the_body_in_view(client, qingshan, baishui, settings):
    settings.PORTAL_TITLE = "全省人大代表建议公开平台"
    suggestion(baishui)
    qingshan.county.committee.short_name = "青山县人大常委会"
    qingshan.county.committee.save()
    client.force_login(make_user(body=qingshan.county.committee, roles=["office_staff"]))

    assert _page_title(client.get(reverse("home"))).endswith("· 青山县人大常委会")
    assert _page_title(client.get(home_url(baishui))).endswith("· 白水县人民代表大会")


# The addresses from before


def test_the_old_list_address_goes_to_the_only_body_keeping_the_search(client, qingshan):
    suggestion(qingshan)

    response = client.get("/public/suggestions/", {"q": "小区", "page": "2"})

    assert response.status_code == 302
    assert response["Location"] == f"{list_url(qingshan)}?q=%E5%B0%8F%E5%8C%BA&page=2"
    assert client.get("/public/suggestions/", follow=True).status_code == 200


def test_the_old_list_address_offers_the_bodies_when_there_are_several(client, qingshan, baishui):
    suggestion(qingshan)
    suggestion(baishui)

    response = client.get("/public/suggestions/")

    assert response.status_code == 302 and response["Location"] == INDEX_URL


def test_the_old_detail_address_moves_to_the_suggestions_own_body(client, qingshan, baishui):
    suggestion(qingshan)
    theirs = suggestion(baishui)

    response = client.get(f"/public/suggestions/{theirs.pk}/")

    assert response.status_code == 301
    assert response["Location"] == detail_url(baishui.county.congress, theirs)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("fields", [{"is_public": False}, {"status": Status.WITHDRAWN}])
def test_the_old_detail_address_of_an_unpublished_suggestion_is_not_found(client, qingshan, fields):
    hidden = suggestion(qingshan, **fields)

    assert client.get(f"/public/suggestions/{hidden.pk}/").status_code == 404
    assert client.get(f"/public/suggestions/{hidden.pk + 1000}/").status_code == 404
