"""How Chinese pages write dates (ADR 0050): "2025年1月10日", one way on every page, table, notice
and document. Inputs keep ISO 8601 first (Django's own Chinese formats put "2025/01/10" first,
which ``<input type="date">`` cannot read)."""

DATE_FORMAT = "Y年n月j日"  # 2025年1月10日
SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2025年1月10日 14:30
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y年n月"  # 2025年1月
MONTH_DAY_FORMAT = "n月j日"  # 1月10日

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
