"""Bulk actions: the same single-object service called once per object inside one transaction,
all or nothing, with every refusal reported against the object it concerns.

Each object is acted on inside a savepoint, so one refusal does not stop the others from being
tried: the person sees every row that needs attention at once, and then nothing is kept.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from devolve.core.errors import DomainError


@dataclass(frozen=True)
class Refusal:
    """Why one object of a bulk action was refused."""

    object_id: str
    label: str
    code: str
    message: str


class BulkRefused(DomainError):
    """At least one object was refused; nothing was changed. ``refusals`` lists each one."""

    def __init__(self, refusals: list[Refusal]) -> None:
        count = len(refusals)
        super().__init__(
            "bulk_refused",
            ngettext(
                "%(count)s of the chosen records could not be changed, so nothing was changed.",
                "%(count)s of the chosen records could not be changed, so nothing was changed.",
                count,
            )
            % {"count": count},
        )
        self.refusals = refusals

    def details(self) -> dict[str, Any]:
        """The API lists each refusal against its object, beside the summary message."""
        return {
            "refusals": [
                {
                    "id": refusal.object_id,
                    "label": refusal.label,
                    "code": refusal.code,
                    "detail": refusal.message,
                }
                for refusal in self.refusals
            ]
        }


def act_on_each[T](
    objects: Iterable[T],
    act: Callable[[T], object],
    *,
    label: Callable[[T], str] = str,
    object_id: Callable[[T], str] = lambda item: str(getattr(item, "pk", "")),
    refusals: Iterable[Refusal] = (),
) -> int:
    """Call ``act`` on every object in one transaction; raise ``BulkRefused`` (and keep nothing)
    if it refused any of them or ``refusals`` already names some. Returns how many were done."""
    refused = list(refusals)
    done = 0
    with transaction.atomic():
        for item in objects:
            try:
                with transaction.atomic():
                    act(item)
            except DomainError as error:
                refused.append(
                    Refusal(
                        object_id=object_id(item),
                        label=label(item),
                        code=error.code,
                        message=str(error.message),
                    )
                )
            else:
                done += 1
        if refused:
            raise BulkRefused(refused)
        if done == 0:
            raise DomainError("nothing_chosen", _("Choose at least one record."))
    return done


def act_on_chosen[M: Model](
    visible: QuerySet[M],
    chosen_ids: Sequence[int],
    act: Callable[[M], object],
    *,
    label: Callable[[int], str],
    not_found: str,
) -> int:
    """``act_on_each`` for the records a person chose by id among ``visible`` (what they may
    see): an id chosen twice counts once, and one not among them is refused as ``not_found``
    (``label(id)`` names it, ``not_found`` says why) beside every refusal ``act`` raises."""
    wanted = list(dict.fromkeys(chosen_ids))
    found = visible.in_bulk(wanted)
    missing = [
        Refusal(object_id=str(pk), label=label(pk), code="not_found", message=not_found)
        for pk in wanted
        if pk not in found
    ]
    return act_on_each([found[pk] for pk in wanted if pk in found], act, refusals=missing)
