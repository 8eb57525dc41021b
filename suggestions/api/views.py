"""API of the suggestion loop: the list, one suggestion, and one endpoint per step, each calling one service.

Reads go through the selectors (visibility by `Suggestion.objects.visible_to`, so what the caller may not see
is a 404); every POST parses a small body, calls exactly one service, and answers with the updated suggestion
or the object the step created. Services decide who may act (403) and when (409).
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from congress.api.base import ApiView, ApiViewSet
from congress.api.pagination import IdFirstCursorPagination
from congress.api.parsers import JSONParser
from congress.models import Role, User
from deputies.models import Deputy
from suggestions import services
from suggestions.api.examples import CREATE_EXAMPLES, LIST_EXAMPLES, RETRIEVE_EXAMPLES, STATS_EXAMPLES, STEP_EXAMPLES
from suggestions.api.filters import SuggestionApiFilter
from suggestions.api.serializers import (
    AcceptSerializer,
    AnswerCreateSerializer,
    AnswerSerializer,
    AssignSerializer,
    ContactCreateSerializer,
    ContactSerializer,
    CoOpinionCreateSerializer,
    CoOpinionSerializer,
    DecideExtensionSerializer,
    DecideRerouteSerializer,
    EmptySerializer,
    ExtensionCreateSerializer,
    ExtensionRequestSerializer,
    NoteSerializer,
    PrioritizeSerializer,
    PublishSerializer,
    RateSerializer,
    RatingSerializer,
    RegisterSerializer,
    RejectSerializer,
    RequestRerouteSerializer,
    RequiredNoteSerializer,
    StatsQuerySerializer,
    StatsSerializer,
    SuggestionCreateSerializer,
    SuggestionDetailSerializer,
    SuggestionSerializer,
)
from suggestions.models import Answer, Assignment, Suggestion
from suggestions.selectors import suggestion_get, suggestion_list, suggestion_timeline
from suggestions.stats import RATES, StatsRow, can_view_suggestion_stats, suggestion_stats

# A letter is served as what its content is; the answer service accepts only these.
LETTER_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/jpeg",
    "image/png",
)


def sees_handling(user: User, suggestion: Suggestion) -> bool:
    """Tell whether the user takes part in the suggestion, and so reads its handling record in full.

    The committee side and county systems, the units handling it and its signers do; a deputy who sees a
    published suggestion only reads its published answers, as the public pages show them.
    """
    if user.is_committee_side or user.has_role(Role.API_CLIENT):
        return True
    if user.is_unit_side and any(
        assignment.unit_id == user.unit_id and assignment.status != Assignment.Status.WITHDRAWN
        for assignment in suggestion.assignments.all()
    ):
        return True
    return any(signer.deputy.user_id == user.pk for signer in suggestion.signers.all())


def can_read_stats(user: User) -> bool:
    """The committee side reads the statistics of its scope; so do county systems (a big screen)."""
    return can_view_suggestion_stats(user) or user.has_role(Role.API_CLIENT)


def _step(summary: str, request, responses=None, **kwargs):
    """Document one step of the loop: its body, and the suggestion (or created object) it answers with."""
    return extend_schema(
        summary=summary, request=request, responses=responses or {200: SuggestionDetailSerializer}, **kwargs
    )


@extend_schema_view(
    list=extend_schema(
        summary="List suggestions",
        description="Filters as on the staff list; ?search= for text.",
        examples=LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="Get a suggestion with its signers, units, answers, ratings and timeline",
        responses={200: SuggestionDetailSerializer},
        examples=RETRIEVE_EXAMPLES,
    ),
    create=extend_schema(
        summary="File a suggestion",
        description=(
            "A deputy files their own (leave out lead_deputy), as a draft or submitted at once. Office staff, or a "
            "county system whose login is office staff, file one on a deputy's behalf (source: api)."
        ),
        request=SuggestionCreateSerializer,
        responses={201: SuggestionDetailSerializer},
        examples=CREATE_EXAMPLES,
    ),
)
@extend_schema(tags=["suggestions"])
class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    """Deputies' suggestions and every step of their closed loop."""

    queryset = Suggestion.objects.none()  # for the schema; get_queryset decides
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionApiFilter
    # A province holds a million suggestions: ids from the ordering's index first, then the page's rows.
    pagination_class = IdFirstCursorPagination
    # Cursor pages need orderings on columns that are never NULL.
    ordering = ("-created_at", "-id")
    ordering_fields = ["created_at", "updated_at", "year", "id"]
    read_scope, write_scope = "suggestions:read", "suggestions:write"

    def get_queryset(self):
        return suggestion_list(user=self.request.user)

    def get_page_queryset(self):
        """Read a list page's rows by id (IdFirstCursorPagination): only the list serializer's columns.

        The ids came from get_queryset, scope and filters applied; checking them again would cost PostgreSQL
        a plan over the scope's bodies for rows it has just chosen.
        """
        return Suggestion.objects.select_related(*SuggestionSerializer.JOINS).only(*SuggestionSerializer.COLUMNS)

    def perform_content_negotiation(self, request, force=False):
        # The letter is a file, not JSON: serve it whatever the Accept header asks for.
        return super().perform_content_negotiation(request, force=force or self.action == "letter")

    # Reading

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.kwargs["pk"]))

    def _detail(self, pk) -> dict:
        suggestion = suggestion_get(user=self.request.user, pk=pk)
        full = sees_handling(self.request.user, suggestion)
        context = {
            **self.get_serializer_context(),
            "sees_handling": full,
            "timeline": suggestion_timeline(suggestion=suggestion) if full else [],
        }
        return SuggestionDetailSerializer(suggestion, context=context).data

    def _created(self, obj, serializer_class) -> Response:
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status.HTTP_201_CREATED)

    def _visible(self) -> Suggestion:
        """Return the suggestion of the URL if the caller may see it; a 404 otherwise."""
        suggestion = Suggestion.objects.visible_to(self.request.user).only("pk").filter(pk=self.kwargs["pk"]).first()
        if suggestion is None:
            raise Http404
        return suggestion

    def _body(self, serializer_class, suggestion: Suggestion) -> dict:
        """Parse and validate the step's body; a malformed one is a 400 (or 415) before anything changes.

        Steps that take no body parse it too (EmptySerializer): otherwise `{bad json` would still act.
        """
        context = {**self.get_serializer_context(), "suggestion": suggestion}
        serializer = serializer_class(data=self.request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Download an answer's reply letter",
        responses={(200, media): OpenApiTypes.BINARY for media in LETTER_TYPES},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"answers/(?P<answer_id>[0-9]{1,18})/letter",
        filter_backends=[],
        pagination_class=None,
    )
    def letter(self, request, pk=None, answer_id=None):
        suggestion = suggestion_get(user=request.user, pk=pk)
        answer = next((answer for answer in suggestion.answers.all() if answer.pk == int(answer_id)), None)
        if answer is None or not answer.letter or not sees_handling(request.user, suggestion):
            raise Http404
        return FileResponse(answer.letter.open("rb"), as_attachment=True, filename=answer.letter_name or None)

    # Intake

    def create(self, request, *args, **kwargs):
        serializer = SuggestionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        own = Deputy.objects.filter(user=request.user).first()
        lead_deputy = data.pop("lead_deputy", None) or own
        if lead_deputy is None:
            raise exceptions.ValidationError({"lead_deputy": [_("Name the deputy the suggestion is filed for.")]})
        filed_by_deputy = own is not None and lead_deputy.pk == own.pk
        suggestion = services.suggestion_create(
            body=lead_deputy.body,
            lead_deputy=lead_deputy,
            actor=request.user,
            source=Suggestion.Source.DEPUTY if filed_by_deputy else Suggestion.Source.API,
            **data,
        )
        return Response(self._detail(suggestion.pk), status=status.HTTP_201_CREATED)

    @_step("Submit a draft", request=None, examples=STEP_EXAMPLES["submit"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request, pk=None):
        suggestion = self._visible()
        self._body(EmptySerializer, suggestion)
        services.suggestion_submit(suggestion_id=suggestion.pk, actor=request.user)
        return Response(self._detail(pk))

    @_step("Withdraw (the lead deputy, before assignment)", request=NoteSerializer, examples=STEP_EXAMPLES["withdraw"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def withdraw(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_withdraw(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(NoteSerializer, suggestion)
        )
        return Response(self._detail(pk))

    @_step("Co-sign (an invited deputy, from their own login)", request=None, examples=STEP_EXAMPLES["cosign"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def cosign(self, request, pk=None):
        suggestion = self._visible()
        self._body(EmptySerializer, suggestion)
        services.suggestion_cosign(suggestion_id=suggestion.pk, actor=request.user)
        return Response(self._detail(pk))

    @_step("Register (立案) with the next number", request=RegisterSerializer, examples=STEP_EXAMPLES["register"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def register(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_register(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(RegisterSerializer, suggestion)
        )
        return Response(self._detail(pk))

    @_step(
        "Refuse to register, with a reason the deputy is told",
        request=RejectSerializer,
        examples=STEP_EXAMPLES["reject"],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reject(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_reject(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(RejectSerializer, suggestion)
        )
        return Response(self._detail(pk))

    # Assignment

    @_step(
        "Assign to a lead unit and any co-handling or parallel units",
        request=AssignSerializer,
        examples=STEP_EXAMPLES["assign"],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def assign(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_assign(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(AssignSerializer, suggestion)
        )
        return Response(self._detail(pk))

    @_step("Accept an assignment (its unit)", request=AcceptSerializer, examples=STEP_EXAMPLES["accept"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def accept(self, request, pk=None):
        body = self._body(AcceptSerializer, self._visible())
        services.assignment_accept(assignment_id=body["assignment_id"], actor=request.user)
        return Response(self._detail(pk))

    @_step(
        "Ask, inside the window, to be re-routed (its unit)",
        request=RequestRerouteSerializer,
        examples=STEP_EXAMPLES["request-reroute"],
    )
    @action(detail=True, methods=["post"], url_path="request-reroute", filter_backends=[], pagination_class=None)
    def request_reroute(self, request, pk=None):
        body = self._body(RequestRerouteSerializer, self._visible())
        services.assignment_request_reroute(
            assignment_id=body["assignment_id"], actor=request.user, reason=body["reason"]
        )
        return Response(self._detail(pk))

    @_step(
        "Approve or refuse a re-routing request",
        request=DecideRerouteSerializer,
        examples=STEP_EXAMPLES["decide-reroute"],
    )
    @action(detail=True, methods=["post"], url_path="decide-reroute", filter_backends=[], pagination_class=None)
    def decide_reroute(self, request, pk=None):
        body = self._body(DecideRerouteSerializer, self._visible())
        services.assignment_decide_reroute(
            assignment_id=body["assignment_id"],
            actor=request.user,
            approve=body["approve"],
            note=body["note"],
            new_unit=body["new_unit"],
        )
        return Response(self._detail(pk))

    # Handling

    @_step(
        "Log a contact with the deputy",
        request=ContactCreateSerializer,
        responses={201: ContactSerializer},
        examples=STEP_EXAMPLES["contact"],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def contact(self, request, pk=None):
        body = self._body(ContactCreateSerializer, self._visible())
        contact = services.contact_log(actor=request.user, **body)
        return self._created(contact, ContactSerializer)

    @_step(
        "Send a co-handling unit's opinion to the lead unit",
        request=CoOpinionCreateSerializer,
        responses={201: CoOpinionSerializer},
        examples=STEP_EXAMPLES["co-opinion"],
    )
    @action(detail=True, methods=["post"], url_path="co-opinion", filter_backends=[], pagination_class=None)
    def co_opinion(self, request, pk=None):
        body = self._body(CoOpinionCreateSerializer, self._visible())
        opinion = services.co_opinion_send(actor=request.user, **body)
        return self._created(opinion, CoOpinionSerializer)

    @_step(
        "Ask for a later answer date",
        request=ExtensionCreateSerializer,
        responses={201: ExtensionRequestSerializer},
        examples=STEP_EXAMPLES["request-extension"],
    )
    @action(detail=True, methods=["post"], url_path="request-extension", filter_backends=[], pagination_class=None)
    def request_extension(self, request, pk=None):
        body = self._body(ExtensionCreateSerializer, self._visible())
        extension = services.extension_request(actor=request.user, **body)
        return self._created(extension, ExtensionRequestSerializer)

    @_step(
        "Approve or refuse an extension request",
        request=DecideExtensionSerializer,
        examples=STEP_EXAMPLES["decide-extension"],
    )
    @action(detail=True, methods=["post"], url_path="decide-extension", filter_backends=[], pagination_class=None)
    def decide_extension(self, request, pk=None):
        body = self._body(DecideExtensionSerializer, self._visible())
        services.extension_decide(
            request_id=body["extension_id"], actor=request.user, approve=body["approve"], note=body["note"]
        )
        return Response(self._detail(pk))

    @_step(
        "Answer, with the grade and the signed reply letter",
        request={"multipart/form-data": AnswerCreateSerializer, "application/json": AnswerCreateSerializer},
        responses={201: AnswerSerializer},
        description=(
            "Send multipart/form-data to attach the letter (PDF, Word, JPEG or PNG, checked by its content); "
            "application/json works for an answer without a letter."
        ),
        examples=STEP_EXAMPLES["answer"],
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, JSONParser],
        filter_backends=[],
        pagination_class=None,
    )
    def answer(self, request, pk=None):
        body = self._body(AnswerCreateSerializer, self._visible())
        answer = services.suggestion_answer(actor=request.user, **body)
        context = {**self.get_serializer_context(), "sees_handling": True}
        data = AnswerSerializer(Answer.objects.select_related("assignment__unit").get(pk=answer.pk), context=context)
        return Response(data.data, status=status.HTTP_201_CREATED)

    # Closing

    @_step(
        "Rate an answer (the lead deputy, from their own login)",
        request=RateSerializer,
        responses={201: RatingSerializer},
        examples=STEP_EXAMPLES["rate"],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def rate(self, request, pk=None):
        body = self._body(RateSerializer, self._visible())
        rating = services.suggestion_rate(
            answer_id=body["answer_id"],
            actor=request.user,
            attitude=body["attitude"],
            result=body["result"],
            comment=body["comment"],
        )
        return self._created(rating, RatingSerializer)

    @_step(
        "Close",
        request=NoteSerializer,
        description=(
            "Closes a suggestion under follow-up, or an answered one whose rating window has passed unrated (inside "
            "the window: 409). A grade B or C answer waits for the unit's second answer, whether the deputy rated it "
            "(under follow-up) or not (closed unrated); closing before that answer needs a note saying why (without "
            "one: 400, naming note), which the deputy receives and the record keeps. After the second answer, and "
            "for an unrated grade A or D answer, the note is optional. An answer rated unsatisfied is never closed "
            "(409 naming its units, and nothing is changed): while the deputy may still rate the other answers it "
            "waits for them; after the rating window it goes back to those units for re-handling instead, which the "
            "office may do at once with POST /api/v1/suggestions/{id}/settle-round/ (or from the suggestion's page), "
            "or the portal does within the hour."
        ),
        examples=STEP_EXAMPLES["close"],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def close(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_close(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(NoteSerializer, suggestion)
        )
        return Response(self._detail(pk))

    @_step(
        "Send a lapsed round with an answer rated unsatisfied back for re-handling now",
        request=None,
        description=(
            "For an answered suggestion whose deputy rated a unit's answer unsatisfied and left a parallel unit's "
            "answer unrated past the rating window: the units rated unsatisfied handle it again, with the "
            "re-handling deadline, and the answers left unrated stay unrated (the suggestion_rehandling event names "
            "them). The portal does the same by itself within the hour; this step lets the office do it at once "
            "instead of waiting. Takes no body. 409 when no answer of the round is rated unsatisfied, while the "
            "deputy may still rate the other answers (naming the units and the last day), and once it has been sent "
            "back (by this step, the hourly sweep or a late rating). Office staff only (403)."
        ),
        examples=STEP_EXAMPLES["settle-round"],
    )
    @action(detail=True, methods=["post"], url_path="settle-round", filter_backends=[], pagination_class=None)
    def settle_round(self, request, pk=None):
        suggestion = self._visible()
        self._body(EmptySerializer, suggestion)
        services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=request.user)
        return Response(self._detail(pk))

    @_step("Record the revisit (回访) after closing", request=RequiredNoteSerializer, examples=STEP_EXAMPLES["revisit"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def revisit(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_revisit(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(RequiredNoteSerializer, suggestion)
        )
        return Response(self._detail(pk))

    @_step("Archive", request=None, examples=STEP_EXAMPLES["archive"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def archive(self, request, pk=None):
        suggestion = self._visible()
        self._body(EmptySerializer, suggestion)
        services.suggestion_archive(suggestion_id=suggestion.pk, actor=request.user)
        return Response(self._detail(pk))

    @_step(
        "Put under priority supervision (重点督办), or take it off",
        request=PrioritizeSerializer,
        examples=STEP_EXAMPLES["prioritize"],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def prioritize(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_prioritize(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(PrioritizeSerializer, suggestion)
        )
        return Response(self._detail(pk))

    @_step("Publish on the public pages, or take it down", request=PublishSerializer, examples=STEP_EXAMPLES["publish"])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def publish(self, request, pk=None):
        suggestion = self._visible()
        services.suggestion_publish(
            suggestion_id=suggestion.pk, actor=request.user, **self._body(PublishSerializer, suggestion)
        )
        return Response(self._detail(pk))


GROUPINGS = {"unit": "by_unit", "category": "by_category", "session": "by_session"}


def stats_row_data(row: StatsRow) -> dict:
    rates = {}
    for name in RATES:
        rate = row.rate(name)
        rates[name] = {
            "numerator": rate.numerator.count,
            "denominator": rate.denominator.count,
            "rate": rate.value,
            "numerator_query": rate.numerator.query,
            "denominator_query": rate.denominator.query,
        }
    return {
        "label": row.label,
        "key": row.group_params[0][1] if row.group_params else None,
        "rank": row.rank,
        "counts": dict(row.counts),
        "rates": rates,
    }


@extend_schema(tags=["suggestions"])
class SuggestionStatsView(ApiView):
    """The answer, completion (and 6-month), satisfaction and solved rates, with numerator and denominator."""

    read_scope = "suggestions:read"
    can_read = staticmethod(can_read_stats)

    @extend_schema(
        summary="Suggestion statistics",
        description=(
            "Counts only suggestions assigned (交办) and not sent back. Each rate gives its numerator and "
            "denominator, and the list filters (numerator_query, denominator_query) that list what they count "
            "at /api/v1/suggestions/. group_by=unit ranks the lead units by rank_by."
        ),
        parameters=[StatsQuerySerializer],
        responses=StatsSerializer,
        examples=STATS_EXAMPLES,
    )
    def get(self, request):
        query = StatsQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        group_by, rank_by = filters.pop("group_by"), filters.pop("rank_by")
        # The statistics page's selector; the priority split it always counts gives the total.
        groups = [group_by] if group_by else []
        result = suggestion_stats(user=request.user, filters=filters, rank_by=rank_by, groups=groups)
        shown = getattr(result, GROUPINGS[group_by]) if group_by else []
        return Response(
            {
                "group_by": group_by,
                "total": stats_row_data(result.total),
                "groups": [stats_row_data(row) for row in shown],
            }
        )
