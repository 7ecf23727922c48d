"""Catalogue API: reads are public; a department may create and change only its own matters."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.accounts.acting import acting_user
from devolve.matters import selectors, services
from devolve.matters.api.serializers import (
    AuthorizationModeOutput,
    DepartmentOutput,
    MatterInput,
    MatterOutput,
    MatterTypeOutput,
)
from devolve.matters.filters import MatterFilter
from devolve.matters.models import AuthorizationMode, Department, Matter, MatterType


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    serializer_class = DepartmentOutput
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Department]:
        return selectors.list_departments()


class MatterTypeViewSet(viewsets.ReadOnlyModelViewSet[MatterType]):
    serializer_class = MatterTypeOutput
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[MatterType]:
        return selectors.list_matter_types()


class AuthorizationModeViewSet(viewsets.ReadOnlyModelViewSet[AuthorizationMode]):
    serializer_class = AuthorizationModeOutput
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[AuthorizationMode]:
        return selectors.list_authorization_modes()


class MatterViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Matter]
):
    serializer_class = MatterOutput
    filterset_class = MatterFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Matter]:
        return selectors.list_matters()

    @extend_schema(request=MatterInput, responses={201: MatterOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        payload = MatterInput(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        reason = fields.pop("reason")
        matter = services.create_matter(created_by=acting_user(request), reason=reason, **fields)
        return Response(MatterOutput(matter).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MatterInput, responses={200: MatterOutput})
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        payload = MatterInput(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        reason = changes.pop("reason", "")
        matter = services.update_matter(
            matter=self.get_object(),
            updated_by=acting_user(request),
            reason=reason,
            **changes,
        )
        return Response(MatterOutput(matter).data)

    def update(self, request: Request, *args: object, **kwargs: object) -> Response:
        return self.partial_update(request, *args, **kwargs)
