"""Base classes every API view uses, so each one gets the same conventions without repeating them."""

from __future__ import annotations

from rest_framework import generics, viewsets
from rest_framework.views import APIView

from congress.api.idempotency import IdempotentMixin
from congress.api.parsers import JSONParser
from congress.api.permissions import can_read_personal_data


class ApiConventions(IdempotentMixin):
    """Idempotency-Key on POST, the personal-data flag in serializer context, numeric ids in URLs, JSON bodies."""

    parser_classes = [JSONParser]
    # Ids up to 18 digits: anything else is not an id, and a 20-digit one would overflow the database.
    lookup_value_regex = r"[0-9]{1,18}"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["personal_data"] = can_read_personal_data(self.request)
        return context


class ApiView(ApiConventions, APIView):
    def get_serializer_context(self):
        return {"request": self.request, "view": self, "personal_data": can_read_personal_data(self.request)}


class ApiGenericView(ApiConventions, generics.GenericAPIView):
    pass


class ApiViewSet(ApiConventions, viewsets.GenericViewSet):
    pass
