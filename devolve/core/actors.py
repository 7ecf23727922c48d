"""Who acts in a service: a signed-in user, or ``SYSTEM`` for the programme's own jobs.

Every service that changes something is told who acts. Scheduled jobs, management commands, the
demo seed and background builds pass ``SYSTEM``: it is held to the statuses of a lifecycle, not
to a role, and is stored as no user (an empty ``actor_id``, an empty history user). No actor at
all is a programming error (``MissingActor``), never a way around the access check (ADR 0042).
"""

from typing import Final, cast, final

from typing_extensions import TypeIs


@final
class SystemActor:
    """The programme's own scheduled jobs and commands acting with no person behind them."""

    pk: Final = None
    role: Final = ""
    is_active: Final = True
    is_authenticated: Final = False

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()


class MissingActor(TypeError):
    """A service was called without saying who acts."""

    def __init__(self) -> None:
        super().__init__(
            "no actor given: pass the signed-in user, or devolve.core.actors.SYSTEM for a "
            "scheduled job, a command or the seed"
        )


def is_system[A](actor: A | SystemActor | None) -> TypeIs[SystemActor]:
    """Whether the system acts (its checks are the statuses, not a role); ``None`` is refused."""
    if actor is None:
        raise MissingActor
    return actor is SYSTEM


def person[A](actor: A | SystemActor | None) -> A | None:
    """The user to store as who acted: none for the system (or a user not saved); ``None`` is
    refused."""
    if is_system(actor) or getattr(actor, "pk", None) is None:
        return None
    return cast(A, actor)
