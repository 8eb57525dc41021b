"""Serializers of the suggestion loop: shape the JSON and validate each step's small body; rules stay in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress.api.serializers import ScopedPrimaryKeyRelatedField, StrictPrimaryKeyRelatedField
from congress.models import CongressSession, Event, Unit, User
from congress.querysets import in_scope
from deputies.models import Deputy
from suggestions.api.filters import ID_OR_NONE
from suggestions.models import (
    Answer,
    Assignment,
    Category,
    Contact,
    CoOpinion,
    ExtensionRequest,
    Rating,
    Signer,
    Suggestion,
)
from suggestions.stats import NONE_VALUE, RATES

TEXT_MAX = 10_000
NOTE_MAX = 2_000
MAX_UNITS = 20
MAX_COSIGNERS = 50
# Ids in bodies are bounded like ids in URLs: anything longer is not an id.
MAX_ID = 10**18 - 1


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field the schema documents as the enum component `enum_name`.

    Several models here have a `status`, and a rating has two fields on one scale: left to the schema
    generator, their enums would collide by field name.
    """

    def __init__(self, *, enum_name: str, **kwargs) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "suggestions.api.serializers.NamedChoiceField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=f"{field.enum_name}Enum",
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            # Each value with its words, as drf-spectacular describes the enums it names itself.
            schema={
                "type": "string",
                "enum": [str(value) for value in field.choices],
                "description": build_choice_description_list(field.choices.items()),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if field.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return component.ref


class CategoryField(StrictPrimaryKeyRelatedField):
    """A category of a congress within the caller's scope (categories have no visible_to of their own)."""

    def get_queryset(self):
        request = self.context.get("request")
        return in_scope(super().get_queryset(), request.user) if request else Category.objects.none()


# Reading


class SuggestionSerializer(serializers.ModelSerializer):
    """A suggestion as the lists show it."""

    reference = serializers.CharField(read_only=True, help_text="The registration number, e.g. 第三次会议第0012号.")
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)
    lead_deputy_name = serializers.CharField(source="lead_deputy.name", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True, allow_null=True, default=None)
    status = NamedChoiceField(enum_name="SuggestionStatus", choices=Suggestion.Status.choices, read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "body",
            "session",
            "year",
            "number",
            "reference",
            "title",
            "status",
            "source",
            "category",
            "category_name",
            "lead_deputy",
            "lead_deputy_name",
            "lead_unit",
            "lead_unit_name",
            "is_priority",
            "is_public",
            "due_date",
            "is_overdue",
            "latest_grade",
            "submitted_at",
            "registered_at",
            "assigned_at",
            "answered_at",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    # What to_representation reads, and all a list page loads (SuggestionViewSet.get_page_queryset).
    JOINS = ("session", "category", "lead_deputy", "lead_unit")
    COLUMNS = (
        *("id", "body", "session", "year", "number", "title", "status", "source", "category", "lead_deputy"),
        *("lead_unit", "is_priority", "is_public", "due_date", "latest_grade"),
        *("submitted_at", "registered_at", "assigned_at", "answered_at", "closed_at", "created_at", "updated_at"),
        *("session__number", "category__name", "lead_deputy__name", "lead_unit__name"),
    )

    def get_is_overdue(self, suggestion: Suggestion) -> bool:
        return suggestion.is_overdue()

    def to_representation(self, suggestion: Suggestion) -> dict[str, Any]:
        """Write the fields above as DRF would, in one pass.

        A list page writes 50 to 200 rows: field by field, DRF took about 150 µs a row, most of it looking up
        the time zone for each of the seven datetimes. The tests hold this to DRF's own output.
        """
        zone = timezone.get_current_timezone()

        def moment(value: dt.datetime | None) -> str | None:
            if value is None:
                return None
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        category, lead_unit = suggestion.category, suggestion.lead_unit
        return {
            "id": suggestion.pk,
            "body": suggestion.body_id,
            "session": suggestion.session_id,
            "year": suggestion.year,
            "number": suggestion.number,
            "reference": suggestion.reference,
            "title": suggestion.title,
            "status": suggestion.status,
            "source": suggestion.source,
            "category": suggestion.category_id,
            "category_name": None if category is None else category.name,
            "lead_deputy": suggestion.lead_deputy_id,
            "lead_deputy_name": suggestion.lead_deputy.name,
            "lead_unit": suggestion.lead_unit_id,
            "lead_unit_name": None if lead_unit is None else lead_unit.name,
            "is_priority": suggestion.is_priority,
            "is_public": suggestion.is_public,
            "due_date": None if suggestion.due_date is None else suggestion.due_date.isoformat(),
            "is_overdue": suggestion.is_overdue(),
            "latest_grade": suggestion.latest_grade,
            "submitted_at": moment(suggestion.submitted_at),
            "registered_at": moment(suggestion.registered_at),
            "assigned_at": moment(suggestion.assigned_at),
            "answered_at": moment(suggestion.answered_at),
            "closed_at": moment(suggestion.closed_at),
            "created_at": moment(suggestion.created_at),
            "updated_at": moment(suggestion.updated_at),
        }


class SignerSerializer(serializers.ModelSerializer):
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)
    # Named, as an assignment's role is (it is in an event's data too): left alone, the generator would rename it.
    role = NamedChoiceField(enum_name="SignerRole", choices=Signer.Role.choices, label=_("role"), read_only=True)

    class Meta:
        model = Signer
        fields = ["id", "deputy", "deputy_name", "role", "invited_at", "confirmed_at"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "assignment", "method", "stage", "contacted_on", "participants", "summary", "logged_at"]
        read_only_fields = fields


class CoOpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoOpinion
        fields = ["id", "assignment", "text", "sent_at"]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer):
    status = NamedChoiceField(
        enum_name="ExtensionRequestStatus", choices=ExtensionRequest.Status.choices, read_only=True
    )

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "reason",
            "requested_until",
            "status",
            "requested_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    """A unit's part; its contacts, opinion and extension requests only for those taking part in the handling."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role = NamedChoiceField(
        enum_name="AssignmentRole", choices=Assignment.Role.choices, label=_("role"), read_only=True
    )
    status = NamedChoiceField(enum_name="AssignmentStatus", choices=Assignment.Status.choices, read_only=True)
    contacts = serializers.SerializerMethodField()
    co_opinion = serializers.SerializerMethodField()
    extension_requests = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "unit",
            "unit_name",
            "role",
            "status",
            "assigned_at",
            "reroute_deadline",
            "reroute_reason",
            "co_opinion_due",
            "answer_due",
            "hard_deadline",
            "accepted_at",
            "completed_at",
            "contacts",
            "co_opinion",
            "extension_requests",
        ]
        read_only_fields = fields

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, assignment: Assignment):
        if not self.context.get("sees_handling"):
            return []
        return ContactSerializer(assignment.contacts.all(), many=True).data

    @extend_schema_field(CoOpinionSerializer(allow_null=True))
    def get_co_opinion(self, assignment: Assignment):
        opinion = getattr(assignment, "co_opinion", None) if self.context.get("sees_handling") else None
        return CoOpinionSerializer(opinion).data if opinion is not None else None

    @extend_schema_field(ExtensionRequestSerializer(many=True))
    def get_extension_requests(self, assignment: Assignment):
        if not self.context.get("sees_handling"):
            return []
        return ExtensionRequestSerializer(assignment.extension_requests.all(), many=True).data


class RatingSerializer(serializers.ModelSerializer):
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)
    attitude = NamedChoiceField(enum_name="RatingLevel", choices=Rating.Level.choices, read_only=True)
    result = NamedChoiceField(enum_name="RatingLevel", choices=Rating.Level.choices, read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "answer", "deputy", "deputy_name", "attitude", "result", "comment", "rated_at"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="assignment.unit_id", read_only=True)
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)
    letter_url = serializers.SerializerMethodField(
        help_text="Where to download the signed reply letter; null without a letter or when the caller may not see it."
    )
    ratings = RatingSerializer(many=True, read_only=True)

    class Meta:
        model = Answer
        fields = [
            "id",
            "assignment",
            "unit",
            "unit_name",
            "kind",
            "grade",
            "text",
            "is_public",
            "answered_at",
            "rating_due",
            "letter_name",
            "letter_url",
            "ratings",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_letter_url(self, answer: Answer) -> str | None:
        if not answer.letter or not self.context.get("sees_handling"):
            return None
        request = self.context["request"]
        return request.build_absolute_uri(f"/api/v1/suggestions/{answer.suggestion_id}/answers/{answer.pk}/letter/")


def _ids(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(), help_text=help_text)


class EventDataSerializer(serializers.Serializer):
    """The facts a step recorded beside its note, as codes and ids; each kind of event records only some of them.

    Each property says which kinds record it, e.g. suggestion_closed: rated, without_second_answer, grade,
    unrated_answers, awaiting_answers; answer_rated: answer, unit, unit_name, grade, attitude, result, late. The ids
    are those the rest of the suggestion shows (signers' deputies, units, assignments, contacts, extension requests,
    answers, the supervising leader). Names (unit_name …) are as they were at the step, not as they are now.
    """

    # The timeline goes only to those who read the handling record in full (views.sees_handling), and each fact
    # listed here is one the same response shows them elsewhere. An event keeps other keys as well (an attachment's
    # id, which the API does not serve): only the listed ones are written, so a key a service records later stays out
    # of the API until someone has checked what it tells and listed it here.

    # Filing and review
    source = serializers.ChoiceField(
        choices=Suggestion.Source.choices, help_text="suggestion_created: how the suggestion came in."
    )
    cosigners = _ids("suggestion_created: the deputies invited to co-sign.")
    cosigners_confirmed = serializers.BooleanField(
        help_text="suggestion_created: the co-signers signed the paper copy, so they need not confirm online."
    )
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="draft_updated: the fields changed (title, content, cosigners …)."
    )
    deputy = serializers.IntegerField(help_text="suggestion_cosigned: the deputy who confirmed.")
    number = serializers.IntegerField(help_text="suggestion_registered: the registration number given.")
    unconfirmed_cosigners = _ids(
        "suggestion_registered: invited deputies who had not confirmed and so are not co-signers."
    )
    reason = NamedChoiceField(
        enum_name="RejectReason",
        choices=Suggestion.RejectReason.choices,
        help_text="suggestion_not_registered: why it was not registered.",
    )
    # Assignment and handling
    lead = serializers.IntegerField(help_text="suggestion_assigned: the lead unit.")
    co = _ids("suggestion_assigned: the co-handling units.")
    parallel = _ids("suggestion_assigned: the parallel units, each answering separately.")
    reroute_deadline = serializers.DateField(help_text="suggestion_assigned: the last day to ask for re-routing.")
    answer_due = serializers.DateField(
        allow_null=True,
        help_text=(
            "suggestion_assigned: when the answer is due; suggestion_rehandling and suggestion_follow_up: when the "
            "new answer is due (null under follow-up, which has no date: the unit answers again once it is solved)."
        ),
    )
    assignment = serializers.IntegerField(help_text="The assignment (one unit's part) the step was on.")
    unit = serializers.IntegerField(help_text="The unit of that assignment, or whose answer was rated.")
    unit_name = serializers.CharField(help_text="The unit's name when the step was taken.")
    role = NamedChoiceField(
        enum_name="AssignmentRole", choices=Assignment.Role.choices, help_text="The role of that assignment."
    )
    new_unit = serializers.IntegerField(
        allow_null=True, help_text="reroute_approved: the unit that took over the role; null when none did."
    )
    new_unit_name = serializers.CharField(help_text="reroute_approved: that unit's name then; empty when none.")
    contact = serializers.IntegerField(help_text="contact_logged: the contact logged.")
    method = serializers.ChoiceField(choices=Contact.Method.choices, help_text="contact_logged: how.")
    stage = serializers.ChoiceField(choices=Contact.Stage.choices, help_text="contact_logged: when in the handling.")
    late = serializers.BooleanField(
        help_text=(
            "co_opinion_sent, answer_given, answer_rated: it came after its deadline (the opinion's, the answer's, "
            "the rating window's)."
        )
    )
    request = serializers.IntegerField(help_text="extension_*: the extension request.")
    requested_until = serializers.DateField(help_text="extension_*: the answer date asked for.")
    previous_due = serializers.DateField(
        allow_null=True, help_text="extension_approved: when the answer was due before."
    )
    # Answers and ratings
    answer = serializers.IntegerField(help_text="answer_given: the answer given; answer_rated: the answer rated.")
    grade = serializers.ChoiceField(
        choices=Answer.Grade.choices,
        help_text=(
            "answer_given, answer_rated: that answer's grade; suggestion_answered: the suggestion's grade; "
            "suggestion_closed without a second answer: the grade of the answer left without one."
        ),
    )
    without_co_opinions = _ids("answer_given by the lead unit: co-handling units whose opinion had not come.")
    rating_due = serializers.DateField(help_text="suggestion_answered: the last day the deputy may rate.")
    answers = _ids("suggestion_answered: the answers awaiting the deputy's rating.")
    attitude = NamedChoiceField(
        enum_name="RatingLevel", choices=Rating.Level.choices, help_text="answer_rated: the handling attitude."
    )
    result = NamedChoiceField(
        enum_name="RatingLevel", choices=Rating.Level.choices, help_text="answer_rated: the result."
    )
    assignments = _ids("suggestion_rehandling, suggestion_follow_up: the assignments that answer again.")
    unit_names = serializers.ListField(
        child=serializers.CharField(), help_text="suggestion_rehandling, suggestion_follow_up: their units' names then."
    )
    # Closing and supervision
    rated = serializers.BooleanField(
        help_text=(
            "suggestion_closed: false when the office closed it unrated once the rating window had passed "
            "(counted as not rated, never as satisfied)."
        )
    )
    unrated_answers = _ids(
        "suggestion_closed unrated, and suggestion_rehandling once the rating window passed: the answers the deputy "
        "did not rate (never counted as satisfied)."
    )
    unrated_unit_names = serializers.ListField(
        child=serializers.CharField(),
        help_text="suggestion_rehandling once the rating window passed: the units of those answers, by name then.",
    )
    without_second_answer = serializers.BooleanField(
        help_text="suggestion_closed: a B or C answer had no second answer yet; the note says why it closed."
    )
    awaiting_answers = _ids("suggestion_closed without a second answer: the answers left without one.")
    supervising_leader = serializers.IntegerField(
        allow_null=True, help_text="suggestion_prioritized: the supervising leader; null when it was taken off."
    )

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False  # each kind records only some of them
        return fields


EVENT_DATA_KEYS = frozenset(EventDataSerializer().fields)


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField(
        help_text="What the step recorded besides its note (EventData): only the keys its kind records."
    )

    class Meta:
        model = Event
        fields = ["id", "kind", "from_state", "to_state", "note", "data", "actor", "actor_name", "created_at"]
        read_only_fields = fields

    def get_actor_name(self, event: Event) -> str:
        return event.actor.display_name if event.actor_id else ""

    @extend_schema_field(EventDataSerializer)
    def get_data(self, event: Event) -> dict[str, Any]:
        """Return the event's facts as it recorded them, those EventDataSerializer lists only."""
        return {key: value for key, value in (event.data or {}).items() if key in EVENT_DATA_KEYS}


class SuggestionDetailSerializer(SuggestionSerializer):
    """One suggestion with its signers, units, answers and ratings, and the timeline of every step."""

    reject_reason = NamedChoiceField(
        enum_name="RejectReason", choices=Suggestion.RejectReason.choices, allow_blank=True, read_only=True
    )
    supervising_leader_name = serializers.CharField(
        source="supervising_leader.display_name", read_only=True, allow_null=True, default=None
    )
    signers = SignerSerializer(many=True, read_only=True)
    assignments = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField(
        help_text="Every answer to those handling or signing it; only published ones to anyone else."
    )
    timeline = serializers.SerializerMethodField()

    class Meta(SuggestionSerializer.Meta):
        fields = [
            *SuggestionSerializer.Meta.fields,
            "content",
            "reject_reason",
            "reject_note",
            "supervising_leader",
            "supervising_leader_name",
            "signers",
            "assignments",
            "answers",
            "timeline",
        ]
        read_only_fields = fields

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, suggestion: Suggestion):
        return AssignmentSerializer(suggestion.assignments.all(), many=True, context=self._nested_context()).data

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, suggestion: Suggestion):
        answers = suggestion.answers.all()
        if not self.context.get("sees_handling"):
            answers = [answer for answer in answers if answer.is_public]
        return AnswerSerializer(answers, many=True, context=self._nested_context()).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, suggestion: Suggestion):
        events = self.context.get("timeline") or []
        return EventSerializer(events, many=True, context=self._nested_context()).data

    def _nested_context(self) -> dict:
        return self.context

    # One suggestion with nested lists: field by field, not the list's written-out row.
    to_representation = serializers.ModelSerializer.to_representation


# Writing


class SuggestionCreateSerializer(serializers.Serializer):
    """What a deputy sends to file their own suggestion, or staff and county systems send on a deputy's behalf."""

    lead_deputy = ScopedPrimaryKeyRelatedField(
        queryset=Deputy.objects.all(),
        required=False,
        help_text="The deputy it is filed for; leave out when a deputy files their own.",
    )
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=TEXT_MAX)
    session = ScopedPrimaryKeyRelatedField(
        queryset=CongressSession.objects.all(), allow_null=True, required=False, default=None
    )
    category = CategoryField(
        queryset=Category.objects.filter(is_active=True), allow_null=True, required=False, default=None
    )
    cosigner_ids = serializers.ListField(
        child=id_field(),
        max_length=MAX_COSIGNERS,
        required=False,
        default=list,
        help_text="Deputies invited to co-sign.",
    )
    cosigners_confirmed = serializers.BooleanField(
        required=False, default=False, help_text="Staff only: the co-signers signed the paper copy."
    )
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Submit at once rather than keep a draft."
    )


class EmptySerializer(serializers.Serializer):
    """No body is needed for this step."""


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX)


class RegisterSerializer(serializers.Serializer):
    category = CategoryField(
        queryset=Category.objects.filter(is_active=True), allow_null=True, required=False, default=None
    )


class RejectSerializer(serializers.Serializer):
    reason = NamedChoiceField(enum_name="RejectReason", choices=Suggestion.RejectReason.choices)
    note = serializers.CharField(max_length=NOTE_MAX, help_text="Why it is not registered, as the deputy is told.")


class AssignSerializer(serializers.Serializer):
    lead_unit = ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all())
    co_units = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all()),
        max_length=MAX_UNITS,
        required=False,
        default=list,
    )
    parallel_units = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(queryset=Unit.objects.all()),
        max_length=MAX_UNITS,
        required=False,
        default=list,
    )

    def validate(self, attrs):
        # The service names its error "units", a field this body does not have: name the list the repeat is in.
        seen = {attrs["lead_unit"].pk}
        for name in ("co_units", "parallel_units"):
            for unit in attrs[name]:
                if unit.pk in seen:
                    raise serializers.ValidationError({name: [_("A unit can take part in a suggestion only once.")]})
                seen.add(unit.pk)
        return attrs


class _OnAssignment(serializers.Serializer):
    """A step on one of this suggestion's assignments; an id of another suggestion's is refused."""

    assignment_id = id_field(help_text="One of this suggestion's assignments.")

    def validate_assignment_id(self, value: int) -> int:
        if not self.context["suggestion"].assignments.filter(pk=value).exists():
            raise serializers.ValidationError(_("This suggestion has no such assignment."))
        return value


class AcceptSerializer(_OnAssignment):
    pass


class RequestRerouteSerializer(_OnAssignment):
    reason = serializers.CharField(max_length=NOTE_MAX)


class DecideRerouteSerializer(_OnAssignment):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)
    new_unit = ScopedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="When approving: the unit that takes over this role.",
    )


class ContactCreateSerializer(_OnAssignment):
    method = serializers.ChoiceField(choices=Contact.Method.choices)
    stage = serializers.ChoiceField(choices=Contact.Stage.choices, required=False, default=Contact.Stage.DURING)
    contacted_on = serializers.DateField()
    participants = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=TEXT_MAX)


class CoOpinionCreateSerializer(_OnAssignment):
    text = serializers.CharField(max_length=TEXT_MAX)


class ExtensionCreateSerializer(_OnAssignment):
    reason = serializers.CharField(max_length=NOTE_MAX)
    requested_until = serializers.DateField()


class DecideExtensionSerializer(serializers.Serializer):
    extension_id = id_field(help_text="A pending extension request of one of this suggestion's assignments.")
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)

    def validate_extension_id(self, value: int) -> int:
        requests = ExtensionRequest.objects.filter(assignment__suggestion=self.context["suggestion"], pk=value)
        if not requests.exists():
            raise serializers.ValidationError(_("This suggestion has no such extension request."))
        return value


class AnswerCreateSerializer(_OnAssignment):
    """Sent as multipart/form-data so the signed letter can come with it (JSON works without a letter)."""

    grade = serializers.ChoiceField(choices=Answer.Grade.choices)
    text = serializers.CharField(max_length=TEXT_MAX)
    letter = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="The signed reply letter: PDF, Word, JPEG or PNG."
    )
    is_public = serializers.BooleanField(required=False, default=False)


class RateSerializer(serializers.Serializer):
    answer_id = id_field(help_text="One of this suggestion's answers (the latest of its unit).")
    attitude = NamedChoiceField(enum_name="RatingLevel", choices=Rating.Level.choices)
    result = NamedChoiceField(enum_name="RatingLevel", choices=Rating.Level.choices)
    comment = serializers.CharField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)

    def validate_answer_id(self, value: int) -> int:
        if not self.context["suggestion"].answers.filter(pk=value).exists():
            raise serializers.ValidationError(_("This suggestion has no such answer."))
        return value


class PrioritizeSerializer(serializers.Serializer):
    priority = serializers.BooleanField(required=False, default=True, help_text="false takes it off the list.")
    supervising_leader = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="Required when priority is true: an active leader (主任、副主任) of the suggestion's congress.",
    )
    note = serializers.CharField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)


class PublishSerializer(serializers.Serializer):
    public = serializers.BooleanField(required=False, default=True, help_text="false takes it down.")


# Statistics


class OrNone:
    """A reference field that also takes "none", as the statistics' groups key what has no session, unit or category."""

    def to_internal_value(self, data):
        if data == NONE_VALUE:
            return NONE_VALUE
        return super().to_internal_value(data)


@extend_schema_field(ID_OR_NONE)
class ScopedIdOrNoneField(OrNone, ScopedPrimaryKeyRelatedField):
    pass


@extend_schema_field(ID_OR_NONE)
class CategoryOrNoneField(OrNone, CategoryField):
    pass


class StatsQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(
        choices=["unit", "category", "session"], required=False, allow_null=True, default=None
    )
    session = ScopedIdOrNoneField(queryset=CongressSession.objects.all(), required=False)
    unit = ScopedIdOrNoneField(queryset=Unit.objects.all(), required=False, help_text="The lead unit.")
    category = CategoryOrNoneField(queryset=Category.objects.all(), required=False)
    priority = serializers.BooleanField(required=False, allow_null=True, default=None)
    assigned_from = serializers.DateField(required=False)
    assigned_to = serializers.DateField(required=False)
    rank_by = serializers.ChoiceField(choices=list(RATES), required=False, default="completion")

    def validate(self, attrs):
        # A query string cannot tell "empty" from "left out" otherwise; the schema documents no empty value.
        empty = [name for name in self.fields if self.initial_data.get(name) == ""]
        if empty:
            raise serializers.ValidationError(
                {name: [_("Leave this parameter out rather than empty.")] for name in empty}
            )
        start, end = attrs.get("assigned_from"), attrs.get("assigned_to")
        if start and end and start > end:
            # Counted as asked, an empty period gives zeros that read as a real answer.
            raise serializers.ValidationError(
                {"assigned_to": [_("The end of the period must not be before its start.")]}
            )
        return attrs


class RateValueSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="numerator ÷ denominator; null when nothing is counted.")
    numerator_query = serializers.CharField(help_text="List filters that list what the numerator counts.")
    denominator_query = serializers.CharField(help_text="List filters that list what the denominator counts.")


class RatesSerializer(serializers.Serializer):
    answer = RateValueSerializer(help_text="answered ÷ assigned")
    completion = RateValueSerializer(help_text="closed ÷ assigned")
    completion_6m = RateValueSerializer(help_text="closed within six months of assignment ÷ assigned")
    satisfaction = RateValueSerializer(help_text="(satisfied + basically satisfied) ÷ rated")
    solved = RateValueSerializer(help_text="grade A ÷ answered")


class StatsRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    key = serializers.CharField(allow_null=True, help_text='The group\'s id ("none" for no session, unit, category).')
    rank = serializers.IntegerField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    rates = RatesSerializer()


class StatsSerializer(serializers.Serializer):
    group_by = serializers.CharField(allow_null=True)
    total = StatsRowSerializer()
    groups = StatsRowSerializer(many=True)
