"""Serializers of the kernel's resources: shape the JSON, validate input, never decide business rules."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress.models import Body, CongressSession, Notification, Role, Term, Unit, User
from congress.text import mask_number

MAX_CALENDAR_DAYS = 400
# Working-day arithmetic reaches a year or so either side; keep well inside what dates can hold.
CALENDAR_MIN, CALENDAR_MAX = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


class CalendarDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not CALENDAR_MIN <= day <= CALENDAR_MAX:
            raise serializers.ValidationError(
                _("Give a date from %(min)s to %(max)s.") % {"min": CALENDAR_MIN, "max": CALENDAR_MAX}
            )
        return day


class MaskedCharField(serializers.CharField):
    """A personal number, shown in full only when the serializer context's `personal_data` is true."""

    def __init__(self, *, keep_start: int = 3, **kwargs) -> None:
        self.keep_start = keep_start
        kwargs.setdefault("help_text", "Masked (138****5678) unless the caller may read personal data.")
        super().__init__(**kwargs)

    def to_representation(self, value):
        value = super().to_representation(value)
        if self.context.get("personal_data"):
            return value
        return mask_number(value, keep_start=self.keep_start)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id that takes only a whole number (or its digits as a string, as a query string sends it).

    DRF's own passes the value to the database lookup as it is: 3.7 finds object 3, and 1e400 (infinity)
    fails the lookup with an OverflowError, a 500.
    """

    default_error_messages = {"incorrect_type": _("Give an id: a whole number such as 12.")}

    def to_internal_value(self, data):
        digits = isinstance(data, str) and data.isascii() and data.isdigit()
        if not (digits or (isinstance(data, int) and not isinstance(data, bool))):
            self.fail("incorrect_type")
        return super().to_internal_value(data)


class ScopedPrimaryKeyRelatedField(StrictPrimaryKeyRelatedField):
    """A reference that only accepts objects visible to the requesting user."""

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        return queryset.visible_to(request.user) if request else queryset.none()


class UserSerializer(serializers.ModelSerializer):
    phone = MaskedCharField(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "display_name", "phone", "title", "body", "unit", "is_active", "roles"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user: User) -> list[str]:
        return sorted(user.roles)


class DeputyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(UserSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)
    deputy = serializers.SerializerMethodField()
    credentials = serializers.SerializerMethodField(
        help_text="session, personal (token) or client (key)",
    )
    scopes = serializers.SerializerMethodField(help_text="The client key's scopes; null for a person.")

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "unit_name", "deputy", "credentials", "scopes"]
        read_only_fields = fields

    @extend_schema_field(DeputyRefSerializer(allow_null=True))
    def get_deputy(self, user: User):
        deputy = getattr(user, "deputy", None)
        return {"id": deputy.pk, "name": deputy.name} if deputy is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=["session", "personal", "client"]))
    def get_credentials(self, user: User) -> str:
        api_key = self.context.get("api_key")
        return api_key.kind if api_key is not None else "session"

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_scopes(self, user: User):
        api_key = self.context.get("api_key")
        return list(api_key.scopes) if api_key is not None and api_key.kind == "client" else None


class UserUpdateSerializer(serializers.Serializer):
    """What an administrator or an HR system sends to update a login (PATCH: any subset)."""

    full_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, allow_blank=True)
    body = ScopedPrimaryKeyRelatedField(queryset=Body.objects.all())
    unit = ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), max_length=len(Role.choices))
    is_active = serializers.BooleanField()


class UserCreateSerializer(serializers.Serializer):
    """What an administrator or an HR system sends to create a login."""

    username = serializers.RegexField(
        r"^[\w.@+-]+\Z", max_length=150, help_text="Letters, digits and @/./+/-/_ only; fixed once created."
    )
    password = serializers.CharField(write_only=True, min_length=8, max_length=128, trim_whitespace=False)
    full_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")
    body = ScopedPrimaryKeyRelatedField(queryset=Body.objects.all())
    unit = ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True, required=False, default=None)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), max_length=len(Role.choices), required=False, default=list
    )


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "body", "parent", "phone", "address", "sort_order"]
        fields += ["is_active"]
        read_only_fields = fields


class TermSerializer(serializers.ModelSerializer):
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Term
        fields = ["id", "body", "number", "label", "start_date", "end_date", "is_current"]
        read_only_fields = fields

    def get_is_current(self, term: Term) -> bool:
        return term.is_current()


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CongressSession
        fields = ["id", "term", "number", "label", "name", "start_date", "end_date", "location"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        max_length=1000,
        required=False,
        help_text="The notifications to mark read; leave out to mark the whole inbox read.",
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class WorkingDaysQuerySerializer(serializers.Serializer):
    to = CalendarDateField(help_text="Last day, YYYY-MM-DD; at most 400 days after the first.")

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be declared as an attribute.
        return {"from": CalendarDateField(help_text="First day, YYYY-MM-DD."), **super().get_fields()}

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [_("The end date must not be before the start date.")]})
        if (attrs["to"] - attrs["from"]).days > MAX_CALENDAR_DAYS:
            raise serializers.ValidationError(
                {"to": [_("Ask for at most %(days)d days at a time.") % {"days": MAX_CALENDAR_DAYS}]}
            )
        return attrs


class WorkingDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_working_day = serializers.BooleanField()
    name = serializers.CharField(help_text="Holiday or adjusted-workday name; empty for an ordinary day.")


class WorkingDayListSerializer(serializers.Serializer):
    results = WorkingDaySerializer(many=True)


class AddWorkingDaysQuerySerializer(serializers.Serializer):
    date = CalendarDateField(help_text="Start day, YYYY-MM-DD; not itself counted.")
    days = serializers.IntegerField(min_value=-500, max_value=500, help_text="Working days to add (negative: back).")


class AddWorkingDaysResultSerializer(serializers.Serializer):
    date = serializers.DateField()
    days = serializers.IntegerField()
    result = serializers.DateField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only once.")
    expires_at = serializers.DateTimeField()
