"""Staff pages for grants: timeline, agreement, handover (one grant, or several at once),
supervision, recall; what a department owes and what an area holds.

Who sees a grant is ``grants.view_grant`` and the scoped selector; who may act on it is the
services' (with ``grants.permissions``). The timeline is read from the grant's dates, its
agreements and the audit events recorded for them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.access import allows, requires
from devolve.core.bulk import Refusal
from devolve.core.errors import NotAllowed
from devolve.core.lists import configure_list, render_list
from devolve.core.tables import AuditEventTable, tick_chosen
from devolve.dashboards.doors import bulk_step, data_of, form_step, to_the_list
from devolve.grants.filters import GrantFilter
from devolve.grants.forms import (
    BulkHandoverForm,
    EntrustmentAgreementForm,
    HandoverForm,
    RecallForm,
    SupervisionForm,
)
from devolve.grants.models import (
    GRANT_LIFECYCLE,
    Grant,
    initial_status,
)
from devolve.grants.permissions import can_manage_grant, can_record_handover
from devolve.grants.selectors import (
    count_grants_by_area,
    get_grant,
    is_handover_overdue,
    list_agreements_expiring,
    list_grants_awaiting_agreement,
    list_grants_visible_to,
    list_handovers_to_make,
    list_held_grants_visible_to,
    with_handover_overdue,
)
from devolve.grants.services import (
    file_supervision_measures,
    recall_grant,
    record_handover,
    record_handovers,
    sign_entrustment_agreement,
)
from devolve.grants.tables import (
    AreaGrantCountTable,
    ChoosableGrantTable,
    EntrustmentAgreementTable,
    ExpiringAgreementTable,
    StaffGrantTable,
)
from devolve.grants.timeline import GrantTimeline

Role = User.Role
Status = Grant.Status

# Reads ------------------------------------------------------------------------------------------


def _access_grant(user: User, pk: int, permission: str, refusal: str) -> Grant:
    grant = get_grant(pk=pk)
    if grant is None:
        raise Http404(_("No such grant."))
    if not allows(user, permission, grant):
        raise NotAllowed(refusal)
    return grant


@dataclass(frozen=True)
class GrantActions:
    """The actions the page offers this user on this grant: the user's permission, and a step the
    grant's status table allows next. The services check both again."""

    sign_agreement: bool
    record_handover: bool
    file_supervision: bool
    recall: bool

    @classmethod
    def of(cls, grant: Grant, user: User) -> "GrantActions":
        manages = bool(can_manage_grant(user, grant))
        receives = bool(can_record_handover(user, grant))
        first_step = initial_status(grant.entry.mode.code)
        entrusted = first_step == Status.AWAITING_AGREEMENT
        offered = GRANT_LIFECYCLE.offered_names(grant.status, user)
        return cls(
            sign_agreement=manages and entrusted and grant.is_active,
            record_handover=receives
            and grant.handover_due_on is not None
            and "hand_over" in offered,
            file_supervision=receives and grant.is_active,
            recall=manages and "recall" in offered,
        )

    @property
    def any(self) -> bool:
        return self.sign_agreement or self.record_handover or self.file_supervision or self.recall


# Pages ------------------------------------------------------------------------------------------


@require_safe
@requires("accounts.use_staff_pages")
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    grant = _access_grant(user, pk, "grants.view_grant", _("You may not see this grant."))
    overdue = is_handover_overdue(grant=grant, on=today)
    timeline = GrantTimeline.of(grant, today=today, overdue=overdue)
    agreements = EntrustmentAgreementTable(timeline.agreements, prefix="agreements-")
    events = AuditEventTable(timeline.events, prefix="events-")
    configure_list(request, agreements)
    configure_list(request, events)
    context = {
        "grant": grant,
        "timeline": timeline,
        "agreements": agreements,
        "events": events,
        "actions": GrantActions.of(grant, user),
        "overdue": overdue,
    }
    return render(request, "dashboards/grant_detail.html", context)


def _grant_step(
    request: HttpRequest,
    pk: int,
    *,
    permission: str,
    refusal: str,
    form_class: Callable[[Any], BaseForm],
    step: Callable[[Grant, User, dict[str, Any]], object],
    done: str,
    title: str,
    button: str,
) -> HttpResponse:
    """An action on one grant (``form_step``), for holders of ``permission`` on it (``refusal``
    for anyone else): ``step`` calls the service with the grant, the actor and the form's data.
    Done, back to the grant's page; else the form again."""
    user = acting_user(request)
    grant = _access_grant(user, pk, permission, refusal)
    form = form_class(data_of(request))
    context = {"grant": grant, "form": form, "title": title, "button": button}
    return form_step(
        request,
        form,
        lambda data: step(grant, user, data),
        done=done,
        then=lambda _done: redirect("dashboards:grant_detail", pk=grant.pk),
        page=lambda: render(request, "dashboards/grant_form.html", context),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def grant_sign_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_step(
        request,
        pk,
        permission="grants.manage_grant",
        refusal=_("Only the office or the granting department records agreements."),
        form_class=EntrustmentAgreementForm,
        step=lambda grant, user, data: sign_entrustment_agreement(
            grant=grant, signed_by=user, **data
        ),
        done=_("The entrustment agreement was recorded."),
        title=_("Record the entrustment agreement"),
        button=_("Record the agreement"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def grant_record_handover(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_step(
        request,
        pk,
        permission="grants.record_handover",
        refusal=_("You may record handover only for grants you give or receive."),
        form_class=HandoverForm,
        step=lambda grant, user, data: record_handover(grant=grant, recorded_by=user, **data),
        done=_("The handover was recorded."),
        title=_("Record the handover"),
        button=_("Record the handover"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def grant_file_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_step(
        request,
        pk,
        permission="grants.record_handover",
        refusal=_("You may file measures only for grants you give or receive."),
        form_class=SupervisionForm,
        step=lambda grant, user, data: file_supervision_measures(
            grant=grant, filed_by=user, **data
        ),
        done=_("The supervision measures were filed."),
        title=_("File supervision measures"),
        button=_("File the measures"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires("accounts.use_staff_pages")
def grant_recall(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_step(
        request,
        pk,
        permission="grants.manage_grant",
        refusal=_("Only the office or the granting department recalls a grant."),
        form_class=RecallForm,
        step=lambda grant, user, data: recall_grant(grant=grant, recalled_by=user, **data),
        done=_("The grant was recalled."),
        title=_("Recall the grant"),
        button=_("Recall the grant"),
    )


@require_safe
@requires("grants.view_owed_grants")
def grant_owed_list(request: HttpRequest) -> HttpResponse:
    """What the user's grants owe, by when: agreements to sign, handovers to make and agreements
    to renew, each list sorted and paged by itself."""
    user, today = acting_user(request), timezone.localdate()
    grants = list_grants_visible_to(user=user)
    context = {
        "awaiting_agreement": _listed(
            request,
            StaffGrantTable(
                with_handover_overdue(list_grants_awaiting_agreement(grants=grants), on=today),
                prefix="agreements-",
            ),
        ),
        "handovers": _listed(
            request,
            StaffGrantTable(list_handovers_to_make(grants=grants, on=today), prefix="handovers-"),
        ),
        "expiring": _listed(
            request,
            ExpiringAgreementTable(
                list_agreements_expiring(on=today, grants=grants), prefix="expiring-"
            ),
        ),
        "today": today,
        "is_office": is_office(user),
    }
    return render(request, "dashboards/grant_owed_list.html", context)


@require_safe
@requires("grants.view_held_grants")
def grant_held_list(request: HttpRequest) -> HttpResponse:
    """The grants the user's scope holds or gives, filtered like the API (``GrantFilter``)."""
    grants = list_held_grants_visible_to(user=acting_user(request))
    filterset = GrantFilter(request.GET, queryset=grants)
    table = StaffGrantTable(with_handover_overdue(filterset.qs, on=timezone.localdate()))
    return render_list(
        request,
        table=table,
        filterset=filterset,
        template="dashboards/grant_held_list.html",
        partial="held-grants",
        export_name=_("Grants held"),
    )


def _handover_list_page(
    request: HttpRequest, *, form: BulkHandoverForm, refusals: list[Refusal]
) -> HttpResponse:
    user = acting_user(request)
    outstanding = list_handovers_to_make(
        grants=list_grants_visible_to(user=user), on=timezone.localdate()
    )
    filterset = GrantFilter(request.GET, queryset=outstanding)
    table = ChoosableGrantTable(filterset.qs)
    tick_chosen(table, request.POST.getlist("grant"))
    return render_list(
        request,
        table=table,
        filterset=filterset,
        template="dashboards/grant_handover_list.html",
        partial="handovers-table",
        export_name=_("Handovers to make"),
        context={"bulk_form": form, "refusals": refusals},
    )


@require_safe
@requires("grants.record_handovers")
def grant_handover_list(request: HttpRequest) -> HttpResponse:
    """The grants in effect and not yet handed over that the user gives or receives, filtered,
    sorted and paged; several handed over on one day are recorded together."""
    return _handover_list_page(request, form=BulkHandoverForm(), refusals=[])


@require_http_methods(["GET", "HEAD", "POST"])
@requires("grants.record_handovers")
def grant_handover_bulk(request: HttpRequest) -> HttpResponse:
    """Record the handover of the chosen grants on one day, all or none
    (``record_handovers``); refused, the list shows each grant refused and why."""
    if request.method != "POST":
        return to_the_list(request, "grant_handover_list")
    form = BulkHandoverForm(request.POST)
    return bulk_step(
        request,
        form,
        lambda data: record_handovers(
            grant_ids=data["grant_ids"],
            handed_over_on=data["handed_over_on"],
            recorded_by=acting_user(request),
        ),
        done=lambda count: _("The handover of %(count)s grants was recorded.") % {"count": count},
        back="grant_handover_list",
        page=lambda refusals: _handover_list_page(request, form=form, refusals=refusals),
    )


@require_safe
@requires("grants.view_area_overview")
def grant_area_overview(request: HttpRequest) -> HttpResponse:
    """Each pilot area's grants by status and its overdue handovers, sorted, paged and
    downloadable."""
    rows = count_grants_by_area(
        grants=list_grants_visible_to(user=acting_user(request)), on=timezone.localdate()
    )
    return render_list(
        request,
        table=AreaGrantCountTable(rows),
        template="dashboards/grant_area_overview.html",
        partial="area-overview-table",
        export_name=_("Grants by pilot area"),
    )


def _listed(request: HttpRequest, table: tables.Table) -> tables.Table:
    """One of several lists on a page, sorted and paged by its own (prefixed) parameters."""
    configure_list(request, table)
    return table


urlpatterns: list[URLPattern] = [
    path("grants/owed/", grant_owed_list, name="grant_owed_list"),
    path("grants/held/", grant_held_list, name="grant_held_list"),
    path("grants/by-area/", grant_area_overview, name="grant_area_overview"),
    path("grants/handovers/", grant_handover_list, name="grant_handover_list"),
    path("grants/handovers/record/", grant_handover_bulk, name="grant_handover_bulk"),
    path("grants/<int:pk>/", grant_detail, name="grant_detail"),
    path("grants/<int:pk>/agreements/new/", grant_sign_agreement, name="grant_sign_agreement"),
    path("grants/<int:pk>/handover/", grant_record_handover, name="grant_record_handover"),
    path("grants/<int:pk>/supervision/", grant_file_supervision, name="grant_file_supervision"),
    path("grants/<int:pk>/recall/", grant_recall, name="grant_recall"),
]
