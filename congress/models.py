"""The shared kernel: congress bodies, terms and sessions, units, users and roles, the
working-day calendar, the event log and the in-app inbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from congress.querysets import (
    BodyQuerySet,
    NotificationQuerySet,
    SessionQuerySet,
    TermQuerySet,
    UnitQuerySet,
    UserQuerySet,
)
from congress.text import chinese_ordinal


class Body(models.Model):
    """A people's congress body; most records belong to one, and users see their body's subtree."""

    class Kind(models.TextChoices):
        PROVINCE_CONGRESS = "province_congress", _("Provincial people's congress")
        CITY_CONGRESS = "city_congress", _("City people's congress")
        COUNTY_CONGRESS = "county_congress", _("County people's congress")
        STANDING_COMMITTEE = "standing_committee", _("Standing committee")
        TOWNSHIP_CONGRESS = "township_congress", _("Township people's congress")
        STREET_COMMITTEE = "street_committee", _("Street working committee")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent body"),
    )
    region_code = models.CharField(_("administrative division code"), max_length=12, blank=True)
    # Materialised path of primary keys ("/1/4/"), maintained by save(); scopes visibility.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("congress body")
        verbose_name_plural = _("congress bodies")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        old_path = self.path
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path == old_path:
            return
        self.path = path
        Body.objects.filter(pk=self.pk).update(path=path)
        if old_path:
            # A moved body takes its subtree along.
            moved = list(Body.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
            for body in moved:
                body.path = path + body.path[len(old_path) :]
            Body.objects.bulk_update(moved, ["path"])

    @property
    def scope_path(self) -> str:
        """Return the path whose subtree this body's people oversee.

        A standing committee is the permanent organ of its congress, so its people oversee the
        congress's whole jurisdiction; every other body oversees its own subtree.
        """
        if self.kind == self.Kind.STANDING_COMMITTEE and self.parent_id:
            return self.parent.path
        return self.path


class Term(models.Model):
    """A term of a congress (届), e.g. the 18th county people's congress."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="terms", verbose_name=_("body"))
    number = models.PositiveSmallIntegerField(_("number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["body_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="term_unique_number_per_body"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.name}{self.label}"

    @property
    def label(self) -> str:
        return self.label_for(self.number)

    @staticmethod
    def label_for(number: int) -> str:
        return f"第{chinese_ordinal(number)}届"

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)


class CongressSession(models.Model):
    """A session of a congress (次会议) within a term, where deputies meet and file suggestions."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    location = models.CharField(_("location"), max_length=100, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["term_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number_per_term"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.label_for(self.number)

    @staticmethod
    def label_for(number: int) -> str:
        return f"第{chinese_ordinal(number)}次会议"

    @property
    def name(self) -> str:
        return f"{self.term.body.name}{self.term.label}{self.label}"


class Unit(models.Model):
    """An organisation: a handling unit that answers to the committee, or one of its own offices."""

    class Kind(models.TextChoices):
        GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
        GOVERNMENT = "government", _("People's government")
        COURT = "court", _("People's court")
        PROCURATORATE = "procuratorate", _("People's procuratorate")
        SUPERVISION_COMMISSION = "supervision_commission", _("Supervision commission")
        TOWNSHIP = "township", _("Township")
        STREET = "street", _("Street")
        STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise or institution")
        COMMITTEE_OFFICE = "committee_office", _("Committee office")
        SPECIAL_COMMITTEE = "special_committee", _("Special committee")
        OTHER = "other", _("Other")

    HANDLING_KINDS = (
        Kind.GOVERNMENT_DEPARTMENT,
        Kind.GOVERNMENT,
        Kind.COURT,
        Kind.PROCURATORATE,
        Kind.SUPERVISION_COMMISSION,
        Kind.TOWNSHIP,
        Kind.STREET,
        Kind.STATE_ENTERPRISE,
        Kind.OTHER,
    )

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="units", verbose_name=_("body"))
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    phone = models.CharField(_("office phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["body_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="unit_unique_code_per_body"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_handling_unit(self) -> bool:
        return self.kind in self.HANDLING_KINDS


class Role(models.TextChoices):
    """What a person does in the portal; one person may hold several roles."""

    OFFICE_STAFF = "office_staff", _("Office staff")
    LEADER = "leader", _("Leader")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    DEPUTY = "deputy", _("Deputy")
    UNIT_HANDLER = "unit_handler", _("Unit handler")
    UNIT_HEAD = "unit_head", _("Unit head")
    SYSADMIN = "sysadmin", _("System administrator")
    API_CLIENT = "api_client", _("API client")


# Roles that work for the committee and see their body's whole scope.
COMMITTEE_ROLES = frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.COMMITTEE_MEMBER, Role.SYSADMIN})
UNIT_ROLES = frozenset({Role.UNIT_HANDLER, Role.UNIT_HEAD})


class CongressUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A login: a person (staff, leader, member, deputy, unit handler) or another county system."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("body")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("unit")
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)

    objects = CongressUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Return the user's roles: from `with_role_names`' column, else from a prefetch when there is one."""
        if not self.pk:
            return frozenset()
        names = self.__dict__.get("role_names")
        if names is not None:
            return frozenset(names.split(",") if isinstance(names, str) else names) - {""}
        return frozenset(grant.role for grant in self.role_grants.all())

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_committee_side(self) -> bool:
        return self.is_superuser or bool(self.roles & COMMITTEE_ROLES)

    @property
    def is_unit_side(self) -> bool:
        return bool(self.roles & UNIT_ROLES) and self.unit_id is not None

    @property
    def is_deputy(self) -> bool:
        return Role.DEPUTY in self.roles

    @property
    def prefers_mobile(self) -> bool:
        """Deputies who hold no other role land on the mobile view."""
        return self.is_deputy and not (self.is_committee_side or self.is_unit_side)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique_role_per_user"),
        ]
        indexes = [models.Index(fields=["role", "user"], name="rolegrant_role_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class CalendarYear(models.Model):
    """Whether a year's official holiday calendar has been entered; otherwise Monday to Friday apply."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("Published calendar (chinesecalendar)")
        MANUAL = "manual", _("Entered by staff")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_official = models.BooleanField(_("official calendar entered"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday default: a holiday, or an adjusted workday (调休)."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("Published calendar (chinesecalendar)")
        MANUAL = "manual", _("Entered by staff")

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Event(models.Model):
    """One thing that happened to a record: the audit trail and the timeline the portal shows."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="event_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"


class Notification(models.Model):
    """A message in a person's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task, shown on the system status page."""

    hostname = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.hostname


class ApiKey(models.Model):
    """A key for the REST API: a county system's client key or a person's token; only its hash is kept."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("System client key")
        PERSONAL = "personal", _("Personal token")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("acts as")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the key, shown so people can tell keys apart without the secret.
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    allowed_ips = models.JSONField(_("allowed IP addresses"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed when the caller retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    # Null while the first request is still being processed.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key_per_user"),
        ]

    def __str__(self) -> str:
        return self.key


# Reminders and notifications engine (congress/reminders/): policies, the ledger, deliveries, preferences.


class Channel(models.TextChoices):
    """A way a message reaches a person."""

    IN_APP = "in_app", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class ReminderPolicy(models.Model):
    """When a kind of reminder fires: for every body (no body) or for one body that differs."""

    kind = models.CharField(_("reminder kind"), max_length=100)
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("body")
    )
    # Calendar days before the due date; 0 is the due date itself.
    offsets = models.JSONField(_("days before the due date"), default=list, blank=True)
    shift_to_working_day = models.BooleanField(_("move reminders off non-working days"), default=True)
    overdue_every = models.PositiveSmallIntegerField(_("overdue notice every N working days"), default=0)
    escalate_after = models.PositiveSmallIntegerField(_("escalate after N overdue notices"), default=0)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        ordering = ["kind", "body_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(body__isnull=True), name="reminderpolicy_one_default_per_kind"
            ),
            models.UniqueConstraint(
                fields=["kind", "body"], condition=models.Q(body__isnull=False), name="reminderpolicy_one_per_body"
            ),
        ]

    def __str__(self) -> str:
        return self.kind


class ReminderCursor(models.Model):
    """The last day a sweep finished for a kind; the next sweep catches up from there."""

    kind = models.CharField(max_length=100, unique=True)
    swept_through = models.DateField()

    def __str__(self) -> str:
        return f"{self.kind} {self.swept_through}"


class Reminder(models.Model):
    """One message the engine decided to send one person: the ledger row.

    A scheduled reminder carries its unique key (kind, subject, recipient, due date, offset), so a
    second sweep, a second beat or a redelivered task can never record it twice. An immediate notice
    (no due date) has no key. The text is rendered when the row is written, so the ledger shows what was said.
    """

    kind = models.CharField(_("kind"), max_length=100)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("recipient")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Days before the due date (0 on the day); negative: working days overdue.
    offset = models.SmallIntegerField(_("offset"), null=True, blank=True)
    fire_date = models.DateField(_("reminder date"), null=True, blank=True)
    escalated = models.BooleanField(_("escalated"), default=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    sms_text = models.CharField(_("text message"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Set when the person reads reminders as one daily digest: the morning it goes out in.
    digest_date = models.DateField(_("digest date"), null=True, blank=True)
    # The sweep that wrote the row, so that sweep can find exactly the rows it won.
    run = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "recipient", "due_date", "offset"], name="reminder_unique_key"
            ),
        ]
        indexes = [
            models.Index(fields=["run"], name="reminder_run_idx"),
            models.Index(fields=["-created_at", "-id"], name="reminder_ledger_idx"),
            models.Index(fields=["recipient", "digest_date"], name="reminder_digest_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One attempt to bring a reminder (or a day's digest) to a person through one channel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    # Held until working hours, and pushed back after a failed attempt.
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    # When it was last handed to the broker; the sweep hands it again if it is still pending long after.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    digest_date = models.DateField(_("digest date"), null=True, blank=True)
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "channel"],
                condition=models.Q(reminder__isnull=False),
                name="delivery_one_per_reminder_channel",
            ),
            models.UniqueConstraint(
                fields=["recipient", "channel", "digest_date"],
                condition=models.Q(reminder__isnull=True, digest_date__isnull=False),
                name="delivery_one_digest_per_day",
            ),
        ]
        indexes = [
            # The sweep re-enqueues what is pending and due; sent rows never enter this index.
            models.Index(fields=["send_after"], condition=models.Q(status="pending"), name="delivery_pending_idx"),
            models.Index(fields=["status", "-created_at"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"


class NotificationPreference(models.Model):
    """Which channels a person wants reminders through, and whether as one daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by text message"), default=True)
    digest = models.BooleanField(_("one daily digest instead of single messages"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class MessageTemplate(models.Model):
    """The text of one kind of message, editable by staff; {{ placeholders }} are filled per message."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    title = models.CharField(_("title and e-mail subject"), max_length=200)
    body = models.TextField(_("message and e-mail text"), blank=True)
    sms = models.CharField(_("text message"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
