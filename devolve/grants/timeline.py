"""A grant's timeline, the read model of its staff page: the dated steps of its life (publication,
effect, agreements signed and ending, handover due and done, supervision filed, end) and the
audit events of the grant and its agreements."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from devolve.core.actions import render_text
from devolve.core.changelog import list_events_for
from devolve.core.i18n import marked_message
from devolve.core.models import AuditEvent
from devolve.grants.models import EntrustmentAgreement, Grant

Status = Grant.Status


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
        return cls(steps, agreements, list_events_for([grant, *agreements]))


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
            "scope": pgettext("between the names of a list", ", ").join(agreement.scope_labels),
            "starts": agreement.starts_on.isoformat(),
            "ends": agreement.ends_on.isoformat(),
        }
        signed = marked_message(_("Agreement %(number)s signed"), number=agreement.number)
        ends = marked_message(_("Agreement %(number)s ends"), number=agreement.number)
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
    return [
        Milestone(
            grant.status, grant.get_status_display(), grant.ended_on, render_text(grant.end_reason)
        )
    ]
