"""Text search and duplicate detection for suggestions, written for Chinese text.

Chinese has no spaces between words, so neither search nor similarity splits text into words:

- `search_suggestions` matches substrings, case-insensitively (as `ILIKE '%…%'`). On PostgreSQL a term of
  three characters or more is written as `LIKE`/`ILIKE '%…%'`, which the GIN trigram indexes on title and
  content (migration 0002_search_trigram_indexes) answer without a table scan; pg_trgm counts CJK characters
  as word characters because the database's ctype is a UTF-8 locale (C.UTF-8). A shorter term (教育, 路) gives
  pg_trgm no trigram; it is looked up in the unigram and bigram index of migration 0005_search_grams
  instead, when that index narrows the rows to a few, and otherwise tested row by row with a cheap `LIKE`.
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
from collections import Counter
from collections.abc import Callable
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
# How many matching rows, per byte of work_mem, the gram index may hand to the table (see `_grams_are_selective`).
GRAM_ROWS_PER_WORK_MEM_BYTE = 1 / 128
# The share of rows PostgreSQL's planner assumes for an array element missing from the statistics' list.
UNLISTED_GRAM_SHARE = 0.005

# The statistics ANALYZE keeps on the gram index: the share of rows holding each of the most common grams; and
# the share of rows in the body that holds the most (each body of a scope is searched on its own, see below).
GRAM_STATISTICS_SQL = """
SELECT c.reltuples, pg_size_bytes(current_setting('work_mem')), s.freqs[cardinality(s.elems) + 1],
    ARRAY(SELECT s.freqs[array_position(s.elems, gram)] FROM unnest(%s::text[]) WITH ORDINALITY AS t(gram, n)
          ORDER BY n),
    (SELECT max(share) FROM pg_stats b, unnest(b.most_common_freqs) AS share
     WHERE b.schemaname = current_schema() AND b.tablename = 'suggestions_suggestion' AND b.attname = 'body_id')
FROM pg_class c
JOIN (SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats
      WHERE schemaname = current_schema() AND tablename = 'suggestion_search_body_grams_idx'
        AND attname = 'suggestion_search_grams') AS s ON true
WHERE c.oid = 'suggestions_suggestion'::regclass
"""


class _SearchGrams(Func):
    """The indexed unigrams and bigrams of a suggestion's lower-cased title and content (PostgreSQL only)."""

    function = "suggestion_search_grams"
    # A text[] in the database; only `_HasTermGrams` reads it, so no array field (and no SQLite-less import).
    output_field = TextField()


class _SearchedText(Func):
    """`title || ' ' || content`: no index is on it, so a LIKE on it is checked row by row (PostgreSQL only)."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


class _HasTermGrams(Lookup):
    """`grams @> suggestion_search_term_grams(term)`: every gram of the term is among the text's grams."""

    lookup_name = "has_term_grams"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> suggestion_search_term_grams({rhs})", [*lhs_params, *rhs_params]


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


def search_suggestions(queryset: QuerySet[Suggestion], text: str, *, by_body: bool = False) -> QuerySet[Suggestion]:
    """Keep the suggestions whose title or content contains every term of `text`.

    `by_body`: the queryset keeps the suggestions of some bodies (a person's scope, a county's public pages), so
    PostgreSQL reads the gram index once per body (see `_grams_are_selective`).
    """
    terms = search_terms(text)
    if connection.vendor != "postgresql":
        for term in terms:
            queryset = queryset.filter(_icontains(term))
        return queryset
    short = [term for term in terms if _is_short(term)]
    use_grams = bool(short) and _grams_are_selective(short, by_body=by_body)
    for term in terms:
        queryset = queryset.filter(_short_term(term, use_grams=use_grams) if term in short else _long_term(term))
    return queryset


def _icontains(term: str) -> Q:
    condition = Q()
    for field in SEARCHED_FIELDS:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def _is_short(term: str) -> bool:
    # A few letters change length with case ("İ".lower() is two characters): with them the gram test would no
    # longer be exact, so they go the trigram way, which checks every row it finds.
    return len(term) <= GRAM_TERM_LENGTH and len(term.lower()) == len(term) == len(term.upper())


def _is_caseless(term: str) -> bool:
    # Without letters that have a case, LIKE finds what ILIKE would, without lower-casing every row it checks.
    return term.lower() == term == term.upper()


def _short_term(term: str, *, use_grams: bool) -> Q:
    """Match a term of one or two characters: by the gram index when it is selective, else row by row.

    The grams hold every character and every two adjacent characters of lower(title) and of lower(content),
    and ILIKE compares lower(text) with lower(term), so holding a short term's gram is the same as containing
    it: the index's answer needs no check. The LIKE beside it is there for plans that read rows in the list's
    order and test each (it is far cheaper than computing the grams, which PostgreSQL then does only for the
    rows LIKE keeps). Without the index, the same LIKE on `title || ' ' || content` (the term holds no space,
    so it cannot match across the two) keeps pg_trgm from scanning its whole index for a trigram-less term.
    """
    lookup = _Like if _is_caseless(term) else _ILike
    pattern = Value(f"%{connection.ops.prep_for_like_query(term)}%", output_field=TextField())
    condition = Q(lookup(_SearchedText(*(F(field) for field in SEARCHED_FIELDS)), pattern))
    if use_grams:
        grams = _SearchGrams(*(F(field) for field in SEARCHED_FIELDS))
        condition &= Q(_HasTermGrams(grams, Value(term, output_field=TextField())))
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


def _grams_are_selective(terms: list[str], *, by_body: bool = False) -> bool:
    """Say whether the gram index narrows the suggestions holding every term to a few (by ANALYZE's statistics).

    A GIN index answers with a bitmap of the matching rows; past what work_mem holds, the bitmap keeps whole
    pages instead of rows, and PostgreSQL must then compute every row's grams on those pages again (some 0.3 ms
    each): for a gram in a tenth of a million suggestions, that is seconds, where testing the rows with LIKE
    takes a fraction of one. Like the planner, the estimate takes the terms as independent and an unlisted
    gram as rarer than every listed one; without statistics yet (a new table) the index is used.

    The index is keyed by body first (0012_search_grams_by_body): searching the suggestions of some bodies, one
    bitmap is made per body, so what must fit is the largest body's matches (`by_body`), not the whole table's.
    """
    grams = [term.lower() for term in terms]
    with connection.cursor() as cursor:
        cursor.execute(GRAM_STATISTICS_SQL, [grams])
        row = cursor.fetchone()
    return row is None or _few_enough(*row, by_body=by_body)


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
