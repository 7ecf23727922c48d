"""What the importers share: the row error, the capped error log, cell text and the folding
that matches headers and names however a department typed them.

Each importer keeps its layout and its checks (``matters/list_import.py``,
``indicators/statistics_file.py``, ``selection/candidate_import.py``); each reads its file
through ``reading.check_upload`` and ``reading.read_rows`` and reports through ``RowError``,
whose message is a stored sentence (ADR 0041), never words in the language the check ran in.
"""

import datetime
import unicodedata
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

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
