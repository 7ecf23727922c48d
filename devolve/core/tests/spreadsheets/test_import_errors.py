"""Import errors are stored as codes with parameters (ADR 0041): every sentence an importer or
the guarded reader can store is named in both languages, a page marks the parameters written in
the other language, and the words stored before codes are stored as codes by a migration."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from devolve.core import actions
from devolve.core.actions import (
    action_label,
    labelled_actions,
    marked_text,
    read_text,
    render_text,
    system_text,
)
from devolve.core.legacy_import_errors import (
    LEGACY_IMPORT_ERRORS,
    recode_import_errors,
    recoded_import_error,
)
from devolve.indicators.models import ObservationImport

SOURCE = Path(actions.__file__).resolve().parents[1]
# Every module that stores an import error, and the prefix of the sentences it stores.
IMPORTERS = {
    "core/spreadsheets/reading.py": "upload.",
    "matters/list_import.py": "list_import.error.",
    "matters/services/list_imports.py": "list_import.error.",
    "indicators/statistics_file.py": "statistics_import.error.",
    "selection/candidate_import.py": "candidate_import.error.",
}
PREFIXES = tuple(set(IMPORTERS.values()))
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _emitted(path: Path) -> set[str]:
    """The sentence codes ``system_text`` is called with in ``path``."""
    codes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "system_text"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            codes.add(node.args[0].value)
    return codes


def _import_codes() -> set[str]:
    return {code for code in labelled_actions() if code.startswith(PREFIXES)}


def test_every_error_an_importer_can_store_is_named_and_every_name_is_stored() -> None:
    emitted: set[str] = set()
    for name, prefix in IMPORTERS.items():
        codes = _emitted(SOURCE / name)
        assert codes, name
        assert {code for code in codes if code.startswith(PREFIXES)} <= labelled_actions()
        emitted |= {code for code in codes if code.startswith(prefix)}
    assert sorted(_import_codes() - emitted) == []


@pytest.mark.parametrize("code", sorted(_import_codes()))
def test_every_import_error_reads_in_chinese_and_in_english(code: str) -> None:
    with translation.override("en"):
        placeholders = PLACEHOLDER.findall(action_label(code))
    params = {name: 7 if kind == "d" else "东区" for name, kind in placeholders}
    stored = system_text(code, **params)

    with translation.override("zh-hans"):
        chinese = render_text(stored)
    with translation.override("en"):
        english = render_text(stored)
        page = str(marked_text(stored, mark_parameters=True))

    assert CHINESE.search(chinese.replace("东区", "")), (code, chinese)
    assert not CHINESE.search(english.replace("东区", "")), (code, english)
    assert "%(" not in chinese
    assert "%(" not in english
    # On an English page a parameter in Chinese (a cell, a name) carries its lang.
    assert CHINESE.search(re.sub(r'<span lang="zh-Hans">[^<]*</span>', "", page)) is None


def test_a_page_escapes_a_parameter_and_marks_its_language() -> None:
    stored = system_text("list_import.error.unknown_header", header="<b>备用</b>")

    with translation.override("en"):
        page = str(marked_text(stored, mark_parameters=True))

    assert page == 'Unknown column “<span lang="zh-Hans">&lt;b&gt;备用&lt;/b&gt;</span>”.'


def test_every_legacy_pattern_stores_a_named_sentence_with_its_parameters() -> None:
    for legacy in LEGACY_IMPORT_ERRORS:
        assert legacy.code in labelled_actions(), legacy.code
        with translation.override("en"):
            wanted = {name for name, _kind in PLACEHOLDER.findall(action_label(legacy.code))}
        given = set(re.compile(legacy.pattern).groupindex) | set(legacy.fixed)
        assert given == wanted, legacy.code


@pytest.mark.parametrize(
    ("words", "code", "params"),
    [
        ("Unknown receiving area “南区”.", "list_import.error.unknown_area", {"value": "南区"}),
        ("无法识别的承接区域“南区”。", "list_import.error.unknown_area", {"value": "南区"}),
        (
            "Unknown mode “转让”: use 下放, 委托, 既下放又委托 or 支持事项.",
            "list_import.error.unknown_mode",
            {"value": "转让", "modes": "下放、委托、既下放又委托、支持事项"},
        ),
        (
            "北区 is not a pilot area of Batch 1.",
            "list_import.error.not_a_batch_member",
            {"area": "北区", "batch": 1},
        ),
        ("The same matter as row 2.", "list_import.error.duplicate_row", {"row": 2}),
        ("The file is 1.0 MB; the largest accepted is 1.0 MB.", "upload.too_large",
         {"size": "1.0", "limit": "1.0"}),
    ],
)  # fmt: skip
def test_legacy_words_in_either_language_become_their_code(
    words: str, code: str, params: dict[str, str | int]
) -> None:
    assert recoded_import_error(words, ("upload.", "list_import.error.")) == system_text(
        code, **params
    )


def test_words_no_sentence_matches_stay_as_written() -> None:
    assert recoded_import_error("清单已提交审核，不能修改。", PREFIXES) is None
    # A statistics sentence is not looked for among a list import's errors.
    assert recoded_import_error("未知指标“x”。", ("upload.", "list_import.error.")) is None


@pytest.mark.django_db
def test_the_migration_stores_a_statistics_imports_words_as_codes(office_user: object) -> None:
    legacy = ObservationImport.objects.create(
        file_name="2023.csv",
        status=ObservationImport.Status.REFUSED,
        vintage=datetime.date(2024, 2, 20),
        source="公报",
        uploaded_by=office_user,
        errors=[
            {
                "row": 3,
                "column": "indicator",
                "message": "未知指标“x”。",
                "code": "unknown_indicator",
            },
            {"row": 4, "column": "value", "message": "Typed long ago.", "code": "other"},
        ],
    )

    recode_import_errors(
        "indicators", "ObservationImport", ("upload.", "statistics_import.error.")
    )(apps, None)

    legacy.refresh_from_db()
    first, second = legacy.errors
    assert read_text(first["message"]).code == "statistics_import.error.unknown_indicator"
    with translation.override("en"):
        assert render_text(first["message"]) == "Unknown indicator “x”."
    assert second["message"] == "Typed long ago."
