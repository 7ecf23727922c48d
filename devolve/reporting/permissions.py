"""Who may act on a report (django-rules predicates).

An area fills in and submits its own reports; the prefecture reviews (forwards or returns) its
areas'; the office accepts or returns any, reopens after the lock and generates cycles; a
department fills in and submits its own department report. Auditors and evaluators read.
"""

import rules

from devolve.accounts.models import User
from devolve.accounts.permissions import (
    is_auditor,
    is_department_user,
    is_evaluator,
    is_office,
    is_pilot_area_user,
    is_prefecture_user,
)
from devolve.reporting.models import AreaReport, DepartmentReport


@rules.predicate
def files_it(user: User, report: AreaReport | None) -> bool:
    return report is not None and user.zone_id is not None and user.zone_id == report.zone_id


@rules.predicate
def oversees_it(user: User, report: AreaReport | None) -> bool:
    return (
        report is not None
        and user.prefecture_id is not None
        and user.prefecture_id == report.zone.prefecture_id
    )


@rules.predicate
def owes_it(user: User, report: DepartmentReport | None) -> bool:
    return (
        report is not None
        and user.department_id is not None
        and user.department_id == report.department_id
    )


can_fill_area_report = is_pilot_area_user & files_it
can_review_area_report = is_prefecture_user & oversees_it
can_accept_report = is_office
can_view_area_report = (
    can_fill_area_report | can_review_area_report | is_office | is_auditor | is_evaluator
)
can_fill_department_report = is_department_user & owes_it
can_view_department_report = can_fill_department_report | is_office | is_auditor | is_evaluator
can_view_reporting = is_office | is_auditor | is_evaluator | is_prefecture_user
can_manage_cycles = is_office

rules.add_perm("reporting.fill_area_report", can_fill_area_report)
rules.add_perm("reporting.review_area_report", can_review_area_report)
rules.add_perm("reporting.accept_report", can_accept_report)
rules.add_perm("reporting.view_area_report", can_view_area_report)
rules.add_perm("reporting.fill_department_report", can_fill_department_report)
rules.add_perm("reporting.view_department_report", can_view_department_report)
rules.add_perm("reporting.manage_cycles", can_manage_cycles)
rules.add_perm("reporting.view_reporting", can_view_reporting)
rules.add_perm("reporting.view_all_reports", is_office | is_auditor | is_evaluator)
rules.add_perm("reporting.list_area_reports", can_view_reporting | is_pilot_area_user)
rules.add_perm("reporting.act_on_area_reports", is_office | is_prefecture_user)
