"""Registry API: reads are public; writes need the reform office and go through services."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.accounts.acting import acting_user
from devolve.core.api.rows import RowListMixin
from devolve.core.api.stored_pages import StoredPagesMixin
from devolve.core.errors import DomainError
from devolve.regions import selectors, services
from devolve.regions.api.serializers import (
    BatchInput,
    BatchOutput,
    DivisionOutput,
    MembershipEndInput,
    MembershipInput,
    MembershipOutput,
    PilotAreaOutput,
    ZoneInput,
    ZoneOutput,
)
from devolve.regions.filters import PilotAreaFilter, ZoneFilter
from devolve.regions.models import Batch, BatchMembership, Division, Zone


class DivisionViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[Division]):
    queryset = Division.objects.select_related("parent").order_by("code")
    serializer_class = DivisionOutput
    lookup_field = "code"
    filterset_fields = ["level"]


class ZoneViewSet(RowListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Zone]):
    serializer_class = ZoneOutput
    lookup_field = "slug"
    filterset_class = ZoneFilter

    def get_queryset(self) -> QuerySet[Zone]:
        return selectors.list_zones().distinct()

    @extend_schema(request=ZoneInput, responses={201: ZoneOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        payload = ZoneInput(data=request.data)
        payload.is_valid(raise_exception=True)
        zone = services.register_zone(registered_by=acting_user(request), **payload.validated_data)
        return Response(ZoneOutput(zone).data, status=status.HTTP_201_CREATED)


class BatchViewSet(RowListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Batch]):
    serializer_class = BatchOutput
    lookup_field = "number"

    def get_queryset(self) -> QuerySet[Batch]:
        return selectors.list_batches()

    @extend_schema(request=BatchInput, responses={201: BatchOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        payload = BatchInput(data=request.data)
        payload.is_valid(raise_exception=True)
        batch = services.create_batch(created_by=acting_user(request), **payload.validated_data)
        return Response(BatchOutput(batch).data, status=status.HTTP_201_CREATED)


class BatchMembershipViewSet(
    RowListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[BatchMembership]
):
    serializer_class = MembershipOutput

    def get_queryset(self) -> QuerySet[BatchMembership]:
        return selectors.list_memberships()

    @extend_schema(request=MembershipInput, responses={201: MembershipOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        payload = MembershipInput(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = services.add_zone_to_batch(
            added_by=acting_user(request), **payload.validated_data
        )
        return Response(MembershipOutput(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MembershipEndInput, responses={200: MembershipOutput})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """Record that the zone leaves the batch on ``left_on`` (a reason is required)."""
        payload = MembershipEndInput(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = services.end_membership(
            membership=self.get_object(),
            ended_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(MembershipOutput(membership).data)


def _on_date(request: Request) -> datetime.date:
    raw = request.query_params.get("on", "").strip()
    if not raw:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as error:
        raise DomainError(
            "invalid_date", _("“on” must be a date as YYYY-MM-DD."), field="on"
        ) from error


@extend_schema(
    parameters=[
        OpenApiParameter(
            "on", OpenApiTypes.DATE, description="Date to count pilot areas on; default today."
        )
    ]
)
class PilotAreaViewSet(StoredPagesMixin, RowListMixin, viewsets.ReadOnlyModelViewSet[Zone]):
    """Zones with a batch membership active on the date ``on``."""

    serializer_class = PilotAreaOutput
    lookup_field = "slug"
    filterset_class = PilotAreaFilter
    # What a page reads: the zones, their prefecture, their memberships and batches.
    page_inputs = (Zone, Division, BatchMembership, Batch)

    def page_scope(self, user: object) -> tuple[object, ...]:
        return ()  # the same pilot areas for everyone

    def page_context(self, request: object) -> tuple[object, ...]:
        return (timezone.localdate(),)  # the day ``on`` means when the request names none

    def get_queryset(self) -> QuerySet[Zone]:
        return selectors.list_pilot_areas(on=_on_date(self.request))
