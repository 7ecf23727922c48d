"""Acting on many area reports at once: a prefecture forwards (reviews) or returns its areas'
submitted reports, the office accepts or returns reviewed ones — DHIS2's approval across a level.

Each report goes through the same single-report service (same checks, same approval step, same
audit event and notice), all in one transaction: if any report is refused, none is changed and
every refusal is reported against its report.
"""

import datetime
from collections.abc import Callable, Sequence

from django.db import models
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.core.bulk import act_on_chosen
from devolve.core.errors import DomainError
from devolve.reporting import selectors
from devolve.reporting.models import AreaReport
from devolve.reporting.services.area_reports import (
    accept_area_report,
    return_area_report,
    review_area_report,
)


class BulkReportAction(models.TextChoices):
    REVIEW = "review"
    ACCEPT = "accept"
    RETURN = "return"


def _act(
    action: BulkReportAction, actor: User, reason: str, today: datetime.date | None
) -> Callable[[AreaReport], object]:
    if action == BulkReportAction.REVIEW:
        return lambda report: review_area_report(report=report, reviewed_by=actor, today=today)
    if action == BulkReportAction.ACCEPT:
        return lambda report: accept_area_report(report=report, accepted_by=actor, today=today)
    return lambda report: return_area_report(
        report=report, reason=reason, returned_by=actor, today=today
    )


def act_on_area_reports(
    *,
    report_ids: Sequence[int],
    action: BulkReportAction,
    actor: User,
    reason: str = "",
    today: datetime.date | None = None,
) -> int:
    """Review, accept or return the chosen reports (one ``reason`` for all returns).

    Reports the actor may not see count as refused (``not_found``), like a report in the wrong
    state (``illegal_transition``) or outside the actor's level (``not_allowed``). Raises
    ``BulkRefused`` listing every refusal, and changes nothing, unless all succeed; returns how
    many reports were changed.
    """
    if action == BulkReportAction.RETURN and not reason.strip():
        raise DomainError("reason_required", _("Say why the reports are returned."), field="reason")
    return act_on_chosen(
        selectors.list_area_reports_visible_to(user=actor),
        report_ids,
        _act(action, actor, reason, today),
        label=lambda pk: _("Report %(id)s") % {"id": pk},
        not_found=_("No such report among those you may see."),
    )
