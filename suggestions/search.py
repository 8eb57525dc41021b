"""Text search and duplicate detection for suggestions, written for Chinese text.

Chinese has no spaces between words, so neither search nor similarity splits text into words:

- `search_suggestions` matches substrings. On PostgreSQL it writes `ILIKE '%…%'`, which the GIN trigram
  indexes on title and content (migration 0002_search_trigram_indexes) answer without a table scan; pg_trgm
  counts CJK characters as word characters because the database's ctype is a UTF-8 locale (C.UTF-8). A
  term needs three characters to give the index a trigram; a shorter one is still found, by a scan.
- `similar_suggestions` compares character bigrams, which catch the same matter worded differently
  ("关于加快城关镇老旧小区改造的建议" / "建议加快推进城关镇老旧小区改造") without a segmentation library.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from django.db import connection, transaction
from django.db.models import F, FloatField, Func, Lookup, Q, QuerySet, Value
from django.db.models.fields import CharField, TextField

from suggestions.models import Suggestion

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
# pg_trgm's word similarity between a title's core and a stored title above which a row is a candidate;
# low enough to keep "加快推进城关镇老旧小区改造" for "加快城关镇老旧小区改造" (0.67), high enough to skip
# titles that only share the filler.
TRIGRAM_THRESHOLD = 0.3
TITLE_WEIGHT = 0.5


class _ILike(Lookup):
    """`lhs ILIKE rhs`: the case-insensitive LIKE pg_trgm's GIN index answers (Django's icontains uses UPPER)."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


class _TitleNearlyContains(Lookup):
    """`lhs %> rhs`: some stretch of lhs is trigram-similar to rhs (pg_trgm's word similarity, GIN-indexed)."""

    lookup_name = "trigram_nearly_contains"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %%> {rhs}", [*lhs_params, *rhs_params]


def search_terms(text: str) -> list[str]:
    """Split a search box's text into its terms (ASCII or ideographic spaces separate them)."""
    return [term for term in (text or "").split() if term]


def search_suggestions(queryset: QuerySet[Suggestion], text: str) -> QuerySet[Suggestion]:
    """Keep the suggestions whose title or content contains every term of `text`."""
    for term in search_terms(text):
        queryset = queryset.filter(_contains_term(term))
    return queryset


def _contains_term(term: str) -> Q:
    if connection.vendor == "postgresql":
        pattern = f"%{connection.ops.prep_for_like_query(term)}%"
        condition = Q()
        for field in SEARCHED_FIELDS:
            output = CharField() if field == "title" else TextField()
            condition |= Q(_ILike(F(field), Value(pattern, output_field=output)))
        return condition
    condition = Q()
    for field in SEARCHED_FIELDS:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


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
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
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
    title_score = dice(bigrams(title_a), bigrams(title_b))
    if not text_core(content_a):
        return round(title_score, 3)
    text_score = cosine(bigrams(f"{title_a}\n{content_a}"), bigrams(f"{title_b}\n{content_b}"))
    return round(TITLE_WEIGHT * title_score + (1 - TITLE_WEIGHT) * text_score, 3)


def similar_suggestions(
    *,
    title: str,
    content: str,
    queryset: QuerySet[Suggestion],
    limit: int = 5,
    min_score: float = 0.2,
) -> list[tuple[Suggestion, float]]:
    """Return up to `limit` suggestions of `queryset` that may raise the same matter, best first, with their score.

    The caller scopes `queryset` (the same body, not the suggestion itself, what the person may see);
    a cheap pre-filter picks candidates from it and each candidate is then scored exactly in Python.
    """
    candidates = _candidates(title=title, queryset=queryset)
    scored = [
        (item, similarity(title_a=title, content_a=content, title_b=item.title, content_b=item.content))
        for item in candidates
    ]
    scored = [pair for pair in scored if pair[1] >= min_score]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[:limit]


def _candidates(*, title: str, queryset: QuerySet[Suggestion]) -> list[Suggestion]:
    core = "".join(text_core(title))
    recent = queryset.order_by("-created_at", "-id")
    if connection.vendor != "postgresql" or len(core) < 3:
        return list(recent[:FALLBACK_CANDIDATES])
    # `title %> core` is true when some stretch of the title shares enough trigrams with the core; the GIN
    # trigram index on title answers it. The threshold is a setting, so it is set for this transaction only.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [TRIGRAM_THRESHOLD])
        return list(closest_titles(queryset, core)[:POSTGRES_CANDIDATES])


def closest_titles(queryset: QuerySet[Suggestion], core: str) -> QuerySet[Suggestion]:
    """Keep the suggestions whose title has a stretch trigram-similar to `core`, closest first (PostgreSQL only)."""
    closest = queryset.filter(_TitleNearlyContains(F("title"), Value(core, output_field=CharField())))
    closest = closest.annotate(
        title_closeness=Func(Value(core), F("title"), function="word_similarity", output_field=FloatField())
    )
    return closest.order_by("-title_closeness", "-created_at", "-id")
