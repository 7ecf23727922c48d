"""Reporting API: every read shows only the reports the signed-in user's scope covers (the office,
auditors and evaluators all; a prefecture its areas'; a pilot area its own; a department its
own department reports). Every write hands the user to one service, which checks again.

Approval steps are actions on a report: ``submit``, ``review`` (the prefecture forwards),
``accept``, ``return`` (with a reason) and ``reopen`` (the office, after the lock).
"""

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from devolve.accounts.acting import acting_user
from devolve.core.access import api_requires
from devolve.core.api.bulk import BULK_RESPONSES, BulkDoneOutput
from devolve.core.api.caching import CacheableReadMixin
from devolve.core.api.pagination import KeysetPaginationWithNumberedPages
from devolve.core.api.rows import RowListMixin
from devolve.core.api.versions import (
    IF_MATCH,
    VERSIONED_WRITE,
    VersionedRetrieveMixin,
    check_write,
    with_version,
)
from devolve.core.errors import DomainError, NotAllowed
from devolve.matters.selectors import list_annual_lists_visible_to
from devolve.reporting import selectors, services
from devolve.reporting.api.serializers import (
    AcceptedUsageOutput,
    AreaReportCreateInput,
    AreaReportOutput,
    AreaReportSummaryOutput,
    AreaReportUpdateInput,
    BulkAreaReportInput,
    CompletenessOutput,
    CycleOutput,
    DepartmentReportInput,
    DepartmentReportOutput,
    ReportReopenInput,
    ReturnReasonInput,
    SupportProgressOutput,
)
from devolve.reporting.filters import (
    AcceptedUsageFilter,
    AreaReportFilter,
    ReportingCycleFilter,
)
from devolve.reporting.models import (
    AreaReport,
    DepartmentReport,
    ReportingCycle,
    SupportProgress,
    UsageLine,
)
from devolve.reporting.permissions import can_fill_area_report, can_fill_department_report


def _line_inputs(lines: list[dict[str, Any]]) -> list[services.UsageLineInput]:
    return [
        services.UsageLineInput(
            grant_id=line["grant"],
            cases_received=line["cases_received"],
            cases_completed=line["cases_completed"],
            average_handling_days=line["average_handling_days"],
            promised_limit_days=line["promised_limit_days"],
            problems=line["problems"],
            help_needed=line["help_needed"],
        )
        for line in lines
    ]


class UsageLinePages(KeysetPaginationWithNumberedPages):
    """Usage lines paged by key, a report's lines together, by grant (ADR 0071): the index of
    the lines' report and grant serves every page, and each filter (area, period, edition: the
    report's; matter: the grant's) picks its reports or grants first and reads their lines by
    that index, so no page walks the lines of other reports."""

    ordering = ("report_id", "grant_id")


class AcceptedUsageViewSet(
    RowListMixin, CacheableReadMixin, viewsets.ReadOnlyModelViewSet[UsageLine]
):
    """Accepted usage: cases received and completed per grant and period, from usage reports the
    reform office accepted (the figures the public pages show). Open to anyone, read-only."""

    serializer_class = AcceptedUsageOutput
    filterset_class = AcceptedUsageFilter
    permission_classes = [AllowAny]
    # Ten million lines at national scale: keyset pages, by report and grant.
    pagination_class = UsageLinePages

    def get_queryset(self) -> QuerySet[UsageLine]:
        # The page's reports, with their cycle, edition and area, in a query of their own by the
        # page's report keys: joined into the page's query they would be read for every report
        # the walk to the cursor passes (ADR 0071).
        reports = AreaReport.objects.select_related("cycle__annual_list__batch", "zone")
        return (
            selectors.accepted_usage_lines()
            .select_related("grant__entry__matter")
            .prefetch_related(Prefetch("report", queryset=reports))
        )

    def data_last_changed(self) -> datetime.datetime | None:
        return selectors.usage_last_changed()


class CycleViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[ReportingCycle]):
    """Reporting cycles: the period, the day entry opens, the due date and the lock date."""

    serializer_class = CycleOutput
    permission_classes = [IsAuthenticated]
    filterset_class = ReportingCycleFilter

    def get_queryset(self) -> QuerySet[ReportingCycle]:
        return selectors.list_cycles()


# Deprecated with ADR 0070: the list's reports with their lines, as before; removed in the
# release after the one that deprecated it (CHANGELOG.md).
LINES_IN_LIST = OpenApiParameter(
    "lines",
    OpenApiTypes.BOOL,
    deprecated=True,
    description="Deprecated: `true` answers each report with its usage lines, as the list did "
    "before it counted them (`line_count`). Read a report's lines from its detail instead.",
)


@extend_schema_view(list=extend_schema(parameters=[LINES_IN_LIST]))
class AreaReportViewSet(
    RowListMixin,
    VersionedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[AreaReport],
):
    """Pilot areas' usage reports, each with one line per grant: the list counts each report's
    lines (``line_count``), its detail shows them (ADR 0070)."""

    serializer_class = AreaReportOutput
    permission_classes = [IsAuthenticated]
    filterset_class = AreaReportFilter
    lookup_value_regex = r"\d+"
    # A report per area and cycle grows with the programme: keyset pages (ADR 0035).
    pagination_class = KeysetPaginationWithNumberedPages

    def _lines_counted(self) -> bool:
        """Whether this request lists reports with their lines counted, not shown: every list
        but the deprecated ``?lines=true``."""
        request = getattr(self, "request", None)
        asked = request.query_params.get("lines", "") if request is not None else ""
        return self.action == "list" and asked.lower() not in {"true", "1"}

    def get_serializer_class(self) -> type[AreaReportOutput] | type[AreaReportSummaryOutput]:
        return AreaReportSummaryOutput if self._lines_counted() else AreaReportOutput

    def get_queryset(self) -> QuerySet[AreaReport]:
        if getattr(self, "swagger_fake_view", False):
            return AreaReport.objects.none()
        reports = selectors.list_area_reports_visible_to(user=acting_user(self.request))
        if self.action != "list":
            return selectors.with_line_counts(selectors.list_area_reports_with_lines(reports))
        if not self._lines_counted():
            reports = selectors.list_area_reports_with_lines(reports)
        # A list's page has its lines counted in paginate_queryset, for its reports only.
        return reports if self.paginator is not None else selectors.with_line_counts(reports)

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.count_lines_of(page)
        return page

    def _report(self, pk: object) -> AreaReport:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _answer(self, report: AreaReport, code: int = status.HTTP_200_OK) -> Response:
        response = Response(AreaReportOutput(self._report(report.pk)).data, status=code)
        return with_version(response, report)

    @extend_schema(request=AreaReportCreateInput, responses={201: AreaReportOutput})
    def create(self, request: Request) -> Response:
        """Enter the signed-in pilot area's figures for a cycle (its report is created if the
        cycle did not expect it). Refused for a cycle that does not exist."""
        user = acting_user(request)
        payload = AreaReportCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        if user.zone is None:
            raise NotAllowed(_("Only a pilot area files usage reports."))
        report = services.record_usage(
            cycle=selectors.get_cycle(pk=payload.validated_data["cycle"]),
            zone=user.zone,
            lines=_line_inputs(payload.validated_data["lines"]),
            recorded_by=user,
        )
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=AreaReportUpdateInput,
        responses={200: AreaReportOutput, **VERSIONED_WRITE},
        parameters=[IF_MATCH],
    )
    def update(self, request: Request, pk: str) -> Response:
        """Replace the figures of the lines named (the area, while entry is open). ``If-Match``
        carries the report's ETag: refused with 412 if someone saved it since, 428 without."""
        user = acting_user(request)
        report = self._report(pk)
        version = check_write(
            request,
            report,
            allowed=can_fill_area_report(user, report),
            refusal=_("Only the pilot area fills in its own report."),
        )
        payload = AreaReportUpdateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.save_area_report(
            report=report,
            lines=_line_inputs(payload.validated_data["lines"]),
            saved_by=user,
            expected_version=version,
        )
        return self._answer(report)

    @extend_schema(
        request=AreaReportUpdateInput,
        responses={200: AreaReportOutput, **VERSIONED_WRITE},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """The same as PUT: the lines named are replaced, the others kept."""
        return self.update(request, pk)

    @extend_schema(request=None, responses={200: AreaReportOutput})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """The area sends its report to the prefecture."""
        report = services.submit_area_report(
            report=self._report(pk), submitted_by=acting_user(request)
        )
        return self._answer(report)

    @extend_schema(request=None, responses={200: AreaReportOutput})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """The prefecture forwards a submitted report to the office."""
        report = services.review_area_report(
            report=self._report(pk), reviewed_by=acting_user(request)
        )
        return self._answer(report)

    @extend_schema(request=None, responses={200: AreaReportOutput})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """The office accepts a reviewed report; its figures lock and start to count."""
        report = services.accept_area_report(
            report=self._report(pk), accepted_by=acting_user(request)
        )
        return self._answer(report)

    @extend_schema(request=ReturnReasonInput, responses={200: AreaReportOutput})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, pk: str) -> Response:
        """Send the report back to the area with a reason (prefecture or office)."""
        payload = ReturnReasonInput(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.return_area_report(
            report=self._report(pk),
            reason=payload.validated_data["reason"],
            returned_by=acting_user(request),
        )
        return self._answer(report)

    @extend_schema(request=BulkAreaReportInput, responses=BULK_RESPONSES)
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[api_requires("reporting.act_on_area_reports")],
    )
    def bulk(self, request: Request) -> Response:
        """Forward (review), accept or return several reports at once, one reason for all
        returns (prefecture or office): each through the single report's action, all in one
        transaction. If any is refused, none changes, and the answer (400, ``bulk_refused``)
        lists every refused report with its code and reason."""
        payload = BulkAreaReportInput(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services.act_on_area_reports(
            report_ids=payload.validated_data["reports"],
            action=services.BulkReportAction(payload.validated_data["action"]),
            actor=acting_user(request),
            reason=payload.validated_data["reason"],
        )
        return Response(BulkDoneOutput({"done": done}).data)

    @extend_schema(request=ReportReopenInput, responses={200: AreaReportOutput})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        """The office reopens one area's report after the lock, until a day, with a reason."""
        payload = ReportReopenInput(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.reopen_area_report(
            report=self._report(pk), reopened_by=acting_user(request), **payload.validated_data
        )
        return self._answer(report)


class DepartmentReportViewSet(
    RowListMixin,
    VersionedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[DepartmentReport],
):
    """Granting departments' reports, with the progress of their support matters."""

    serializer_class = DepartmentReportOutput
    permission_classes = [IsAuthenticated]
    filterset_fields = ["cycle", "status", "department__code"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[DepartmentReport]:
        if getattr(self, "swagger_fake_view", False):
            return DepartmentReport.objects.none()
        reports = selectors.list_department_reports_visible_to(user=acting_user(self.request))
        return reports.prefetch_related("support_progress__entry__matter")

    def _report(self, pk: object) -> DepartmentReport:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _answer(self, report: DepartmentReport) -> Response:
        response = Response(DepartmentReportOutput(self._report(report.pk)).data)
        return with_version(response, report)

    @extend_schema(
        request=DepartmentReportInput,
        responses={200: DepartmentReportOutput, **VERSIONED_WRITE},
        parameters=[IF_MATCH],
    )
    def update(self, request: Request, pk: str) -> Response:
        """The department's figures and its support matters' progress. ``If-Match`` carries the
        report's ETag: refused with 412 if someone saved it since, 428 without."""
        user = acting_user(request)
        report = self._report(pk)
        version = check_write(
            request,
            report,
            allowed=can_fill_department_report(user, report),
            refusal=_("Only the department fills in its own report."),
        )
        payload = DepartmentReportInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        progress = [
            services.SupportProgressInput(
                entry_id=item["entry"],
                progress_percent=item["progress_percent"],
                status=item["status"],
                milestone=item["milestone"],
                narrative=item["narrative"],
            )
            for item in data.pop("support_progress")
        ]
        report = services.save_department_report(
            report=report,
            figures=services.DepartmentFigures(**data),
            progress=progress,
            saved_by=user,
            expected_version=version,
        )
        return self._answer(report)

    @extend_schema(
        request=DepartmentReportInput,
        responses={200: DepartmentReportOutput, **VERSIONED_WRITE},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """The same as PUT: every figure and the progress list are sent whole."""
        return self.update(request, pk)

    @extend_schema(request=None, responses={200: DepartmentReportOutput})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        report = services.submit_department_report(
            report=self._report(pk), submitted_by=acting_user(request)
        )
        return self._answer(report)

    @extend_schema(request=None, responses={200: DepartmentReportOutput})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        report = services.accept_department_report(
            report=self._report(pk), accepted_by=acting_user(request)
        )
        return self._answer(report)

    @extend_schema(request=ReturnReasonInput, responses={200: DepartmentReportOutput})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, pk: str) -> Response:
        payload = ReturnReasonInput(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.return_department_report(
            report=self._report(pk),
            reason=payload.validated_data["reason"],
            returned_by=acting_user(request),
        )
        return self._answer(report)


class SupportProgressViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[SupportProgress]):
    """Support-matter progress as reported by the responsible departments."""

    serializer_class = SupportProgressOutput
    permission_classes = [IsAuthenticated]
    filterset_fields = ["status", "report__cycle", "report__status"]

    def get_queryset(self) -> QuerySet[SupportProgress]:
        if getattr(self, "swagger_fake_view", False):
            return SupportProgress.objects.none()
        reports = selectors.list_department_reports_visible_to(user=acting_user(self.request))
        return (
            SupportProgress.objects.filter(report__in=reports)
            .select_related("report__department", "entry__matter")
            .order_by("report__cycle__period_start", "report__department__code", "entry__sequence")
        )


BY_PARAMETER = OpenApiParameter(
    "by", OpenApiTypes.STR, enum=["area", "prefecture", "department"], required=True
)
ANNUAL_LIST_PARAMETER = OpenApiParameter("annual_list", OpenApiTypes.INT, description="Edition id.")
ON_PARAMETER = OpenApiParameter("on", OpenApiTypes.DATE, description="YYYY-MM-DD; default today.")


class CompletenessApi(APIView):
    """Completeness (submitted / expected) and timeliness (submitted by the due date /
    expected) of reports of cycles due by ``on``. Office, auditors, evaluators and prefectures
    (a prefecture gets its own areas)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[BY_PARAMETER, ANNUAL_LIST_PARAMETER, ON_PARAMETER],
        responses={200: CompletenessOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if user.role not in {"office", "auditor", "evaluator", "prefecture"}:
            raise NotAllowed(_("Your role does not see reporting completeness."))
        by = request.query_params.get("by", "")
        if by not in {"area", "prefecture", "department"}:
            raise DomainError("invalid", _("“by” is area, prefecture or department."), field="by")
        annual_list = None
        annual_list_id = request.query_params.get("annual_list", "").strip()
        if annual_list_id:
            if not annual_list_id.isdigit():
                raise DomainError(
                    "invalid", _("“annual_list” is an edition's id."), field="annual_list"
                )
            annual_list = get_object_or_404(
                list_annual_lists_visible_to(user=user), pk=int(annual_list_id)
            )
        on = timezone.localdate()
        if request.query_params.get("on"):
            try:
                on = datetime.date.fromisoformat(request.query_params["on"])
            except ValueError as error:
                raise DomainError(
                    "invalid_date", _("“on” must be a date as YYYY-MM-DD."), field="on"
                ) from error
        rows = selectors.completeness(by=by, annual_list=annual_list, on=on)  # type: ignore[arg-type]
        if user.role == "prefecture":
            if by != "area":
                raise NotAllowed(_("A prefecture sees the completeness of its own areas."))
            own = set(
                selectors.list_area_reports_visible_to(user=user).values_list(
                    "zone__slug", flat=True
                )
            )
            rows = [row for row in rows if row.key in own]
        return Response(CompletenessOutput(rows, many=True).data)
