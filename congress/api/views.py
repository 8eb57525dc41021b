"""API views of the kernel's resources: parse input, call a selector or service, serialise."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from congress import calendar, services
from congress.api.authentication import request_api_key
from congress.api.base import ApiGenericView, ApiView, ApiViewSet
from congress.api.exceptions import service_errors
from congress.api.filters import NotificationFilter, SessionFilter, TermFilter, UnitFilter, UserFilter
from congress.api.pagination import CursorPagination, PageNumberPagination
from congress.api.selectors import working_days
from congress.api.serializers import (
    AddWorkingDaysQuerySerializer,
    AddWorkingDaysResultSerializer,
    MarkReadResultSerializer,
    MarkReadSerializer,
    MeSerializer,
    NotificationSerializer,
    SessionSerializer,
    TermSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UnitSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
    WorkingDayListSerializer,
    WorkingDaysQuerySerializer,
)
from congress.api.throttling import TokenObtainThrottle
from congress.apikeys import personal_token_issue
from congress.models import CongressSession, Notification, Role, Term, Unit, User
from congress.permissions import can_manage_users


def can_read_users(user: User) -> bool:
    """Administrators, and county systems (an HR system syncing logins), list logins."""
    return can_manage_users(user) or user.has_role(Role.API_CLIENT)


@extend_schema(tags=["auth"])
class TokenObtainView(ApiView):
    """Exchange a person's username and password for a personal token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenObtainThrottle]
    # Replaying would mean storing the plain token; a retry just gets a fresh one.
    idempotency_exempt = True

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: TokenResponseSerializer},
        auth=[],
        summary="Get a personal token",
        description=(
            "Returns a token acting with the person's own roles, shown once. Not subject to "
            "Idempotency-Key. Throttled per address against password guessing."
        ),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            raise exceptions.ValidationError([_("Unable to log in with the given username and password.")])
        api_key, plain = personal_token_issue(user=user)
        return Response({"token": plain, "expires_at": api_key.expires_at}, status=status.HTTP_201_CREATED)


@extend_schema(tags=["users"])
class MeView(ApiGenericView):
    """Who is calling: the login, its roles, unit, deputy record and, for a client key, its scopes."""

    serializer_class = MeSerializer

    @extend_schema(summary="Who am I")
    def get(self, request):
        user = User.objects.select_related("unit").with_role_names().get(pk=request.user.pk)
        context = {**self.get_serializer_context(), "api_key": request_api_key(request)}
        return Response(MeSerializer(user, context=context).data)


@extend_schema_view(
    list=extend_schema(summary="List logins"),
    retrieve=extend_schema(summary="Get a login"),
    create=extend_schema(summary="Create a login", request=UserCreateSerializer, responses={201: UserSerializer}),
    update=extend_schema(summary="Update a login", request=UserUpdateSerializer, responses=UserSerializer),
    partial_update=extend_schema(
        summary="Update some fields of a login", request=UserUpdateSerializer, responses=UserSerializer
    ),
)
@extend_schema(tags=["users"])
class UserViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    """Logins; roles change only through the kernel's services, so an HR system can sync them."""

    queryset = User.objects.none()  # for the schema; get_queryset decides
    serializer_class = UserSerializer
    filterset_class = UserFilter
    pagination_class = CursorPagination
    ordering = ("username",)
    ordering_fields = ["username", "full_name", "id"]
    read_scope, write_scope = "users:read", "users:write"
    can_read = staticmethod(can_read_users)
    can_write = staticmethod(can_manage_users)

    def get_queryset(self):
        return User.objects.visible_to(self.request.user).select_related("unit", "body").with_role_names()

    def create(self, request, *args, **kwargs):
        serializer = UserCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            user = services.user_create(actor=request.user, **serializer.validated_data)
        return Response(self._read(user.pk), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        user = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = UserUpdateSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        current = {
            "full_name": user.full_name,
            "phone": user.phone,
            "body": user.body,
            "unit": user.unit,
            "is_active": user.is_active,
            "roles": sorted(user.roles),
        }
        with service_errors():
            services.user_update(user_id=user.pk, actor=request.user, **{**current, **serializer.validated_data})
        return Response(self._read(user.pk))

    def _read(self, pk: int) -> dict:
        return UserSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data


@extend_schema_view(list=extend_schema(summary="List units"), retrieve=extend_schema(summary="Get a unit"))
@extend_schema(tags=["reference"])
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Handling units and the committee's own offices."""

    queryset = Unit.objects.none()  # for the schema; get_queryset decides
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    pagination_class = PageNumberPagination
    ordering = ("body_id", "sort_order", "code", "id")
    ordering_fields = ["code", "name", "sort_order", "id"]
    read_scope = "reference:read"

    def get_queryset(self):
        return Unit.objects.visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="List terms"), retrieve=extend_schema(summary="Get a term"))
@extend_schema(tags=["reference"])
class TermViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Terms of the congresses (届)."""

    queryset = Term.objects.none()  # for the schema; get_queryset decides
    serializer_class = TermSerializer
    filterset_class = TermFilter
    pagination_class = PageNumberPagination
    ordering = ("-start_date", "id")
    ordering_fields = ["start_date", "number", "id"]
    read_scope = "reference:read"

    def get_queryset(self):
        return Term.objects.visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="List sessions"), retrieve=extend_schema(summary="Get a session"))
@extend_schema(tags=["reference"])
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Sessions of the congresses (次会议)."""

    queryset = CongressSession.objects.none()  # for the schema; get_queryset decides
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    pagination_class = PageNumberPagination
    ordering = ("-start_date", "id")
    ordering_fields = ["start_date", "number", "id"]
    read_scope = "reference:read"

    def get_queryset(self):
        return CongressSession.objects.visible_to(self.request.user).select_related("term__body")


@extend_schema(tags=["reference"])
class WorkingDaysView(ApiView):
    """The working-day calendar: holidays and adjusted workdays (调休) over a range."""

    read_scope = "reference:read"

    @extend_schema(
        summary="Working days in a range",
        parameters=[WorkingDaysQuerySerializer],
        responses=WorkingDayListSerializer,
    )
    def get(self, request):
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = working_days(start=query.validated_data["from"], end=query.validated_data["to"])
        return Response(WorkingDayListSerializer({"results": days}).data)


@extend_schema(tags=["reference"])
class AddWorkingDaysView(ApiView):
    """Deadline arithmetic: the day N working days after a date, as every deadline in the portal counts."""

    read_scope = "reference:read"

    @extend_schema(
        summary="Add working days to a date",
        parameters=[AddWorkingDaysQuerySerializer],
        responses=AddWorkingDaysResultSerializer,
    )
    def get(self, request):
        query = AddWorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day, days = query.validated_data["date"], query.validated_data["days"]
        result = calendar.add_working_days(day, days)
        return Response(AddWorkingDaysResultSerializer({"date": day, "days": days, "result": result}).data)


@extend_schema_view(
    list=extend_schema(summary="My inbox"),
    retrieve=extend_schema(summary="One of my notifications"),
    mark_read=extend_schema(
        summary="Mark notifications read", request=MarkReadSerializer, responses={200: MarkReadResultSerializer}
    ),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The caller's own inbox; nobody reads another person's notifications through the API."""

    queryset = Notification.objects.none()  # for the schema; get_queryset decides
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = CursorPagination
    ordering = ("-created_at", "-id")
    ordering_fields = ["created_at", "id"]
    read_scope, write_scope = "notifications:read", "notifications:write"

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    @action(detail=False, methods=["post"], url_path="mark-read", filter_backends=[], pagination_class=None)
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(user=request.user, ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked})


@extend_schema(exclude=True)
class NotFoundView(ApiView):
    """Answer any unknown path under /api/v1/ with a JSON 404 in the error shape, not an HTML page."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []
    idempotency_exempt = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()
