"""The deputy's own suggestion pages on a phone: who sees what, the steps through the pages, and the rating."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suggestions.models import Answer, Rating, Signer, Suggestion
from tests.suggestions.factories import PNG_BYTES, SuggestionFactory, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
LIST_URL = reverse("suggestions_mobile:list")
CREATE_URL = reverse("suggestions_mobile:create")


@pytest.fixture
def cast():
    return loop_cast()


def url(name: str, pk: int) -> str:
    return reverse(f"suggestions_mobile:{name}", args=[pk])


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _checked_radios(html: str) -> list[str]:
    return re.findall(r'<input type="radio"[^>]*\bchecked\b[^>]*>', html)


# The list


def test_the_list_groups_my_suggestions_by_what_i_can_do(client, cast):
    draft = drive(cast, to=Status.DRAFT)
    answered = drive(cast, to=Status.ANSWERED)
    handling = drive(cast, to=Status.HANDLING)
    closed = drive(cast, to=Status.CLOSED)
    client.force_login(cast.deputy)

    groups = client.get(LIST_URL).context["groups"]

    assert groups.drafts == [draft]
    assert groups.to_rate == [answered]
    assert groups.in_progress == [handling]
    assert groups.finished == [closed]
    assert groups.invitations == []


def test_an_invited_co_signer_sees_the_invitation_and_the_lead_unit_in_progress(client, cast):
    invited = drive(cast, to=Status.SUBMITTED)
    Signer.objects.create(suggestion=invited, deputy=cast.co_deputy_record, role=Signer.Role.CO)
    handling = drive(cast, to=Status.HANDLING, cosigned=True)
    client.force_login(cast.co_deputy)

    response = client.get(LIST_URL)

    groups = response.context["groups"]
    assert groups.invitations == [invited]
    assert groups.in_progress == [handling]
    assert groups.drafts == groups.to_rate == []
    assert "县交通运输局" in response.content.decode()


def test_the_list_shows_the_rating_deadline_in_chinese(client, cast):
    answered = drive(cast, to=Status.ANSWERED)
    due = answered.answers.get().rating_due
    client.force_login(cast.deputy)

    page = client.get(LIST_URL).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "我的建议" in page and "待我评价" in page
    assert f"请于 {due:%Y-%m-%d} 前评价" in page


def test_the_list_never_shows_another_deputys_suggestions(client, cast):
    drive(cast, to=Status.HANDLING)
    client.force_login(cast.other_deputy)

    assert client.get(LIST_URL).context["groups"].total == 0


def _list_queries(client, cast, count: int) -> int:
    for status in [Status.DRAFT, Status.SUBMITTED, Status.HANDLING, Status.ANSWERED, Status.CLOSED] * (count // 5):
        SuggestionFactory(body=cast.body, lead_deputy=cast.lead_deputy, status=status, lead_unit=cast.lead_unit)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_the_list_query_count_does_not_grow_with_the_suggestions(client, cast):
    client.force_login(cast.deputy)
    few = _list_queries(client, cast, 5)
    many = _list_queries(client, cast, 30)

    assert few == many
    assert many <= 8


def test_the_detail_query_count_does_not_grow_with_signers_contacts_and_answers(client, cast):
    from suggestions import services
    from tests.deputies.factories import DeputyFactory
    from tests.suggestions.factories import assignment_of

    suggestion = drive(cast, to=Status.ANSWERED, parallel=True, cosigned=True)
    client.force_login(cast.deputy)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("detail", suggestion.pk)).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        Signer.objects.create(suggestion=suggestion, deputy=DeputyFactory(body=cast.body), role=Signer.Role.CO)
        services.contact_log(
            assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
            actor=cast.lead_handler,
            method="visit",
            contacted_on=timezone.localdate(suggestion.assigned_at),
            participants="王芳",
            summary="走访代表",
        )

    assert queries() == few


def test_the_home_card_counts_my_suggestions(client, cast):
    drive(cast, to=Status.DRAFT)
    drive(cast, to=Status.ANSWERED)
    drive(cast, to=Status.HANDLING)
    client.force_login(cast.deputy)

    response = client.get(reverse("mobile:home"))

    page = response.content.decode()
    card = page[page.index('data-testid="suggestions-card"') :]
    assert re.findall(r'fs-4 fw-semibold[^"]*">(\d+)<', card)[:4] == ["1", "0", "1", "1"]
    assert "我的建议" in card and "建议" in page[page.index('class="mobile-tabbar"') :]


# Who may open which page


def test_lead_deputy_and_co_signer_read_the_detail_another_deputy_gets_404(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED, cosigned=True)

    for user, expected in [(cast.deputy, 200), (cast.co_deputy, 200), (cast.other_deputy, 404)]:
        client.force_login(user)
        assert client.get(url("detail", suggestion.pk)).status_code == expected, user


def test_a_published_suggestion_of_another_deputy_is_not_on_my_pages(client, cast):
    suggestion = drive(cast, to=Status.HANDLING)
    Suggestion.objects.filter(pk=suggestion.pk).update(is_public=True)
    client.force_login(cast.other_deputy)

    assert client.get(url("detail", suggestion.pk)).status_code == 404


@pytest.mark.parametrize("name", ["list", "create", "detail", "edit", "withdraw", "rate"])
def test_staff_are_sent_to_the_staff_pages(client, cast, name):
    suggestion = drive(cast, to=Status.ANSWERED)
    answer = suggestion.answers.get()
    target = {"list": LIST_URL, "create": CREATE_URL}.get(name) or url(
        name, answer.pk if name == "rate" else suggestion.pk
    )
    client.force_login(cast.staff)

    response = client.get(target)

    assert response.status_code == 302
    staff_page = reverse("suggestions:detail", args=[suggestion.pk]) if name in ("detail", "edit", "withdraw") else None
    assert response.url == (staff_page or reverse("suggestions:list"))


def test_another_deputy_cannot_act_on_my_suggestion(client, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.other_deputy)

    for name in ("submit", "cosign", "withdraw"):
        assert client.post(url(name, suggestion.pk)).status_code == 404, name
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.SUBMITTED


def test_a_co_signer_reads_the_answer_but_cannot_rate_it(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED, cosigned=True)
    answer = suggestion.answers.get()
    client.force_login(cast.co_deputy)

    page = client.get(url("detail", suggestion.pk)).content.decode()
    response = client.post(url("rate", answer.pk), {"attitude": "satisfied", "result": "satisfied", "confirm": "1"})

    assert answer.text in page and url("rate", answer.pk) not in page
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_another_deputy_cannot_open_the_rating_form(client, cast):
    answer = drive(cast, to=Status.ANSWERED).answers.get()
    client.force_login(cast.other_deputy)

    assert client.get(url("rate", answer.pk)).status_code == 404


# Writing and submitting


def _draft_data(cast, **overrides) -> dict:
    data = {
        "title": "关于修缮村小学旱厕的建议",
        "content": "村小学旱厕年久失修，建议改建为水冲式厕所。",
        "category": cast.category.pk,
        "cosigners": [cast.co_deputy_record.pk],
    }
    return data | overrides


def test_a_deputy_saves_a_draft_with_a_co_signer_and_a_photo(client, cast):
    client.force_login(cast.deputy)
    photo = SimpleUploadedFile("现场.png", PNG_BYTES, content_type="image/png")

    response = client.post(CREATE_URL, _draft_data(cast, save="1", attachments=[photo]))

    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == url("detail", suggestion.pk)
    assert suggestion.status == Status.DRAFT and suggestion.lead_deputy == cast.lead_deputy
    assert suggestion.category == cast.category
    assert list(suggestion.signers.filter(role="co").values_list("deputy", "confirmed_at")) == [
        (cast.co_deputy_record.pk, None)
    ]
    assert [a.name for a in suggestion.attachments.all()] == ["现场.png"]


def test_a_deputy_submits_a_new_suggestion_at_once(client, cast):
    client.force_login(cast.deputy)

    client.post(CREATE_URL, _draft_data(cast, submit="1"))

    assert Suggestion.objects.get().status == Status.SUBMITTED


def test_a_missing_title_keeps_what_was_typed_and_saves_nothing(client, cast):
    client.force_login(cast.deputy)

    response = client.post(CREATE_URL, _draft_data(cast, title="", submit="1"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "村小学旱厕年久失修" in page
    assert f'value="{cast.co_deputy_record.pk}" checked' in page
    assert "该字段是必填项" in page
    assert not Suggestion.objects.exists()


def test_a_file_that_is_not_a_photo_or_document_is_refused_and_nothing_saved(client, cast):
    client.force_login(cast.deputy)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")

    response = client.post(CREATE_URL, _draft_data(cast, submit="1", attachments=[fake]))

    assert response.status_code == 200
    assert "photo.jpg" in response.context["form"].errors["attachments"][0]
    assert not Suggestion.objects.exists()


def test_a_co_signer_from_another_congress_is_refused_on_the_form(client, cast):
    from tests.deputies.factories import DeputyFactory

    stranger = DeputyFactory(body=cast.foreign_staff.body.parent or cast.foreign_staff.body)
    client.force_login(cast.deputy)

    response = client.post(CREATE_URL, _draft_data(cast, cosigners=[stranger.pk], save="1"))

    assert response.status_code == 200 and response.context["form"].errors["cosigners"]
    assert not Suggestion.objects.exists()


def test_the_no_script_search_finds_colleagues_by_name_or_number_and_keeps_the_text(client, cast):
    client.force_login(cast.deputy)

    by_name = client.post(CREATE_URL, _draft_data(cast, cosigners=[], cosigner_query="赵", search="1"))
    by_code = client.post(
        CREATE_URL, _draft_data(cast, cosigners=[], cosigner_query=cast.co_deputy_record.code, search="1")
    )

    assert [d.name for d in by_name.context["found"]] == ["赵敏"]
    assert [d.name for d in by_code.context["found"]] == ["李强"]
    assert "村小学旱厕年久失修" in by_name.content.decode()
    assert not Suggestion.objects.exists()


def test_the_htmx_search_lists_colleagues_but_never_myself_or_their_phones(client, cast):
    client.force_login(cast.deputy)

    response = client.get(
        reverse("suggestions_mobile:cosigner_search"), {"cosigner_query": "王"}, HTTP_HX_REQUEST="true"
    )
    other = client.get(
        reverse("suggestions_mobile:cosigner_search"), {"cosigner_query": "赵"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert response.context["found"] == []
    assert "赵敏" in other and cast.other_deputy_record.phone not in other


def test_a_second_htmx_search_keeps_the_colleagues_already_ticked(client, cast):
    client.force_login(cast.deputy)
    ticked = cast.co_deputy_record

    html = client.get(
        reverse("suggestions_mobile:cosigner_search"),
        {"cosigner_query": "赵", "cosigners": [ticked.pk]},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert re.search(rf'value="{ticked.pk}" checked', html)
    assert "赵敏" in html


def test_editing_a_draft_changes_it_and_submitting_sends_it(client, cast):
    suggestion = drive(cast, to=Status.DRAFT)
    client.force_login(cast.deputy)

    edit_page = client.get(url("edit", suggestion.pk)).content.decode()
    client.post(url("edit", suggestion.pk), _draft_data(cast, title="关于整治停车难的建议（修改）", save="1"))
    client.post(url("submit", suggestion.pk))

    suggestion.refresh_from_db()
    assert suggestion.title in edit_page or "关于整治县城老旧小区停车难的建议" in edit_page
    assert suggestion.title == "关于整治停车难的建议（修改）"
    assert suggestion.status == Status.SUBMITTED


def test_a_submitted_suggestion_can_no_longer_be_edited(client, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    client.force_login(cast.deputy)

    response = client.post(url("edit", suggestion.pk), _draft_data(cast, title="改了", save="1"))

    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).title != "改了"


# Co-signing and withdrawing


def test_an_invited_co_signer_co_signs_through_the_page(client, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    Signer.objects.create(suggestion=suggestion, deputy=cast.co_deputy_record, role=Signer.Role.CO)
    client.force_login(cast.co_deputy)

    page = client.get(url("detail", suggestion.pk)).content.decode()
    response = client.post(url("cosign", suggestion.pk))
    again = client.post(url("cosign", suggestion.pk), follow=True)

    assert url("cosign", suggestion.pk) in page
    assert response.status_code == 302
    assert suggestion.signers.get(deputy=cast.co_deputy_record).confirmed_at is not None
    assert "您已附议该建议。" in again.content.decode()


def test_the_lead_deputy_withdraws_after_a_confirmation_step(client, cast):
    suggestion = drive(cast, to=Status.REGISTERED)
    client.force_login(cast.deputy)

    confirm = client.get(url("withdraw", suggestion.pk))
    client.post(url("withdraw", suggestion.pk), {"note": "已当面解决"})

    assert confirm.status_code == 200 and "撤回" in confirm.content.decode()
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.WITHDRAWN


def test_an_assigned_suggestion_cannot_be_withdrawn(client, cast):
    suggestion = drive(cast, to=Status.ASSIGNED)
    client.force_login(cast.deputy)

    page = client.get(url("detail", suggestion.pk)).content.decode()
    response = client.post(url("withdraw", suggestion.pk), {"note": ""}, follow=True)

    assert url("withdraw", suggestion.pk) not in page
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.ASSIGNED
    assert _messages(response)


def test_a_co_signer_cannot_withdraw(client, cast):
    suggestion = drive(cast, to=Status.SUBMITTED, cosigned=True)
    client.force_login(cast.co_deputy)

    assert client.post(url("withdraw", suggestion.pk)).status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.SUBMITTED


# The detail


def test_the_detail_shows_signers_progress_contacts_and_grade_meanings_in_chinese(client, cast):
    from suggestions import services
    from tests.suggestions.factories import assignment_of

    suggestion = drive(cast, to=Status.HANDLING, cosigned=True)
    services.contact_log(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
        actor=cast.lead_handler,
        method="phone",
        contacted_on=timezone.localdate(suggestion.assigned_at),
        participants="王芳、张科长",
        summary="电话沟通了停车位选址",
    )
    services.suggestion_answer(
        assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
        actor=cast.lead_handler,
        grade="B",
        text="已列入计划。",
    )
    client.force_login(cast.deputy)

    page = client.get(url("detail", suggestion.pk)).content.decode()

    for text in ("王芳", "李强", "已确认", "县交通运输局", "电话沟通了停车位选址", "已列入计划。", "评价这条答复"):
        assert text in page, text
    assert "正在解决" in page


def test_a_deputy_who_chose_english_reads_the_grade_meaning_in_english(client, cast):
    from django.conf import settings

    suggestion = drive(cast, to=Status.ANSWERED)
    client.force_login(cast.deputy)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(url("detail", suggestion.pk)).content.decode()

    assert "The matter is solved or mostly solved." in page
    assert "所提问题已解决或基本解决" not in page


def test_the_reply_letter_and_my_photos_are_linked_and_download_for_me(client, cast):
    from tests.suggestions.factories import pdf_letter

    suggestion = drive(cast, to=Status.ANSWERED)
    answer = suggestion.answers.get()
    answer.letter.save("答复函.pdf", pdf_letter(), save=True)
    attachment = suggestion.attachments.create(
        file=SimpleUploadedFile("现场.png", PNG_BYTES),
        name="现场.png",
        content_type="image/png",
        size=72,
        uploaded_by=cast.deputy,
    )
    client.force_login(cast.deputy)

    page = client.get(url("detail", suggestion.pk)).content.decode()

    letter_url = reverse("suggestions:answer_letter", args=[answer.pk])
    photo_url = reverse("suggestions:attachment", args=[attachment.pk])
    assert letter_url in page and photo_url in page
    assert client.get(letter_url).status_code == 200
    assert client.get(photo_url).status_code == 200


# Rating


def test_the_rating_form_has_nothing_chosen(client, cast):
    answer = drive(cast, to=Status.ANSWERED).answers.get()
    client.force_login(cast.deputy)

    page = client.get(url("rate", answer.pk)).content.decode()

    assert page.count('type="radio"') == 6
    assert _checked_radios(page) == []
    assert "满意" in page and "基本满意" in page and "不满意" in page


def test_a_rating_without_choices_is_refused_and_keeps_the_comment(client, cast):
    answer = drive(cast, to=Status.ANSWERED).answers.get()
    client.force_login(cast.deputy)

    response = client.post(url("rate", answer.pk), {"result": "satisfied", "comment": "办理认真", "review": "1"})

    page = response.content.decode()
    assert response.status_code == 200 and "办理认真" in page
    assert len(_checked_radios(page)) == 1
    assert not Rating.objects.exists()


def test_rating_asks_for_confirmation_before_it_is_recorded(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    answer = suggestion.answers.get()
    client.force_login(cast.deputy)
    choice = {"attitude": "satisfied", "result": "basically_satisfied", "comment": "希望尽快落实"}

    review = client.post(url("rate", answer.pk), choice | {"review": "1"})
    assert not Rating.objects.exists()
    assert "评价一经确认不能更改" in review.content.decode()

    client.post(url("rate", answer.pk), choice | {"confirm": "1"})

    rating = Rating.objects.get()
    assert (rating.attitude, rating.result, rating.comment) == ("satisfied", "basically_satisfied", "希望尽快落实")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.CLOSED


def test_changing_the_choices_goes_back_to_the_form_with_them(client, cast):
    answer = drive(cast, to=Status.ANSWERED).answers.get()
    client.force_login(cast.deputy)

    response = client.post(url("rate", answer.pk), {"attitude": "satisfied", "result": "unsatisfied", "change": "1"})

    assert len(_checked_radios(response.content.decode())) == 2
    assert not Rating.objects.exists()


def test_an_unsatisfied_rating_explains_the_unit_handles_it_again(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    answer = suggestion.answers.get()
    client.force_login(cast.deputy)
    choice = {"attitude": "satisfied", "result": "unsatisfied"}

    review = client.post(url("rate", answer.pk), choice | {"review": "1"}).content.decode()
    done = client.post(url("rate", answer.pk), choice | {"confirm": "1"}, follow=True)

    assert "重新办理" in review
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.REHANDLING
    assert any("重新办理" in message for message in _messages(done))


def test_a_second_rating_is_refused_with_a_clear_message(client, cast):
    answer = drive(cast, to=Status.ANSWERED).answers.get()
    client.force_login(cast.deputy)
    choice = {"attitude": "satisfied", "result": "satisfied", "confirm": "1"}
    client.post(url("rate", answer.pk), choice)

    form = client.get(url("rate", answer.pk), follow=True)
    again = client.post(url("rate", answer.pk), choice | {"result": "unsatisfied"}, follow=True)

    assert Rating.objects.get().result == "satisfied"
    for response in (form, again):
        assert "该答复已评价，评价不能更改。" in response.content.decode()


def test_a_stale_confirmation_after_another_tab_rated_is_refused(client, cast, monkeypatch):
    """Two tabs: the second confirm reaches the service after the first, and the service refuses it."""
    answer = drive(cast, to=Status.ANSWERED).answers.get()
    client.force_login(cast.deputy)
    Rating.objects.create(
        answer=answer, deputy=cast.lead_deputy, attitude="satisfied", result="satisfied", rated_by=cast.deputy
    )
    # The page's own guard has read no rating yet: simulate it by hiding the rating from the page's read.
    from suggestions import selectors_mobile

    real = selectors_mobile.my_answer_get

    def unrated(**kwargs) -> Answer:
        found = real(**kwargs)
        found._prefetched_objects_cache["ratings"] = Rating.objects.none()
        return found

    monkeypatch.setattr("suggestions.views_mobile.my_answer_get", unrated)

    response = client.post(url("rate", answer.pk), {"attitude": "unsatisfied", "result": "unsatisfied", "confirm": "1"})

    assert response.status_code == 302
    assert Rating.objects.get().result == "satisfied"
    assert "该答复已评价，评价不能更改。" in _messages(response)[0]


# In a real browser at phone width


PASSWORD = "pass-Word-123"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def browser():
    """Launch Debian's Chromium; list it after the data fixtures (see tests/browser/test_screens.py for why)."""
    import os

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # The test's ORM calls ran beside Playwright's event loop, on a connection of that context which the
        # database teardown never sees; closed here, it no longer keeps PostgreSQL from dropping the database.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def phone_cast():
    cast = loop_cast()
    cast.deputy.username = "wangfang"
    cast.deputy.set_password(PASSWORD)
    cast.deputy.save()
    cast.answered = drive(cast, to=Status.ANSWERED)
    return cast


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deputy_on_a_phone_submits_a_suggestion_and_rates_an_answer(phone_cast, live_server, browser):
    from django.conf import settings

    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "wangfang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    def shot(name: str) -> None:
        page.screenshot(path=str(artifacts / f"mobile-suggestions-{name}-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name

    shot("home")
    page.locator(".mobile-tabbar a", has_text="建议").click()
    page.get_by_role("link", name="提出建议").first.click()
    page.fill("input[name=title]", "关于修缮村小学旱厕的建议")
    page.fill("textarea[name=content]", "村小学旱厕年久失修，建议改建为水冲式厕所。")
    page.fill("input[name=cosigner_query]", "李")
    page.get_by_text("李强（").wait_for()
    page.get_by_text("李强（").click()
    shot("new")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    shot("submitted")
    assert page.locator("[data-testid=status]").inner_text() == "已提交，审查中"
    submitted = Suggestion.objects.get(title="关于修缮村小学旱厕的建议")
    assert submitted.status == Status.SUBMITTED
    assert list(submitted.signers.filter(role="co").values_list("deputy__name", flat=True)) == ["李强"]

    page.goto(f"{live_server.url}{url('detail', phone_cast.answered.pk)}")
    page.get_by_role("link", name="评价这条答复").click()
    assert page.locator("input[type=radio]:checked").count() == 0
    page.locator("fieldset", has_text="办理态度").get_by_text("满意", exact=True).click()
    page.locator("fieldset", has_text="办理结果").get_by_text("基本满意", exact=True).click()
    page.fill("textarea[name=comment]", "希望尽快落实")
    shot("rate")
    page.get_by_role("button", name="下一步：核对评价").click()
    page.get_by_text("评价一经确认不能更改").wait_for()
    shot("rate-confirm")
    page.get_by_role("button", name="确认评价").click()
    page.wait_for_load_state("networkidle")
    shot("rated")

    rating = Rating.objects.get()
    assert (rating.attitude, rating.result, rating.comment) == ("satisfied", "basically_satisfied", "希望尽快落实")
    assert page.get_by_text("感谢您的评价").is_visible()


def test_an_unsatisfied_attitude_alone_does_not_promise_re_handling(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    answer = suggestion.answers.get()
    client.force_login(cast.deputy)
    choice = {"attitude": "unsatisfied", "result": "satisfied"}

    review = client.post(url("rate", answer.pk), choice | {"review": "1"}).content.decode()
    client.post(url("rate", answer.pk), choice | {"confirm": "1"})

    assert "承办单位将重新办理" not in review
    assert Suggestion.objects.get(pk=suggestion.pk).status != Status.REHANDLING


def test_the_progress_tells_the_deputy_why_the_office_closed_it(client, cast):
    from suggestions import services

    followed = drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.C)
    reason = "受财力限制，已列入明年预算，转入长期跟踪。"
    services.suggestion_close(suggestion_id=followed.pk, actor=cast.staff, note=reason)
    client.force_login(cast.deputy)

    response = client.get(url("detail", followed.pk))

    closing = next(step for step in response.context["steps"] if step.icon == "flag")
    assert closing.detail == reason
    assert reason in response.content.decode()


def test_a_suggestion_closed_by_its_rating_shows_no_made_up_reason(client, cast):
    closed = drive(cast, to=Status.CLOSED)
    client.force_login(cast.deputy)

    response = client.get(url("detail", closed.pk))

    closing = next(step for step in response.context["steps"] if step.icon == "flag")
    assert closing.detail == ""
