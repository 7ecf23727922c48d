"""Indicators API: the catalogue, observations and evaluation runs are public to read (the portal
shows them); creating a run needs the reform office or an evaluator, and goes through the run
service, which checks the role again."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from devolve.accounts.acting import acting_user
from devolve.core.api.pagination import KeysetPaginationWithNumberedPages
from devolve.core.api.rows import RowListMixin
from devolve.core.errors import NotAllowed
from devolve.indicators import permissions, selectors, services
from devolve.indicators.api.serializers import (
    EvaluationRunInput,
    EvaluationRunOutput,
    EvaluationRunSummaryOutput,
    IndicatorOutput,
    ObservationOutput,
)
from devolve.indicators.filters import ObservationFilter
from devolve.indicators.models import EvaluationRun, Indicator, Observation


class IndicatorViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[Indicator]):
    serializer_class = IndicatorOutput
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Indicator]:
        return selectors.list_indicators()


class ObservationViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[Observation]):
    """Every release of every figure, in the order they were recorded; filter with
    ``released_by`` and pick the latest vintage per period to see the figures as they stood on a
    day."""

    serializer_class = ObservationOutput
    filterset_class = ObservationFilter
    # A million releases at national scale: keyset pages in the observations' own order (ADR
    # 0035); ``?page=N`` answers the numbered page in the old order for one release.
    pagination_class = KeysetPaginationWithNumberedPages

    def get_queryset(self) -> QuerySet[Observation]:
        return selectors.list_observations().order_by(
            "indicator__code", "subject_kind", "zone__slug", "division__code", "year", "quarter",
            "vintage", "pk",
        )  # fmt: skip


class EvaluationRunViewSet(
    RowListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[EvaluationRun]
):
    filterset_fields = ["indicator__code", "batch__number", "method", "control", "is_simulated"]

    def get_queryset(self) -> QuerySet[EvaluationRun]:
        return selectors.list_evaluation_runs()

    def get_serializer_class(self) -> type[BaseSerializer[EvaluationRun]]:
        return EvaluationRunSummaryOutput if self.action == "list" else EvaluationRunOutput

    @extend_schema(request=EvaluationRunInput, responses={201: EvaluationRunOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        user = acting_user(request)
        if not permissions.can_run_evaluation(user):
            raise NotAllowed("Only the reform office and evaluators run evaluations.")
        payload = EvaluationRunInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        run = services.run_evaluation(
            indicator=data["indicator"],
            batch=data.get("batch"),
            outcome=data["outcome"],
            control=data["control"],
            method=data["method"],
            covariates=list(data.get("covariates", [])),
            as_of=data["as_of"],
            first_year=data["first_year"],
            last_year=data["last_year"],
            created_by=user,
        )
        return Response(EvaluationRunOutput(run).data, status=status.HTTP_201_CREATED)
