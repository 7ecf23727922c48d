"""Status lifecycles: one table type, one mover, one error code for every model with a status.

A model declares its statuses once (a ``TextChoices`` on the model) and, beside them, its
``Lifecycle``: the named moves (business verbs such as "submit" or "recall"), the statuses each
move starts from, the status it leads to and the roles that may make it. Services ask the
lifecycle before they change a status (``Lifecycle.apply``, which refuses with
``illegal_transition`` or ``not_allowed``); pages and the API ask it what to offer
(``Lifecycle.offered``), so a button is shown exactly when the service would accept it.

A move marked ``automatic`` happens as a consequence of another (a later edition supersedes its
predecessor) or of a date; it is checked against the statuses but never offered to a person.
The system (``devolve.core.access.SYSTEM``: a scheduled job, a management command, the demo seed)
is held to the statuses, not to a role; no actor at all is an error.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from devolve.core.actors import SystemActor, is_system
from devolve.core.errors import DomainError, NotAllowed


class Actor(Protocol):
    """A signed-in person: the kit needs only the role and whether the account is active."""

    @property
    def role(self) -> str: ...

    @property
    def is_active(self) -> bool: ...


@dataclass(frozen=True)
class Move:
    """One business verb: from ``sources`` to ``target``, made by any of ``roles``."""

    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str] = field(default_factory=frozenset)
    automatic: bool = False


def move(
    name: str,
    label: str | Promise,
    *,
    sources: Iterable[str],
    target: str,
    roles: Iterable[str] = (),
    automatic: bool = False,
) -> Move:
    """A ``Move`` from plain iterables (statuses are ``TextChoices`` members, i.e. strings)."""
    return Move(
        name=name,
        label=label,
        sources=frozenset(str(source) for source in sources),
        target=str(target),
        roles=frozenset(str(role) for role in roles),
        automatic=automatic,
    )


class Lifecycle:
    """The statuses of one model and the moves between them.

    A verb may be declared more than once when different roles may make it from different
    statuses (the prefecture returns a submitted report, the office a submitted or reviewed one);
    every declaration of a verb leads to the same status. Built once at import time: a table that
    names an unknown status or gives a person's move to nobody fails then, not at a request.
    """

    def __init__(self, statuses: type[models.TextChoices], moves: Iterable[Move]) -> None:
        self.statuses = statuses
        self.moves: tuple[Move, ...] = tuple(moves)
        known = {str(status) for status in statuses}
        self._by_name: dict[str, list[Move]] = {}
        for entry in self.moves:
            where = f"{statuses.__qualname__}.{entry.name}"
            unknown = (entry.sources | {entry.target}) - known
            if unknown:
                raise ValueError(f"{where}: unknown statuses {sorted(unknown)}")
            if not entry.sources:
                raise ValueError(f"{where}: starts nowhere")
            if not entry.automatic and not entry.roles:
                raise ValueError(f"{where}: nobody may make it")
            same = self._by_name.setdefault(entry.name, [])
            if any(other.target != entry.target for other in same):
                raise ValueError(f"{where}: one verb, two destinations")
            same.append(entry)

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def __getitem__(self, name: str) -> Move:
        """The verb's first declaration (its label, its target and whether it is automatic)."""
        return self._declarations(name)[0]

    def label_of(self, status: str) -> str:
        return str(self.statuses(status).label)

    def targets(self, current: str) -> frozenset[str]:
        """Every status some move leads to from ``current``."""
        return frozenset(entry.target for entry in self.moves if current in entry.sources)

    def is_final(self, current: str) -> bool:
        return not self.targets(current)

    def _declarations(self, name: str) -> list[Move]:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(f"{self.statuses.__qualname__}: no move {name!r}") from None

    def allows(self, name: str, current: str, actor: Actor | SystemActor) -> bool:
        """Whether ``actor`` (or the system) may make the move ``name`` now."""
        return any(
            current in entry.sources and _may_make(entry, actor)
            for entry in self._declarations(name)
        )

    def offered(self, current: str, actor: Actor | SystemActor) -> tuple[Move, ...]:
        """The moves a page or the API offers ``actor`` while the record is ``current``, one per
        verb, in the order declared."""
        if is_system(actor):
            return ()
        offered: dict[str, Move] = {}
        for entry in self.moves:
            if not entry.automatic and current in entry.sources and _may_make(entry, actor):
                offered.setdefault(entry.name, entry)
        return tuple(offered.values())

    def offered_names(self, current: str, actor: Actor | SystemActor) -> frozenset[str]:
        return frozenset(entry.name for entry in self.offered(current, actor))

    def check(self, name: str, current: str, actor: Actor | SystemActor) -> Move:
        """The move ``name`` if ``actor`` may make it now; else ``NotAllowed`` (no declaration of
        the verb is the actor's) or ``DomainError("illegal_transition")`` (not from this status)."""
        declarations = self._declarations(name)
        mine = [entry for entry in declarations if _may_make(entry, actor)]
        label = declarations[0].label
        if not mine:
            raise NotAllowed(_("Your role cannot do this: %(move)s.") % {"move": label})
        for entry in mine:
            if current in entry.sources:
                return entry
        raise DomainError(
            "illegal_transition",
            _("“%(move)s” is not possible while the status is “%(status)s”.")
            % {"move": label, "status": self.label_of(current)},
        )

    def apply(self, record: models.Model, name: str, actor: Actor | SystemActor) -> Move:
        """Check the move against ``record.status`` and set the new status (the caller saves,
        holding the row lock, and records the event)."""
        entry = self.check(name, record.status, actor)  # type: ignore[attr-defined]
        record.status = entry.target  # type: ignore[attr-defined]
        return entry


def _may_make(entry: Move, actor: Actor | SystemActor) -> bool:
    if is_system(actor) or entry.automatic:
        return True
    return bool(actor.is_active) and actor.role in entry.roles
