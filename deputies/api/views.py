"""API views of the roster: list and read for whoever may see it; writes through the roster services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from congress.api.base import ApiViewSet
from congress.api.exceptions import service_errors
from congress.api.pagination import CursorPagination
from deputies.api.filters import DeputyApiFilter
from deputies.api.serializers import DeputySerializer, DeputyWriteSerializer
from deputies.models import Deputy
from deputies.permissions import can_write_roster
from deputies.services import deputy_create, deputy_update


@extend_schema_view(
    list=extend_schema(summary="List deputies"),
    retrieve=extend_schema(summary="Get a deputy"),
    create=extend_schema(summary="Add a deputy", request=DeputyWriteSerializer, responses={201: DeputySerializer}),
    update=extend_schema(summary="Update a deputy", request=DeputyWriteSerializer, responses=DeputySerializer),
    partial_update=extend_schema(
        summary="Update some fields of a deputy", request=DeputyWriteSerializer, responses=DeputySerializer
    ),
)
@extend_schema(tags=["deputies"])
class DeputyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    """The deputies roster. Phone and ID-card numbers are masked unless the caller may read personal data."""

    queryset = Deputy.objects.none()  # for the schema; get_queryset decides
    serializer_class = DeputySerializer
    filterset_class = DeputyApiFilter
    pagination_class = CursorPagination
    ordering = ("code", "id")
    ordering_fields = ["code", "name", "level", "id"]
    read_scope, write_scope = "roster:read", "roster:write"
    can_write = staticmethod(can_write_roster)

    def get_queryset(self):
        return Deputy.objects.visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = DeputyWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            deputy = deputy_create(actor=request.user, **serializer.validated_data)
        return Response(self._read(deputy), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        deputy = self.get_object()
        serializer = DeputyWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            deputy = deputy_update(deputy_id=deputy.pk, actor=request.user, **serializer.validated_data)
        return Response(self._read(deputy))

    def _read(self, deputy: Deputy) -> dict:
        return DeputySerializer(deputy, context=self.get_serializer_context()).data
