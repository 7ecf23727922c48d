"""Sentences stored as prose before codes: the data migrations store the known ones as codes,
in any language they were written in, and leave typed text alone."""

import pytest
from django.apps import apps
from django.utils import translation

from devolve.core.actions import render_text, system_text
from devolve.core.legacy_texts import LEGACY_TEXTS, recode_texts, recoded
from devolve.core.models import AuditEvent
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
