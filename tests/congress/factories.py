"""factory_boy factories for the shared kernel."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import factory
from factory.django import DjangoModelFactory

from congress.models import Body, CongressSession, Role, RoleGrant, Term, Unit, User


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"第{n}县人民代表大会")
    kind = Body.Kind.COUNTY_CONGRESS


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    body = factory.SubFactory(BodyFactory)
    number = 18
    start_date = dt.date(2021, 12, 28)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = CongressSession

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = dt.date(2025, 1, 10)
    end_date = dt.date(2025, 1, 13)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    body = factory.SubFactory(BodyFactory)
    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"县第{n}局")
    kind = Unit.Kind.GOVERNMENT_DEPARTMENT


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pass-Word-123")
    body = factory.SubFactory(BodyFactory)

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            RoleGrant.objects.bulk_create([RoleGrant(user=self, role=role) for role in extracted])
            self.__dict__.pop("roles", None)


def make_user(*, body: Body, roles: list[str], unit: Unit | None = None, **kwargs) -> User:
    """Create a login holding `roles` in `body` (and `unit` for a unit's people)."""
    return UserFactory(body=body, unit=unit, roles=roles, **kwargs)


class CountyFactory:
    """Build a county congress, its standing committee, a term and a session, in one call."""

    def __new__(cls, name: str = "青山县") -> SimpleNamespace:
        congress = BodyFactory(name=f"{name}人民代表大会", kind=Body.Kind.COUNTY_CONGRESS)
        committee = BodyFactory(
            name=f"{name}人民代表大会常务委员会", kind=Body.Kind.STANDING_COMMITTEE, parent=congress
        )
        term = TermFactory(body=congress)
        session = SessionFactory(term=term, number=1)
        office = UnitFactory(body=congress, name=f"{name}人大常委会办公室", kind=Unit.Kind.COMMITTEE_OFFICE)
        return SimpleNamespace(congress=congress, committee=committee, term=term, session=session, office=office)


__all__ = ["Role", "make_user"]
