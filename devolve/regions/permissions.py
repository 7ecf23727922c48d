"""Who may change the registry: the reform office manages zones, batches and memberships."""

import rules

from devolve.accounts.permissions import is_office

can_manage_registry = is_office
rules.add_perm("regions.manage_registry", can_manage_registry)
