"""Every audit-event code a service records, and every sentence the system stores as a code, reads
as words on the pages, in both languages."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from devolve.core import actions
from devolve.core.actions import (
    StoredText,
    action_label,
    codes_reading,
    label_actions,
    labelled_actions,
    read_text,
    render_text,
    stored_form,
    system_text,
)
from devolve.core.events import record_event
from devolve.grants.models import Grant
from devolve.regions.tests.factories import ZoneFactory
from devolve.reporting.models import ApprovalStep, ReportingNotice

SOURCE = Path(actions.__file__).resolve().parents[1]
RECORDERS = {"record_event", "record_events", "record_events_in_sql", "record_step"}
# The functions whose first argument is a stored sentence's code, and the class attributes
# that name one for it.
TEXT_WRITERS = {"system_text", "refusal"}
TEXT_CODE_ATTRIBUTES = {"reason_code"}
# The codes built from a value at run time (as ast.unparse writes them), and every code each
# can build.
BUILT = {
    "f'grant.{status}'": {f"grant.{Grant.Status.RECALLED}"},  # only recall ends a grant this way
    "f'reporting.{kind}_report.{action}'": {
        f"reporting.{kind}_report.{step}"
        for kind in ("area", "department")
        for step in ApprovalStep.Action.values
    },
    "f'reporting.reminders_sent.{kind}'": {
        # the reminder run's kinds; a reopening notice is sent by the reopening, not a run
        f"reporting.reminders_sent.{kind}"
        for kind in (ReportingNotice.Kind.DUE_SOON, ReportingNotice.Kind.OVERDUE)
    },
    # a briefing's build names the section it is reading
    "f'document.step.{name}'": {
        f"document.step.{section}"
        for section in (
            "shape",
            "editions",
            "take_up",
            "usage",
            "assessment",
            "performance",
            "economy",
        )
    },
}
# ``core.runs.run_job`` writes these sentences of the ``texts=`` its caller names.
RUN_STEPS = ("started", "finished", "failed", "crashed", "refused_with_code")


@cache
def application_sources() -> tuple[tuple[Path, ast.Module], ...]:
    """Every application module outside tests and migrations, parsed once for the checks below
    (at collection the suite's every worker would parse them again)."""
    return tuple(
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    )


def run_texts() -> set[str]:
    """The ``texts=`` every ``run_job(...)`` call in the application names."""
    named: set[str] = set()
    for _path, tree in application_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "run_job":
                for keyword in node.keywords:
                    if keyword.arg == "texts" and isinstance(keyword.value, ast.Constant):
                        named.add(keyword.value.value)
    return named


def built_codes() -> dict[str, set[str]]:
    """``BUILT`` and the sentences ``core.runs.run_job`` builds from each run's ``texts=``."""
    texts = run_texts()
    return BUILT | {
        f"f'{{texts}}.{step}'": {f"{name}.{step}" for name in texts} for step in RUN_STEPS
    }


CHINESE = re.compile(r"[\u4e00-\u9fff]")
# The estimators' diagnostic notes (indicators.analytics.panel.Note) name their words by
# sentence code: ``sentence=`` when given (and not empty), else the note's code.
NOTE_PREFIX = "evaluation_note."


def _strings(node: ast.AST, found: set[str], built: set[str]) -> None:
    if isinstance(node, ast.JoinedStr):
        built.add(ast.unparse(node))
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        found.add(node.value)
    else:
        for child in ast.iter_child_nodes(node):
            _strings(child, found, built)


def _note_sentences(node: ast.Call) -> set[str]:
    """The sentence codes a ``Note(...)`` call can write."""
    arguments = {keyword.arg: keyword.value for keyword in node.keywords}
    code = arguments.get("code", node.args[0] if node.args else None)
    sentences: set[str] = set()
    built: set[str] = set()
    sentence = arguments.get("sentence")
    # A choice between sentences: the values it chooses from, not its condition.
    for value in (
        [sentence.body, sentence.orelse] if isinstance(sentence, ast.IfExp) else [sentence]
    ):
        if value is not None:
            _strings(value, sentences, built)
    if not sentences or "" in sentences:
        sentences.discard("")
        if code is not None:
            _strings(code, sentences, built)
    assert not built, f"a note's sentence is built at run time: {built}"
    return {f"{NOTE_PREFIX}{sentence}" for sentence in sentences}


def recorded_codes() -> tuple[set[str], set[str]]:
    """The action codes passed to the recording functions anywhere in the application, and the
    f-strings that build codes (record_step's bare verbs are built into reporting codes)."""
    found: set[str] = set()
    built: set[str] = set()
    for path, tree in application_sources():
        if path.name == "legacy_texts.py":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and any(
                    getattr(target, "id", "") in TEXT_CODE_ATTRIBUTES for target in node.targets
                )
            ):
                _strings(node.value, found, built)
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "Note":
                found |= _note_sentences(node)
            if name in TEXT_WRITERS and node.args:
                _strings(node.args[0], found, built)
            if name not in RECORDERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    _strings(keyword.value, found, built)
    return {code for code in found if "." in code}, built


def test_every_background_run_names_its_sentences() -> None:
    assert run_texts() == {"publication", "activation_run", "scoring_run"}


def test_every_recorded_action_is_named_and_every_name_is_recorded() -> None:
    codes, built = recorded_codes()
    named = built_codes()

    assert built == set(named), "a new code is built at run time: add its values to BUILT"
    expected = codes | set().union(*named.values())
    assert sorted(expected - labelled_actions()) == [], "name these codes in the app's actions.py"
    assert sorted(labelled_actions() - expected) == [], "these names are for codes nobody records"


def test_every_action_reads_in_chinese_and_english() -> None:
    for code in labelled_actions():
        with translation.override("zh-hans"):
            chinese = action_label(code)
        with translation.override("en"):
            english = action_label(code)
        assert CHINESE.search(chinese), (code, chinese)
        assert english != code, code
        assert not CHINESE.search(english), (code, english)


def test_an_unnamed_code_reads_as_itself() -> None:
    assert action_label("nobody.named_this") == "nobody.named_this"


def test_a_code_cannot_be_named_twice() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"list_entry\.updated"):
        label_actions({"list_entry.updated": "Something else"})
    assert action_label("list_entry.updated") != "Something else"


@pytest.mark.django_db
def test_an_event_carries_its_label() -> None:
    event = record_event(actor=None, action="zone.registered", target=ZoneFactory())

    with translation.override("zh-hans"):
        assert event.action_label == "登记新区/开发区"
    with translation.override("en"):
        assert event.action_label == "Zone registered"


# Sentences the system stores as codes -----------------------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _sample_params(code: str) -> dict[str, str | int]:
    """A value for each of the code's parameters: a number for ``%(name)d`` or a count, else an
    edition-key-like value that reads the same in both languages."""
    with translation.override("en"):
        label = action_label(code)
    return {
        name: 7 if kind == "d" or name == "count" else "2025/batch-1"
        for name, kind in PLACEHOLDER.findall(label)
    }


@pytest.mark.parametrize("code", sorted(labelled_actions()))
def test_every_stored_sentence_reads_in_the_readers_language(code: str) -> None:
    params = _sample_params(code)
    stored = system_text(code, **params)

    with translation.override("zh-hans"):
        chinese = render_text(stored)
    with translation.override("en"):
        english = render_text(stored)

    assert CHINESE.search(chinese), (code, chinese)
    assert not CHINESE.search(english), (code, english)
    for value in params.values():
        assert str(value) in chinese
        assert str(value) in english
    assert "%(" not in chinese + english


def test_a_stored_sentence_is_its_code_and_parameters() -> None:
    stored = system_text("grant.edition_published", key="2025/batch-1")

    assert stored == '{"code":"grant.edition_published","params":{"key":"2025/batch-1"}}'
    with translation.override("zh-hans"):
        assert read_text(stored) == StoredText(
            "grant.edition_published", {"key": "2025/batch-1"}, "版次2025/batch-1已公布。"
        )
    with translation.override("en"):
        assert render_text(stored) == "Edition 2025/batch-1 published."


def test_a_code_no_app_names_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"nobody\.named_this"):
        system_text("nobody.named_this")


@pytest.mark.parametrize(
    "typed",
    [
        "办件量与政务服务平台统计不一致，请核对后重新报送。",
        "Sichuan demo seed, typed by hand",
        '{"code": "grant.edition_published"}',  # someone's JSON, not a stored sentence
        '{"code":"grant.edition_published","params":{}',  # cut short
        '{"code":"nobody.named_this","params":{}}',  # a code no app names
        '{"code":"grant.edition_published","params":[]}',  # parameters that are not named
        "",
    ],
)
def test_text_that_is_not_a_stored_sentence_reads_as_it_is(typed: str) -> None:
    assert read_text(typed) == StoredText("", {}, typed)
    assert render_text(typed) == typed


def test_nothing_stored_reads_as_nothing() -> None:
    assert render_text(None) == ""


def test_a_sentence_stored_with_other_parameters_reads_without_them() -> None:
    stored = stored_form("grant.edition_published", {"edition": "2025/batch-1"})

    with translation.override("en"):
        assert render_text(stored) == "Edition %(key)s published."


def test_a_sentence_is_looked_up_by_its_words_in_either_language_or_its_code() -> None:
    assert codes_reading("figures ENTERED") == ["reporting.figures_entered"]
    assert codes_reading("已填写数据") == ["reporting.figures_entered"]
    assert codes_reading("reporting.figures_") == ["reporting.figures_entered"]
    assert "upload.too_large" in codes_reading("the largest accepted is")
    # A placeholder's name is no word of the sentence; blank words are no search.
    assert "upload.too_large" not in codes_reading("limit")
    assert codes_reading("  ") == []
