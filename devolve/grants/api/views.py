"""Grants API: every read shows only the grants the signed-in user's scope covers (the office,
auditors and evaluators all; a department its entries' grants; a prefecture its areas'; a pilot
area its own). Every write hands the user to one service, which checks the scope again."""

import datetime

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.access import api_requires
from devolve.core.api.bulk import BULK_RESPONSES, BulkDoneOutput
from devolve.core.api.caching import CacheableReadMixin
from devolve.core.api.pagination import KeysetPaginationWithNumberedPages, StandardPagination
from devolve.core.api.rows import RowListMixin
from devolve.core.api.stored_pages import StoredPagesMixin
from devolve.core.errors import DomainError, NotAllowed
from devolve.grants import selectors, services
from devolve.grants.api.serializers import (
    ActivationInput,
    ActivationRunOutput,
    AgreementInput,
    AgreementOutput,
    BulkHandoverInput,
    GrantOutput,
    HandoverInput,
    OwedGrantOutput,
    PublicationOutput,
    PublicationPreviewOutput,
    PublishInput,
    RecallInput,
    SupervisionInput,
    TakeUpPageOutput,
)
from devolve.grants.filters import EntrustmentAgreementFilter, GrantFilter, TakeUpFilter
from devolve.grants.models import (
    ACTIVE_STATUSES,
    ActivationRun,
    EntrustmentAgreement,
    Grant,
    Publication,
)
from devolve.grants.publication import plan_publication
from devolve.matters.api.views import KEY_PARAMETER, annual_list_or_404
from devolve.matters.models import AnnualList, AuthorizationMode, Department, ListEntry, Matter
from devolve.matters.selectors import get_department
from devolve.regions.models import Batch, Division, Zone
from devolve.regions.selectors import get_zone

ON_PARAMETER = OpenApiParameter(
    "on", OpenApiTypes.DATE, description="The day to judge by, as YYYY-MM-DD; default today."
)


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


def _visible_grants(request: Request) -> QuerySet[Grant]:
    return selectors.list_grants_visible_to(user=acting_user(request))


class GrantViewSet(
    StoredPagesMixin, RowListMixin, CacheableReadMixin, viewsets.ReadOnlyModelViewSet[Grant]
):
    """Grants: one list entry carried into one pilot area, with its status and dates. Anyone may
    read the grants of published and superseded editions (what the public take-up grid shows);
    a signed-in user reads the grants of its scope."""

    serializer_class = GrantOutput
    filterset_class = GrantFilter
    permission_classes = [IsAuthenticatedOrReadOnly]
    lookup_value_regex = r"\d+"
    # The list grows with every edition and area: keyset pages. What one department owes and
    # what one area holds stay small and keep numbered pages in their own order.
    pagination_class = KeysetPaginationWithNumberedPages
    # What a page reads: the grants, their entry with its edition (and the edition's batch),
    # matter, mode and department, their zone and its prefecture (numbered pages are in the
    # grants' own order, which reads it), and what the filters name.
    page_inputs = (
        Grant, ListEntry, AnnualList, Batch, Matter, AuthorizationMode, Department, Zone, Division
    )  # fmt: skip

    def page_scope(self, user: User) -> tuple[object, ...]:
        # What ``selectors.list_grants_visible_to`` reads of the user.
        return (user.is_active, user.role, user.department_id, user.prefecture_id, user.zone_id)

    def get_queryset(self) -> QuerySet[Grant]:
        if getattr(self, "swagger_fake_view", False):
            return Grant.objects.none()
        if not self.request.user.is_authenticated:
            return selectors.list_public_grants()
        return _visible_grants(self.request)

    def data_last_changed(self) -> datetime.datetime | None:
        version = self.stored_version()
        if version is not None:  # read with the page's version: no query of its own
            return version.last_changed(Grant, AnnualList)
        return selectors.grants_last_changed()

    def _grant_to_change(self, pk: object) -> Grant:
        """A grant the user may see (404 otherwise); the service decides who may change it."""
        return get_object_or_404(_visible_grants(self.request), pk=pk)

    def _reloaded(self, grant: Grant) -> Grant:
        return selectors.list_grants().get(pk=grant.pk)

    @extend_schema(request=AgreementInput, responses={201: AgreementOutput})
    @action(detail=True, methods=["post"], url_path="sign-agreement", url_name="sign-agreement")
    def sign_agreement(self, request: Request, pk: str) -> Response:
        """Record the entrustment agreement (office or granting department). A grant awaiting it
        takes effect on the term's start; a renewal names the agreement it renews."""
        payload = AgreementInput(data=request.data)
        payload.is_valid(raise_exception=True)
        agreement = services.sign_entrustment_agreement(
            grant=self._grant_to_change(pk),
            signed_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(AgreementOutput(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HandoverInput, responses={200: GrantOutput})
    @action(detail=True, methods=["post"])
    def handover(self, request: Request, pk: str) -> Response:
        """Record that an effective grant was handed over (office, granting department or the
        receiving pilot area)."""
        payload = HandoverInput(data=request.data)
        payload.is_valid(raise_exception=True)
        grant = services.record_handover(
            grant=self._grant_to_change(pk),
            recorded_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(GrantOutput(self._reloaded(grant)).data)

    @extend_schema(request=BulkHandoverInput, responses=BULK_RESPONSES)
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-handover",
        url_name="bulk-handover",
        permission_classes=[api_requires("grants.record_handovers")],
    )
    def bulk_handover(self, request: Request) -> Response:
        """Record that several effective grants were handed over on one day (office, granting
        department or the receiving pilot area): each through the single grant's handover, all
        in one transaction. If any is refused, none changes, and the answer (400,
        ``bulk_refused``) lists every refused grant with its code and reason."""
        payload = BulkHandoverInput(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services.record_handovers(
            grant_ids=payload.validated_data["grants"],
            handed_over_on=payload.validated_data["handed_over_on"],
            recorded_by=acting_user(request),
        )
        return Response(BulkDoneOutput({"done": done}).data)

    @extend_schema(request=SupervisionInput, responses={200: GrantOutput})
    @action(detail=True, methods=["post"])
    def supervision(self, request: Request, pk: str) -> Response:
        """Record the supervision measures filed for an active grant, with the document."""
        payload = SupervisionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        grant = services.file_supervision_measures(
            grant=self._grant_to_change(pk),
            filed_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(GrantOutput(self._reloaded(grant)).data)

    @extend_schema(request=RecallInput, responses={200: GrantOutput})
    @action(detail=True, methods=["post"])
    def recall(self, request: Request, pk: str) -> Response:
        """Take the power back from the pilot area, with the reason (office or granting
        department)."""
        payload = RecallInput(data=request.data)
        payload.is_valid(raise_exception=True)
        grant = services.recall_grant(
            grant=self._grant_to_change(pk),
            recalled_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(GrantOutput(self._reloaded(grant)).data)

    @extend_schema(
        request=ActivationInput,
        responses={202: ActivationRunOutput},
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[202],
                description="The activation run's address: /api/v1/activation-runs/<id>/.",
            )
        ],
    )
    @action(detail=False, methods=["post"], url_path="activate-due", url_name="activate-due")
    def activate_due(self, request: Request) -> Response:
        """Make every delegated grant whose effective date has come effective (reform office);
        running it again changes nothing more. A national day's due grants take seconds, so
        they are activated in the background (ADR 0077), as publishing and scoring are: who
        asks is checked now (``403 not_allowed``), then an activation run is queued and the
        answer is ``202`` with the run, its address in ``Location``
        (``/api/v1/activation-runs/<id>/``): poll it for progress (grants activated of those
        due) and outcome. While a run is queued or running, asking again answers it as it is."""
        payload = ActivationInput(data=request.data)
        payload.is_valid(raise_exception=True)
        on = payload.validated_data["on"] or timezone.localdate()
        queued = services.queue_activation(on=on, requested_by=acting_user(request))
        # As it stands now: the task may have run already (tasks run inline in tests and the demo).
        run = ActivationRun.objects.select_related("requested_by").get(pk=queued.pk)
        return Response(
            ActivationRunOutput(run).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api:activation-run-detail", kwargs={"pk": run.pk})},
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "department", OpenApiTypes.STR, OpenApiParameter.PATH, description="Its key."
            ),
            ON_PARAMETER,
        ],
        responses={200: OwedGrantOutput(many=True)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"owed-by/(?P<department>[\w-]+)",
        url_name="owed-by",
        pagination_class=StandardPagination,
    )
    def owed_by(self, request: Request, department: str) -> Response:
        """What a department owes: grants of its entries awaiting the entrustment agreement, and
        effective grants not yet handed over, with the handover due date and whether it is
        overdue on ``on``. Earliest due first; those awaiting an agreement (no due date) last."""
        owner = self._department_or_404(department)
        on = _on_date(request)
        owed = self.filter_queryset(self.get_queryset()).filter(
            Q(status=Grant.Status.AWAITING_AGREEMENT)
            | Q(status=Grant.Status.EFFECTIVE, handover_due_on__isnull=False),
            entry__granting_department=owner,
        )
        earliest_due_first = F("handover_due_on").asc(nulls_last=True)
        return self._owed_page(owed.order_by(earliest_due_first, "pk"), on=on)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "zone", OpenApiTypes.STR, OpenApiParameter.PATH, description="The area's key."
            )
        ],
        responses={200: GrantOutput(many=True)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"held-by/(?P<zone>[\w-]+)",
        url_name="held-by",
        pagination_class=StandardPagination,
    )
    def held_by(self, request: Request, zone: str) -> Response:
        """What a pilot area holds: its grants that have not ended, in list order."""
        holder = self._zone_or_404(zone)
        held = self.filter_queryset(self.get_queryset()).filter(
            zone=holder, status__in=ACTIVE_STATUSES
        )
        page = self.paginate_queryset(held)
        return self.get_paginated_response(GrantOutput(page, many=True).data)

    def _owed_page(self, owed: QuerySet[Grant], *, on: datetime.date) -> Response:
        page = self.paginate_queryset(owed)
        assert page is not None  # noqa: S101 — the API always paginates this list
        overdue = set(
            selectors.list_overdue_handovers(on=on)
            .filter(pk__in=[grant.pk for grant in page])
            .values_list("pk", flat=True)
        )
        serializer = OwedGrantOutput(page, many=True, context={"overdue": overdue})
        return self.get_paginated_response(serializer.data)

    @staticmethod
    def _department_or_404(code: str) -> Department:
        department = get_department(code=code)
        if department is None:
            raise NotFound(_("No department has the key “%(key)s”.") % {"key": code})
        return department

    @staticmethod
    def _zone_or_404(slug: str) -> Zone:
        zone = get_zone(slug=slug)
        if zone is None:
            raise NotFound(_("No pilot area has the key “%(key)s”.") % {"key": slug})
        return zone


class EntrustmentAgreementViewSet(
    RowListMixin, viewsets.ReadOnlyModelViewSet[EntrustmentAgreement]
):
    """Entrustment agreements of the grants the user may see."""

    serializer_class = AgreementOutput
    filterset_class = EntrustmentAgreementFilter
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[EntrustmentAgreement]:
        if getattr(self, "swagger_fake_view", False):
            return EntrustmentAgreement.objects.none()
        return (
            EntrustmentAgreement.objects.select_related(
                "grant__entry__annual_list__batch", "grant__zone", "entrusting_department", "renews"
            )
            .filter(grant__in=_visible_grants(self.request))
            .order_by("ends_on", "pk")
        )

    @extend_schema(
        parameters=[ON_PARAMETER], responses={200: AgreementOutput(many=True)}, filters=False
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def expiring(self, request: Request) -> Response:
        """Agreements of active grants in their renewal warning period on ``on``, not renewed."""
        visible = set(self.get_queryset().values_list("pk", flat=True))
        expiring = [
            agreement
            for agreement in selectors.list_agreements_expiring(on=_on_date(request))
            if agreement.pk in visible
        ]
        return Response(AgreementOutput(expiring, many=True).data)


PUBLISHED_ON_PARAMETER = OpenApiParameter(
    "published_on",
    OpenApiTypes.DATE,
    description="The publication day to preview, as YYYY-MM-DD; default today.",
)


@extend_schema(parameters=[KEY_PARAMETER, PUBLISHED_ON_PARAMETER])
class AnnualListPublicationPreviewApi(APIView):
    """What publishing the edition on a day would do (reform office): grants created, continued
    and ended, areas joining and leaving, and every re-grant of a power recalled from an area,
    which publishing needs a reason for (or leaves out). Its fingerprint goes back with the
    publish request; a different plan by then is refused as stale."""

    @extend_schema(responses={200: PublicationPreviewOutput})
    def get(self, request: Request, key: str) -> Response:
        user = acting_user(request)
        if not is_office(user):
            raise NotAllowed(_("Only the reform office publishes annual lists."))
        annual_list = annual_list_or_404(key)
        if annual_list.status in {AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED}:
            raise DomainError("already_published", _("This edition is already published."))
        raw = request.query_params.get("published_on", "").strip()
        try:
            published_on = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as error:
            raise DomainError(
                "invalid_date",
                _("“published_on” must be a date as YYYY-MM-DD."),
                field="published_on",
            ) from error
        plan = plan_publication(annual_list, published_on=published_on)
        return Response(PublicationPreviewOutput(plan).data)


@extend_schema(parameters=[KEY_PARAMETER])
class AnnualListPublishApi(APIView):
    """Publish an approved edition (reform office): it supersedes its predecessor, and each live
    entry becomes a grant in each receiving pilot area (continuing the predecessor's grants), as
    the publication preview shows. A re-grant of a recalled power needs a reason or is left out;
    under four-eyes the user who submitted the edition for review cannot publish it.

    Publishing a national edition takes seconds, so it runs in the background (ADR 0049), as the
    edition's staff page runs it: every check is made now (refusals answer 400 or 403 with their
    code: ``illegal_transition``, ``four_eyes``, ``dates_out_of_order``, ``stale_preview``,
    ``regrant_reason_required`` …), then the publication is queued and the answer is ``202`` with
    the publication, its address in ``Location``
    (``/api/v1/publications/<id>/``): poll it for progress and outcome. While a publication of
    the edition is queued or running, publishing again answers it as it is."""

    @extend_schema(
        request=PublishInput,
        responses={202: PublicationOutput},
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[202],
                description="The publication's address: /api/v1/publications/<id>/.",
            )
        ],
    )
    def post(self, request: Request, key: str) -> Response:
        payload = PublishInput(data=request.data)
        payload.is_valid(raise_exception=True)
        queued = services.queue_publication(
            annual_list=annual_list_or_404(key),
            published_by=acting_user(request),
            under_way_is_enough=True,
            **payload.validated_data,
        )
        # As it stands now: the task may have run already (tasks run inline in tests and the demo).
        publication = Publication.objects.select_related("annual_list__batch", "requested_by").get(
            pk=queued.pk
        )
        return Response(
            PublicationOutput(publication).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api:publication-detail", kwargs={"pk": publication.pk})},
        )


class ActivationRunViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[ActivationRun]):
    """A queued activation of due grants (``POST /api/v1/grants/activate-due/``): its status
    (``queued``, ``running``, ``activated``, ``failed``), grants activated of those due, and why
    it failed (``error_code``; ``error_message`` in the request's language), with nothing of a
    failed one activated. The reform office and auditors read them."""

    serializer_class = ActivationRunOutput
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[ActivationRun]:
        if getattr(self, "swagger_fake_view", False):
            return ActivationRun.objects.none()
        return selectors.list_activation_runs_visible_to(user=acting_user(self.request))


class PublicationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Publication]):
    """A queued publication of an edition (``POST /api/v1/annual-lists/<key>/publish/``): its
    status (``queued``, ``running``, ``published``, ``failed``), grants written of those to
    write, and why it failed (``error_code``; ``error_message`` in the request's language), with
    nothing of a failed one published. The reform office and auditors read them."""

    serializer_class = PublicationOutput
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Publication]:
        if getattr(self, "swagger_fake_view", False):
            return Publication.objects.none()
        return selectors.list_publications_visible_to(user=acting_user(self.request))


@extend_schema(
    parameters=[
        KEY_PARAMETER,
        OpenApiParameter("department", OpenApiTypes.STR, description="Granting department key."),
        OpenApiParameter("zone", OpenApiTypes.STR, description="Pilot area key."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=Grant.Status.values),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=Matter.Kind.values),
    ]
)
class AnnualListTakeUpApi(APIView):
    """The take-up matrix of an edition, a page of rows at a time: its live entries (rows, 50 a
    page by default, ``page`` and ``page_size`` as on every numbered list) by pilot areas
    (zones), each cell the grant's state (nulls where the entry does not reach the area);
    ``zones`` and ``status_counts`` are the whole selection's on every page. Anyone may read the
    matrix of a published or superseded edition, as on the public grid; a signed-in user sees
    only the grants of its scope, and rows and zones with none of them are left out."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: TakeUpPageOutput},
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, description="A page number."),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description="Rows a page, 500 at most."
            ),
        ],
    )
    def get(self, request: Request, key: str) -> Response:
        anonymous = not request.user.is_authenticated
        annual_list = annual_list_or_404(key, user=request.user if anonymous else None)
        filterset = TakeUpFilter(request.query_params, annual_list=annual_list)
        if filterset.is_bound and not filterset.is_valid():
            raise translate_validation(filterset.errors)  # as the API's list filters refuse
        # Every grant of an edition the public may read is public (``list_public_grants``):
        # an anonymous reader's scope cuts nothing.
        visible = None if anonymous else _visible_grants(request)
        selection = selectors.get_take_up_selection(
            visible, annual_list=annual_list, **filterset.selection()
        )
        paginator = StandardPagination()
        entries = list(paginator.paginate_queryset(selection.entries, request, view=self) or [])
        page = {
            "annual_list": annual_list,
            "zones": selection.zones,
            "status_counts": selection.status_counts,
            "count": paginator.page.paginator.count if paginator.page else 0,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "rows": entries,
        }
        context = {
            "zones": selection.zones,
            "cells": selectors.matrix_grants_of(selection, entries),
        }
        return Response(TakeUpPageOutput(page, context=context).data)
