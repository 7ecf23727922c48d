"""Assessments API: rounds, grant assessments and the entry roll-up, scoped to the reader (the
office, evaluators and auditors see every grant; a department its own matters'; a prefecture its
areas'; a pilot area its own); zero-use flags; and each step of a round, handed to one service
that checks the actor."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.assessments import selectors, services
from devolve.assessments.api.serializers import (
    AssessmentRoundOutput,
    DatedInput,
    DecideInput,
    DraftInput,
    EntryDecisionOutput,
    EntryRollUpOutput,
    FlaggedGrantOutput,
    GrantAssessmentOutput,
    RoundOpenInput,
    ScoreInput,
)
from devolve.assessments.filters import AssessmentRoundFilter
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.assessments.permissions import can_score
from devolve.core.api.rows import RowListMixin
from devolve.core.api.versions import (
    IF_MATCH,
    VERSIONED_WRITE,
    VersionedRetrieveMixin,
    check_write,
    with_version,
)
from devolve.core.errors import DomainError
from devolve.matters.api.serializers import AnnualListOutput
from devolve.matters.api.views import annual_list_or_404
from devolve.matters.models import Department, ListEntry
from devolve.regions.models import Zone

ROUND_PARAMETER = OpenApiParameter("round", OpenApiTypes.INT, description="A round's id.")


def _department(code: str | None) -> Department | None:
    if code is None:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise DomainError("invalid", _("No department has the code “%(code)s”.") % {"code": code})
    return department


def _zones(slugs: list[str] | None) -> list[Zone] | None:
    if slugs is None:
        return None
    zones = list(Zone.objects.filter(slug__in=slugs))
    if len(zones) != len(set(slugs)):
        raise DomainError("invalid", _("Unknown pilot area in the list."), field="receiving_areas")
    return zones


class AssessmentRoundViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[AssessmentRound]):
    """Assessment rounds over an edition's grants, with their rubric and status."""

    serializer_class = AssessmentRoundOutput
    permission_classes = [IsAuthenticated]
    filterset_class = AssessmentRoundFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[AssessmentRound]:
        if getattr(self, "swagger_fake_view", False):
            return AssessmentRound.objects.none()
        return selectors.list_rounds_visible_to(user=acting_user(self.request)).prefetch_related(
            "evaluators"
        )

    def _round(self, pk: object) -> AssessmentRound:
        """A round the user may see (404 otherwise); the service decides who may change it."""
        return get_object_or_404(
            selectors.list_rounds_visible_to(user=acting_user(self.request)), pk=pk
        )

    def _output(self, assessment_round: AssessmentRound) -> Response:
        return Response(
            AssessmentRoundOutput(selectors.list_rounds().get(pk=assessment_round.pk)).data
        )

    @extend_schema(request=RoundOpenInput, responses={201: AssessmentRoundOutput})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a round (reform office): every grant of the edition assessed, metrics prefilled
        from accepted reports, zero-use grants flagged."""
        payload = RoundOpenInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        user = acting_user(request)
        annual_list = annual_list_or_404(data.pop("annual_list"), user=user)
        usernames = data.pop("evaluators")
        evaluators = list(User.objects.filter(username__in=usernames))
        if len(evaluators) != len(set(usernames)):
            raise DomainError("invalid", _("Unknown evaluator."), field="evaluators")
        assessment_round = services.open_assessment_round(
            annual_list=annual_list, evaluators=evaluators, opened_by=user, **data
        )
        return Response(
            AssessmentRoundOutput(assessment_round).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: EntryRollUpOutput(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # one round's entries, unpaged
    def entries(self, request: Request, pk: str) -> Response:
        """Each entry with the grant assessments the reader may see, their rolled-up
        recommendation and the office's decision."""
        rollups = selectors.list_entry_rollups(
            assessment_round=self.get_object(), user=acting_user(request)
        )
        return Response(EntryRollUpOutput(rollups, many=True).data)

    @extend_schema(request=None, responses={200: AssessmentRoundOutput})
    @action(detail=True, methods=["post"], url_path="start-scoring", url_name="start-scoring")
    def start_scoring(self, request: Request, pk: str) -> Response:
        """Let evaluators score (reform office)."""
        assessment_round = services.start_scoring(
            assessment_round=self._round(pk), started_by=acting_user(request)
        )
        return self._output(assessment_round)

    @extend_schema(request=None, responses={200: AssessmentRoundOutput})
    @action(detail=True, methods=["post"])
    def refresh(self, request: Request, pk: str) -> Response:
        """Prefill the metrics again from reports accepted since (reform office)."""
        assessment_round = services.refresh_round_metrics(
            assessment_round=self._round(pk), refreshed_by=acting_user(request)
        )
        return self._output(assessment_round)

    @extend_schema(request=DecideInput, responses={200: EntryDecisionOutput})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """Decide one entry (reform office): accept the rolled-up recommendation or override it,
        with a reason for anything but keeping as recommended."""
        assessment_round = self._round(pk)
        payload = DecideInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        entry = ListEntry.objects.filter(
            pk=data.pop("entry"), annual_list=assessment_round.annual_list
        ).first()
        if entry is None:
            raise NotFound(_("No such entry in the assessed edition."))
        decision = services.decide_entry(
            assessment_round=assessment_round,
            entry=entry,
            decided_by=acting_user(request),
            receiving_areas=_zones(data.pop("receiving_areas")),
            granting_department=_department(data.pop("granting_department")),
            supervising_department=_department(data.pop("supervising_department")),
            **data,
        )
        return Response(EntryDecisionOutput(decision).data)

    @extend_schema(request=DatedInput, responses={200: AssessmentRoundOutput})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Close the decisions once every entry is decided (reform office)."""
        payload = DatedInput(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment_round = services.complete_decisions(
            assessment_round=self._round(pk),
            decided_on=payload.validated_data["on"],
            completed_by=acting_user(request),
        )
        return self._output(assessment_round)

    @extend_schema(request=DraftInput, responses={201: AnnualListOutput})
    @action(
        detail=True, methods=["post"], url_path="draft-next-edition", url_name="draft-next-edition"
    )
    def draft_next_edition(self, request: Request, pk: str) -> Response:
        """Derive the next edition's draft and apply every decision, each carried entry linked to
        its decision; closes the round (reform office)."""
        payload = DraftInput(data=request.data)
        payload.is_valid(raise_exception=True)
        draft = services.draft_next_edition(
            assessment_round=self._round(pk),
            drafted_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(AnnualListOutput(draft).data, status=status.HTTP_201_CREATED)


class GrantAssessmentViewSet(
    RowListMixin, VersionedRetrieveMixin, viewsets.ReadOnlyModelViewSet[GrantAssessment]
):
    """Grant assessments: metrics from accepted reports, scores and the recommendation."""

    serializer_class = GrantAssessmentOutput
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[GrantAssessment]:
        if getattr(self, "swagger_fake_view", False):
            return GrantAssessment.objects.none()
        assessments = GrantAssessment.objects.select_related(
            "round__annual_list__batch",
            "grant__entry__matter",
            "grant__zone",
            "scored_by",
        ).order_by("round", "grant__entry__sequence", "grant__zone__slug")
        round_id = self.request.query_params.get("round", "").strip()
        if round_id.isdigit():
            assessments = assessments.filter(round_id=int(round_id))
        return selectors.scope_grant_assessments(assessments, user=acting_user(self.request))

    @extend_schema(parameters=[ROUND_PARAMETER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=ScoreInput,
        responses={200: GrantAssessmentOutput, **VERSIONED_WRITE},
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str) -> Response:
        """Record rubric scores and the recommendation (the office or an evaluator named on the
        round), with reasons for anything but keep. ``If-Match`` carries the assessment's ETag:
        refused with 412 if someone scored it since, 428 without."""
        user = acting_user(request)
        assessment = self.get_object()
        version = check_write(
            request,
            assessment,
            allowed=can_score(user, assessment),
            refusal=_("Only the office and the round's evaluators score."),
        )
        payload = ScoreInput(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = services.score_grant(
            grant_assessment=assessment,
            scored_by=user,
            expected_version=version,
            **payload.validated_data,
        )
        response = Response(GrantAssessmentOutput(self.get_queryset().get(pk=assessment.pk)).data)
        return with_version(response, assessment)


class FlaggedGrantsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("annual_list", OpenApiTypes.STR, description="An edition's key."),
            OpenApiParameter("min_periods", OpenApiTypes.INT, description="Default: the round's."),
        ],
        responses={200: FlaggedGrantOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        """Grants with no case in N consecutive accepted periods, among those the reader may
        see."""
        user = acting_user(request)
        key = request.query_params.get("annual_list", "").strip()
        annual_list = annual_list_or_404(key, user=user) if key else None
        raw = request.query_params.get("min_periods", "").strip()
        if raw and not raw.isdigit():
            raise DomainError("invalid", _("“min_periods” is a whole number."), field="min_periods")
        flagged = selectors.list_flagged_grants(
            annual_list=annual_list, min_periods=int(raw) if raw else None
        )
        visible = set(
            selectors.visible_grant_ids(user=user, grant_ids=[flag.grant_id for flag in flagged])
        )
        return Response(
            FlaggedGrantOutput(
                [flag for flag in flagged if flag.grant_id in visible], many=True
            ).data
        )
