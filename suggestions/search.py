"""Text search and duplicate detection for suggestions, written for Chinese text.

Chinese has no spaces between words, so neither search nor similarity splits text into words:

- `search_suggestions` matches substrings, case-insensitively (as `ILIKE '%…%'`). On PostgreSQL the terms
  are looked up in the unigram and bigram index keyed by body (migrations 0005_search_grams and
  0012_search_grams_by_body) when that index narrows a body's rows to a few, with `LIKE` deciding for a term of
  three characters or more (its bigrams may stand apart). Otherwise a term of one or two characters (教育, 路),
  which gives pg_trgm no trigram, is tested row by row with a cheap `LIKE`, and a longer one is written as
  `LIKE`/`ILIKE '%…%'` on title and content, which pg_trgm's GIN indexes (0002_search_trigram_indexes) answer
  for the whole table at once; pg_trgm counts CJK characters as word characters because the database's ctype is
  a UTF-8 locale (C.UTF-8).
- `similar_suggestions` compares character bigrams, which catch the same matter worded differently
  ("关于加快城关镇老旧小区改造的建议" / "建议加快推进城关镇老旧小区改造") without a segmentation library.
  `possible_duplicates` asks it about the suggestions a reviewed one may repeat: its body's, from its year and the
  year before. On PostgreSQL the candidates are the titles closest by pg_trgm's `word_similarity`, read from the
  covering index on (body, year) of migration 0010_duplicates_index without touching the table. A worker makes
  that search once per submitted suggestion and keeps what it finds (`suggestions.services.duplicates`);
  `possible_duplicates` reads the kept matches, and searches itself only while no worker has.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import F, FloatField, Func, Lookup, Q, QuerySet, Value
from django.db.models.fields import CharField, TextField

from suggestions.models import DuplicateSearch, Suggestion

SEARCHED_FIELDS = ("title", "content")
# Words every suggestion's title carries ("关于……的建议"): they say nothing about the matter.
FILLER_WORDS = (
    "关于",
    "建议",
    "意见",
    "请求",
    "希望",
    "恳请",
    "进一步",
    "有关",
    "问题",
    "方面",
    "的",
    "了",
)
_FILLER = re.compile("|".join(sorted(FILLER_WORDS, key=len, reverse=True)))
# Anything that is not a letter or a digit (CJK characters count as letters) separates runs of text.
_SEPARATOR = re.compile(r"[\W_]+")
# How many rows the cheap pre-filter hands to the exact scoring in Python.
POSTGRES_CANDIDATES = 200
FALLBACK_CANDIDATES = 500
# pg_trgm's word similarity between a title's core and a stored title from which a row is a candidate;
# low enough to keep "加快推进城关镇老旧小区改造" for "加快城关镇老旧小区改造" (0.67), high enough to skip
# titles that only share the filler.
TRIGRAM_THRESHOLD = 0.3
TITLE_WEIGHT = 0.5
# A duplicate is "the same matter from several deputies, or last year's suggestion": one of the reviewed
# suggestion's year or of the year before (two years counting its own). An older one raised the matter in an
# earlier round and has had its answer; leaving it out also bounds the work to two years of one body, however
# many years the portal holds.
DUPLICATE_YEARS = 2
# The least score at which a suggestion is offered as a possible duplicate of another.
MIN_DUPLICATE_SCORE = 0.2


# Terms up to this many characters are looked up in the gram index (see `_short_term`); longer ones in pg_trgm's.
GRAM_TERM_LENGTH = 2
# How many matching rows, per byte of work_mem, the gram index may hand to the table (see `_selective_grams`).
GRAM_ROWS_PER_WORK_MEM_BYTE = 1 / 128
# The share of rows PostgreSQL's planner assumes for an array element missing from the statistics' list.
UNLISTED_GRAM_SHARE = 0.005

# The statistics ANALYZE keeps on the gram index: the most common grams with the share of rows holding each, and
# the least of those shares; and the share of rows in the body that holds the most (each body of a scope is
# searched on its own, see below).
GRAM_STATISTICS_SQL = """
SELECT c.reltuples, pg_size_bytes(current_setting('work_mem')), s.elems, s.freqs, s.freqs[cardinality(s.elems) + 1],
    (SELECT max(share) FROM pg_stats b, unnest(b.most_common_freqs) AS share
     WHERE b.schemaname = current_schema() AND b.tablename = 'suggestions_suggestion' AND b.attname = 'body_id')
FROM pg_class c
JOIN (SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats
      WHERE schemaname = current_schema() AND tablename = 'suggestion_search_body_grams_idx'
        AND attname = 'suggestion_search_grams') AS s ON true
WHERE c.oid = 'suggestions_suggestion'::regclass
"""
# ANALYZE's statistics change slowly (autovacuum renews them once a tenth of the table has changed), so a
# process reads them again after this many seconds, not for every search.
GRAM_STATISTICS_SECONDS = 300.0


@dataclass(frozen=True)
class _GramStatistics:
    """GRAM_STATISTICS_SQL's row, as read at `read_at` (time.monotonic); `rows` None: the table has none yet."""

    rows: float | None
    work_mem: int
    shares: dict[str, float]
    least_share: float | None
    largest_body_share: float | None
    read_at: float


_gram_statistics: dict[str, _GramStatistics] = {}


def forget_gram_statistics() -> None:
    """Have the next search read the gram index's statistics again (after an ANALYZE that must count at once)."""
    _gram_statistics.clear()


def _read_gram_statistics() -> _GramStatistics:
    key = connection.settings_dict["NAME"]
    known = _gram_statistics.get(key)
    if known is not None and time.monotonic() - known.read_at < GRAM_STATISTICS_SECONDS:
        return known
    with connection.cursor() as cursor:
        cursor.execute(GRAM_STATISTICS_SQL)
        row = cursor.fetchone()
    if row is None:
        known = _GramStatistics(None, 0, {}, None, None, time.monotonic())
    else:
        rows, work_mem, elems, freqs, least_share, largest_body_share = row
        shares = dict(zip(elems or [], freqs or [], strict=False))
        known = _GramStatistics(rows, work_mem, shares, least_share, largest_body_share, time.monotonic())
    _gram_statistics[key] = known
    return known


class _SearchGrams(Func):
    """The indexed unigrams and bigrams of a suggestion's lower-cased title and content (PostgreSQL only)."""

    function = "suggestion_search_grams"
    # A text[] in the database; only `_HasGrams` reads it, so no array field (and no SQLite-less import).
    output_field = TextField()


class _SearchedText(Func):
    """`title || ' ' || content`: no index is on it, so a LIKE on it is checked row by row (PostgreSQL only)."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


class _HasGrams(Lookup):
    """`grams @> ARRAY[…]`: every gram asked for is among the text's grams."""

    lookup_name = "has_grams"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> {rhs}::text[]", [*lhs_params, *rhs_params]


class _Like(Lookup):
    """`lhs LIKE rhs`: pg_trgm's GIN index answers it too, and checking it is cheaper than ILIKE."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


class _ILike(Lookup):
    """`lhs ILIKE rhs`: the case-insensitive LIKE pg_trgm's GIN index answers (Django's icontains uses UPPER)."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


def search_terms(text: str) -> list[str]:
    """Split a search box's text into its terms (ASCII or ideographic spaces separate them)."""
    return [term for term in (text or "").split() if term]


def search_suggestions(
    queryset: QuerySet[Suggestion], text: str, *, by_body: bool = False, open_only: bool = False
) -> QuerySet[Suggestion]:
    """Keep the suggestions whose title or content contains every term of `text`.

    `by_body`: the queryset keeps the suggestions of some bodies (a person's scope, a county's public pages), so
    PostgreSQL reads the gram index once per body (see `_selective_grams`).
    `open_only`: the queryset keeps only open suggestions (`Suggestion.OPEN_STATUSES`, as the overdue part of a
    search does). Their own gram index (0015_open_search_grams) holds a tenth of the table, so every term is looked
    up there by its rarest gram, however common: the bitmap of a common term's open matches still fits work_mem,
    where testing each of a county's thousands of overdue suggestions with LIKE read as many table rows.
    """
    terms = search_terms(text)
    if connection.vendor != "postgresql":
        for term in terms:
            queryset = queryset.filter(_icontains(term))
        return queryset
    gram_terms = [term for term in terms if _keeps_length(term)]
    if open_only and gram_terms:
        chosen = {term: [_rarest_gram(term)] for term in gram_terms}
    else:
        chosen = _selective_grams(gram_terms, by_body=by_body) if gram_terms else None
    for term in terms:
        if term in gram_terms and (chosen is not None or len(term) <= GRAM_TERM_LENGTH):
            queryset = queryset.filter(_gram_term(term, grams=chosen[term] if chosen is not None else None))
        else:
            queryset = queryset.filter(_long_term(term))
    return queryset


def _icontains(term: str) -> Q:
    condition = Q()
    for field in SEARCHED_FIELDS:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def _keeps_length(term: str) -> bool:
    # A few letters change length with case ("İ".lower() is two characters): the grams of the lower-cased text
    # would then no longer line up with what ILIKE finds, so such a term goes the trigram way.
    return len(term.lower()) == len(term) == len(term.upper())


def term_grams(term: str) -> list[str]:
    """The grams a text holding `term` holds: as the database's `suggestion_search_term_grams` (0005)."""
    lowered = term.lower()
    if len(lowered) < 2:
        return [lowered]
    return sorted({lowered[i : i + 2] for i in range(len(lowered) - 1)})


def _is_caseless(term: str) -> bool:
    # Without letters that have a case, LIKE finds what ILIKE would, without lower-casing every row it checks.
    return term.lower() == term == term.upper()


def _gram_term(term: str, *, grams: list[str] | None) -> Q:
    """Match a term through these of its grams in the gram index, or (one or two characters, no grams) row by row.

    The grams hold every character and every two adjacent characters of lower(title) and of lower(content),
    and ILIKE compares lower(text) with lower(term), so a text holding the term holds each of its grams: the
    index finds every match. For a term of one or two characters, which is its own gram, the reverse holds too;
    a longer term's grams may stand apart in the text (老旧 … 小区), so the LIKE beside them decides. The LIKE
    also serves plans that read rows in the list's order and test each (it is far cheaper than computing the
    grams, which PostgreSQL then does only for the rows LIKE keeps). Without the index, the same LIKE on
    `title || ' ' || content` (the term holds no space, so it cannot match across the two) keeps pg_trgm from
    scanning its whole index for a trigram-less term.
    """
    lookup = _Like if _is_caseless(term) else _ILike
    pattern = Value(f"%{connection.ops.prep_for_like_query(term)}%", output_field=TextField())
    condition = Q(lookup(_SearchedText(*(F(field) for field in SEARCHED_FIELDS)), pattern))
    if grams:
        held = _SearchGrams(*(F(field) for field in SEARCHED_FIELDS))
        condition &= Q(_HasGrams(held, Value(grams)))
    return condition


def _long_term(term: str) -> Q:
    """Match a term of three characters or more through pg_trgm's indexes on title and content."""
    lookup = _Like if _is_caseless(term) else _ILike
    pattern = f"%{connection.ops.prep_for_like_query(term)}%"
    condition = Q()
    for field in SEARCHED_FIELDS:
        output = CharField() if field == "title" else TextField()
        condition |= Q(lookup(F(field), Value(pattern, output_field=output)))
    return condition


def _selective_grams(terms: list[str], *, by_body: bool = False) -> dict[str, list[str]] | None:
    """Return the grams to look each term up by when the gram index narrows the suggestions holding every term to
    a few (by ANALYZE's statistics), or None when it does not.

    A GIN index answers with a bitmap of the matching rows; past what work_mem holds, the bitmap keeps whole
    pages instead of rows, and PostgreSQL must then compute every row's grams on those pages again (some 0.3 ms
    each): for a gram in a tenth of a million suggestions, that is seconds, where testing the rows with LIKE
    takes a fraction of one. A text holding a term holds each of its grams, so a term is at most as common as
    its rarest gram, and that gram is the one it is looked up by: its grams come together (老旧, 旧小 and 小区),
    and asking for all of them would make the planner take their shares as independent, expect a single row
    and skip the body key of the index. Like the planner, the estimate takes the terms as independent and an
    unlisted gram as rarer than every listed one. Without statistics yet (a new table) the index is used, with
    every gram of each term. A term of three characters or more that is not looked up here goes through
    pg_trgm's indexes (`_long_term`).

    The index is keyed by body first (0012_search_grams_by_body): searching the suggestions of some bodies, one
    bitmap is made per body, so what must fit is the largest body's matches (`by_body`), not the whole table's.
    """
    grams = {term: term_grams(term) for term in terms}
    known = _read_gram_statistics()
    if known.rows is None:
        return grams
    rarest: dict[str, tuple[float | None, str]] = {}
    for term, each in grams.items():
        # An unlisted gram (None) is rarer than any listed one: it sorts first.
        of_term = sorted(
            ((known.shares.get(gram), gram) for gram in each), key=lambda pair: (pair[0] is not None, pair)
        )
        rarest[term] = of_term[0]
    shares = [share for share, _gram in rarest.values()]
    if not _few_enough(
        known.rows, known.work_mem, known.least_share, shares, known.largest_body_share, by_body=by_body
    ):
        return None
    return {term: [gram] for term, (_share, gram) in rarest.items()}


def _rarest_gram(term: str) -> str:
    """Return the term's gram that the fewest rows hold, by ANALYZE's statistics (an unlisted one is the rarest)."""
    shares = _read_gram_statistics().shares
    return min(term_grams(term), key=lambda gram: (gram in shares, shares.get(gram, 0.0), gram))


def _few_enough(
    rows: float | None,
    work_mem: int,
    least_share: float | None,
    shares: list[float | None],
    largest_body_share: float | None,
    *,
    by_body: bool,
) -> bool:
    """Decide from GRAM_STATISTICS_SQL's row: True without statistics (a new table), else by the expected matches."""
    if rows is None or rows < 0 or least_share is None:
        return True
    if by_body and largest_body_share is not None:
        rows *= largest_body_share
    unlisted = min(UNLISTED_GRAM_SHARE, least_share / 2)
    expected = rows
    for share in shares:
        expected *= unlisted if share is None else share
    return expected <= work_mem * GRAM_ROWS_PER_WORK_MEM_BYTE


# Similarity


def text_core(text: str) -> list[str]:
    """Return the runs of meaningful characters in `text`: punctuation and filler words cut it into runs."""
    runs = []
    for chunk in _SEPARATOR.split((text or "").lower()):
        runs.extend(run for run in _FILLER.split(chunk) if run)
    return runs


def bigrams(text: str) -> Counter[str]:
    """Count the character bigrams of `text`'s core; a lone character counts as itself."""
    counts: Counter[str] = Counter()
    for run in text_core(text):
        if len(run) == 1:
            counts[run] += 1
        else:
            # Each character joined to the next, counted in C (a duplicates check scores hundreds of texts).
            counts.update(map(str.__add__, run[:-1], run[1:]))
    return counts


def dice(a: Counter[str], b: Counter[str]) -> float:
    """Return the Dice coefficient of the two bigram sets (kinder than Jaccard to a few inserted words)."""
    if not a or not b:
        return 0.0
    keys_a, keys_b = set(a), set(b)
    return 2 * len(keys_a & keys_b) / (len(keys_a) + len(keys_b))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Return the cosine of the two bigram count vectors."""
    if not a or not b:
        return 0.0
    dot = sum(count * b[gram] for gram, count in a.items() if gram in b)
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm


def similarity(*, title_a: str, content_a: str, title_b: str, content_b: str) -> float:
    """Score how likely two suggestions raise the same matter, from 0 (unrelated) to 1 (the same text).

    Half the score is the titles' bigram Dice coefficient, half the bigram cosine of title and content
    together; without content on the first side the titles decide alone.
    """
    return _similarity_to(title=title_a, content=content_a)(title_b, content_b)


def _similarity_to(*, title: str, content: str) -> Callable[[str, str], float]:
    """Return `similarity` to this title and content as a function of the other side's title and content.

    The bigrams of this side are counted once, not once for every candidate it is compared with.
    """
    title_grams = bigrams(title)
    text_grams = bigrams(f"{title}\n{content}") if text_core(content) else None

    def score(other_title: str, other_content: str) -> float:
        other_title_grams = bigrams(other_title)
        title_score = dice(title_grams, other_title_grams)
        if text_grams is None:
            return round(title_score, 3)
        # A line break cuts the core, so the text's bigrams are the title's plus the content's.
        text_score = cosine(text_grams, other_title_grams + bigrams(other_content))
        return round(TITLE_WEIGHT * title_score + (1 - TITLE_WEIGHT) * text_score, 3)

    return score


class Candidate(NamedTuple):
    """A suggestion scored against another: its id, title, content and year, and how alike the two read."""

    pk: int
    title: str
    content: str
    year: int
    score: float


def duplicate_candidates(*, suggestion: Suggestion, queryset: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Narrow `queryset` to where `suggestion`'s duplicates may be: its body's, of its year and the year before.

    Neither drafts nor the suggestion itself. The caller scopes `queryset` to what the person may see.
    """
    return (
        queryset.filter(
            body_id=suggestion.body_id,
            year__gt=suggestion.year - DUPLICATE_YEARS,
            year__lte=suggestion.year,
        )
        .exclude(pk=suggestion.pk)
        .exclude(status=Suggestion.Status.DRAFT)
    )


def possible_duplicates(
    *, suggestion: Suggestion, queryset: QuerySet[Suggestion], limit: int = 5
) -> list[tuple[Suggestion, float]]:
    """Return up to `limit` suggestions of `queryset` that may raise the same matter as `suggestion`, best first.

    The caller scopes `queryset` to what the person may see; the candidates are then `duplicate_candidates`.
    What a worker's search kept (`suggestions.services.duplicates`) is read when it has been made; until then
    they are searched now.
    """
    candidates = duplicate_candidates(suggestion=suggestion, queryset=queryset)
    # One row per match kept, best first; a search that found nothing gives one row of NULLs, no search none.
    kept = list(
        DuplicateSearch.objects.filter(pk=suggestion.pk)
        .order_by(F("found__score").desc(nulls_last=True), F("found__other_id").desc())
        .values_list("found__other_id", "found__score")[:limit]
    )
    if kept:
        return load_scored(candidates, [(pk, score) for pk, score in kept if pk is not None])
    return similar_suggestions(title=suggestion.title, content=suggestion.content, queryset=candidates, limit=limit)


def similar_suggestions(
    *,
    title: str,
    content: str,
    queryset: QuerySet[Suggestion],
    limit: int = 5,
    min_score: float = MIN_DUPLICATE_SCORE,
) -> list[tuple[Suggestion, float]]:
    """Return up to `limit` suggestions of `queryset` that may raise the same matter, best first, with their score.

    Only the suggestions shown are read whole, with what `queryset` joins to them (see `scored_similar`).
    """
    scored = scored_similar(title=title, content=content, queryset=queryset, min_score=min_score)[:limit]
    return load_scored(queryset, [(candidate.pk, candidate.score) for candidate in scored])


def load_scored(queryset: QuerySet[Suggestion], scored: list[tuple[int, float]]) -> list[tuple[Suggestion, float]]:
    """Read the scored suggestions whole from `queryset`, in the order given, with their scores.

    In one query, with what `queryset` joins to them; one `queryset` does not hold (deleted since, or not the
    person's to see) is left out.
    """
    shown = queryset.in_bulk([pk for pk, _score in scored]) if scored else {}
    return [(shown[pk], score) for pk, score in scored if pk in shown]


def scored_similar(
    *, title: str, content: str, queryset: QuerySet[Suggestion], min_score: float = MIN_DUPLICATE_SCORE
) -> list[Candidate]:
    """Score the suggestions of `queryset` that may raise the same matter as `title` and `content`, best first.

    The caller scopes `queryset` (the same body, not the suggestion itself, what the person may see) and keeps it
    small, as `duplicate_candidates` does: a cheap pre-filter picks candidates from every row of it and each
    candidate is then scored exactly in Python. Those under `min_score` are left out.
    """
    score = _similarity_to(title=title, content=content)
    scored = [
        Candidate(pk, other_title, other_content, year, score(other_title, other_content))
        for pk, other_title, other_content, year in _candidates(title, queryset)
    ]
    scored = [candidate for candidate in scored if candidate.score >= min_score]
    scored.sort(key=lambda candidate: (-candidate.score, -candidate.pk))
    return scored


def _candidates(title: str, queryset: QuerySet[Suggestion]) -> list[tuple[int, str, str, int]]:
    """Return the id, title, content and year of the suggestions of `queryset` worth scoring against `title`."""
    core = "".join(text_core(title))
    texts = queryset.order_by().values_list("pk", "title", "content", "year")
    if connection.vendor != "postgresql" or len(core) < 3:
        return list(texts.order_by("-created_at", "-id")[:FALLBACK_CANDIDATES])
    # The closest titles are picked by id in a subquery that reads only the covering index (id, title, status and
    # created_at ride along on body and year), so only the rows picked are read from the table. Ranking every
    # row and dropping those under the threshold after the limit keeps the same rows as filtering by the
    # threshold first (the ranking is by closeness), and computes each row's closeness once, not twice.
    closest = closest_titles(queryset, core).values("pk")[:POSTGRES_CANDIDATES]
    return list(
        texts.filter(pk__in=closest)
        .alias(title_closeness=_word_similarity(core))
        .filter(title_closeness__gte=TRIGRAM_THRESHOLD)
    )


def closest_titles(queryset: QuerySet[Suggestion], core: str) -> QuerySet[Suggestion]:
    """Order the suggestions by how close a stretch of their title comes to `core`, closest first (PostgreSQL only).

    Every row is ranked (pg_trgm's `word_similarity`): `queryset` should be narrowed by body and year first.
    """
    closest = queryset.annotate(title_closeness=_word_similarity(core))
    return closest.order_by("-title_closeness", "-created_at", "-id")


def _word_similarity(core: str) -> Func:
    return Func(
        Value(core, output_field=CharField()), F("title"), function="word_similarity", output_field=FloatField()
    )
