"""Deputies' suggestions and their closed loop: submit, register, assign, accept, handle, answer, rate, close.

The status field of a Suggestion changes only through suggestions.services (one function per transition,
each checking TRANSITIONS and the actor, and appending an Event). Grades and ratings are stored apart, so
the solved rate (grade A) can be read beside the satisfaction rate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Body, CongressSession, Unit
from deputies.models import Deputy
from suggestions.querysets import AssignmentQuerySet, SuggestionQuerySet


class Category(models.Model):
    """A subject area for suggestions (e.g. 教育, 交通), set up per body."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="suggestion_categories")
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("suggestion category")
        verbose_name_plural = _("suggestion categories")
        ordering = ["body_id", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["body", "name"], name="category_unique_name_per_body")]

    def __str__(self) -> str:
        return self.name


class SuggestionPolicy(models.Model):
    """A body's deadlines for suggestions; defaults from DOMAIN.md §2, changed by staff without a deploy."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="suggestion_policy")
    assign_within_working_days = models.PositiveSmallIntegerField(
        _("assignment of a suggestion filed between sessions (working days)"), default=5
    )
    reroute_window_working_days = models.PositiveSmallIntegerField(_("re-routing window (working days)"), default=7)
    co_opinion_months = models.PositiveSmallIntegerField(_("co-handling opinion due (months)"), default=1)
    answer_months = models.PositiveSmallIntegerField(_("answer due (months)"), default=3)
    answer_max_months = models.PositiveSmallIntegerField(_("latest answer with extension (months)"), default=6)
    rating_window_working_days = models.PositiveSmallIntegerField(_("rating window (working days)"), default=20)
    rehandle_months = models.PositiveSmallIntegerField(_("re-handling after an unsatisfied rating (months)"), default=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("suggestion deadlines")
        verbose_name_plural = _("suggestion deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_max_months__gte=models.F("answer_months")), name="policy_max_not_below_answer"
            ),
        ]

    def __str__(self) -> str:
        return str(self.body)


# Spelled out because a Meta class cannot see the model's own Status; a test keeps them equal.
SUGGESTION_STATUSES = [
    "draft",
    "submitted",
    "not_registered",
    "withdrawn",
    "registered",
    "assigned",
    "handling",
    "answered",
    "rehandling",
    "follow_up",
    "closed",
    "revisited",
    "archived",
]


class Suggestion(models.Model):
    """A deputy's suggestion, criticism or opinion (建议、批评和意见), one matter per suggestion."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, under review")
        NOT_REGISTERED = "not_registered", _("Not registered")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned")
        HANDLING = "handling", _("Being handled")
        ANSWERED = "answered", _("Answered, awaiting rating")
        REHANDLING = "rehandling", _("Re-handling")
        FOLLOW_UP = "follow_up", _("Under follow-up")
        CLOSED = "closed", _("Closed")
        REVISITED = "revisited", _("Revisited")
        ARCHIVED = "archived", _("Archived")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.REGISTERED, Status.NOT_REGISTERED, Status.WITHDRAWN},
        Status.REGISTERED: {Status.ASSIGNED, Status.WITHDRAWN},
        # Re-routing approved for the last unit sends a suggestion back to be assigned again.
        Status.ASSIGNED: {Status.HANDLING, Status.REGISTERED},
        Status.HANDLING: {Status.ANSWERED},
        Status.ANSWERED: {Status.CLOSED, Status.REHANDLING, Status.FOLLOW_UP},
        Status.REHANDLING: {Status.ANSWERED},
        Status.FOLLOW_UP: {Status.ANSWERED, Status.CLOSED},
        Status.CLOSED: {Status.REVISITED, Status.ARCHIVED},
        Status.REVISITED: {Status.ARCHIVED},
        Status.NOT_REGISTERED: {Status.ARCHIVED},
        Status.WITHDRAWN: set(),
        Status.ARCHIVED: set(),
    }
    # Statuses in which a unit owes work and a deadline runs.
    OPEN_STATUSES = (Status.ASSIGNED, Status.HANDLING, Status.REHANDLING, Status.FOLLOW_UP)
    # Statuses counted as assigned for the rates (assigned at some point and not sent back).
    ASSIGNED_STATUSES = (
        Status.ASSIGNED,
        Status.HANDLING,
        Status.ANSWERED,
        Status.REHANDLING,
        Status.FOLLOW_UP,
        Status.CLOSED,
        Status.REVISITED,
        Status.ARCHIVED,
    )

    class Source(models.TextChoices):
        DEPUTY = "deputy", _("Filed by the deputy")
        STAFF = "staff", _("Registered by staff")
        IMPORT = "import", _("Imported from a spreadsheet")
        API = "api", _("Received through the API")

    class RejectReason(models.TextChoices):
        PERSONAL_MATTER = "personal_matter", _("A personal matter of the deputy or a relative")
        IN_LITIGATION = "in_litigation", _("A case in litigation or arbitration")
        COMPLAINT = "complaint", _("A complaint or accusation")
        PETITION = "petition", _("A forwarded petition letter")
        NO_CONTENT = "no_content", _("No real content")
        OUTSIDE_JURISDICTION = "outside_jurisdiction", _("Outside the jurisdiction")
        SEVERAL_MATTERS = "several_matters", _("More than one matter in one suggestion")

    # Body, session, lead deputy and lead unit have no index of their own: each leads composite indexes (Meta),
    # which answer a lookup by it alone as well, and every index costs each write of a million-row table.
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("body"), db_index=False
    )
    session = models.ForeignKey(
        CongressSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("session"),
        help_text=_("Empty for a suggestion filed between sessions."),
        db_index=False,
    )
    # Registration number within the session (or the year, between sessions), given on registration.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.DEPUTY)
    lead_deputy = models.ForeignKey(
        Deputy,
        on_delete=models.PROTECT,
        related_name="led_suggestions",
        verbose_name=_("lead deputy"),
        db_index=False,
    )
    reject_reason = models.CharField(
        _("reason not registered"), max_length=32, choices=RejectReason.choices, blank=True
    )
    reject_note = models.TextField(_("explanation to the deputy"), blank=True)
    is_priority = models.BooleanField(_("priority supervision"), default=False)
    supervising_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_suggestions",
        verbose_name=_("supervising leader"),
    )
    is_public = models.BooleanField(_("published"), default=False)
    # Denormalised for the lists at province scale: kept up to date by the services.
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_suggestions",
        verbose_name=_("lead unit"),
        db_index=False,
    )
    due_date = models.DateField(_("current deadline"), null=True, blank=True)
    latest_grade = models.CharField(_("result grade"), max_length=1, blank=True)
    # The result rating of the latest rated answer; NULL while nothing is rated, never assumed satisfied.
    latest_rating = models.CharField(_("latest rating"), max_length=20, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], condition=Q(session__isnull=False), name="suggestion_number_per_session"
            ),
            models.UniqueConstraint(
                fields=["body", "year", "number"],
                condition=Q(session__isnull=True),
                name="suggestion_number_per_year_between_sessions",
            ),
            models.CheckConstraint(condition=Q(status__in=SUGGESTION_STATUSES), name="suggestion_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="not_registered") | ~Q(reject_reason=""), name="suggestion_rejection_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["body", "status", "due_date"], name="suggestion_worklist_idx"),
            models.Index(fields=["lead_unit", "status"], name="suggestion_lead_unit_idx"),
            models.Index(fields=["lead_deputy", "status"], name="suggestion_deputy_idx"),
            models.Index(fields=["body", "-created_at", "-id"], name="suggestion_recent_idx"),
            # The possible duplicates of a suggestion under review (its body's, of its year and the year before),
            # ranked by title from the index alone, not from each row's page of the table (suggestions/search.py).
            models.Index(
                fields=["body", "year"],
                include=["status", "title", "created_at", "id"],
                name="suggestion_duplicates_idx",
            ),
            # The pages of a large list read their ids from an index already in the list's order, the
            # scope's body (and the status) riding along so no row is read to skip it:
            # the API's newest first, overall and within one session (filtered by session, the list read and
            # sorted every row of the session to return fifty),
            models.Index(fields=["-created_at", "-id", "body"], name="suggestion_newest_idx"),
            models.Index(
                fields=["session", "-created_at", "-id"], include=["body"], name="suggestion_session_newest_idx"
            ),
            # the staff list's due-date order, for everything not overdue,
            models.Index(
                fields=["due_date", "-created_at", "-id"], include=["body", "status"], name="suggestion_due_order_idx"
            ),
            # and for the overdue part, which only open suggestions can be in.
            models.Index(
                fields=["due_date", "-created_at", "-id"],
                include=["body"],
                condition=Q(status__in=["assigned", "handling", "rehandling", "follow_up"]),
                name="suggestion_open_due_idx",
            ),
            # Within one session, the staff list's order in the same two parts: a session's suggestions of one
            # status (and the session's status counts when they are counted live),
            models.Index(
                fields=["session", "status", "due_date", "-created_at", "-id"],
                include=["body"],
                name="suggestion_session_due_idx",
            ),
            # and a session's overdue ones, counted and paged from its own open entries: through the indexes above,
            # the latest session's first page read and sorted its thousands of overdue rows twice, once per body of
            # the county's scope.
            models.Index(
                fields=["session", "due_date", "-created_at", "-id"],
                include=["body", "status"],
                condition=Q(status__in=["assigned", "handling", "rehandling", "follow_up"]),
                name="suggestion_open_session_idx",
            ),
            # The open suggestions' due dates by body: counting a scope's overdue ones (the list's overdue tab,
            # the office's to-do) reads its own entries, not every open suggestion's (the index above).
            models.Index(
                fields=["body", "due_date"],
                condition=Q(status__in=["assigned", "handling", "rehandling", "follow_up"]),
                name="suggestion_open_body_due_idx",
            ),
            # Lets PostgreSQL count the statistics from the index alone (SQLite ignores the included columns).
            models.Index(
                fields=["body", "status"],
                include=[
                    "session",
                    "lead_unit",
                    "category",
                    "is_priority",
                    "latest_grade",
                    "latest_rating",
                    "assigned_at",
                    "closed_at",
                ],
                name="suggestion_stats_idx",
            ),
            # The same columns by assignment date, for statistics over a period of assignment (one year of a
            # county reads its twelve thousand entries, not the county's 125,000 rows).
            models.Index(
                fields=["body", "assigned_at"],
                include=[
                    "status",
                    "session",
                    "lead_unit",
                    "category",
                    "is_priority",
                    "latest_grade",
                    "latest_rating",
                    "closed_at",
                ],
                condition=Q(assigned_at__isnull=False),
                name="suggestion_stats_period_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """The registration number as documents write it, e.g. 第3次会议第0012号."""
        if self.number is None:
            return ""
        if self.session_id:
            return f"{self.session.label}第{self.number:04d}号"
        return f"{self.year}年闭会期间第{self.number:04d}号"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in self.OPEN_STATUSES and self.due_date is not None and self.due_date < today


class Signer(models.Model):
    """A deputy on a suggestion: the lead deputy (领衔) or a co-signer (附议) who confirmed from their own login."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead deputy")
        CO = "co", _("Co-signer")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="signers")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="signed_suggestions")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        ordering = ["suggestion_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="signer_once_per_suggestion"),
            models.UniqueConstraint(fields=["suggestion"], condition=Q(role="lead"), name="signer_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.get_role_display()}"


class Assignment(models.Model):
    """One unit's part in handling a suggestion: lead (主办), co-handling (会办/协办) or parallel (分办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        CO = "co", _("Co-handling unit")
        PARALLEL = "parallel", _("Parallel unit")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Awaiting acceptance")
        REROUTE_REQUESTED = "reroute_requested", _("Re-routing requested")
        ACCEPTED = "accepted", _("Accepted")
        OPINION_SENT = "opinion_sent", _("Opinion sent to the lead unit")
        ANSWERED = "answered", _("Answered")
        WITHDRAWN = "withdrawn", _("Re-routed away")

    TRANSITIONS: dict[str, set[str]] = {
        Status.ASSIGNED: {Status.ACCEPTED, Status.REROUTE_REQUESTED},
        Status.REROUTE_REQUESTED: {Status.ASSIGNED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.OPINION_SENT, Status.ANSWERED},
        Status.OPINION_SENT: set(),
        # A new answer is owed after an unsatisfied rating or under follow-up.
        Status.ANSWERED: {Status.ACCEPTED},
        Status.WITHDRAWN: set(),
    }
    ACTIVE_STATUSES = (Status.ASSIGNED, Status.REROUTE_REQUESTED, Status.ACCEPTED)

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reroute_deadline = models.DateField(_("re-routing possible until"))
    co_opinion_due = models.DateField(_("opinion due"), null=True, blank=True)
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    hard_deadline = models.DateField(_("latest possible answer date"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reroute_reason = models.TextField(_("reason for re-routing"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["suggestion_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit"], condition=~Q(status="withdrawn"), name="assignment_unit_once"
            ),
            models.UniqueConstraint(
                fields=["suggestion"], condition=Q(role="lead") & ~Q(status="withdrawn"), name="assignment_one_lead"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "answer_due"], name="assignment_unit_todo_idx"),
            models.Index(fields=["status", "answer_due"], name="assignment_due_idx"),
            # The reminders engine finds due re-routing windows and co-opinions by these at province scale.
            models.Index(fields=["status", "reroute_deadline"], name="assignment_reroute_due_idx"),
            models.Index(fields=["status", "co_opinion_due"], name="assignment_co_opinion_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def answers_for_itself(self) -> bool:
        """Lead and parallel units answer the deputy; co-handling units send their opinion to the lead."""
        return self.role in (self.Role.LEAD, self.Role.PARALLEL)


class Contact(models.Model):
    """A contact between a handling unit and the deputy (面商, phone, visit): before, during, after."""

    class Method(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("Face to face")
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        MEETING = "meeting", _("Meeting or site inspection")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before handling")
        DURING = "during", _("During handling")
        AFTER = "after", _("After answering")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.DURING)
    contacted_on = models.DateField(_("date"))
    participants = models.CharField(_("who took part"), max_length=200)
    summary = models.TextField(_("what was discussed"))
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contact with the deputy")
        verbose_name_plural = _("contacts with the deputy")
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.get_method_display()}"


class CoOpinion(models.Model):
    """A co-handling unit's opinion, sent to the lead unit."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="co_opinion")
    text = models.TextField(_("opinion"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("co-handling opinion")
        verbose_name_plural = _("co-handling opinions")

    def __str__(self) -> str:
        return str(self.assignment)


class ExtensionRequest(models.Model):
    """A unit's request for more time to answer, decided by the assigning office; never past the hard maximum."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
    }

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extension_requests")
    reason = models.TextField(_("reason"))
    requested_until = models.DateField(_("new answer date requested"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="pending"), name="extension_one_pending_per_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_until}"


class Answer(models.Model):
    """A unit's formal answer with its result grade and the signed, stamped reply letter."""

    class Grade(models.TextChoices):
        A = "A", _("A: solved or mostly solved")
        B = "B", _("B: being solved or planned")
        C = "C", _("C: deferred by present constraints")
        D = "D", _("D: kept for reference")

    class Kind(models.TextChoices):
        FIRST = "first", _("First answer")
        REHANDLING = "rehandling", _("Answer after re-handling")
        FOLLOW_UP = "follow_up", _("Follow-up answer")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="answers")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="answers")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FIRST)
    grade = models.CharField(_("result grade"), max_length=1, choices=Grade.choices)
    text = models.TextField(_("answer"))
    letter = models.FileField(_("reply letter"), upload_to="suggestions/letters/%Y/%m/", blank=True)
    letter_name = models.CharField(_("letter file name"), max_length=200, blank=True)
    is_public = models.BooleanField(_("published"), default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)
    rating_due = models.DateField(_("rating due"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["answered_at", "id"]
        indexes = [models.Index(fields=["rating_due"], name="answer_rating_due_idx")]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.grade}"


class Rating(models.Model):
    """The deputy's own rating of an answer; only the deputy enters it, and no rating is ever assumed."""

    class Level(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="ratings")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="ratings")
    attitude = models.CharField(_("handling attitude"), max_length=20, choices=Level.choices)
    result = models.CharField(_("result"), max_length=20, choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["answer", "deputy"], name="rating_once_per_answer_and_deputy")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.get_result_display()}"


class Attachment(models.Model):
    """A file attached to a suggestion by the deputy or staff (photos, materials)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="suggestions/attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class DuplicateSearch(models.Model):
    """That the possible duplicates of a submitted suggestion have been looked for, and when.

    A suggestion's title and content are fixed once it is submitted, so the search is made once, by a worker
    after the submission commits (`suggestions.services.duplicates`); a suggestion submitted later adds itself
    to what an earlier one's search found. Until its search is made, the detail page looks for them itself.
    """

    suggestion = models.OneToOneField(
        Suggestion, on_delete=models.CASCADE, primary_key=True, related_name="duplicate_search"
    )
    searched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("duplicate search")
        verbose_name_plural = _("duplicate searches")

    def __str__(self) -> str:
        return f"{self.suggestion_id} @ {self.searched_at:%Y-%m-%d %H:%M}"


class PossibleDuplicate(models.Model):
    """A suggestion that may raise the same matter as the searched one, with how alike the two read (0 to 1)."""

    # The unique constraint's index leads with the search, so the column needs none of its own.
    search = models.ForeignKey(DuplicateSearch, on_delete=models.CASCADE, related_name="found", db_index=False)
    other = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [models.UniqueConstraint(fields=["search", "other"], name="possible_duplicate_once")]

    def __str__(self) -> str:
        return f"{self.search_id} ~ {self.other_id} ({self.score:.2f})"


class TallyCounts(models.Model):
    """The statistics' key and measures, shared by the rollup and its pending changes.

    The key columns hold ids without foreign keys, 0 standing for "none" (between sessions, no lead unit, no
    category) so that one plain unique constraint covers the key on every database. The measures are those of
    suggestions.stats, counted over suggestions assigned and not sent back.
    """

    # In session_id, lead_unit_id or category_id of a tally row: summed over every value (see SuggestionTally).
    ALL = -1

    body_id = models.IntegerField()
    session_id = models.IntegerField(default=0)
    lead_unit_id = models.IntegerField(default=0)
    category_id = models.IntegerField(default=0)
    is_priority = models.BooleanField(default=False)
    assigned = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_6m = models.IntegerField(default=0)
    grade_a = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    unsatisfied = models.IntegerField(default=0)

    KEY = ("body_id", "session_id", "lead_unit_id", "category_id", "is_priority")
    MEASURES = ("assigned", "answered", "closed", "closed_6m", "grade_a", "rated", "satisfied", "unsatisfied")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return " · ".join(f"{name}={getattr(self, name)}" for name in self.KEY)


class SuggestionTally(TallyCounts):
    """The counted suggestions per key, as of the last compaction (see suggestions.tallies).

    Beside a row per full key, the tally keeps its sums per session, per lead unit and per category (body and
    priority flag kept, the two others ALL): the statistics without a session, unit or category filter read
    those few rows instead of every key's.
    """

    class Meta:
        verbose_name = _("suggestion tally")
        verbose_name_plural = _("suggestion tallies")
        constraints = [models.UniqueConstraint(fields=TallyCounts.KEY, name="suggestion_tally_key")]
        indexes = [
            # Every sum row has session_id or lead_unit_id ALL; no full key's row has either.
            models.Index(
                fields=["body_id"],
                condition=Q(session_id=TallyCounts.ALL) | Q(lead_unit_id=TallyCounts.ALL),
                name="suggestion_tally_sums_idx",
            )
        ]


class SuggestionTallyDelta(TallyCounts):
    """A signed change to the tally, appended by a database trigger on every write to a suggestion.

    Insert-only, so concurrent writers never wait for each other here; compaction folds the rows into the
    tally and deletes them.
    """

    class Meta:
        verbose_name = _("suggestion tally change")
        verbose_name_plural = _("suggestion tally changes")


class StatusTallyCounts(models.Model):
    """The staff list's key and count: how many suggestions per (body, session, status), 0 standing for no session.

    Every suggestion is counted, whatever its status; the statistics' tally (TallyCounts) counts only those
    assigned, by other keys.
    """

    body_id = models.IntegerField()
    session_id = models.IntegerField(default=0)
    status = models.CharField(max_length=20)
    suggestions = models.IntegerField(default=0)

    KEY = ("body_id", "session_id", "status")
    MEASURES = ("suggestions",)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.body_id} · {self.session_id} · {self.status}: {self.suggestions}"


class SuggestionStatusTally(StatusTallyCounts):
    """The suggestions per body, session and status, as of the last compaction (see suggestions.tallies)."""

    class Meta:
        verbose_name = _("suggestion status tally")
        verbose_name_plural = _("suggestion status tallies")
        constraints = [models.UniqueConstraint(fields=StatusTallyCounts.KEY, name="suggestion_status_tally_key")]


class SuggestionStatusTallyDelta(StatusTallyCounts):
    """A signed change to the status tally, appended by a database trigger on every write to a suggestion."""

    class Meta:
        verbose_name = _("suggestion status tally change")
        verbose_name_plural = _("suggestion status tally changes")
