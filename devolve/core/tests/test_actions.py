"""Every audit-event code a service records reads as words on the pages, in both languages."""

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from devolve.core import actions
from devolve.core.actions import action_label, label_actions, labelled_actions
from devolve.core.events import record_event
from devolve.grants.models import Grant
from devolve.regions.tests.factories import ZoneFactory
from devolve.reporting.models import ApprovalStep, ReportingNotice

SOURCE = Path(actions.__file__).resolve().parents[1]
RECORDERS = {"record_event", "record_events", "record_step"}
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
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _strings(node: ast.AST, found: set[str], built: set[str]) -> None:
    if isinstance(node, ast.JoinedStr):
        built.add(ast.unparse(node))
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        found.add(node.value)
    else:
        for child in ast.iter_child_nodes(node):
            _strings(child, found, built)


def recorded_codes() -> tuple[set[str], set[str]]:
    """The action codes passed to the recording functions anywhere in the application, and the
    f-strings that build codes (record_step's bare verbs are built into reporting codes)."""
    found: set[str] = set()
    built: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in RECORDERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    _strings(keyword.value, found, built)
    return {code for code in found if "." in code}, built


def test_every_recorded_action_is_named_and_every_name_is_recorded() -> None:
    codes, built = recorded_codes()

    assert built == set(BUILT), "a new code is built at run time: add its values to BUILT"
    expected = codes | set().union(*BUILT.values())
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
