"""What the importers share: the row error, the capped error log, the checked file's base
(``ImportCheck``: its errors, validity, counts per action and the file refused whole), the
refusal of a file with errors (``FileHasErrors``), cell text and the folding that matches
headers and names however a department typed them (``fold``, ``NameIndex``).

Each importer keeps its layout and its checks (``matters/list_import.py``,
``indicators/statistics_file.py``, ``selection/candidate_import.py``); each reads its file
through ``reading.check_upload`` and ``reading.read_rows`` and reports through ``RowError``,
whose message is a stored sentence (ADR 0041), never words in the language the check ran in.
"""

import datetime
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self

from django.utils.functional import Promise

from devolve.core.errors import DomainError

# Errors kept for display; a wholly wrong file would otherwise produce one per cell.
MAX_REPORTED_ERRORS = 1_000
_TRAILING = ":\uff1a*\uff0a"  # colons and asterisks, half- and full-width


class RowAction(StrEnum):
    """What applying a checked row would do to what is recorded."""

    ADD = "add"
    CHANGE = "change"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowError:
    """A problem of a file: its row as a spreadsheet numbers it (None for the file as a whole),
    the column's header as written, its message as stored (``core.actions.system_text``: a
    sentence code named in the importer's app's ``actions.py`` and its parameters, so it reads
    in the reader's language wherever it is shown, ``core.actions.render_text``), a stable code
    (what the API and scripts match), the column's letter where known and, for an importer that
    keeps it, the cell's value as the file holds it (spaces and full-width characters kept), so
    the office sees what the importer read."""

    row: int | None
    column: str
    message: str
    code: str
    letter: str = ""
    value: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ErrorLog:
    """Every error counted, the first ``limit`` kept."""

    limit: int = MAX_REPORTED_ERRORS
    errors: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(self.errors) < self.limit:
            self.errors.append(error)

    def sorted(self) -> tuple[RowError, ...]:
        return tuple(sorted(self.errors, key=lambda error: error.row or 0))


def action_counts(actions: Iterable[RowAction]) -> dict[str, int]:
    """How many checked rows (or values) each action would apply: add, change, unchanged."""
    counts = dict.fromkeys(RowAction, 0)
    for action in actions:
        counts[action] += 1
    return {str(action): count for action, count in counts.items()}


@dataclass(frozen=True, kw_only=True)
class ImportCheck:
    """What every importer's check of a file (its plan) holds: the errors kept (``ErrorLog``)
    and how many there were. Each importer adds its rows, its counts and its dry-run summary."""

    errors: tuple[RowError, ...] = ()
    error_count: int = 0

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    @classmethod
    def refused(cls, message: str, code: str, **fields: Any) -> Self:
        """The file refused whole (unreadable, hostile, no header …): one error on no row.
        ``message`` is stored (``core.actions.system_text``); ``fields`` are the plan's own."""
        return cls(errors=(RowError(None, "", message, code),), error_count=1, **fields)


class FileHasErrors(DomainError):
    """A checked file with errors: nothing of it is applied. ``plan`` holds every error.
    Each importer names its code and its plural message (``ngettext_lazy`` on ``count``)."""

    code_for_errors: ClassVar[str]
    message_for_errors: ClassVar[Promise]

    def __init__(self, plan: ImportCheck) -> None:
        super().__init__(
            self.code_for_errors, str(self.message_for_errors % {"count": plan.error_count})
        )
        self.plan = plan


class NameIndex[V](dict[str, V]):
    """What a file may name by code or name, keyed by folded text; the first thing to claim a
    text keeps it. ``folding`` is the importer's own (``fold`` unless it says otherwise)."""

    def __init__(self, folding: Callable[[Any], str] = lambda text: fold(text)) -> None:
        super().__init__()
        self.folding = folding

    def add(self, texts: Iterable[object], value: V) -> None:
        for text in texts:
            self.setdefault(self.folding(text), value)

    def find(self, text: object) -> V | None:
        return self.get(self.folding(text))


def fold(text: object) -> str:
    """Text folded for matching: full-width forms to half-width, every space and line break
    removed, case folded, trailing colons and asterisks dropped.

    >>> fold(" 主管部门\\n/ 实施部门：") == fold("主管部门/实施部门")
    True
    >>> fold("Matter  Code"), fold("承接　主体")
    ('mattercode', '承接主体')
    """
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return "".join(folded.split()).casefold().rstrip(_TRAILING)


def fold_name(text: object) -> str:
    """``fold`` reading an underscore as a space, for keys a file may write either way
    (``zone_key``, ``sub_indicator``).

    >>> fold_name("Zone_Key") == fold_name("zone key")
    True
    """
    return fold(str(text).replace("_", " "))


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees: whole floats without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(row: tuple[Any, ...]) -> bool:
    return all(cell_text(value) == "" for value in row)
