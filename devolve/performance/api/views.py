"""Performance API. Reads: published schemes, assessments and scores are public; the office,
evaluators and auditors see everything; a prefecture, department or pilot area also sees its own
unpublished score and its appeals. Writes (compute, publish, appeal, decide) hand the user to one
service, which checks the role and scope again."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.core.api.rows import RowListMixin
from devolve.performance import selectors, services
from devolve.performance.api.serializers import (
    AppealDecisionInput,
    AppealInput,
    AppealOutput,
    AssessmentInput,
    AssessmentOutput,
    SchemeOutput,
    SchemeVersionInput,
    ScoreOutput,
)
from devolve.performance.models import (
    Appeal,
    IndicatorGroup,
    IndicatorItem,
    PerformanceAssessment,
    Scheme,
    Score,
    ScoreItem,
)

if TYPE_CHECKING:  # the stubs' name for what a permission class provides
    from rest_framework.permissions import _SupportsHasPermission


def _user(request: Request) -> User | None:
    return acting_user(request) if request.user.is_authenticated else None


class SchemeViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[Scheme]):
    """Performance schemes with their indicator tree and rules; drafts only for the office,
    evaluators and auditors."""

    serializer_class = SchemeOutput
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Scheme]:
        items = IndicatorItem.objects.order_by("sequence")
        groups = IndicatorGroup.objects.order_by("sequence").prefetch_related(
            Prefetch("items", queryset=items)
        )
        return selectors.list_schemes_visible_to(user=_user(self.request)).prefetch_related(
            Prefetch("groups", queryset=groups)
        )

    @extend_schema(request=SchemeVersionInput, responses={201: SchemeOutput})
    @action(
        detail=True, methods=["post"], url_path="next-version", permission_classes=[IsAuthenticated]
    )
    def next_version(self, request: Request, pk: str) -> Response:
        """Draft the next version of this (latest, published) version: the same tree and rules
        with the weights and targets given changed (office)."""
        payload = SchemeVersionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        created = services.create_next_scheme_version(
            scheme=self.get_object(), created_by=acting_user(request), **payload.validated_data
        )
        return Response(
            SchemeOutput(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: SchemeOutput})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish a draft version; its weights are checked again (office)."""
        services.publish_scheme(scheme=self.get_object(), published_by=acting_user(request))
        return Response(SchemeOutput(self.get_queryset().get(pk=pk)).data)


class AssessmentViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[PerformanceAssessment]):
    """Yearly performance assessments under a scheme version."""

    serializer_class = AssessmentOutput
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[PerformanceAssessment]:
        if getattr(self, "swagger_fake_view", False):
            return PerformanceAssessment.objects.none()
        return selectors.list_assessments_visible_to(user=_user(self.request))

    def get_permissions(self) -> Sequence["_SupportsHasPermission"]:
        if self.action == "create":
            return [IsAuthenticated()]
        return super().get_permissions()

    def _for_change(self, pk: str) -> PerformanceAssessment:
        """An assessment the user may see (404 otherwise); the service decides who may change
        it."""
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(request=AssessmentInput, responses={201: AssessmentOutput})
    def create(self, request: Request) -> Response:
        """Open a year's assessment under a published scheme version (office)."""
        payload = AssessmentInput(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = services.create_performance_assessment(
            created_by=acting_user(request), **payload.validated_data
        )
        return Response(AssessmentOutput(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AssessmentOutput})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def compute(self, request: Request, pk: str) -> Response:
        """Compute every subject's score from reform data (office)."""
        assessment = self._for_change(pk)
        services.compute_performance_assessment(
            assessment=assessment, computed_by=acting_user(request)
        )
        assessment.refresh_from_db()
        return Response(AssessmentOutput(assessment).data)

    @extend_schema(request=None, responses={200: AssessmentOutput})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish the scores once the appeal window has closed and appeals are decided (office)."""
        assessment = services.publish_performance_assessment(
            assessment=self._for_change(pk), published_by=acting_user(request)
        )
        return Response(AssessmentOutput(assessment).data)


class ScoreViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[Score]):
    """Scores with every item's stored input and points; filter with ``?assessment=<id>``."""

    serializer_class = ScoreOutput
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Score]:
        if getattr(self, "swagger_fake_view", False):
            return Score.objects.none()
        items = ScoreItem.objects.select_related("item").order_by(
            "item__group__sequence", "item__sequence"
        )
        scores = selectors.list_scores_visible_to(user=_user(self.request)).prefetch_related(
            Prefetch("items", queryset=items)
        )
        assessment = self.request.query_params.get("assessment", "")
        if assessment.isdigit():
            scores = scores.filter(assessment_id=int(assessment))
        return scores.order_by("assessment", "rank", "subject_key")


class AppealViewSet(
    RowListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Appeal]
):
    """Appeals the user may see: the office, evaluators and auditors all; a subject its own."""

    serializer_class = AppealOutput
    permission_classes = [IsAuthenticatedOrReadOnly, IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Appeal]:
        if getattr(self, "swagger_fake_view", False):
            return Appeal.objects.none()
        return selectors.list_appeals_visible_to(user=acting_user(self.request))

    @extend_schema(request=AppealInput, responses={201: AppealOutput})
    def create(self, request: Request) -> Response:
        """Contest one item of your own score, with evidence, inside the appeal window."""
        payload = AppealInput(data=request.data)
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        score = get_object_or_404(
            selectors.list_scores_visible_to(user=acting_user(request)), pk=values.pop("score")
        )
        code = values.pop("item")
        item = IndicatorItem.objects.filter(group__scheme=score.scheme, code=code).first()
        if item is None:
            raise NotFound(f"No item {code} in this score's scheme.")
        appeal = services.file_appeal(
            score=score, item=item, filed_by=acting_user(request), **values
        )
        return Response(AppealOutput(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppealDecisionInput, responses={200: AppealOutput})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """Uphold (with the corrected value; the assessment is recomputed) or reject (office)."""
        payload = AppealDecisionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        appeal = services.decide_appeal(
            appeal=get_object_or_404(self.get_queryset(), pk=pk),
            decided_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(AppealOutput(appeal).data)
