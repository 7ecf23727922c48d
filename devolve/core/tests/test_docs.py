"""The documentation cannot drift from the code: the generated parts of docs/architecture.md match
it, and every file a document or docstring names exists in the repository."""

import importlib.util
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from devolve.core.architecture import regenerate

ROOT = Path(settings.BASE_DIR)
# A path with at least one directory and a source or document suffix, not part of a URL.
CITED_PATH = re.compile(
    r"(?<![\w./:-])((?:\.\./)*(?:[\w.-]+/)+[\w.-]+\.(?:py|md|html|toml|mjs|scss|sh|in))\b"
)
SKIPPED_DIRECTORIES = {".venv", "node_modules", ".git", "var", "test-results", "__pycache__"}


def _documents() -> list[Path]:
    found = []
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES and name != "migrations" and not name.startswith(".")
        ]
        found += [Path(directory) / name for name in files if name.endswith((".md", ".py"))]
    return found


def _template_directories() -> list[Path]:
    return [path for path in (ROOT / "devolve").rglob("templates") if path.is_dir()]


def _is_third_party(reference: str) -> bool:
    top = reference.split("/", 1)[0]
    if top in {"devolve", "config", "docs", "tests", "scripts", "benchmarks"}:
        return False
    return importlib.util.find_spec(top) is not None if top.isidentifier() else False


def _exists(reference: str, cited_in: Path, templates: list[Path]) -> bool:
    app = None
    relative = cited_in.relative_to(ROOT).parts
    if len(relative) > 2 and relative[0] == "devolve":
        app = ROOT / "devolve" / relative[1]
    candidates = [ROOT / reference, ROOT / "devolve" / reference, cited_in.parent / reference]
    if app is not None:
        candidates.append(app / reference)
    if cited_in.parent == ROOT / "docs":  # the app map names files relative to their app
        candidates += [app_dir / reference for app_dir in (ROOT / "devolve").iterdir()]
    migration = re.fullmatch(r"(\w+)/(\d{4}_\w+\.py)", reference)
    if migration:
        candidates.append(ROOT / "devolve" / migration[1] / "migrations" / migration[2])
    candidates += [directory / reference for directory in templates]
    return any(candidate.exists() for candidate in candidates) or _is_third_party(reference)


def test_every_cited_file_exists() -> None:
    templates = _template_directories()
    missing = [
        f"{document.relative_to(ROOT)}: {reference}"
        for document in _documents()
        for reference in CITED_PATH.findall(document.read_text(encoding="utf-8"))
        if not _exists(reference, document, templates)
    ]
    assert missing == []


def test_architecture_page_matches_the_code() -> None:
    call_command("document_architecture", "--check")


def test_a_stale_block_is_detected(tmp_path: Path, settings: object) -> None:
    page = tmp_path / "docs" / "architecture.md"
    page.parent.mkdir()
    current = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert regenerate(current) == current
    stale = current.replace("| `devolve.core` | shared kernel |", "| `devolve.core` | domain |")
    page.write_text(stale, encoding="utf-8")
    settings.BASE_DIR = tmp_path
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    with pytest.raises(CommandError, match="no longer matches the code"):
        call_command("document_architecture", "--check")
