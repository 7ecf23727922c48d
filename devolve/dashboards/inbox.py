"""The staff home's inbox: what needs this user now, with counts and due dates, each linking to
where it is done. The counts come from the owning apps' selectors, each an SQL aggregate, so the
inbox costs a fixed number of queries however much work there is."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from devolve.accounts.models import User
from devolve.assessments.selectors import count_assessments_to_score
from devolve.grants.selectors import count_grant_work
from devolve.matters.selectors import count_matter_work
from devolve.performance.selectors import count_appeals_to_decide
from devolve.reporting.selectors import count_reporting_work

Role = User.Role


@dataclass(frozen=True)
class InboxItem:
    """One line of the inbox: how many things wait (None: a link without a count), where, and
    the date that matters (due, waiting since, ends) when there is one."""

    key: str
    label: str
    url: str
    count: int | None = None
    due_on: datetime.date | None = None
    due_label: str = ""
    overdue: bool = False
    # False for a count that is not work to do (what an area holds): left out of the badge.
    is_work: bool = True


def _url(name: str, query: str = "") -> str:
    return reverse(f"dashboards:{name}") + (f"?{query}" if query else "")


def _reporting(user: User, on: datetime.date) -> list[InboxItem]:
    work = count_reporting_work(user=user, on=on)
    home = _url("reporting_dashboard")
    items: list[InboxItem] = []
    if user.role in {Role.PILOT_AREA, Role.DEPARTMENT}:
        due = work.to_fill_due_on
        items += [
            InboxItem(
                "reports-due", _("Reports to fill in"), home, work.to_fill, due, _("first due"),
                overdue=due is not None and due < on,
            ),
            InboxItem("reports-returned", _("Reports returned to you"), home, work.returned),
        ]  # fmt: skip
    if user.role == Role.PREFECTURE:
        items.append(
            InboxItem(
                "reports-to-review",
                _("Reports to review"),
                _url("area_report_list", "status=submitted"),
                work.to_review,
                work.to_review_since,
                _("waiting since"),
            )
        )
    if user.role == Role.OFFICE:
        items += [
            InboxItem(
                "reports-to-review",
                _("Reports to accept"),
                _url("area_report_list", "status=reviewed"),
                work.to_review,
                work.to_review_since,
                _("waiting since"),
            ),
            InboxItem(
                "department-reports",
                _("Department reports to accept"),
                home,
                work.department_reports_to_accept,
            ),
        ]
    if user.role in {Role.AUDITOR, Role.EVALUATOR}:
        items.append(InboxItem("reporting", _("Reporting completeness"), home))
    if work.unread_notices:
        items.append(InboxItem("notices", _("Unread notices"), home, work.unread_notices))
    return items


def _grants(user: User, on: datetime.date) -> list[InboxItem]:
    work = count_grant_work(user=user, on=on)
    owed, held = _url("grant_owed_list"), _url("grant_held_list")
    areas = _url("grant_area_overview")
    handover_due = work.next_handover_due_on
    if user.role in {Role.DEPARTMENT, Role.OFFICE}:
        items = [
            InboxItem(
                "agreements", _("Grants awaiting an entrustment agreement"), owed,
                work.awaiting_agreement,
            ),
            InboxItem(
                "overdue", _("Handovers overdue"), owed, work.handovers_overdue, handover_due,
                _("first due"), overdue=work.handovers_overdue > 0,
            ),
            InboxItem(
                "supervision", _("Supervision measures not yet filed"), owed,
                work.supervision_missing,
            ),
            InboxItem(
                "agreements-ending", _("Entrustment agreements to renew"), owed,
                work.agreements_ending, work.next_agreement_end_on, _("first ends"),
            ),
        ]  # fmt: skip
        if user.role == Role.OFFICE:
            items.append(InboxItem("areas", _("Grants by pilot area"), areas))
        return items
    if user.role == Role.PILOT_AREA:
        return [
            InboxItem("held", _("What your area holds"), held, work.held, is_work=False),
            InboxItem(
                "handovers", _("Handovers to complete"), _url("grant_handover_list"),
                work.handovers_due, handover_due,
                _("first due"), overdue=work.handovers_overdue > 0,
            ),
        ]  # fmt: skip
    if user.role in {Role.PREFECTURE, Role.AUDITOR}:
        return [InboxItem("overdue", _("Handovers overdue"), areas, work.handovers_overdue)]
    return []


def _lists(user: User) -> list[InboxItem]:
    work = count_matter_work(user=user)
    demand = _url("demand_item_list")
    if user.role == Role.OFFICE:
        unpublished = work.editions_draft + work.editions_in_review + work.editions_approved
        return [
            InboxItem("annual-lists", _("Editions not yet published"), _url("annual_list_list"),
                      unpublished),
            InboxItem("demand", _("Demand items awaiting your decision"), demand,
                      work.demand_to_decide, work.demand_closes_on, _("window closes")),
        ]  # fmt: skip
    if user.role == Role.DEPARTMENT:
        return [
            InboxItem("demand", _("Demand items to answer"), demand, work.demand_to_answer,
                      work.demand_closes_on, _("window closes")),
        ]  # fmt: skip
    if user.role == Role.AUDITOR:
        return [InboxItem("annual-lists", _("Annual list editions"), _url("annual_list_list"))]
    if user.role in {Role.PILOT_AREA, Role.PREFECTURE}:
        return [InboxItem("demand", _("Demand list"), demand)]
    return []


def _assessments(user: User) -> list[InboxItem]:
    items = []
    if user.role in {Role.OFFICE, Role.EVALUATOR}:
        items.append(
            InboxItem(
                "to-score",
                _("Grant assessments to score"),
                _url("assessment_round_list"),
                count_assessments_to_score(user=user),
            )
        )
    if user.role == Role.OFFICE:
        items.append(
            InboxItem(
                "appeals",
                _("Appeals to decide"),
                _url("performance_home"),
                count_appeals_to_decide(user=user),
            )
        )
    return items


def inbox_for(user: User, *, on: datetime.date) -> list[InboxItem]:
    """The user's inbox, in the order the programme's year runs: lists, grants, reporting,
    assessment. At most eleven queries, whatever the volume."""
    return [*_lists(user), *_grants(user, on), *_reporting(user, on), *_assessments(user)]


def count_waiting(items: list[InboxItem]) -> int:
    """The header badge's number: everything counted in the inbox that waits for the user
    (reports, decisions, handovers, unread notices), not what is merely listed."""
    return sum(item.count or 0 for item in items if item.is_work)
