"""The words for each ``reporting.rules`` finding, in the active language."""

from django.utils.translation import gettext as _

from devolve.reporting.rules import Finding

FIELD_LABELS = {
    "cases_received": lambda: _("cases received"),
    "cases_completed": lambda: _("cases completed"),
}


def finding_message(finding: Finding) -> str:
    params = dict(finding.params)
    if "field" in params:
        params["field"] = FIELD_LABELS[params["field"]]()
    messages = {
        "negative_count": lambda: _("Counts cannot be negative (%(field)s is %(value)s)."),
        "negative_days": lambda: _("Average handling days cannot be negative."),
        "cases_not_effective": lambda: _(
            "Cases are reported for a grant that has not taken effect."
        ),
        "cases_before_effect": lambda: _(
            "Cases are reported for a period that ends on %(period_end)s, before the grant took"
            " effect (%(effective_on)s)."
        ),
        "completed_exceeds_received": lambda: _(
            "More cases completed (%(completed)s) than received (%(received)s): confirm they"
            " were carried over from the previous period."
        ),
        "over_promised_limit": lambda: _(
            "Average handling time (%(days)s days) is over the promised limit (%(limit)s days)."
        ),
    }
    return messages[finding.code]() % params


def flag_messages(codes: list[str]) -> list[str]:
    """Words for the flag codes stored on a line (no figures: the line shows them)."""
    words = {
        "completed_exceeds_received": lambda: _(
            "More cases completed than received (carried over?)"
        ),
        "over_promised_limit": lambda: _("Over the promised handling limit"),
    }
    return [words[code]() if code in words else code for code in codes]
