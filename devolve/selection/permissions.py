"""Who may see and run pilot-area selection: the reform office runs rounds (imports data, scores,
records and approves decisions); evaluators and auditors read rounds and results. Candidate data
is pre-decision material, so departments, prefectures and pilot areas do not see it."""

import rules

from devolve.accounts.permissions import is_auditor, is_evaluator, is_office

can_manage_selection = is_office
can_view_selection = is_office | is_evaluator | is_auditor
rules.add_perm("selection.manage_selection", can_manage_selection)
rules.add_perm("selection.view_selection", can_view_selection)
