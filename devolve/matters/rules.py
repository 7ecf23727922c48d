"""Pure rules of annual list editions: how an entry's mode must fit its matter, and public keys.
No ORM, no Django. The statuses and their moves are on the model (``ANNUAL_LIST_LIFECYCLE``)."""

import secrets

POWER_MODES = frozenset({"delegate", "entrust", "both"})
SUPPORT_MODE = "support"


def mode_fits_matter(*, mode_code: str, matter_kind: str) -> bool:
    """A power is delegated, entrusted or both; a support matter is only ever "support"."""
    if matter_kind == "support":
        return mode_code == SUPPORT_MODE
    return mode_code in POWER_MODES


# Letters and digits that cannot be misread for one another (no 0/o, 1/l/i).
MATTER_KEY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
MATTER_KEY_LENGTH = 8


def new_matter_key() -> str:
    """A fresh public key for a matter, e.g. ``k7m2qx9d``: random, so it says nothing that could
    later change (name, code, department), and kept for the matter's whole life."""
    return "".join(secrets.choice(MATTER_KEY_ALPHABET) for _ in range(MATTER_KEY_LENGTH))


def derived_title(title: str, *, from_year: int, to_year: int) -> str:
    """The title of an edition derived from one titled ``title``: the year moves on, the rest
    stays (an office renames it if the batch or scope changed).

    >>> derived_title("2024年度第一批集成授权事项清单", from_year=2024, to_year=2025)
    '2025年度第一批集成授权事项清单'
    >>> derived_title("", from_year=2024, to_year=2025)
    ''
    """
    return title.replace(str(from_year), str(to_year))


def edition_key(year: int, batch: int, edition: int) -> str:
    """An edition's public key from its parts (``AnnualList.key``): ``2024/batch-1``, and
    ``2024/batch-1/e2`` for a correction."""
    return f"{year}/batch-{batch}" + (f"/e{edition}" if edition > 1 else "")
