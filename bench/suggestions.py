"""Benchmark the suggestion pages on a province's ten years: 1,000,000 suggestions in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/suggestions.py [--rows N] [--reuse]

It creates its own database (`congress_bench_suggestions` on DATABASE_URL's server), migrates it and fills it
in SQL (INSERT … SELECT over generate_series, so a million rows take about a minute): eight counties, each with
two terms and one session a year, 40 units, 12 categories and 300 deputies; a realistic mix of statuses (older
years mostly closed, the latest year still being handled), an assignment for every assigned suggestion, answers
with grades for the answered ones and the deputies' ratings for three in four answers. `--reuse` skips the fill.

Then every case in `CASES` is requested through Django's test Client against the real URL map, as a logged-in
person, and its server-side p50/p95 and SQL query count are printed beside the minimal view's, measured in the
same run. Pages that land later (the staff list, search, detail, a unit's to-do list, the API list) are added as
rows of `CASES`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    EMPTY_STAFF_PAGE_URL,
    MINIMAL_LOGIN_URL,
    MINIMAL_URL,
    Case,
    database_url,
    page_case,
    print_table,
    recreate_database,
    setup_django,
    time_cases,
)

DATABASE = "congress_bench_suggestions"
COUNTIES, YEARS, UNITS, CATEGORIES, DEPUTIES = 8, 10, 40, 12, 300
PASSWORD = "bench-Password-1"

# (name, URL, who asks): "county" is one county's office staff (an eighth of the rows), "province" the
# provincial congress's office staff (every row). `{session}`, `{unit}`, `{detail}` and `{submitted}` are filled
# from the data.
CASES: list[tuple[str, str, str]] = [
    ("minimal view (baseline)", MINIMAL_URL, "county"),
    ("minimal signed-in view (baseline)", MINIMAL_LOGIN_URL, "county"),
    ("empty staff page (layout only, floor)", EMPTY_STAFF_PAGE_URL, "county"),
    ("staff home (to-do list), county", "/", "county"),
    ("staff home (to-do list), province", "/", "province"),
    ("stats page, one county (125k)", "/suggestions/stats/", "county"),
    ("stats page, county, latest session", "/suggestions/stats/?session={session}", "county"),
    ("stats page, county, one unit", "/suggestions/stats/?unit={unit}", "county"),
    (
        "stats page, county, one year assigned",
        "/suggestions/stats/?assigned_from={year}-01-01&assigned_to={year}-12-31",
        "county",
    ),
    ("stats page, whole province (1M)", "/suggestions/stats/", "province"),
    ("stats Excel export, one county", "/suggestions/stats/export/", "county"),
    ("staff list, county, first page", "/suggestions/", "county"),
    ("staff list, county, latest session", "/suggestions/?session={session}", "county"),
    ("staff list, county, session + status", "/suggestions/?session={session}&status=handling", "county"),
    ("staff list, county, latest session, page 100", "/suggestions/?session={session}&page=100", "county"),
    ("staff list, county, deep (page 200)", "/suggestions/?page=200", "county"),
    ("staff list, province, first page", "/suggestions/", "province"),
    ("text search, county (停车)", "/suggestions/?q=停车", "county"),
    ("text search, county (路)", "/suggestions/?q=路", "county"),
    ("text search, county (老旧小区改造)", "/suggestions/?q=老旧小区改造", "county"),
    # Past the overdue matches of a search over the 1,000 cap: the rest of its first 1,000, in the list's order.
    ("text search, county (停车), page 15", "/suggestions/?q=停车&page=15", "county"),
    ("detail, a closed suggestion", "/suggestions/{detail}/", "county"),
    ("detail, a submitted suggestion (duplicates)", "/suggestions/{submitted}/", "county"),
    ("unit to-do list", "/suggestions/unit/", "unit"),
    ("API list, county", "/api/v1/suggestions/", "county"),
    ("API list, county, one session", "/api/v1/suggestions/?session={session}", "county"),
    ("API list, province", "/api/v1/suggestions/", "province"),
]

TOPICS = [
    "农村公路养护",
    "义务教育学校布局",
    "城区停车难",
    "农村饮水安全",
    "乡镇卫生院建设",
    "养老服务设施",
    "河道综合治理",
    "农产品冷链物流",
    "老旧小区改造",
    "公交线路优化",
    "垃圾分类处理",
    "中小企业融资",
    "高标准农田建设",
    "学前教育资源",
    "文化广场建设",
    "山洪灾害防治",
    "电商进农村",
    "职业技能培训",
    "县城排水防涝",
    "森林防火通道",
]

# Indexes of the suggestion tables that back no constraint (primary keys and unique constraints stay).
SECONDARY_INDEXES_SQL = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename LIKE 'suggestions\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
"""

FILL_SQL = """
SELECT setseed(0.42);
INSERT INTO suggestions_suggestion (
    body_id, session_id, number, year, title, content, category_id, status, source, lead_deputy_id,
    reject_reason, reject_note, is_priority, supervising_leader_id, is_public, lead_unit_id, due_date,
    latest_grade, submitted_at, registered_at, assigned_at, answered_at, closed_at, created_by_id,
    created_at, updated_at)
SELECT
    body, session, number, year, title, content, category, status, 'deputy', deputy,
    CASE WHEN NOT registered AND status IN ('not_registered', 'archived') THEN 'no_content' ELSE '' END, '',
    priority, NULL, answered AND r_public > 0.6, CASE WHEN assigned THEN unit END,
    CASE WHEN assigned THEN (assigned_at + interval '3 months')::date END,
    CASE WHEN answered THEN grade ELSE '' END,
    CASE WHEN status <> 'draft' THEN submitted_at END, CASE WHEN registered THEN submitted_at + interval '10 days' END,
    CASE WHEN assigned THEN assigned_at END, CASE WHEN answered THEN answered_at END,
    CASE WHEN closed THEN closed_at END, creator, submitted_at, submitted_at
FROM (
    SELECT *,
        code NOT IN ('draft', 'submitted', 'not_registered', 'withdrawn', 'unregistered_archived') AS registered,
        code NOT IN ('draft', 'submitted', 'not_registered', 'withdrawn', 'unregistered_archived', 'registered')
            AS assigned,
        code IN ('answered', 'rehandling', 'follow_up', 'closed', 'revisited', 'archived') AS answered,
        code IN ('closed', 'revisited', 'archived') AS closed,
        CASE code WHEN 'unregistered_archived' THEN 'archived' ELSE code END AS status,
        answered_at + (5 + r_close * 150) * interval '1 day' AS closed_at
    FROM (
        SELECT *,
            submitted_at + (15 + r_assign * 10) * interval '1 day' AS assigned_at,
            submitted_at + (35 + r_answer * 100) * interval '1 day' AS answered_at
        FROM (
            SELECT
                g, county, year_idx,
                (%(bodies)s::int[])[county + 1] AS body,
                (%(sessions)s::int[])[county * %(years)s + year_idx + 1] AS session,
                (%(creators)s::int[])[county + 1] AS creator,
                g / (%(counties)s * %(years)s) + 1 AS number,
                (%(first_year)s + year_idx)::int AS year,
                '关于' || (%(topics)s::text[])[1 + (g * 7 + year_idx) %% 20] || '的建议（' || g || '）' AS title,
                repeat('建议有关部门统筹资金、明确责任、加快推进，切实解决群众反映强烈的问题。', 8) AS content,
                (%(categories)s::int[])[county * %(n_categories)s + (floor(random() * %(n_categories)s))::int + 1]
                    AS category,
                (%(units)s::int[])[county * %(n_units)s + (floor(random() * %(n_units)s))::int + 1] AS unit,
                (%(deputies)s::int[])[county * %(n_deputies)s + (floor(random() * %(n_deputies)s))::int + 1]
                    AS deputy,
                CASE WHEN year_idx < %(years)s - 1 THEN
                    CASE WHEN r < 0.03 THEN 'not_registered' WHEN r < 0.04 THEN 'withdrawn'
                         WHEN r < 0.06 THEN 'unregistered_archived' WHEN r < 0.09 THEN 'follow_up'
                         WHEN r < 0.10 THEN 'rehandling' WHEN r < 0.40 THEN 'closed'
                         WHEN r < 0.65 THEN 'revisited' ELSE 'archived' END
                ELSE
                    CASE WHEN r < 0.02 THEN 'draft' WHEN r < 0.05 THEN 'submitted' WHEN r < 0.07 THEN 'not_registered'
                         WHEN r < 0.08 THEN 'withdrawn' WHEN r < 0.10 THEN 'registered' WHEN r < 0.18 THEN 'assigned'
                         WHEN r < 0.40 THEN 'handling' WHEN r < 0.60 THEN 'answered' WHEN r < 0.65 THEN 'follow_up'
                         WHEN r < 0.67 THEN 'rehandling' WHEN r < 0.90 THEN 'closed' ELSE 'revisited' END
                END AS code,
                CASE WHEN r_grade < 0.55 THEN 'A' WHEN r_grade < 0.80 THEN 'B' WHEN r_grade < 0.92 THEN 'C' ELSE 'D' END
                    AS grade,
                r_priority < 0.05 AS priority, r_public,
                make_timestamptz((%(first_year)s + year_idx)::int, 1, 10, 9, 0, 0, 'Asia/Shanghai')
                    + r_submit * interval '3 days' AS submitted_at,
                r_assign, r_answer, r_close
            FROM (
                SELECT g, g %% %(counties)s AS county, (g / %(counties)s) %% %(years)s AS year_idx,
                    random() AS r, random() AS r_grade, random() AS r_priority, random() AS r_public,
                    random() AS r_submit, random() AS r_assign, random() AS r_answer, random() AS r_close
                FROM generate_series(0, %(rows)s - 1) AS g
            ) AS draws
        ) AS picked
    ) AS dated
) AS generated;

INSERT INTO suggestions_signer (suggestion_id, deputy_id, role, invited_at, confirmed_at)
SELECT id, lead_deputy_id, 'lead', created_at, created_at FROM suggestions_suggestion;

INSERT INTO suggestions_assignment (
    suggestion_id, unit_id, role, status, assigned_at, assigned_by_id, reroute_deadline, co_opinion_due,
    answer_due, hard_deadline, accepted_at, accepted_by_id, reroute_reason, completed_at)
SELECT id, lead_unit_id, 'lead',
    CASE WHEN status = 'assigned' THEN 'assigned'
         WHEN status IN ('handling', 'rehandling', 'follow_up') THEN 'accepted' ELSE 'answered' END,
    assigned_at, created_by_id, (assigned_at + interval '9 days')::date, NULL, due_date,
    (assigned_at + interval '6 months')::date,
    CASE WHEN status <> 'assigned' THEN assigned_at + interval '2 days' END, NULL, '', answered_at
FROM suggestions_suggestion WHERE assigned_at IS NOT NULL;

INSERT INTO suggestions_answer (
    suggestion_id, assignment_id, kind, grade, text, letter, letter_name, is_public, answered_by_id,
    answered_at, rating_due)
SELECT s.id, a.id, 'first', s.latest_grade, '经研究，现答复如下：……', '', '', s.is_public, s.created_by_id,
    s.answered_at, (s.answered_at + interval '28 days')::date
FROM suggestions_suggestion s JOIN suggestions_assignment a ON a.suggestion_id = s.id AND a.role = 'lead'
WHERE s.answered_at IS NOT NULL;

INSERT INTO suggestions_rating (answer_id, deputy_id, attitude, result, comment, rated_by_id, rated_at)
SELECT id, deputy, result, result, '', creator, answered_at + interval '7 days'
FROM (
    SELECT a.id, s.lead_deputy_id AS deputy, s.created_by_id AS creator, a.answered_at,
        CASE WHEN s.status = 'rehandling' THEN 'unsatisfied'
             WHEN r < 0.70 THEN 'satisfied' WHEN r < 0.93 THEN 'basically_satisfied' ELSE 'unsatisfied' END
            AS result,
        rated
    FROM (SELECT *, random() AS r, random() < 0.75 AS rated FROM suggestions_answer) AS a
    JOIN suggestions_suggestion s ON s.id = a.suggestion_id
) AS rated_answers
WHERE rated;

-- The rating service keeps the latest rating on the suggestion (one answer each here, rated by the lead).
UPDATE suggestions_suggestion s SET latest_rating = r.result
FROM suggestions_answer a JOIN suggestions_rating r ON r.answer_id = a.id
WHERE a.suggestion_id = s.id;
"""


def build_reference(first_year: int) -> dict:
    """Create the province, its counties and their terms, sessions, units, categories, deputies and logins."""
    from congress.models import Body, CongressSession, Role, RoleGrant, Term, Unit, User
    from deputies.models import Deputy, Level
    from suggestions.models import Category

    province = Body.objects.create(name="江南省人民代表大会", kind=Body.Kind.PROVINCE_CONGRESS)
    province_office = User.objects.create_user("bench_province", password=PASSWORD, body=province)
    RoleGrant.objects.create(user=province_office, role=Role.OFFICE_STAFF)
    ids: dict[str, list[int]] = {k: [] for k in ("bodies", "sessions", "units", "categories", "deputies", "creators")}
    county_office = None
    for county in range(COUNTIES):
        name = f"第{county + 1}县"
        congress = Body.objects.create(name=f"{name}人民代表大会", kind=Body.Kind.COUNTY_CONGRESS, parent=province)
        committee = Body.objects.create(
            name=f"{name}人民代表大会常务委员会", kind=Body.Kind.STANDING_COMMITTEE, parent=congress
        )
        office = User.objects.create_user(f"bench_office_{county}", password=PASSWORD, body=committee)
        RoleGrant.objects.create(user=office, role=Role.OFFICE_STAFF)
        county_office = county_office or office
        split = first_year + 5
        older = Term.objects.create(
            body=congress, number=17, start_date=dt.date(first_year - 1, 12, 28), end_date=dt.date(split - 1, 12, 27)
        )
        current = Term.objects.create(body=congress, number=18, start_date=dt.date(split - 1, 12, 28))
        for year in range(first_year, first_year + YEARS):
            term = older if year < split else current
            number = year - (first_year if year < split else split) + 1
            session = CongressSession.objects.create(
                term=term, number=number, start_date=dt.date(year, 1, 10), end_date=dt.date(year, 1, 13)
            )
            ids["sessions"].append(session.pk)
        units = Unit.objects.bulk_create(
            Unit(
                body=congress,
                code=f"C{county}U{k:02d}",
                name=f"{name}第{k + 1}局",
                kind=Unit.Kind.GOVERNMENT_DEPARTMENT,
            )
            for k in range(UNITS)
        )
        categories = Category.objects.bulk_create(
            Category(body=congress, name=topic[:4] + str(k), sort_order=k)
            for k, topic in enumerate(TOPICS[:CATEGORIES])
        )
        deputies = Deputy.objects.bulk_create(
            Deputy(
                body=congress,
                term=current,
                code=f"C{county}D{k:03d}",
                name=f"代表{county}-{k}",
                gender="male",
                level=Level.COUNTY,
            )
            for k in range(DEPUTIES)
        )
        ids["bodies"].append(congress.pk)
        ids["creators"].append(office.pk)
        ids["units"] += [unit.pk for unit in units]
        ids["categories"] += [category.pk for category in categories]
        ids["deputies"] += [deputy.pk for deputy in deputies]
    return {"ids": ids, "county_office": county_office, "province_office": province_office}


def fill(rows: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    first_year = dt.date.today().year - YEARS + 1
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    reference = build_reference(first_year)
    params = {
        **reference["ids"],
        "topics": TOPICS,
        "rows": rows,
        "counties": COUNTIES,
        "years": YEARS,
        "first_year": first_year,
        "n_units": UNITS,
        "n_categories": CATEGORIES,
        "n_deputies": DEPUTIES,
    }
    with connection.cursor() as cursor:
        # Building an index once is far faster than updating it a million times (above all the trigram GIN
        # indexes for search), so the secondary indexes go while the rows go in, and come back after.
        cursor.execute(SECONDARY_INDEXES_SQL)
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for statement in FILL_SQL.split(";\n"):
            if statement.strip():
                step = time.perf_counter()
                cursor.execute(statement, params)
                print(f"  {statement.strip().splitlines()[0][:60]:<60} {time.perf_counter() - step:6.1f} s")
        step = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        print(f"  {len(indexes)} secondary indexes rebuilt in {time.perf_counter() - step:.1f} s")
    print(f"filled {rows:,} suggestions in {time.perf_counter() - start:.1f} s")
    from suggestions.tallies import tally_rebuild

    # The triggers kept the statistics' tally through the fill, one change per statement; a rebuild folds
    # it into its final shape, as `rebuild_suggestion_tallies` does after a bulk load.
    step = time.perf_counter()
    keys = tally_rebuild()
    print(f"statistics tally rebuilt ({keys:,} keys) in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"vacuum analyze in {time.perf_counter() - step:.1f} s")


def report_sizes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("suggestion", "assignment", "answer", "rating", "signer"):
            name = f"suggestions_{table}"
            cursor.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{name}')) FROM {name}")
            count, size = cursor.fetchone()
            print(f"  suggestions_{table:<11} {count:>10,} rows {size:>10}")
        cursor.execute("SELECT status, count(*) FROM suggestions_suggestion GROUP BY status ORDER BY 2 DESC")
        print("  statuses: " + ", ".join(f"{status} {count:,}" for status, count in cursor.fetchall()))


def run_cases(runs: int, only: str = "") -> None:
    from django.test import Client

    from congress.models import CongressSession, Role, RoleGrant, Unit, User
    from suggestions import stats
    from suggestions.models import Suggestion
    from suggestions.services.duplicates import suggestions_search_duplicates

    county = User.objects.get(username="bench_office_0")
    county_body = county.body.parent
    unit = Unit.objects.filter(body=county_body).order_by("pk").first()
    handler, _created = User.objects.get_or_create(
        username="bench_handler_0", defaults={"body": county.body, "unit": unit}
    )
    RoleGrant.objects.get_or_create(user=handler, role=Role.UNIT_HANDLER)
    users = {"county": county, "province": User.objects.get(username="bench_province"), "unit": handler}
    clients = {}
    for key, user in users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    session = CongressSession.objects.filter(term__body=county_body).order_by("-start_date").first()
    detail = Suggestion.objects.filter(body=county_body, status=Suggestion.Status.CLOSED).order_by("pk").first()
    # Under review, so the page looks for its possible duplicates among the county's near-identical titles.
    submitted = Suggestion.objects.filter(body=county_body, status=Suggestion.Status.SUBMITTED).order_by("pk").first()
    values = {
        "session": session.pk,
        "unit": unit.pk,
        "year": session.start_date.year - 1,
        "detail": detail.pk,
        "submitted": submitted.pk,
    }
    worker = []
    if not only or "duplicates" in only:
        # A worker searches a submission's possible duplicates once, as it commits; the page then reads what the
        # search kept. The fill wrote its rows in SQL, past the services, so the search is made here, first: its
        # warm-up runs before the detail page is requested.
        worker.append(
            Case(
                "duplicates search (worker), one suggestion",
                "(task)",
                lambda: suggestions_search_duplicates(suggestion_ids=[submitted.pk]),
            )
        )
    cases = [*worker]
    for name, url, who in CASES:
        if only and only not in name and "baseline" not in name and "floor" not in name:
            continue
        cases.append(page_case(clients[who], name, url.format(**values)))
    if not only or "stats" in only:
        county_user = User.objects.select_related("body").get(pk=users["county"].pk)
        province_user = User.objects.select_related("body").get(pk=users["province"].pk)
        cases.append(
            Case(
                "stats selectors, one county",
                "(selector)",
                lambda: stats.suggestion_stats(user=county_user, filters={}),
            )
        )
        cases.append(
            Case(
                "stats selectors, whole province",
                "(selector)",
                lambda: stats.suggestion_stats(user=province_user, filters={}),
            )
        )
    print(f"timing {len(cases)} cases, {runs} runs each, taken in turn")
    timings = time_cases(cases, runs=runs)
    # The worker's task last, as before: the table opens with the baselines it is read against.
    timings = timings[len(worker) :] + timings[: len(worker)]
    print_table(timings, baseline=timings[0], login_baseline=timings[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="suggestions to create (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per case (default 15)")
    parser.add_argument("--reuse", action="store_true", help="keep the database filled by an earlier run")
    parser.add_argument("--only", default="", help="time only the cases whose name contains this text")
    parser.add_argument(
        "--database",
        default=DATABASE,
        help=f"the database to fill or reuse (default {DATABASE}), e.g. for a second size",
    )
    args = parser.parse_args()
    url = database_url(args.database)
    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the code may have gained migrations since the fill
    else:
        fill(args.rows)
    report_sizes()
    run_cases(args.runs, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
