"""What the demo seed's stored reasons read as on pages (devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "demo.seeded": _("Sichuan demo seed"),
    "demo.seeded_economy": _("Sichuan demo seed (simulated economy)"),
    "demo.scale_generated": _("Generated for the scale test (simulated data set)"),
}
