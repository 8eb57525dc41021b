"""The deputies roster: deputies, their groups, constituencies and liaison stations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Body, Term, Unit
from deputies.querysets import DeputyQuerySet, ScopedQuerySet


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


class Constituency(models.Model):
    """An electoral district (选区) or electoral unit."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="constituencies", verbose_name=_("body"))
    name = models.CharField(_("name"), max_length=100)
    township = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="constituencies",
        verbose_name=_("township"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("constituency")
        verbose_name_plural = _("constituencies")
        ordering = ["body_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="constituency_unique_name_per_body"),
        ]

    def __str__(self) -> str:
        return self.name


class DeputyGroup(models.Model):
    """A deputy group (代表小组) of three or more deputies, by area or by field."""

    class Kind(models.TextChoices):
        AREA = "area", _("By area")
        FIELD = "field", _("By field")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="deputy_groups", verbose_name=_("body"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.AREA)
    convenor = models.ForeignKey(
        "Deputy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convenor"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deputy group")
        verbose_name_plural = _("deputy groups")
        ordering = ["body_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="deputygroup_unique_name_per_body"),
        ]

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """A deputies' home, liaison station or contact point (代表之家/站/点), where duty rotas run."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("Liaison centre")
        HOME = "home", _("Deputies' home")
        STATION = "station", _("Liaison station")
        POINT = "point", _("Contact point")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="stations", verbose_name=_("body"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent station"),
    )
    township = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stations",
        verbose_name=_("township"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["body_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="station_unique_name_per_body"),
        ]

    def __str__(self) -> str:
        return self.name


class Deputy(models.Model):
    """A people's congress deputy on the county's roster, at any level, with an optional login."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("body"))
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, null=True, blank=True, related_name="deputies", verbose_name=_("term")
    )
    code = models.CharField(_("deputy number"), max_length=32)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    party = models.CharField(_("political affiliation"), max_length=40, blank=True)
    occupation = models.CharField(_("employer and position"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    constituency = models.ForeignKey(
        Constituency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputies",
        verbose_name=_("constituency"),
    )
    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("deputy group"),
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputies",
        verbose_name=_("station"),
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    id_card_number = models.CharField(_("ID card number"), max_length=18, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
        verbose_name=_("login"),
    )
    is_active = models.BooleanField(_("serving"), default=True)
    note = models.TextField(_("note"), blank=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["body_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="deputy_unique_code_per_body"),
        ]
        indexes = [
            models.Index(fields=["body", "level", "is_active"], name="deputy_roster_idx"),
        ]

    def __str__(self) -> str:
        return self.name
