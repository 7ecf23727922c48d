"""The demo stores what the system writes as codes: its history, audit events, grant ends and
entry changes read in one language per page, never in the language the seed ran in.

The seed takes a minute, so the module seeds once; each test runs in a savepoint of that seed.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.actions import read_text
from devolve.core.changelog import models_with_history
from devolve.core.legacy_texts import recoded
from devolve.core.models import AuditEvent
from devolve.demo.seed import SeedReport
from devolve.demo.testing import full_demo
from devolve.grants.models import Grant
from devolve.matters.models import ListEntry

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = full_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def report(_seeded_once: SeedReport, db: None) -> SeedReport:
    return _seeded_once


def _stored_texts() -> dict[str, set[str]]:
    """Every distinct sentence stored for display, by the table (model name) that holds it."""
    stored: dict[str, set[str]] = {
        "auditevent": set(AuditEvent.objects.values_list("reason", flat=True).distinct()),
        "grant": set(Grant.objects.values_list("end_reason", flat=True).distinct()),
        "listentry": set(ListEntry.objects.values_list("change_reason", flat=True).distinct()),
    }
    for model in models_with_history():
        history = model.history.model
        stored[history._meta.model_name] = set(
            history.objects.values_list("history_change_reason", flat=True).distinct()
        )
    return {table: {text for text in texts if text} for table, texts in stored.items()}


def test_no_system_sentence_is_stored_as_prose(report: SeedReport) -> None:
    prose = {
        (table, text)
        for table, texts in _stored_texts().items()
        for text in texts
        if recoded(text, table) is not None
    }

    assert prose == set()


def test_every_coded_sentence_reads_in_chinese_and_in_english(report: SeedReport) -> None:
    coded = {text for texts in _stored_texts().values() for text in texts if read_text(text).code}

    assert len(coded) >= 20
    for text in coded:
        with translation.override("zh-hans"):
            chinese = read_text(text).text
        with translation.override("en"):
            sentence = read_text(text)
        # Parameters are keys and names (an agreement's document number is Chinese in both).
        words = sentence.text
        for value in sentence.params.values():
            words = words.replace(str(value), "")
        assert CHINESE.search(chinese), text
        assert not CHINESE.search(words), text


@pytest.mark.parametrize(
    ("language", "foreign"),
    [
        ("en", ["已公布。", "四川示意数据初始化", "采纳自需求清单", "已不再列入"]),
        ("zh-hans", ["Sichuan demo seed", "carried forward", " published.", "No longer in"]),
    ],
)
def test_the_demos_change_log_speaks_the_readers_language(
    client: Client, report: SeedReport, language: str, foreign: list[str]
) -> None:
    client.force_login(User.objects.get(username="auditor"))
    with translation.override(language):
        url = reverse("dashboards:audit_event_list")

    html = client.get(url).content.decode()

    assert [sentence for sentence in foreign if sentence in html] == []
