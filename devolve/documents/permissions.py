"""Who may have which document built: notices carry published data only, so every signed-in
programme role may request them (and anyone may download them from the public pages); a briefing
report draws on staff data (reports, assessments), so only the office, evaluators and auditors
request and read briefings."""

import rules

from devolve.accounts.permissions import is_auditor, is_evaluator, is_office, is_staff_member

can_request_notices = is_staff_member
can_read_briefings = is_office | is_evaluator | is_auditor

rules.add_perm("documents.request_notice", can_request_notices)
rules.add_perm("documents.view_documents", is_staff_member)
rules.add_perm("documents.request_briefing", can_read_briefings)
