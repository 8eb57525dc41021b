"""Serializers of the roster: personal numbers are masked unless the caller may read them."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congress.api.serializers import MaskedCharField, ScopedPrimaryKeyRelatedField
from congress.models import Body, Term
from deputies.models import Constituency, Deputy, DeputyGroup, Station
from deputies.services import DEPUTY_FIELDS

ID_CARD_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
PHONE_PATTERN = re.compile(r"^[0-9+\-() ]{5,20}$")


class DeputySerializer(serializers.ModelSerializer):
    phone = MaskedCharField(read_only=True)
    id_card_number = MaskedCharField(read_only=True, keep_start=6)

    class Meta:
        model = Deputy
        fields = [
            "id",
            "body",
            "term",
            "code",
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "party",
            "occupation",
            "level",
            "constituency",
            "group",
            "station",
            "phone",
            "id_card_number",
            "user",
            "is_active",
            "note",
        ]
        read_only_fields = fields


class DeputyWriteSerializer(serializers.ModelSerializer):
    """What staff or a roster system send to create or update a deputy (PATCH: any subset)."""

    body = ScopedPrimaryKeyRelatedField(queryset=Body.objects.all())
    term = ScopedPrimaryKeyRelatedField(queryset=Term.objects.all(), allow_null=True, required=False)
    constituency = ScopedPrimaryKeyRelatedField(queryset=Constituency.objects.all(), allow_null=True, required=False)
    group = ScopedPrimaryKeyRelatedField(queryset=DeputyGroup.objects.all(), allow_null=True, required=False)
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Deputy
        fields = list(DEPUTY_FIELDS)
        extra_kwargs = {"note": {"max_length": 2000}}
        # The (body, code) rule is checked by the service, which gives the clearer message.
        validators: list = []

    def validate_id_card_number(self, value: str) -> str:
        value = value.strip().upper()
        if value and not ID_CARD_PATTERN.match(value):
            raise serializers.ValidationError(_("Enter an 18-character ID card number."))
        return value

    def validate_phone(self, value: str) -> str:
        value = value.strip()
        if value and not PHONE_PATTERN.match(value):
            raise serializers.ValidationError(_("Enter a phone number."))
        return value
