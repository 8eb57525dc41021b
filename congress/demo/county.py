"""Build the demo county step by step: bodies, terms, units, stations, deputies, logins.

Each step reads what earlier steps put on the `DemoCounty` and writes with bulk upserts keyed on
natural keys (body name, unit code, station and group names, deputy code, username), so a second
run updates rows in place and the counts stay the same. Later demo steps (suggestions,
supervision, activities) add a `build_…` function here and a line in `STEPS`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from congress.apikeys import DISPLAY_PREFIX_LENGTH, hash_key
from congress.demo import people
from congress.demo.names import NameMaker
from congress.demo.places import (
    COUNTY,
    COUNTY_REGION_CODE,
    EDUCATION_UNIT,
    MOBILE_PREFIX,
    OFFICE_UNIT,
    POINTS_PER_TOWNSHIP,
    SESSIONS,
    TERM_NUMBER,
    TERM_START,
    TOWNSHIPS,
    UNITS,
    Township,
    landline,
)
from congress.demo.suggestions import build_suggestions
from congress.models import ApiKey, Body, CongressSession, Role, RoleGrant, Term, Unit, User
from congress.text import chinese_ordinal
from deputies.models import Constituency, Deputy, DeputyGroup, Level, Station

DEMO_PASSWORD = "congress-demo"  # printed on purpose: these are demo logins, refused outside DEBUG
# The demo county system's client key, fixed so the README's curl examples work; refused outside DEBUG too.
DEMO_API_KEY = "cgk_demo-qingshan-county-data-platform"
DEMO_API_SCOPES = ("reference:read", "roster:read", "users:read", "notifications:read")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    roles: tuple[Role, ...]
    title: str
    unit_code: str = ""


DEMO_LOGINS = (
    DemoLogin("admin", (Role.SYSADMIN,), "信息中心系统管理员"),
    DemoLogin("office", (Role.OFFICE_STAFF,), "办公室科员", OFFICE_UNIT),
    DemoLogin("leader", (Role.LEADER,), "常委会主任"),
    DemoLogin("member", (Role.COMMITTEE_MEMBER,), "常委会委员"),
    DemoLogin("deputy", (Role.DEPUTY,), "县人大代表"),
    DemoLogin("handler", (Role.UNIT_HANDLER,), "建议办理联络员", EDUCATION_UNIT),
    DemoLogin("unithead", (Role.UNIT_HEAD,), "局长", EDUCATION_UNIT),
    DemoLogin("apiclient", (Role.API_CLIENT,), "政务数据共享平台接口"),
)

# Models the demo writes, in the order the summary lists them.
COUNTED_MODELS = (
    "congress.Body",
    "congress.Term",
    "congress.CongressSession",
    "congress.Unit",
    "deputies.Station",
    "deputies.Constituency",
    "deputies.DeputyGroup",
    "deputies.Deputy",
    "congress.User",
    "congress.RoleGrant",
)


@dataclass
class DemoCounty:
    """What the steps have built so far, for the steps that follow."""

    rng: random.Random
    names: NameMaker
    congress: Body | None = None
    committee: Body | None = None
    township_bodies: dict[str, Body] = field(default_factory=dict)
    term: Term | None = None
    township_terms: dict[str, Term] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    centre: Station | None = None
    stations: dict[str, Station] = field(default_factory=dict)
    points: dict[str, list[Station]] = field(default_factory=dict)
    deputies: list[Deputy] = field(default_factory=list)
    categories: dict[int, str] = field(default_factory=dict)  # deputy pk -> roster category
    users: dict[str, User] = field(default_factory=dict)


def upsert(model: type[models.Model], objs: Sequence[models.Model], *, keys: Iterable[str]) -> list:
    """Insert `objs` or update the rows with the same natural key; every object gets its pk."""
    keys = list(keys)
    update_fields = [
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in keys and f.name not in _KEEP
    ]
    return model.objects.bulk_create(objs, update_conflicts=True, unique_fields=keys, update_fields=update_fields)


# Columns an upsert leaves alone on existing rows: set once, or managed by a later step.
_KEEP = {"granted_at", "date_joined", "last_login", "user", "convenor", "parent"}


def build_bodies(demo: DemoCounty) -> None:
    """Create the county congress, its standing committee and a body per township and street."""
    wanted = [(f"{COUNTY}人民代表大会", Body.Kind.COUNTY_CONGRESS)]
    wanted.append((f"{COUNTY}人民代表大会常务委员会", Body.Kind.STANDING_COMMITTEE))
    for township in TOWNSHIPS:
        kind = Body.Kind.STREET_COMMITTEE if township.is_street else Body.Kind.TOWNSHIP_CONGRESS
        wanted.append((township.body_name, kind))
    existing = {(b.name, b.kind): b for b in Body.objects.filter(name__in=[name for name, _ in wanted])}

    def body(name: str, kind: str, *, parent: Body | None, short_name: str, region_code: str) -> Body:
        found = existing.get((name, kind)) or Body(name=name, kind=kind)
        if found.pk is None or (found.parent_id, found.short_name, found.region_code) != (
            parent.pk if parent else None,
            short_name,
            region_code,
        ):
            found.parent, found.short_name, found.region_code = parent, short_name, region_code
            found.save()
        return found

    demo.congress = body(*wanted[0], parent=None, short_name=f"{COUNTY}人大", region_code=COUNTY_REGION_CODE)
    demo.committee = body(
        *wanted[1], parent=demo.congress, short_name=f"{COUNTY}人大常委会", region_code=COUNTY_REGION_CODE
    )
    for township, (name, kind) in zip(TOWNSHIPS, wanted[2:], strict=True):
        # A street has no congress of its own: its working committee is an organ of the standing committee.
        parent = demo.committee if township.is_street else demo.congress
        demo.township_bodies[township.code] = body(
            name, kind, parent=parent, short_name=township.name, region_code=township.region_code
        )


def build_terms(demo: DemoCounty) -> None:
    """Create the 18th term with its five January sessions, and each township congress's term."""
    # A term lasts until the next congress first meets (OL art. 3), so it has no fixed end here.
    terms = [Term(body=demo.congress, number=TERM_NUMBER, start_date=TERM_START, end_date=None)]
    townships = [t for t in TOWNSHIPS if not t.is_street]
    for index, township in enumerate(townships):
        start = TERM_START.replace(year=2021, month=12, day=20 + index % 8)
        terms.append(Term(body=demo.township_bodies[township.code], number=township.term_number, start_date=start))
    terms = upsert(Term, terms, keys=["body", "number"])
    demo.term = terms[0]
    demo.township_terms = {t.code: term for t, term in zip(townships, terms[1:], strict=True)}
    upsert(
        CongressSession,
        [
            CongressSession(term=demo.term, number=number, start_date=start, end_date=end, location=location)
            for number, start, end, location in SESSIONS
        ],
        keys=["term", "number"],
    )


def build_units(demo: DemoCounty) -> None:
    """Create the handling units, the townships and streets, and the committee's own offices."""
    units = upsert(
        Unit,
        [
            Unit(
                body=demo.congress,
                code=row.code,
                name=row.name,
                short_name=row.short_name,
                kind=row.kind,
                phone=landline(index),
                address=row.address,
                sort_order=(index + 1) * 10,
                is_active=True,
            )
            for index, row in enumerate(UNITS)
        ],
        keys=["body", "code"],
    )
    demo.units = {unit.code: unit for unit in units}
    for row, unit in zip(UNITS, units, strict=True):
        unit.parent = demo.units[row.parent] if row.parent else None
    Unit.objects.bulk_update(units, ["parent"])


def build_stations(demo: DemoCounty) -> None:
    """Create Changshan's "1+14+36": one liaison centre, a station per township, 36 contact points."""
    (demo.centre,) = upsert(
        Station,
        [
            Station(
                body=demo.congress,
                name=f"{COUNTY}人大代表联络中心",
                kind=Station.Kind.CENTRE,
                address=f"{COUNTY}人民路3号",
                phone=landline(90),
            )
        ],
        keys=["body", "name"],
    )
    stations = [
        Station(
            body=demo.township_bodies[t.code],
            name=f"{t.name}人大代表{'之家' if t.is_street else '联络站'}",
            kind=Station.Kind.HOME if t.is_street else Station.Kind.STATION,
            parent=demo.centre,
            township=demo.units[t.code],
            address=f"{COUNTY}{t.name}{t.road}{8 + index * 3}号",
            phone=landline(100 + index),
        )
        for index, t in enumerate(TOWNSHIPS)
    ]
    stations = upsert(Station, stations, keys=["body", "name"])
    demo.stations = {t.code: station for t, station in zip(TOWNSHIPS, stations, strict=True)}
    points, owners = [], []
    for t in TOWNSHIPS:
        for index, village in enumerate(t.villages[: POINTS_PER_TOWNSHIP[t.code]]):
            label = t.village_label(village)
            points.append(
                Station(
                    body=demo.township_bodies[t.code],
                    name=f"{label}人大代表联络点",
                    kind=Station.Kind.POINT,
                    parent=demo.stations[t.code],
                    township=demo.units[t.code],
                    address=f"{COUNTY}{t.name}{label}{'居委会' if t.is_street else '村委会'}",
                    phone=landline(200 + len(points) + index),
                )
            )
            owners.append(t.code)
    for code, point in zip(owners, upsert(Station, points, keys=["body", "name"]), strict=True):
        demo.points.setdefault(code, []).append(point)
    # The upserts leave `parent` alone on rows that already exist; set it for every row here.
    Station.objects.bulk_update([*stations, *(p for ps in demo.points.values() for p in ps)], ["parent"])


@dataclass
class _Seat:
    """A deputy about to be written, with the roster facts the later steps need."""

    deputy: Deputy
    category: str
    township: Township
    group_name: str = ""
    convenes: bool = False


def build_deputies(demo: DemoCounty) -> None:
    """Create the roster: constituencies, deputy groups, ~300 deputies at five levels, convenors."""
    rng = demo.rng
    occupations = people.Occupations(rng)
    seats: list[_Seat] = []
    constituencies: list[Constituency] = []

    def seat(*, body: Body, code: str, level: str, category: str, township: Township, occupation: str = "") -> _Seat:
        text = occupations.claim(occupation) if occupation else occupations.draw(category, township)
        profile = people.profile(rng, category=category, occupation=text, on=TERM_START)
        if text == people.COUNTY_LEADERS[-1]:
            # One vice county head comes from a democratic party, as the united front asks.
            profile = replace(profile, party="民建会员")
        deputy = Deputy(
            body=body,
            code=code,
            name=demo.names.make(female=profile.female),
            gender=Deputy.Gender.FEMALE if profile.female else Deputy.Gender.MALE,
            birth_date=profile.birth_date,
            ethnicity=profile.ethnicity,
            party=profile.party,
            occupation=profile.occupation,
            level=level,
            phone=f"{MOBILE_PREFIX}{len(seats) + 1:08d}",
            id_card_number="",
            is_active=True,
        )
        placed = _Seat(deputy, category, township)
        seats.append(placed)
        return placed

    # Deputies to higher congresses who live in the county sit on its roster and meet at the centre.
    higher = [(Level.NATIONAL, "N", ["village"]), (Level.PROVINCIAL, "P", ["entrepreneur", "village", "doctor"])]
    higher.append((Level.CITY, "C", [people.pick_category(rng, people.CITY_MIX) for _ in range(12)]))
    for level, prefix, categories in higher:
        for number, category in enumerate(categories, start=1):
            placed = seat(
                body=demo.congress,
                code=f"{prefix}{number:03d}",
                level=level,
                category=category,
                township=rng.choice(TOWNSHIPS),
            )
            placed.group_name = "在青省市人大代表小组"
            placed.deputy.station = demo.centre if level != Level.CITY else demo.stations[placed.township.code]

    county_number = 0
    for index, township in enumerate(TOWNSHIPS):
        area_group = f"{township.name}代表小组"
        # County deputies are elected one to three per constituency.
        districts = [
            Constituency(
                body=demo.congress,
                name=f"{township.name}第{chinese_ordinal(number)}选区",
                township=demo.units[township.code],
            )
            for number in range(1, math.ceil(township.county_seats / 3) + 1)
        ]
        constituencies += districts
        for position in range(township.county_seats):
            county_number += 1
            secretary, chair = township.head_titles
            fixed = {0: secretary, 1: chair}.get(position, "")
            if position == 2 and index < len(people.COUNTY_LEADERS):
                category, fixed = "leader", people.COUNTY_LEADERS[index]
            elif fixed:
                category = "official"
            else:
                category = people.pick_category(rng, people.COUNTY_MIX)
            placed = seat(
                body=demo.congress,
                code=f"X{county_number:03d}",
                level=Level.COUNTY,
                category=category,
                township=township,
                occupation=fixed,
            )
            placed.deputy.term = demo.term
            placed.deputy.constituency = districts[position // 3]
            placed.deputy.station = _station_for(demo, township, point_share=0.3)
            placed.group_name = area_group
            placed.convenes = position == 1  # the township's congress chair convenes its group
            if category == "entrepreneur" and rng.random() < 0.5:
                placed.group_name = "企业界代表小组"
            elif category in ("teacher", "doctor") and rng.random() < 0.5:
                placed.group_name = "教科文卫界代表小组"

    for township in TOWNSHIPS:
        if township.is_street:
            continue
        body = demo.township_bodies[township.code]
        districts = [
            Constituency(body=body, name=f"第{chinese_ordinal(n)}选区", township=demo.units[township.code])
            for n in range(1, math.ceil(township.township_seats / 2) + 1)
        ]
        constituencies += districts
        for position in range(township.township_seats):
            placed = seat(
                body=body,
                code=f"{township.code}-{position + 1:03d}",
                level=Level.TOWNSHIP,
                category="cadre" if position == 0 else people.pick_category(rng, people.TOWNSHIP_MIX),
                township=township,
                occupation=township.mayor_title if position == 0 else "",
            )
            placed.deputy.term = demo.township_terms[township.code]
            placed.deputy.constituency = districts[position // 2]
            placed.deputy.station = _station_for(demo, township, point_share=0.6)

    constituencies = upsert(Constituency, constituencies, keys=["body", "name"])
    group_names = [f"{t.name}代表小组" for t in TOWNSHIPS]
    group_names += ["在青省市人大代表小组", "企业界代表小组", "教科文卫界代表小组"]
    groups = upsert(
        DeputyGroup,
        [
            DeputyGroup(
                body=demo.congress,
                name=name,
                kind=DeputyGroup.Kind.AREA if name in group_names[: len(TOWNSHIPS)] else DeputyGroup.Kind.FIELD,
            )
            for name in group_names
        ],
        keys=["body", "name"],
    )
    by_name = {group.name: group for group in groups}
    for placed in seats:
        placed.deputy.group = by_name.get(placed.group_name)
    demo.deputies = upsert(Deputy, [placed.deputy for placed in seats], keys=["body", "code"])
    demo.categories = {placed.deputy.pk: placed.category for placed in seats}

    for group in groups:
        members = [p for p in seats if p.group_name == group.name]
        convenor = next((p for p in members if p.convenes), members[0])
        group.convenor = convenor.deputy
    DeputyGroup.objects.bulk_update(groups, ["convenor"])


def _station_for(demo: DemoCounty, township: Township, *, point_share: float) -> Station:
    """Attach a deputy to the township's station, or to one of its contact points."""
    if demo.rng.random() < point_share:
        return demo.rng.choice(demo.points[township.code])
    return demo.stations[township.code]


def build_logins(demo: DemoCounty) -> None:
    """Create one login per role, sharing the demo password, with exactly the listed roles."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
    chair = next(d for d in demo.deputies if d.occupation == people.COMMITTEE_CHAIR)
    linked = next(d for d in demo.deputies if d.level == Level.COUNTY and demo.categories[d.pk] == "village")
    names = {"leader": chair.name, "deputy": linked.name, "apiclient": "县政务数据共享平台"}
    users = []
    for index, login in enumerate(DEMO_LOGINS):
        users.append(
            User(
                username=login.username,
                password=password,
                full_name=names.get(login.username) or demo.names.make(female=demo.rng.random() < 0.4),
                phone=f"{MOBILE_PREFIX}9{index + 1:07d}" if login.username != "apiclient" else "",
                email=f"{login.username}@example.invalid",
                body=demo.committee,
                unit=demo.units[login.unit_code] if login.unit_code else None,
                title=login.title,
                is_active=True,
                is_staff=login.username == "admin",
                is_superuser=login.username == "admin",
            )
        )
    users = upsert(User, users, keys=["username"])
    demo.users = {user.username: user for user in users}

    # The deputy login opens that deputy's own record, and no other.
    deputy_user = demo.users["deputy"]
    Deputy.objects.filter(user=deputy_user).exclude(pk=linked.pk).update(user=None)
    Deputy.objects.filter(pk=linked.pk).update(user=deputy_user)
    linked.user = deputy_user

    wanted = {(demo.users[login.username].pk, role.value) for login in DEMO_LOGINS for role in login.roles}
    existing = {
        (grant.user_id, grant.role): grant.pk for grant in RoleGrant.objects.filter(user__in=users).only("user", "role")
    }
    RoleGrant.objects.filter(pk__in=[pk for key, pk in existing.items() if key not in wanted]).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user_id=u, role=r) for u, r in sorted(wanted - existing.keys())])


def build_api_key(demo: DemoCounty) -> None:
    """Give the county data platform's login a client key with read scopes, under a fixed demo value."""
    ApiKey.objects.update_or_create(
        key_hash=hash_key(DEMO_API_KEY),
        defaults={
            "user": demo.users["apiclient"],
            "kind": ApiKey.Kind.CLIENT,
            "name": "县政务数据共享平台（演示）",
            "prefix": DEMO_API_KEY[:DISPLAY_PREFIX_LENGTH],
            "scopes": list(DEMO_API_SCOPES),
            "allowed_ips": [],
            "revoked_at": None,
            "expires_at": None,
        },
    )


STEPS: tuple[Callable[[DemoCounty], None], ...] = (
    build_bodies,
    build_terms,
    build_units,
    build_stations,
    build_deputies,
    build_logins,
    build_api_key,
    build_suggestions,
)


@transaction.atomic
def build_demo_county(*, seed: int = 2026) -> DemoCounty:
    """Build or refresh the demo county; the same seed always gives the same county."""
    rng = random.Random(seed)
    demo = DemoCounty(rng=rng, names=NameMaker(rng))
    for step in STEPS:
        step(demo)
    return demo


def demo_counts() -> dict[str, int]:
    """Count the rows of every model the demo writes, labelled by model."""
    return {label: apps.get_model(label).objects.count() for label in COUNTED_MODELS}
