"""Pure rules of annual list editions: allowed status changes and how an entry's mode must fit
its matter. No ORM, no Django."""

from enum import StrEnum


class ListStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


ALLOWED_LIST_TRANSITIONS: dict[ListStatus, frozenset[ListStatus]] = {
    ListStatus.DRAFT: frozenset({ListStatus.IN_REVIEW}),
    ListStatus.IN_REVIEW: frozenset({ListStatus.DRAFT, ListStatus.APPROVED}),
    ListStatus.APPROVED: frozenset({ListStatus.PUBLISHED, ListStatus.IN_REVIEW}),
    ListStatus.PUBLISHED: frozenset({ListStatus.SUPERSEDED}),
    ListStatus.SUPERSEDED: frozenset(),
}

POWER_MODES = frozenset({"delegate", "entrust", "both"})
SUPPORT_MODE = "support"


def can_change_list_status(current: str, target: str) -> bool:
    return ListStatus(target) in ALLOWED_LIST_TRANSITIONS[ListStatus(current)]


def mode_fits_matter(*, mode_code: str, matter_kind: str) -> bool:
    """A power is delegated, entrusted or both; a support matter is only ever "support"."""
    if matter_kind == "support":
        return mode_code == SUPPORT_MODE
    return mode_code in POWER_MODES
