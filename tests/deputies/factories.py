"""factory_boy factories for the deputies roster."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from deputies.models import Constituency, Deputy, DeputyGroup, Level, Station
from tests.congress.factories import BodyFactory


class ConstituencyFactory(DjangoModelFactory):
    class Meta:
        model = Constituency

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"第{n}选区")


class DeputyGroupFactory(DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"第{n}代表联络站")
    kind = Station.Kind.STATION


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    body = factory.SubFactory(BodyFactory)
    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Deputy.Gender.FEMALE
    level = Level.COUNTY
    occupation = factory.Sequence(lambda n: f"第{n}村党支部书记")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    constituency = factory.SubFactory(ConstituencyFactory, body=factory.SelfAttribute("..body"))
    group = factory.SubFactory(DeputyGroupFactory, body=factory.SelfAttribute("..body"))
    station = factory.SubFactory(StationFactory, body=factory.SelfAttribute("..body"))
