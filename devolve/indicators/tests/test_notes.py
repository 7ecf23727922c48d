"""The estimators' diagnostic notes read in the reader's language, with their figures."""

import pytest
from django.utils import translation

from devolve.accounts.models import User
from devolve.core.testing.languages import chinese_runs, english_runs
from devolve.indicators.analytics import did, imputation
from devolve.indicators.analytics.panel import Note, note_to_json
from devolve.indicators.notes import read_note, read_notes
from devolve.indicators.tests.factories import run_on, staggered_panel


def _read(note: Note, language: str) -> dict[str, object]:
    with translation.override(language):
        return read_note(note_to_json(note))


def test_a_note_reads_in_the_readers_language_with_its_figures() -> None:
    [note] = did._pretrend_notes(12.345, 2, 0.0012, None, alpha=0.05)

    chinese, english = _read(note, "zh-hans"), _read(note, "en")

    assert chinese["text"] == (
        "处理前的ATT(g,t)联合显著异于零（Wald χ² = 12.35，自由度 = 2，渐近p = 0.0012）："
        "平行趋势存疑。"
    )
    assert english["text"] == (
        "The pre-treatment ATT(g,t) differ jointly from zero (Wald χ² = 12.35, df = 2, "
        "asymptotic p = 0.0012): parallel trends are doubtful."
    )
    assert chinese["detail"] == english["detail"] == ""


def test_one_code_with_two_sentences_reads_as_the_one_written() -> None:
    [asymptotic] = imputation._pretrend_notes(0.001, None, alpha=0.05)

    assert asymptotic.code == "imputation_pretrend_rejected"
    assert _read(asymptotic, "zh-hans")["text"] == (
        "未处理模型中的处理提前项联合显著异于零（渐近p = 0.0010）：处理前的平行趋势存疑。"
    )


def test_a_failed_estimation_keeps_its_reason_in_english() -> None:
    note = Note(
        "estimation_failed", "No treated cohort remains to estimate an effect for.", "error"
    )

    chinese = _read(note, "zh-hans")

    assert chinese["text"] == "无法用这些数据估计效应："
    assert chinese["detail"] == "No treated cohort remains to estimate an effect for."


def test_a_note_stored_before_notes_had_words_shows_its_message_as_it_is() -> None:
    stored = {"code": "pretrend_rejected", "message": "Old words.", "severity": "warning"}

    with translation.override("zh-hans"):
        read = read_note(stored)

    assert (read["text"], read["detail"], read["code"]) == ("", "Old words.", "pretrend_rejected")


@pytest.mark.django_db
def test_every_note_of_a_run_fills_its_words_in_both_languages(evaluator: User) -> None:
    growth, batch = staggered_panel()
    run = run_on(growth, batch, evaluator)
    notes = run.diagnostics["notes"] + run.results.get("comparison", [])
    assert notes, "the staggered panel gives notes (the estimators' comparison at least)"

    with translation.override("zh-hans"):
        chinese = read_notes(notes)
    with translation.override("en"):
        english = read_notes(notes)

    for zh, en in zip(chinese, english, strict=True):
        assert zh["text"], zh["code"]
        assert en["text"], en["code"]
        assert "%(" not in zh["text"] + en["text"]
        assert list(english_runs(zh["text"])) == [], zh["text"]
        assert list(chinese_runs(en["text"])) == [], en["text"]
