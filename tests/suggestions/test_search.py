"""Chinese text search and duplicate detection for suggestions."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from suggestions import search
from suggestions.models import Suggestion
from suggestions.search import (
    bigrams,
    possible_duplicates,
    search_suggestions,
    search_terms,
    similar_suggestions,
    similarity,
)
from tests.suggestions.public_data import at, public_world, suggestion

pytestmark = pytest.mark.django_db

Status = Suggestion.Status

OLD_HOUSING = "关于加快城关镇老旧小区改造的建议"
OLD_HOUSING_AGAIN = "建议加快推进城关镇老旧小区改造"
WATER = "关于加强农村饮水安全工程建设的建议"
WATER_CONTENT = "部分山区村组仍靠山泉水，旱季缺水，水质没有检测，请水利部门统筹解决。"


@pytest.fixture
def world():
    return public_world()


@pytest.fixture
def three(world):
    """Three suggestions: old housing in town, rural drinking water, and a school bus one."""
    housing = suggestion(world, title=OLD_HOUSING, content="城关镇老旧小区管网老化，雨季内涝，居民出行不便。")
    water = suggestion(world, title=WATER, content=WATER_CONTENT, category=world.farming)
    school = suggestion(world, title="关于开通乡村学校校车的建议", content="偏远村组学生上学路远，建议开通校车。")
    return housing, water, school


def _titles(queryset):
    return sorted(queryset.values_list("title", flat=True))


# search_suggestions


def test_search_finds_a_chinese_substring_of_the_title(three):
    housing, *_ = three

    found = search_suggestions(Suggestion.objects.all(), "老旧小区")

    assert list(found) == [housing]


def test_search_finds_a_substring_of_the_content_only(three):
    _, water, _ = three

    found = search_suggestions(Suggestion.objects.all(), "山泉水")

    assert list(found) == [water]


def test_search_with_several_words_needs_every_word(three):
    housing, water, school = three

    both_words = search_suggestions(Suggestion.objects.all(), "村组 校车")
    one_missing = search_suggestions(Suggestion.objects.all(), "村组 内涝")
    ideographic_space = search_suggestions(Suggestion.objects.all(), "村组\u3000旱季")

    assert list(both_words) == [school]
    assert list(one_missing) == []
    assert list(ideographic_space) == [water]


def test_search_without_a_match_finds_nothing(three):
    assert list(search_suggestions(Suggestion.objects.all(), "养老院")) == []


def test_blank_search_keeps_every_suggestion(three):
    assert search_suggestions(Suggestion.objects.all(), "  ").count() == 3


def test_search_treats_like_wildcards_as_plain_characters(world):
    suggestion(world, title="关于将收费标准降低50%的建议")
    suggestion(world, title="关于降低收费标准的建议")

    assert _titles(search_suggestions(Suggestion.objects.all(), "50%")) == ["关于将收费标准降低50%的建议"]
    assert list(search_suggestions(Suggestion.objects.all(), "%")) == list(
        Suggestion.objects.filter(title__contains="%")
    )
    assert list(search_suggestions(Suggestion.objects.all(), "_")) == []


def test_search_ignores_the_case_of_latin_letters(world):
    suggestion(world, title="关于推广ETC停车缴费的建议")

    assert search_suggestions(Suggestion.objects.all(), "etc").count() == 1


def test_search_terms_split_on_ascii_and_ideographic_spaces():
    assert search_terms(" 老旧小区\u3000改造  城关镇 ") == ["老旧小区", "改造", "城关镇"]


# The same answers whatever the term's length and whichever way PostgreSQL is asked

# (title, content) of the corpus every case below searches.
CORPUS = {
    "parking": ("关于城区停车难的建议", "老城区道路狭窄，停车位不足，请交通部门统筹。"),
    "roads": ("关于农村公路养护的建议", "路面破损严重，养护资金不足。"),
    "5g": ("关于推进5G基站建设的建议", "部分乡镇5g信号弱，PM2.5监测站点少。"),
    "fees": ("关于将收费标准降低50%的建议", "现行收费_标准偏高。"),
    "etc": ("关于推广ETC停车缴费的建议", "推广Etc无感支付，减少排队。"),
    "water": ("关于加强农村饮水安全的建议", "旱季缺水，水质没有检测。"),
}
TERMS = [
    "路",  # one character, in a title and in contents
    "停车",  # two characters
    "难的",  # two characters, only in a title
    "狭窄",  # two characters, only in a content
    "水质",
    "建议",  # two characters in every title
    "养护资",  # three characters
    "农村公路养护",  # many characters
    "停车位不足，请交通部门",  # many characters, with punctuation
    "城区 停车",  # several terms: both needed
    "停车 路",
    "停车 水质",  # each term is somewhere, never both in one suggestion
    "路 养护 资金",
    "5G",  # Latin and digits, in either case
    "5g",
    "g",
    "G",
    "pm2.5",
    "PM2.5",
    "etc",
    "ETC",
    "eTc 缴费",
    "%",  # LIKE's wildcards are plain characters
    "_",
    "50%",
    "费_标",
    "0%的",
    "%的",
    "无此内容",  # nothing
    "路的",
]


def _expected(terms: str) -> list[str]:
    """Name the corpus entries holding every term, as a case-blind substring test (ASCII case only here)."""
    return sorted(
        name
        for name, (title, content) in CORPUS.items()
        if all(term.lower() in title.lower() or term.lower() in content.lower() for term in terms.split())
    )


@pytest.fixture
def corpus(world):
    return {suggestion(world, title=title, content=content).pk: name for name, (title, content) in CORPUS.items()}


def _found(corpus, text: str) -> list[str]:
    return sorted(corpus[pk] for pk in search_suggestions(Suggestion.objects.all(), text).values_list("pk", flat=True))


@pytest.mark.parametrize("text", TERMS)
def test_search_finds_exactly_the_suggestions_holding_every_term(corpus, text):
    assert _found(corpus, text) == _expected(text)


# How the gram index may be asked for each term: by every gram, by one (as by the rarest), or not at all.
GRAM_CHOICES = {
    "every-gram": lambda terms, by_body=False: {term: search.term_grams(term) for term in terms},
    "one-gram": lambda terms, by_body=False: {term: search.term_grams(term)[-1:] for term in terms},
    "no-index": lambda terms, by_body=False: None,
}


@pytest.mark.postgres
@pytest.mark.parametrize("choice", GRAM_CHOICES)
@pytest.mark.parametrize("text", TERMS)
def test_postgres_terms_find_the_same_by_the_gram_index_and_without_it(corpus, monkeypatch, text, choice):
    monkeypatch.setattr(search, "_selective_grams", GRAM_CHOICES[choice])

    assert _found(corpus, text) == _expected(text)


def test_corpus_cases_cover_every_kind_of_term():
    # Guard the table above: each case must find something or nothing on purpose, in both kinds of field.
    assert _expected("路") == ["parking", "roads"]
    assert _expected("难的") == ["parking"]
    assert _expected("狭窄") == ["parking"]
    assert _expected("停车 水质") == []
    assert _expected("g") == ["5g"]
    assert _expected("_") == ["fees"]


@pytest.mark.postgres
def test_postgres_grams_hold_every_character_and_pair_of_title_and_content_but_none_across_them():
    with connection.cursor() as cursor:
        cursor.execute("SELECT suggestion_search_grams('Ab路', E'c d\n5'), suggestion_search_term_grams('停车场')")
        grams, term_grams = cursor.fetchone()

    assert {"a", "b", "路", "ab", "b路", "c", "d", "5", "d\n"} <= set(grams)
    assert "路c" not in grams and "路 " not in grams and " c" not in grams
    assert sorted(term_grams) == ["停车", "车场"]


@pytest.mark.postgres
def test_postgres_two_character_term_uses_the_gram_index(corpus):
    # Six rows: a sequential scan is rightly cheaper than any index, so it is switched off (and so is walking
    # another index in its order, testing each row) to see that the planner can answer the condition as
    # written from the gram index (the expression must match the index's). bench figures cover a million rows.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        one_term = search_suggestions(Suggestion.objects.all(), "停车").explain()
        two_terms = search_suggestions(Suggestion.objects.all(), "停车 路").explain()

    assert "Bitmap Index Scan on suggestion_search_body_grams_idx" in one_term
    assert "Seq Scan" not in one_term
    assert "Bitmap Index Scan on suggestion_search_body_grams_idx" in two_terms
    assert "Seq Scan" not in two_terms


@pytest.mark.postgres
def test_postgres_short_term_never_scans_a_whole_trigram_index(corpus, monkeypatch):
    # pg_trgm gets no trigram from one or two characters and would read its whole index for them.
    monkeypatch.setattr(search, "_selective_grams", lambda terms, by_body=False: None)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search_suggestions(Suggestion.objects.all(), "路").explain()

    assert "trgm" not in plan


def _many(world, count: int, *, title: str) -> None:
    template = suggestion(world, title=title)
    rows = []
    for number in range(count):
        row = Suggestion(**{f.attname: getattr(template, f.attname) for f in Suggestion._meta.concrete_fields})
        row.pk, row.number = None, 1000 + number
        rows.append(row)
    Suggestion.objects.bulk_create(rows)


def _uses_grams(text: str) -> bool:
    return "suggestion_search_grams" in str(search_suggestions(Suggestion.objects.all(), text).query)


@pytest.mark.postgres
def test_postgres_gram_index_is_left_aside_for_a_gram_too_common_for_work_mem(world):
    # 64kB of work_mem takes 512 rows; "停车" is in all 600 titles, "水质" in one content, "路" in none.
    _many(world, 600, title="关于城区停车难的建议")
    suggestion(world, title="关于加强农村饮水安全的建议", content="旱季缺水，水质没有检测。")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64kB'")
            cursor.execute("ANALYZE suggestions_suggestion")
        common, rare, nowhere, combined = (_uses_grams(text) for text in ("停车", "水质", "路", "停车 水质"))

    assert (common, rare, nowhere, combined) == (False, True, True, True)
    assert search_suggestions(Suggestion.objects.all(), "停车").count() == 601


@pytest.mark.postgres
def test_postgres_gram_index_is_used_while_the_table_has_no_statistics(corpus):
    assert _uses_grams("停车")


@pytest.mark.postgres
def test_postgres_trigram_indexes_treat_chinese_as_word_characters():
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_length(show_trgm('老旧小区改造'), 1)")
        (count,) = cursor.fetchone()

    # Six characters give seven trigrams with padding; a C (non-UTF-8) ctype would give none.
    assert count == 7


@pytest.mark.postgres
def test_postgres_a_long_term_whose_grams_are_common_uses_the_trigram_indexes(three, monkeypatch):
    monkeypatch.setattr(search, "_selective_grams", lambda terms, by_body=False: None)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            # Walking an index in some order and testing every row is no use of the text's index either.
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = search_suggestions(Suggestion.objects.all(), "老旧小区").explain()

    assert "suggestion_title_trgm_idx" in plan
    assert "suggestion_content_trgm_idx" in plan


@pytest.mark.postgres
def test_postgres_a_long_term_whose_grams_are_selective_uses_the_gram_index_and_like_decides(world):
    # The bigrams of 老旧小区 stand apart in the second title: the index finds both, LIKE keeps the first.
    holding = suggestion(world, title=OLD_HOUSING)
    suggestion(world, title="关于小区老旧管网改造的建议", content="旧小区的雨污管网。")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        found = search_suggestions(Suggestion.objects.all(), "老旧小区")
        plan = found.explain()
        assert list(found) == [holding]

    assert "suggestion_search_body_grams_idx" in plan
    assert "trgm" not in plan


def test_a_terms_grams_are_what_the_database_makes_of_it():
    assert search.term_grams("路") == ["路"]
    assert search.term_grams("停车场") == ["停车", "车场"]
    assert search.term_grams("ETC") == ["et", "tc"]
    assert search.term_grams("哈哈哈") == ["哈哈"]


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["路", "停车场", "ETC", "哈哈哈", "PM2.5"])
def test_postgres_term_grams_equal_the_databases(term):
    with connection.cursor() as cursor:
        cursor.execute("SELECT suggestion_search_term_grams(%s)", [term])
        (grams,) = cursor.fetchone()

    assert sorted(grams) == search.term_grams(term)


# similarity


def test_the_same_matter_worded_differently_scores_high():
    score = similarity(title_a=OLD_HOUSING, content_a="", title_b=OLD_HOUSING_AGAIN, content_b="")

    assert score >= 0.8


def test_an_unrelated_matter_scores_low():
    score = similarity(title_a=OLD_HOUSING, content_a="", title_b=WATER, content_b="")

    assert score < 0.1


def test_the_filler_of_every_title_does_not_count():
    # "关于……的建议" is on every title; only the matter itself should make two titles alike.
    assert "建议" not in bigrams(OLD_HOUSING)
    assert "关于" not in bigrams(OLD_HOUSING)
    assert "小区" in bigrams(OLD_HOUSING)


def test_content_counts_when_the_titles_differ():
    content = "城关镇老旧小区管网老化，雨季内涝，居民出行不便，请住建部门列入改造计划。"
    same_content = similarity(
        title_a="关于解决城关镇小区雨季内涝的建议",
        content_a=content,
        title_b=OLD_HOUSING,
        content_b="城关镇老旧小区管网老化严重，雨季内涝，居民出行不便。",
    )
    other_content = similarity(
        title_a="关于解决城关镇小区雨季内涝的建议", content_a=content, title_b=WATER, content_b=WATER_CONTENT
    )

    assert same_content > 0.4
    assert other_content < 0.1


# similar_suggestions


def test_similar_suggestions_put_the_same_matter_first_and_leave_out_unrelated_ones(world, three):
    housing, water, school = three
    last_year = suggestion(world, title="关于推进城关镇老旧小区改造工作的建议", year=2024, created_at=at(2024, 1, 12))

    found = similar_suggestions(
        title=OLD_HOUSING_AGAIN, content="城关镇老旧小区管网老化，雨季内涝。", queryset=Suggestion.objects.all()
    )

    assert [item for item, _ in found] == [housing, last_year]
    assert found[0][1] >= found[1][1] >= 0.4


def test_similar_suggestions_respect_the_callers_queryset_and_limit(world, three):
    housing, *_ = three
    for number in range(4):
        suggestion(world, title=f"关于城关镇老旧小区改造第{number}期的建议")

    found = similar_suggestions(
        title=OLD_HOUSING, content="", queryset=Suggestion.objects.exclude(pk=housing.pk), limit=3
    )

    assert len(found) == 3
    assert housing not in [item for item, _ in found]


def test_similar_suggestions_of_a_title_that_is_only_filler_find_nothing(three):
    assert similar_suggestions(title="关于……的建议", content="", queryset=Suggestion.objects.all()) == []


# possible_duplicates


def test_possible_duplicates_are_of_the_same_year_or_the_year_before(world):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    this_year = suggestion(world, title=OLD_HOUSING_AGAIN, status=Status.SUBMITTED)
    last_year = suggestion(world, title=OLD_HOUSING, year=2024, created_at=at(2024, 1, 12))
    for year in (2023, 2022):
        suggestion(world, title=OLD_HOUSING, year=year, created_at=at(year, 1, 12))

    found = possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects.visible_to(world.office))

    assert sorted(item.pk for item, _score in found) == [this_year.pk, last_year.pk]
    assert all(score >= 0.8 for _item, score in found)


def test_possible_duplicates_leave_out_drafts_the_suggestion_itself_and_other_counties(world):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    suggestion(world, title=OLD_HOUSING, status=Status.DRAFT)
    suggestion(public_world("白水县"), title=OLD_HOUSING)

    assert possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects.all()) == []


def test_possible_duplicates_are_only_what_the_callers_queryset_holds(world):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    hidden = suggestion(world, title=OLD_HOUSING)
    shown = suggestion(world, title=OLD_HOUSING, year=2024, created_at=at(2024, 1, 12))

    found = possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects.exclude(pk=hidden.pk))

    assert [item for item, _score in found] == [shown]


@pytest.mark.postgres
def test_postgres_duplicate_candidates_are_the_closest_titles_not_the_newest(world, monkeypatch):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    closest = suggestion(world, title=OLD_HOUSING_AGAIN, year=2024, created_at=at(2024, 1, 12))
    newer = suggestion(world, title="关于城关镇老旧小区加装电梯的建议", created_at=at(2025, 3, 1))
    both = possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects.all())
    monkeypatch.setattr(search, "POSTGRES_CANDIDATES", 1)

    one = possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects.all())

    assert {item for item, _score in both} == {closest, newer}
    assert [item for item, _score in one] == [closest]


@pytest.mark.postgres
def test_postgres_duplicate_candidates_leave_out_titles_far_from_the_title(three):
    housing, _water, _school = three

    found = similar_suggestions(title=OLD_HOUSING_AGAIN, content="", queryset=Suggestion.objects.all(), min_score=0)

    # The fallback scores every recent row (unrelated ones at 0); pg_trgm's threshold drops them first.
    assert [item for item, _score in found] == [housing]


@pytest.mark.postgres
def test_postgres_duplicate_candidates_are_ranked_from_the_covering_index_alone(world):
    reviewed = suggestion(world, title=OLD_HOUSING, status=Status.SUBMITTED)
    suggestion(world, title=OLD_HOUSING_AGAIN)
    with CaptureQueriesContext(connection) as queries:
        possible_duplicates(suggestion=reviewed, queryset=Suggestion.objects.visible_to(world.office))
    (sql,) = [query["sql"] for query in queries.captured_queries if "word_similarity" in query["sql"]]

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Body and year bound the scan; title, status, created_at and id come from the index, not the table.
    assert "Index Only Scan using suggestion_duplicates_idx" in plan


def test_the_gram_index_serves_a_common_term_body_by_body_but_not_across_the_table():
    # A million rows, work_mem 4 MB (32,768 rows may come from the index), 停车 in one row of twenty, the largest
    # body an eighth of the table.
    statistics = (1_000_000, 4 * 1024 * 1024, 0.001, [0.05], 0.125)

    assert not search._few_enough(*statistics, by_body=False)  # 50,000 matches in the whole table
    assert search._few_enough(*statistics, by_body=True)  # 6,250 in the largest body
    assert search._few_enough(*statistics[:4], None, by_body=True) is False  # no body statistics: the whole table
    assert search._few_enough(None, 4 * 1024 * 1024, None, [], None, by_body=False)  # a new table: no statistics


@pytest.mark.postgres
def test_postgres_a_long_term_is_looked_up_by_its_rarest_gram(world):
    # 小区 is in every suggestion, 旧小 in a few: the few are where 老旧小区 may be.
    for n in range(40):
        suggestion(world, title=f"关于第{n}号小区停车的建议", content="小区车位不足。")
    for n in range(3):
        suggestion(world, title=f"关于第{n}片老旧小区改造的建议", content="管网老化。")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suggestions_suggestion")
    search.forget_gram_statistics()

    chosen = search._selective_grams(["老旧小区", "停车"], by_body=True)

    assert chosen is not None
    assert chosen["停车"] == ["停车"]
    assert chosen["老旧小区"] in (["老旧"], ["旧小"])
    assert search_suggestions(Suggestion.objects.all(), "老旧小区").count() == 3


@pytest.mark.postgres
def test_postgres_a_process_reads_the_gram_statistics_once_in_a_while_not_for_every_search(three):
    search_suggestions(Suggestion.objects.all(), "路").count()

    with CaptureQueriesContext(connection) as queries:
        search_suggestions(Suggestion.objects.all(), "停车").count()
        search_suggestions(Suggestion.objects.all(), "老旧小区", by_body=True).count()

    assert len(queries) == 2


# The overdue part of a search: open suggestions only, looked up in their own gram index (0015_open_search_grams).


@pytest.mark.parametrize("text", TERMS)
def test_search_of_open_suggestions_finds_exactly_the_suggestions_holding_every_term(corpus, text):
    found = search_suggestions(Suggestion.objects.all(), text, open_only=True).values_list("pk", flat=True)

    assert sorted(corpus[pk] for pk in found) == _expected(text)


@pytest.mark.postgres
def test_postgres_open_gram_index_holds_exactly_the_open_statuses():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'suggestion_open_search_grams_idx'")
        (definition,) = cursor.fetchone()

    quoted = {part.split("'")[0] for part in definition.split("WHERE", 1)[1].split("'")[1::2]}
    assert quoted == set(Suggestion.OPEN_STATUSES)
