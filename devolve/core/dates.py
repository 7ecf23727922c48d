"""Dates as the reader's language writes them (ADR 0050): "10 Jan 2025" / "2025年1月10日", and
a moment with its minute in the site's time zone. The formats live in ``config/formats``; pages
use ``{{ day|date }}`` (``{{ moment|date:"DATETIME_FORMAT" }}``), Python that writes a date for
a reader uses ``written_date``. Exports, the API, URLs and stored parameters keep ISO 8601."""

import datetime

from django.utils import formats, timezone


def written_date(value: datetime.date | None, *, empty: str = "—") -> str:
    """A day (or a moment: its minute, local time) in the active language; ``empty`` for none."""
    if value is None:
        return empty
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def iso_date(value: datetime.date | None) -> str:
    """A day (or a moment, local time, to the minute) as exports write it: ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
