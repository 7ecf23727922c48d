"""Selection API: rounds, their candidates' values, the current result (the JSON document that
``devolve select --json`` prints) and the decision. The reform office, evaluators and auditors
read; only the office scores, records and approves (the services check the actor again)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
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
    ScoringRunOutput,
    SelectionRoundOutput,
)
from devolve.selection.filters import SelectionRoundFilter
from devolve.selection.models import ScoringRun, SelectionRound


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

    @extend_schema(
        request=None,
        responses={202: ScoringRunOutput},
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[202],
                description="The scoring run's address: /api/v1/scoring-runs/<id>/.",
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def score(self, request: Request, key: str) -> Response:
        """Score the round with its stored inputs (office). A national round takes seconds, so
        it is scored in the background (ADR 0072), as the round's staff page scores it: who may
        score and the round's status are checked now (``403 not_allowed``, ``400
        illegal_transition``), then a scoring run is queued and the answer is ``202`` with the
        run, its address in ``Location`` (``/api/v1/scoring-runs/<id>/``): poll it for progress
        and outcome; once ``scored``, ``result_url`` holds the result document. While a run of
        the round is queued or running, scoring again answers it as it is."""
        queued = services.queue_scoring(
            selection_round=self.get_object(),
            requested_by=acting_user(request),
            under_way_is_enough=True,
        )
        # As it stands now: the task may have run already (tasks run inline in tests and the demo).
        run = selectors.list_scoring_runs().get(pk=queued.pk)
        return Response(
            ScoringRunOutput(run).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api:scoring-run-detail", kwargs={"pk": run.pk})},
        )

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


class ScoringRunViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[ScoringRun]):
    """A queued scoring of a round (``POST /api/v1/selection-rounds/<key>/score/``): its status
    (``queued``, ``running``, ``scored``, ``failed``), sensitivity runs done of those to do, and
    why it failed (``error_code``; ``error_message`` in the request's language), with nothing
    of a failed one stored. Read by those who read rounds: the office, evaluators, auditors."""

    serializer_class = ScoringRunOutput
    permission_classes = [api_requires("selection.view_selection")]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[ScoringRun]:
        return selectors.list_scoring_runs()
