"""Choosing between a record's Chinese and English text for the active language."""

from django.utils.translation import get_language


def in_current_language(*, zh: str, en: str) -> str:
    """The English text on English pages, the Chinese otherwise; the other one if it is empty."""
    if (get_language() or "zh-hans").lower().startswith("en"):
        return en or zh
    return zh or en
