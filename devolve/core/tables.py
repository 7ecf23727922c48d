"""Table attributes that give django-tables2 tables the design system's look."""

GOVUK_TABLE_ATTRS = {
    "class": "govuk-table",
    "thead": {"class": "govuk-table__head"},
    "tbody": {"class": "govuk-table__body"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
}
