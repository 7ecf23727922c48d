"""Staff pages for grants: timeline, agreement, handover, supervision, recall; what a
department owes and what an area holds.

Who sees a grant is ``grants.view_grant`` and the scoped selector; who may act on it is the
services' (with ``grants.permissions``). The timeline is read from the grant's dates, its
agreements and the audit events recorded for them.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from devolve.accounts.acting import acting_user
from devolve.accounts.models import User
from devolve.accounts.permissions import is_department_user, is_office
from devolve.core.errors import NotAllowed
from devolve.core.htmx import render_page_or_partial
from devolve.core.models import AuditEvent
from devolve.dashboards.doors import allowed_for, data_of, errors_shown_on, has_role, submitted
from devolve.dashboards.views.annual_lists import PendingWork
from devolve.grants import rules as grant_rules
from devolve.grants.forms import (
    EntrustmentAgreementForm,
    GrantFilterForm,
    HandoverForm,
    RecallForm,
    SupervisionForm,
)
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.permissions import can_manage_grant, can_record_handover, can_view_grant
from devolve.grants.selectors import (
    get_grant,
    list_agreements_expiring,
    list_grants_visible_to,
    list_overdue_handovers,
)
from devolve.grants.services import (
    file_supervision_measures,
    recall_grant,
    record_handover,
    sign_entrustment_agreement,
)
from devolve.regions.models import Zone
from devolve.regions.selectors import list_zones

Role = User.Role
Status = Grant.Status

# Reads ------------------------------------------------------------------------------------------


def _access_grant(user: User, pk: int, allows: Callable[[User, Grant], Any], refusal: str) -> Grant:
    grant = get_grant(pk=pk)
    if grant is None:
        raise Http404(_("No such grant."))
    if not allows(user, grant):
        raise NotAllowed(refusal)
    return grant


def _recorded_events(grant: Grant, agreements: list[EntrustmentAgreement]) -> list[AuditEvent]:
    """The audit events of the grant and of its agreements, oldest first.

    A read of ``core`` that belongs in a selector (``list_audit_events_for``) once there is one.
    """
    targets = Q(target_type=Grant._meta.label, target_id=str(grant.pk)) | Q(
        target_type=EntrustmentAgreement._meta.label,
        target_id__in=[str(agreement.pk) for agreement in agreements],
    )
    return list(AuditEvent.objects.select_related("actor").filter(targets).order_by("occurred_at"))


@dataclass(frozen=True)
class Milestone:
    """A dated step of a grant's life; ``upcoming`` when the day has not come (or is unknown)."""

    key: str
    label: str
    on: datetime.date | None
    detail: str = ""
    upcoming: bool = False
    overdue: bool = False
    provisional: bool = False


@dataclass(frozen=True)
class GrantTimeline:
    milestones: list[Milestone]
    agreements: list[EntrustmentAgreement]
    events: list[AuditEvent]

    @classmethod
    def of(cls, grant: Grant, *, today: datetime.date, overdue: bool) -> "GrantTimeline":
        agreements = list(grant.agreements.select_related("renews").order_by("signed_on", "pk"))
        steps = [*_publication_steps(grant, today), *_agreement_steps(agreements, today)]
        steps += _handover_steps(grant, today, overdue=overdue) + _end_steps(grant)
        steps.sort(key=lambda step: (step.on is None, step.on or datetime.date.max))
        return cls(steps, agreements, _recorded_events(grant, agreements))


def _publication_steps(grant: Grant, today: datetime.date) -> list[Milestone]:
    annual_list = grant.entry.annual_list
    steps = [
        Milestone(
            "published",
            _("Edition %(key)s published") % {"key": annual_list.key},
            annual_list.published_on,
        )
    ]
    if grant.effective_on is not None:
        upcoming = grant.effective_on > today or grant.status == Status.AWAITING_EFFECT
        label = _("Takes effect") if upcoming else _("Took effect")
        steps.append(Milestone("effective", label, grant.effective_on, upcoming=upcoming))
    elif grant.status == Status.AWAITING_AGREEMENT:
        steps.append(
            Milestone(
                "effective",
                _("Takes effect when the entrustment agreement is signed"),
                None,
                "",
                True,
            )
        )
    return steps


def _agreement_steps(
    agreements: list[EntrustmentAgreement], today: datetime.date
) -> list[Milestone]:
    steps = []
    for agreement in agreements:
        term = _("scope: %(scope)s; term %(starts)s to %(ends)s") % {
            "scope": "、".join(agreement.scope_labels),
            "starts": agreement.starts_on.isoformat(),
            "ends": agreement.ends_on.isoformat(),
        }
        signed = _("Agreement %(number)s signed") % {"number": agreement.number}
        ends = _("Agreement %(number)s ends") % {"number": agreement.number}
        steps.append(Milestone("agreement-signed", signed, agreement.signed_on, term))
        steps.append(
            Milestone(
                "agreement-ends", ends, agreement.ends_on, upcoming=agreement.ends_on >= today
            )
        )
    return steps


def _handover_steps(grant: Grant, today: datetime.date, *, overdue: bool) -> list[Milestone]:
    steps = []
    if grant.handover_due_on is not None:
        due = Milestone(
            "handover-due",
            _("Handover due"),
            grant.handover_due_on,
            upcoming=grant.handed_over_on is None and grant.handover_due_on >= today,
            overdue=overdue,
            provisional=grant.handover_due_is_provisional,
        )
        steps.append(due)
    if grant.handed_over_on is not None:
        steps.append(Milestone("handed-over", _("Handed over"), grant.handed_over_on))
    if grant.supervision_filed_on is not None:
        steps.append(
            Milestone(
                "supervision-filed",
                _("Supervision measures filed"),
                grant.supervision_filed_on,
                grant.supervision_document,
            )
        )
    return steps


def _end_steps(grant: Grant) -> list[Milestone]:
    if grant.ended_on is None:
        return []
    return [Milestone(grant.status, grant.get_status_display(), grant.ended_on, grant.end_reason)]


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
        first_step = grant_rules.initial_status(grant.entry.mode.code)
        entrusted = first_step == grant_rules.GrantStatus.AWAITING_AGREEMENT
        return cls(
            sign_agreement=manages and entrusted and grant.is_active,
            record_handover=receives
            and grant.handover_due_on is not None
            and grant_rules.can_transition(grant.status, Status.HANDED_OVER),
            file_supervision=receives and grant.is_active,
            recall=manages and grant_rules.can_transition(grant.status, Status.RECALLED),
        )

    @property
    def any(self) -> bool:
        return self.sign_agreement or self.record_handover or self.file_supervision or self.recall


@dataclass(frozen=True)
class Dues:
    """What the grants in view owe, by when: agreements to sign, handovers to make (the overdue
    marked) and agreements to renew."""

    awaiting_agreement: list[Grant]
    handovers: list[Grant]
    overdue: set[int]
    expiring: list[EntrustmentAgreement]

    @classmethod
    def of(cls, grants: QuerySet[Grant], *, today: datetime.date) -> "Dues":
        expiring = list_agreements_expiring(on=today)
        visible = set(
            grants.filter(pk__in=[agreement.grant_id for agreement in expiring]).values_list(
                "pk", flat=True
            )
        )
        overdue = list_overdue_handovers(on=today).filter(pk__in=grants.values("pk"))
        return cls(
            awaiting_agreement=list(grants.filter(status=Status.AWAITING_AGREEMENT)),
            handovers=list(
                grants.filter(status=Status.EFFECTIVE, handover_due_on__isnull=False).order_by(
                    "handover_due_on", "pk"
                )
            ),
            overdue=set(overdue.values_list("pk", flat=True)),
            expiring=[agreement for agreement in expiring if agreement.grant_id in visible],
        )


@dataclass
class AreaRow:
    zone: Zone
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(status, 0) for status in Status.values]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def area_rows(grants: QuerySet[Grant], *, today: datetime.date) -> list[AreaRow]:
    """Per pilot area: its grants by status and its overdue handovers."""
    counted = grants.order_by().values_list("zone_id", "status")
    counts: dict[int, Counter[str]] = {}
    for zone_id, status in counted:
        counts.setdefault(zone_id, Counter())[status] += 1
    overdue = Counter(
        list_overdue_handovers(on=today)
        .filter(pk__in=grants.values("pk"))
        .values_list("zone_id", flat=True)
    )
    zones = list_zones().filter(pk__in=counts)
    return [AreaRow(zone, dict(counts[zone.pk]), overdue[zone.pk]) for zone in zones]


def pending_work(user: User) -> list[PendingWork]:
    grants, today = list_grants_visible_to(user=user), timezone.localdate()
    overdue = list_overdue_handovers(on=today).filter(pk__in=grants.values("pk")).count()
    owed, held = reverse("dashboards:grant_owed_list"), reverse("dashboards:grant_held_list")
    areas = reverse("dashboards:grant_area_overview")
    if is_department_user(user) or is_office(user):
        awaiting = grants.filter(status=Status.AWAITING_AGREEMENT).count()
        work = [
            PendingWork(
                _("Grants awaiting an entrustment agreement"), owed, awaiting, "agreements"
            ),
            PendingWork(_("Handovers overdue"), owed, overdue, "overdue"),
        ]
        return work + ([PendingWork(_("Grants by pilot area"), areas)] if is_office(user) else [])
    if user.role == Role.PILOT_AREA:
        to_hand_over = grants.filter(status=Status.EFFECTIVE, handover_due_on__isnull=False)
        return [
            PendingWork(
                _("What your area holds"),
                held,
                grants.filter(status__in=grant_rules.ACTIVE_STATUSES).count(),
                "held",
            ),
            PendingWork(_("Handovers to complete"), held, to_hand_over.count(), "handovers"),
        ]
    if user.role in {Role.PREFECTURE, Role.AUDITOR}:
        return [PendingWork(_("Grants by pilot area"), areas, overdue, "overdue")]
    return []


# Pages ------------------------------------------------------------------------------------------


def _grant_form_page(
    request: HttpRequest, grant: Grant, form: BaseForm, *, title: str, button: str
) -> HttpResponse:
    context = {"grant": grant, "form": form, "title": title, "button": button}
    return render(request, "dashboards/grant_form.html", context)


@require_GET
@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    grant = _access_grant(user, pk, can_view_grant, _("You may not see this grant."))
    overdue = list_overdue_handovers(on=today).filter(pk=grant.pk).exists()
    context = {
        "grant": grant,
        "timeline": GrantTimeline.of(grant, today=today, overdue=overdue),
        "actions": GrantActions.of(grant, user),
        "overdue": overdue,
    }
    return render(request, "dashboards/grant_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def grant_sign_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    refusal = _("Only the office or the granting department records agreements.")
    grant = _access_grant(user, pk, can_manage_grant, refusal)
    form = EntrustmentAgreementForm(data_of(request))
    if submitted(request, form):
        with errors_shown_on(form):
            sign_entrustment_agreement(grant=grant, signed_by=user, **form.cleaned_data)
            messages.success(request, _("The entrustment agreement was recorded."))
            return redirect("dashboards:grant_detail", pk=grant.pk)
    title = _("Record the entrustment agreement")
    return _grant_form_page(request, grant, form, title=title, button=_("Record the agreement"))


@require_http_methods(["GET", "POST"])
@login_required
def grant_record_handover(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    refusal = _("You may record handover only for grants you give or receive.")
    grant = _access_grant(user, pk, can_record_handover, refusal)
    form = HandoverForm(data_of(request))
    if submitted(request, form):
        with errors_shown_on(form):
            record_handover(grant=grant, recorded_by=user, **form.cleaned_data)
            messages.success(request, _("The handover was recorded."))
            return redirect("dashboards:grant_detail", pk=grant.pk)
    title = _("Record the handover")
    return _grant_form_page(request, grant, form, title=title, button=_("Record the handover"))


@require_http_methods(["GET", "POST"])
@login_required
def grant_file_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    refusal = _("You may file measures only for grants you give or receive.")
    grant = _access_grant(user, pk, can_record_handover, refusal)
    form = SupervisionForm(data_of(request))
    if submitted(request, form):
        with errors_shown_on(form):
            file_supervision_measures(grant=grant, filed_by=user, **form.cleaned_data)
            messages.success(request, _("The supervision measures were filed."))
            return redirect("dashboards:grant_detail", pk=grant.pk)
    title = _("File supervision measures")
    return _grant_form_page(request, grant, form, title=title, button=_("File the measures"))


@require_http_methods(["GET", "POST"])
@login_required
def grant_recall(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    refusal = _("Only the office or the granting department recalls a grant.")
    grant = _access_grant(user, pk, can_manage_grant, refusal)
    form = RecallForm(data_of(request))
    if submitted(request, form):
        with errors_shown_on(form):
            recall_grant(grant=grant, recalled_by=user, **form.cleaned_data)
            messages.success(request, _("The grant was recalled."))
            return redirect("dashboards:grant_detail", pk=grant.pk)
    title = _("Recall the grant")
    return _grant_form_page(request, grant, form, title=title, button=_("Recall the grant"))


@require_GET
@login_required
@allowed_for(has_role(Role.OFFICE, Role.DEPARTMENT))
def grant_owed_list(request: HttpRequest) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    context = {
        "dues": Dues.of(list_grants_visible_to(user=user), today=today),
        "today": today,
        "is_office": is_office(user),
    }
    return render(request, "dashboards/grant_owed_list.html", context)


@require_GET
@login_required
@allowed_for(has_role(Role.OFFICE, Role.PREFECTURE, Role.PILOT_AREA, Role.AUDITOR))
def grant_held_list(request: HttpRequest) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    grants = list_grants_visible_to(user=user)
    filters = GrantFilterForm(request.GET or None, grants=grants)
    context = {
        "grants": filters.filter(grants).order_by("status", "handover_due_on", "pk"),
        "filters": filters,
        "overdue": set(
            list_overdue_handovers(on=today)
            .filter(pk__in=grants.values("pk"))
            .values_list("pk", flat=True)
        ),
    }
    return render_page_or_partial(
        request, "dashboards/grant_held_list.html", context, partial="held-grants"
    )


@require_GET
@login_required
@allowed_for(has_role(Role.OFFICE, Role.PREFECTURE, Role.AUDITOR))
def grant_area_overview(request: HttpRequest) -> HttpResponse:
    user, today = acting_user(request), timezone.localdate()
    context = {
        "rows": area_rows(list_grants_visible_to(user=user), today=today),
        "statuses": Status.choices,
    }
    return render(request, "dashboards/grant_area_overview.html", context)


urlpatterns: list[URLPattern] = [
    path("grants/owed/", grant_owed_list, name="grant_owed_list"),
    path("grants/held/", grant_held_list, name="grant_held_list"),
    path("grants/by-area/", grant_area_overview, name="grant_area_overview"),
    path("grants/<int:pk>/", grant_detail, name="grant_detail"),
    path("grants/<int:pk>/agreements/new/", grant_sign_agreement, name="grant_sign_agreement"),
    path("grants/<int:pk>/handover/", grant_record_handover, name="grant_record_handover"),
    path("grants/<int:pk>/supervision/", grant_file_supervision, name="grant_file_supervision"),
    path("grants/<int:pk>/recall/", grant_recall, name="grant_recall"),
]
