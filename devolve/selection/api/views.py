"""Selection API: rounds, their candidates' values, the current result (the JSON document that
``devolve select --json`` prints) and the decision. The reform office, evaluators and auditors
read; only the office scores, records and approves (the services check the actor again)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.accounts.acting import acting_user
from devolve.core.access import api_requires
from devolve.core.api.rows import RowListMixin
from devolve.selection import selectors, services
from devolve.selection.api.serializers import (
    ApprovalInput,
    CandidateValueOutput,
    DecisionInput,
    DecisionOutput,
    RoundLikeInput,
    SelectionRoundOutput,
)
from devolve.selection.filters import SelectionRoundFilter
from devolve.selection.models import SelectionRound


class SelectionRoundViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[SelectionRound]):
    """Selection rounds with their criteria, sub-indicators, weighting inputs and constraints.
    Address a round by its key (slug) or id."""

    serializer_class = SelectionRoundOutput
    permission_classes = [api_requires("selection.view_selection")]
    filterset_class = SelectionRoundFilter
    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[SelectionRound]:
        return selectors.list_rounds().prefetch_related("criteria", "sub_indicators__criterion")

    def get_object(self) -> SelectionRound:
        return selectors.access_round(user=acting_user(self.request), key=self.kwargs["key"])

    @extend_schema(request=RoundLikeInput, responses={201: SelectionRoundOutput})
    @action(detail=True, methods=["post"])
    def like(self, request: Request, key: str) -> Response:
        """Create a new draft round scored the way this one is: its criteria, sub-indicators
        (data years moved on), weighting, method and policies; not its candidate values (office).
        """
        payload = RoundLikeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments: dict[str, Any] = dict(payload.validated_data)
        created = services.create_round_like(
            template=self.get_object(), created_by=acting_user(request), **arguments
        )
        created = self.get_queryset().get(pk=created.pk)
        return Response(SelectionRoundOutput(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: CandidateValueOutput(many=True)})
    @action(detail=True, methods=["get"])
    def candidates(self, request: Request, key: str) -> Response:
        """Every recorded value of the round (missing ones with their reason)."""
        values = selectors.list_candidate_values(selection_round=self.get_object())
        return Response(CandidateValueOutput(values, many=True).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def result(self, request: Request, key: str) -> Response:
        """The current result as the stable JSON document (schema ``devolve.selection.result/1``,
        documented in docs/how-to/run-a-selection-round.md)."""
        result = selectors.current_result(selection_round=self.get_object())
        if result is None:
            raise NotFound("The round has not been scored yet.")
        return Response(selectors.result_document(result))

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def score(self, request: Request, key: str) -> Response:
        """Score the round with its stored inputs and store the result (office)."""
        result = services.score_round(
            selection_round=self.get_object(), scored_by=acting_user(request)
        )
        return Response(selectors.result_document(result), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: DecisionOutput})
    @extend_schema(methods=["POST"], request=DecisionInput, responses={201: DecisionOutput})
    @action(detail=True, methods=["get", "post"])
    def decision(self, request: Request, key: str) -> Response:
        """The decision (GET), or record it (POST, office): a choice other than the
        recommendation needs reasons."""
        selection_round = self.get_object()
        if request.method == "GET":
            decision = selectors.get_decision(selection_round=selection_round)
            if decision is None:
                raise NotFound("No decision is recorded yet.")
            return Response(DecisionOutput(decision).data)
        payload = DecisionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments: dict[str, Any] = dict(payload.validated_data)
        decision = services.record_decision(
            selection_round=selection_round, recorded_by=acting_user(request), **arguments
        )
        return Response(DecisionOutput(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ApprovalInput, responses={200: DecisionOutput})
    @action(detail=True, methods=["post"], url_path="decision/approve", url_name="approve")
    def approve(self, request: Request, key: str) -> Response:
        """Approve the recorded decision: creates the batch and its memberships (office)."""
        selection_round = self.get_object()
        decision = selectors.get_decision(selection_round=selection_round)
        if decision is None:
            raise NotFound("No decision is recorded yet.")
        payload = ApprovalInput(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments: dict[str, Any] = dict(payload.validated_data)
        decision = services.approve_decision(
            decision=decision, approved_by=acting_user(request), **arguments
        )
        return Response(DecisionOutput(decision).data)
