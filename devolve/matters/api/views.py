"""Catalogue, annual list and demand list API.

Reads of the catalogue and of annual list editions are public; demand items need a signed-in
user and show only what the user's scope covers. Every write hands the signed-in user to one
service, which checks the scope: a department changes only its own matters and answers only its
own demand items, a pilot area files only for itself, the reform office drafts and decides.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.api.rows import RowListMixin
from devolve.core.api.stored_pages import StoredPagesMixin
from devolve.core.api.versions import (
    IF_MATCH,
    VERSIONED_WRITE,
    VersionedRetrieveMixin,
    check_write,
    with_version,
)
from devolve.core.errors import DomainError
from devolve.matters import selectors, services
from devolve.matters.api.serializers import (
    AnnualListApproveInput,
    AnnualListDeriveInput,
    AnnualListInput,
    AnnualListOutput,
    AnnualListReturnInput,
    AnnualListTitleInput,
    AuthorizationModeOutput,
    DemandAnswerInput,
    DemandDecisionInput,
    DemandItemInput,
    DemandItemOutput,
    DemandOfferInput,
    DemandWindowInput,
    DemandWindowOutput,
    DepartmentOutput,
    EditionDiffOutput,
    ListEntryInput,
    ListEntryOutput,
    ListEntryUpdateInput,
    MatterInput,
    MatterOutput,
    MatterTypeOutput,
    ReasonInput,
)
from devolve.matters.filters import (
    AnnualListFilter,
    DemandItemFilter,
    DemandWindowFilter,
    ListEntryFilter,
    MatterFilter,
)
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    ListEntrySubItem,
    Matter,
    MatterType,
)
from devolve.matters.permissions import can_change_matter
from devolve.regions.models import Batch, Division, Zone

# An edition's stable key as it appears in a URL: 2024/batch-1, or 2024/batch-1/e2 for a correction.
OFFICE_ONLY = gettext_lazy("Only the reform office drafts and approves annual lists.")
ANNUAL_LIST_KEY = r"\d{4}/batch-\d+(?:/e\d+)?"


class DepartmentViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[Department]):
    serializer_class = DepartmentOutput
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Department]:
        return selectors.list_departments()


class MatterTypeViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[MatterType]):
    serializer_class = MatterTypeOutput
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[MatterType]:
        return selectors.list_matter_types()


class AuthorizationModeViewSet(RowListMixin, viewsets.ReadOnlyModelViewSet[AuthorizationMode]):
    serializer_class = AuthorizationModeOutput
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[AuthorizationMode]:
        return selectors.list_authorization_modes()


class MatterViewSet(
    RowListMixin,
    VersionedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet[Matter],
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

    @extend_schema(
        request=MatterInput,
        responses={200: MatterOutput, **VERSIONED_WRITE},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        user = acting_user(request)
        matter = self.get_object()
        version = check_write(
            request,
            matter,
            allowed=can_change_matter(user, matter),
            refusal=_("You may change only the matters of your own department."),
        )
        payload = MatterInput(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        reason = changes.pop("reason", "")
        matter = services.update_matter(
            matter=matter, updated_by=user, reason=reason, expected_version=version, **changes
        )
        return with_version(Response(MatterOutput(matter).data), matter)

    def update(self, request: Request, *args: object, **kwargs: object) -> Response:
        return self.partial_update(request, *args, **kwargs)


# Annual list editions ---------------------------------------------------------------------------


def annual_list_or_404(key: str, *, user: User | AnonymousUser | None = None) -> AnnualList:
    """The edition with ``key``; 404 also for a draft the (anonymous) reader may not see."""
    annual_list = selectors.get_annual_list_by_key(key=key)
    if annual_list is None or (
        user is not None
        and not selectors.is_annual_list_visible_to(user=user, annual_list=annual_list)
    ):
        raise NotFound(_("No edition has the key “%(key)s”.") % {"key": key})
    return annual_list


KEY_PARAMETER = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{ANNUAL_LIST_KEY}$",
    description="The edition's stable key, slashes included: 2024/batch-1, or 2024/batch-1/e2 "
    "for a correction.",
)
AGAINST_PARAMETER = OpenApiParameter(
    "against",
    OpenApiTypes.STR,
    description="Key of the edition to compare with; default the predecessor.",
)


@extend_schema_view(retrieve=extend_schema(parameters=[KEY_PARAMETER]))
class AnnualListViewSet(
    StoredPagesMixin,
    RowListMixin,
    VersionedRetrieveMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet[AnnualList],
):
    """Editions of the annual list, addressed by their stable key (``2024/batch-1``).

    Each carries its live entry counts (powers, support matters, by mode; withdrawn apart).
    PATCH changes a draft's titles.
    """

    serializer_class = AnnualListOutput
    filterset_class = AnnualListFilter
    lookup_field = "key"
    lookup_value_regex = ANNUAL_LIST_KEY
    http_method_names = ["get", "post", "patch", "head", "options"]
    # What a page reads: the editions, their batch and predecessor, and their entries' changes,
    # modes and matters' kinds (the counts).
    page_inputs = (AnnualList, Batch, ListEntry, AuthorizationMode, Matter)

    def page_scope(self, user: User) -> None:
        return None  # ``actions`` reads the user's permissions: stored for the public only

    def get_queryset(self) -> QuerySet[AnnualList]:
        return selectors.list_annual_lists_visible_to(user=self.request.user)

    def get_object(self) -> AnnualList:
        annual_list = annual_list_or_404(self.kwargs["key"], user=self.request.user)
        self.check_object_permissions(self.request, annual_list)
        return annual_list

    def paginate_queryset(self, queryset: Any) -> Any:
        editions = super().paginate_queryset(queryset)
        self._page_of_editions = editions
        return editions

    def get_serializer_context(self) -> dict[str, Any]:
        # A page of the list: its editions' entries counted at once (the list's own ``list``
        # would come before ``StoredPagesMixin``'s).
        context = dict(super().get_serializer_context())
        editions = getattr(self, "_page_of_editions", None)
        if editions is not None:
            context["counts"] = selectors.count_entries_by_edition(annual_lists=editions)
        return context

    @extend_schema(request=AnnualListInput, responses={201: AnnualListOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Start an empty draft edition (reform office)."""
        payload = AnnualListInput(data=request.data)
        payload.is_valid(raise_exception=True)
        annual_list = services.create_annual_list(
            created_by=acting_user(request), **payload.validated_data
        )
        return Response(AnnualListOutput(annual_list).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[KEY_PARAMETER, IF_MATCH],
        request=AnnualListTitleInput,
        responses={200: AnnualListOutput, **VERSIONED_WRITE},
    )
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Change a draft edition's titles (reform office); other fields change through the
        edition's actions."""
        user = acting_user(request)
        annual_list = self.get_object()
        version = check_write(request, annual_list, allowed=is_office(user), refusal=OFFICE_ONLY)
        payload = AnnualListTitleInput(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        titles = {"title_zh": annual_list.title_zh, "title_en": annual_list.title_en}
        annual_list = services.retitle_annual_list(
            annual_list=annual_list,
            updated_by=user,
            expected_version=version,
            **(titles | dict(payload.validated_data)),
        )
        return with_version(Response(AnnualListOutput(annual_list).data), annual_list)

    @extend_schema(
        parameters=[KEY_PARAMETER],
        request=AnnualListDeriveInput,
        responses={201: AnnualListOutput},
    )
    @action(detail=True, methods=["post"])
    def derive(self, request: Request, key: str) -> Response:
        """Derive a new draft from this approved or published edition: next year's list or a
        correction (a higher edition of the same year). Every live entry is carried as "kept"."""
        payload = AnnualListDeriveInput(data=request.data)
        payload.is_valid(raise_exception=True)
        annual_list = services.derive_annual_list(
            predecessor=self.get_object(),
            created_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(AnnualListOutput(annual_list).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[KEY_PARAMETER], request=None, responses={200: AnnualListOutput})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, key: str) -> Response:
        """Send a draft edition for review."""
        annual_list = services.submit_annual_list_for_review(
            annual_list=self.get_object(), submitted_by=acting_user(request)
        )
        return Response(AnnualListOutput(annual_list).data)

    @extend_schema(
        parameters=[KEY_PARAMETER],
        request=AnnualListReturnInput,
        responses={200: AnnualListOutput},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_draft(self, request: Request, key: str) -> Response:
        """Send an edition in review back to draft, with a reason."""
        payload = AnnualListReturnInput(data=request.data)
        payload.is_valid(raise_exception=True)
        annual_list = services.return_annual_list_to_draft(
            annual_list=self.get_object(),
            returned_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(AnnualListOutput(annual_list).data)

    @extend_schema(
        parameters=[KEY_PARAMETER],
        request=AnnualListApproveInput,
        responses={200: AnnualListOutput},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, key: str) -> Response:
        """Record the approving meeting's decision: date, document number, meeting."""
        payload = AnnualListApproveInput(data=request.data)
        payload.is_valid(raise_exception=True)
        annual_list = services.approve_annual_list(
            annual_list=self.get_object(),
            approved_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(AnnualListOutput(annual_list).data)

    @extend_schema(
        parameters=[KEY_PARAMETER, AGAINST_PARAMETER], responses={200: EditionDiffOutput}
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def diff(self, request: Request, key: str) -> Response:
        """This edition against another, matter by matter: added, removed (with the reason),
        modified (field by field, with the reason) and unchanged.

        Without ``against`` the predecessor is compared; an edition without one answers 400
        ``no_predecessor``.
        """
        new = self.get_object()
        against = request.query_params.get("against", "").strip()
        if against:
            old = selectors.get_annual_list_by_key(key=against)
            # A draft the reader may not see answers as an unknown key, as the edition itself.
            if old is None or not selectors.is_annual_list_visible_to(
                user=request.user, annual_list=old
            ):
                raise DomainError(
                    "unknown_edition",
                    _("No edition has the key “%(key)s”.") % {"key": against},
                    field="against",
                )
        elif new.predecessor is not None:
            old = new.predecessor
        else:
            raise DomainError(
                "no_predecessor",
                _("%(list)s has no predecessor; name an edition to compare with in “against”.")
                % {"list": new.key},
                field="against",
            )
        diff = selectors.get_edition_diff(old=old, new=new)
        body = {
            "old": old.key,
            "new": new.key,
            "counts": diff.counts,
            "differences": diff.differences,
        }
        return Response(EditionDiffOutput(body).data)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "annual_list_key",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            pattern=f"^{ANNUAL_LIST_KEY}$",
            description="The edition's stable key, slashes included: 2024/batch-1, or "
            "2024/batch-1/e2 for a correction.",
        )
    ]
)
class ListEntryViewSet(
    StoredPagesMixin,
    RowListMixin,
    VersionedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet[ListEntry],
):
    """The entries of one edition in list order, withdrawn ones included (marked ``withdrawn``).

    Entries change only while the edition is a draft or in review; then the reform office adds,
    changes, withdraws (a carried-forward matter, with a reason) or removes (a matter new in the
    edition) them.
    """

    serializer_class = ListEntryOutput
    filterset_class = ListEntryFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    # What a page reads: the edition (its batch names it), its entries with their receiving areas
    # (tracked by the entries' history) and sub-items, each entry's matter and its type, mode,
    # departments and demand item (and, for a signed-in reader, divisions).
    page_inputs = (
        ListEntry, AnnualList, Batch, Matter, MatterType, AuthorizationMode, Department,
        DemandItem, Zone, Division, ListEntrySubItem,
    )  # fmt: skip

    def page_scope(self, user: User) -> None:
        return None  # a signed-in user may read drafts, whose entries change: the public only

    def get_annual_list(self) -> AnnualList:
        if not hasattr(self, "_annual_list"):
            self._annual_list = annual_list_or_404(
                self.kwargs["annual_list_key"], user=self.request.user
            )
        return self._annual_list

    def get_queryset(self) -> QuerySet[ListEntry]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no edition
            return ListEntry.objects.none()
        return selectors.list_entries(annual_list=self.get_annual_list())

    @extend_schema(request=ListEntryInput, responses={201: ListEntryOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Add a matter to a draft edition; leave out ``receiving_areas`` for every pilot area."""
        payload = ListEntryInput(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        entry = services.add_list_entry(
            annual_list=self.get_annual_list(),
            added_by=acting_user(request),
            receiving_areas=fields.pop("receiving_areas", None),
            **fields,
        )
        return Response(ListEntryOutput(self._reloaded(entry)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ListEntryUpdateInput,
        responses={200: ListEntryOutput, **VERSIONED_WRITE},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Change the fields sent. Against the entry it continues, the entry becomes "modified"
        (a reason is then required) or "kept" again. ``If-Match`` carries the entry's ETag:
        refused with 412 if someone saved it since, 428 without."""
        user = acting_user(request)
        entry = self.get_object()
        version = check_write(request, entry, allowed=is_office(user), refusal=OFFICE_ONLY)
        payload = ListEntryUpdateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.update_list_entry(
            entry=entry, updated_by=user, expected_version=version, **payload.validated_data
        )
        return with_version(Response(ListEntryOutput(self._reloaded(entry)).data), entry)

    @extend_schema(request=ReasonInput, responses={200: ListEntryOutput})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Withdraw a matter carried forward from the predecessor edition, with the reason."""
        payload = ReasonInput(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.withdraw_list_entry(
            entry=self.get_object(), withdrawn_by=acting_user(request), **payload.validated_data
        )
        return Response(ListEntryOutput(self._reloaded(entry)).data)

    @extend_schema(request=ReasonInput, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Delete an entry that is new in this draft (a carried-forward one is withdrawn)."""
        payload = ReasonInput(data=request.data)
        payload.is_valid(raise_exception=True)
        services.remove_list_entry(
            entry=self.get_object(), removed_by=acting_user(request), **payload.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _reloaded(self, entry: ListEntry) -> ListEntry:
        return selectors.list_entries(annual_list=self.get_annual_list()).get(pk=entry.pk)


# Demand lists -----------------------------------------------------------------------------------


class DemandWindowViewSet(
    RowListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[DemandWindow]
):
    """The periods in which a batch's pilot areas file demand items for a year's list."""

    serializer_class = DemandWindowOutput
    filterset_class = DemandWindowFilter
    lookup_value_regex = r"\d+"
    queryset = DemandWindow.objects.select_related("batch").order_by("-year", "batch__number")

    @extend_schema(request=DemandWindowInput, responses={201: DemandWindowOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Open a demand window (reform office)."""
        payload = DemandWindowInput(data=request.data)
        payload.is_valid(raise_exception=True)
        window = services.open_demand_window(
            opened_by=acting_user(request), **payload.validated_data
        )
        return Response(DemandWindowOutput(window).data, status=status.HTTP_201_CREATED)


class DemandItemViewSet(
    RowListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[DemandItem]
):
    """Demand items and offers. The office and auditors see all; a department the items it
    answers; a pilot area its own; a prefecture its areas'."""

    serializer_class = DemandItemOutput
    filterset_class = DemandItemFilter
    lookup_value_regex = r"\d+"
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[DemandItem]:
        if getattr(self, "swagger_fake_view", False):
            return DemandItem.objects.none()
        return selectors.list_demand_items_visible_to(user=acting_user(self.request))

    def _item_to_change(self, pk: object) -> DemandItem:
        """An item the user may see (404 otherwise); the service decides who may change it."""
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(request=DemandItemInput, responses={201: DemandItemOutput})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        """A pilot area files a demand for itself while the window is open (the office may file
        on an area's behalf)."""
        payload = DemandItemInput(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.file_demand_item(filed_by=acting_user(request), **payload.validated_data)
        return Response(DemandItemOutput(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DemandOfferInput, responses={201: DemandItemOutput})
    @action(detail=False, methods=["post"])
    def offer(self, request: Request) -> Response:
        """A department offers one of its own matters unasked; the offer counts as agreed."""
        payload = DemandOfferInput(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.offer_matter(offered_by=acting_user(request), **payload.validated_data)
        return Response(DemandItemOutput(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DemandAnswerInput, responses={200: DemandItemOutput})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """The competent department agrees, agrees in part, declines or says a change of law or a
        higher authorization is needed (every answer but "agree" with a reason)."""
        payload = DemandAnswerInput(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.answer_demand_item(
            item=self._item_to_change(pk),
            answered_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(DemandItemOutput(item).data)

    @extend_schema(request=DemandDecisionInput, responses={200: DemandItemOutput})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """The reform office accepts an answered item into a draft edition of the window's batch
        (it becomes an entry linked to the demand) or rejects it with a reason."""
        payload = DemandDecisionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.decide_demand_item(
            item=self._item_to_change(pk),
            decided_by=acting_user(request),
            **payload.validated_data,
        )
        return Response(DemandItemOutput(item).data)
