"""Sentences stored as prose before codes: the data migrations store the known ones as codes,
in any language they were written in, and leave typed text alone."""

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation

from devolve.core.actions import render_text, system_text
from devolve.core.legacy_texts import LEGACY_TEXTS, legacy_day, recode_texts, recoded
from devolve.core.models import AuditEvent
from devolve.documents.models import GeneratedDocument
from devolve.matters.models import Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.regions.tests.factories import ZoneFactory


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        ("版次2025/batch-1已公布。", "auditevent", ("grant.edition_published", "2025/batch-1")),
        ("Edition 2025/batch-1 published.", "grant", ("grant.edition_published", "2025/batch-1")),
        ("agreement 川司委〔2024〕3号 signed", "historicalgrant", ("grant.agreement_signed", None)),
        ("Sichuan demo seed", "historicalzone", ("demo.seeded", None)),
        ("published", "historicalannuallist", ("annual_list.published", None)),
        ("decided", "historicalentrydecision", ("entry_decision.decided", None)),
        ("decided", "historicaldemanditem", ("demand_item.decided", None)),
        (
            "submitted",
            "historicaldepartmentreport",
            ("reporting.department_report.submitted", None),
        ),
    ],
)
def test_a_known_sentence_becomes_its_code(
    text: str, model: str, expected: tuple[str, str | None]
) -> None:
    code, key = expected
    stored = recoded(text, model)

    assert stored is not None
    assert stored.startswith(f'{{"code":"{code}"')
    if key is not None:
        assert stored == system_text(code, key=key)


def test_a_count_is_stored_as_a_number() -> None:
    assert recoded("连续 3 个已确认期间无办件。", "auditevent") == system_text(
        "grant_assessment.zero_use", count=3
    )


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("published", "historicalgrant"),  # a short word only where a service wrote it
        ("approved", "auditevent"),
        ("办件量与统计不一致。", "auditevent"),
    ],
)
def test_typed_text_and_words_out_of_place_stay(text: str, model: str) -> None:
    assert recoded(text, model) is None


def test_every_legacy_sentence_names_a_code_some_app_names() -> None:
    from devolve.core.actions import labelled_actions

    assert {legacy.code for legacy in LEGACY_TEXTS} - labelled_actions() == set()


@pytest.mark.django_db
def test_the_migration_step_recodes_stored_rows_and_leaves_typed_ones() -> None:
    zone = ZoneFactory()
    legacy = AuditEvent.objects.create(
        action="grant.superseded",
        target_type="regions.Zone",
        target_id=str(zone.pk),
        target_label=str(zone),
        reason="版次2025/batch-1已公布。",
    )
    typed = AuditEvent.objects.create(
        action="annual_list.returned",
        target_type="regions.Zone",
        target_id=str(zone.pk),
        target_label=str(zone),
        reason="One more matter.",
    )
    matter = MatterFactory()
    Matter.history.filter(id=matter.pk).update(history_change_reason="imported")

    recode_texts("core")(apps, None)
    recode_texts("matters")(apps, None)
    recode_texts("core")(apps, None)  # re-runnable

    legacy.refresh_from_db()
    typed.refresh_from_db()
    assert legacy.reason == system_text("grant.edition_published", key="2025/batch-1")
    assert typed.reason == "One more matter."
    with translation.override("en"):
        assert legacy.reason_text == "Edition 2025/batch-1 published."
    history = Matter.history.filter(id=matter.pk).values_list("history_change_reason", flat=True)
    assert set(history) == {system_text("annual_list.imported")}
    with translation.override("zh-hans"):
        assert render_text(history[0]) == "从工作簿导入清单"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Blank in the file.", ("candidate_value.blank_in_file", {})),
        ("文件中为空白。", ("candidate_value.blank_in_file", {})),
        ("Marked “NA” in the file.", ("candidate_value.marked_in_file", {"mark": "NA"})),
        ("文件中标记为“缺失”。", ("candidate_value.marked_in_file", {"mark": "缺失"})),
    ],
)
def test_a_missing_reason_the_importer_wrote_becomes_its_code(
    text: str, expected: tuple[str, dict[str, str]]
) -> None:
    code, params = expected
    assert recoded(text, "candidatevalue") == system_text(code, **params)
    assert recoded("Not yet published", "candidatevalue") is None


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        (
            "2024/batch-1 is not published: only a published edition goes out as a notice.",
            ("document.list_not_published", {"list": "2024/batch-1"}),
        ),
        ("2024/batch-1尚未印发：只有已印发的清单版本才能生成印发通知。",
         ("document.list_not_published", {"list": "2024/batch-1"})),
        (
            "Nothing to report for 2019: no edition of the list was published by June 30, 2019.",
            ("document.no_edition_in_year", {"year": 2019, "on": datetime.date(2019, 6, 30)}),
        ),
        (
            "2019年1月1日至soon没有可报告的内容：截至2019年6月30日尚未印发任何清单。",
            None,  # a "day" that is none in any way a build wrote one stays as written
        ),
        (
            "2019年1月1日至2019年6月30日没有可报告的内容：截至2019年6月30日尚未印发任何清单。",
            (
                "document.no_edition_in_period",
                {
                    "start": datetime.date(2019, 1, 1),
                    "end": datetime.date(2019, 6, 30),
                    "on": datetime.date(2019, 6, 30),
                },
            ),
        ),
        (
            "The 2024 results are not published yet: appeals run until 2025-03-31 and must all be "
            "decided before the results are published and notified.",
            ("document.open_to_appeal", {"year": 2024, "closes": datetime.date(2025, 3, 31)}),
        ),
        ("文件生成意外中止。", ("document.crashed", {})),
        ("Sept. 3, 2024 was a bad day.", None),
    ],
)  # fmt: skip
def test_a_failed_documents_message_becomes_its_code_with_its_days(
    text: str, stored: tuple[str, dict[str, Any]] | None
) -> None:
    expected = None if stored is None else system_text(stored[0], **stored[1])

    assert recoded(text, "generateddocument") == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-07-10", datetime.date(2024, 7, 10)),
        ("2024年7月10日", datetime.date(2024, 7, 10)),
        ("July 10, 2024", datetime.date(2024, 7, 10)),
        ("Sept. 3, 2024", datetime.date(2024, 9, 3)),
        ("3 Sep 2024", datetime.date(2024, 9, 3)),
        ("2024年2月30日", None),
        ("soon", None),
    ],
)
def test_a_legacy_day_is_read_in_every_way_it_was_written(
    text: str, day: datetime.date | None
) -> None:
    assert legacy_day(text) == day


@pytest.mark.django_db
def test_the_migration_step_recodes_failed_documents_and_keeps_other_words() -> None:
    failed = GeneratedDocument.objects.create(
        kind="results", subject_key="2030", file_format="pdf", as_of=datetime.date(2030, 1, 1),
        status="failed", error_code="no_data",
        error_message="No performance assessment of 2030 is recorded.",
    )  # fmt: skip
    other = GeneratedDocument.objects.create(
        kind="results", subject_key="2031", file_format="pdf", as_of=datetime.date(2031, 1, 1),
        status="failed", error_code="odd", error_message="Something else went wrong.",
    )  # fmt: skip

    recode_texts("documents")(apps, None)

    failed.refresh_from_db()
    other.refresh_from_db()
    assert failed.error_message == system_text("document.no_assessment", year=2030)
    with translation.override("zh-hans"):
        assert render_text(failed.error_message) == "没有2030年度的绩效考核记录。"
    assert other.error_message == "Something else went wrong."
