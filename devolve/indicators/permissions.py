"""Who may act on economic statistics: the reform office imports them; the office and evaluators
run evaluations; auditors read the staff pages. Statistics and runs themselves are public."""

import rules

from devolve.accounts.permissions import is_auditor, is_evaluator, is_office

can_import_statistics = is_office
can_run_evaluation = is_office | is_evaluator
can_view_evaluation_staff_pages = is_office | is_evaluator | is_auditor
rules.add_perm("indicators.import_statistics", can_import_statistics)
rules.add_perm("indicators.run_evaluation", can_run_evaluation)
rules.add_perm("indicators.view_evaluation_staff_pages", can_view_evaluation_staff_pages)
