"""How English pages write dates (ADR 0050): "10 Jan 2025", one way on every page, table, notice
and document. Inputs keep ISO 8601 first: a date field's value is what ``<input type="date">``
reads."""

DATE_FORMAT = "j M Y"  # 10 Jan 2025
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"  # 10 Jan 2025 14:30
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"  # Jan 2025
MONTH_DAY_FORMAT = "j M"  # 10 Jan

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
