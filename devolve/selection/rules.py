"""Pure rules of selection rounds: how a value cell is read, and the fingerprint of a round's
inputs. No ORM, no Django."""

import hashlib
import json
import math
from typing import Any

# Cells that say "no value" in the statistical yearbooks and office workbooks.
MISSING_MARKERS = frozenset({"", "na", "n/a", "-", "—", "–", "..", "缺失", "无", "无数据"})


def is_missing_marker(text: str) -> bool:
    return text.strip().lower() in MISSING_MARKERS


def parse_number(text: str) -> float | None:
    """A cell's text as a finite float (thousands separators allowed), or None if it is not one.

    >>> parse_number("1,234.5")
    1234.5
    >>> parse_number("abc") is None
    True
    """
    cleaned = text.strip().replace(",", "").replace("，", "")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def fingerprint(inputs: dict[str, Any]) -> str:
    """SHA-256 of the inputs as canonical JSON (sorted keys, no spaces): equal inputs, equal
    fingerprint, whatever the order they were built in."""
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
