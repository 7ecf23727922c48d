"""The evaluation run service: the panel from stored figures, cohorts from batch memberships,
reproducible fingerprints and results, and no headline when the design fails."""

import datetime
from decimal import Decimal

import pytest

from devolve.accounts.models import User
from devolve.core.errors import DomainError, NotAllowed
from devolve.indicators import rules
from devolve.indicators.models import EvaluationRun, Observation, SubjectKind
from devolve.indicators.tests.factories import (
    EFFECT,
    VINTAGE,
    YEARS,
    run_on,
    staggered_panel,
)
from devolve.regions.models import Zone

pytestmark = pytest.mark.django_db


def test_first_treated_year_is_the_first_full_calendar_year() -> None:
    assert rules.first_treated_year(datetime.date(2023, 1, 1)) == 2023
    assert rules.first_treated_year(datetime.date(2024, 12, 2)) == 2025
    assert rules.first_treated_year(datetime.date(2024, 1, 2)) == 2025


def test_a_run_stores_its_panel_and_recovers_a_constant_effect(evaluator: User) -> None:
    growth, batch = staggered_panel()

    run = run_on(growth, batch, evaluator)

    panel = run.inputs["panel"]
    cohorts = dict(zip(panel["unit"], panel["cohort"], strict=True))
    assert cohorts == {"b1-0": 2023, "b1-1": 2023, "b1-2": 2023, "b2-0": 2025, "b2-1": 2025,
                       "b2-2": 2025, "never-0": 0, "never-1": 0, "never-2": 0}  # fmt: skip
    assert len(panel["unit"]) == 9 * len(YEARS)
    assert len(run.input_fingerprint) == 64
    assert run.headline_allowed is True
    overall = run.results["summary"]["overall"]
    assert overall["ci_low"] <= float(EFFECT) <= overall["ci_high"]
    assert {row["key"] for row in run.results["summary"]["cohort"]} == {2023, 2025}
    assert [chart["unit"] for chart in run.results["synth"]] == ["b1-0", "b1-1", "b1-2"]
    assert run.results["bjs"]["overall"]["att"] == pytest.approx(float(EFFECT), abs=0.5)
    assert run.created_by == evaluator
    assert run.is_simulated is False


def test_a_rerun_gives_the_same_fingerprint_and_numbers(office_user: User) -> None:
    growth, batch = staggered_panel()
    first = run_on(growth, batch, office_user)

    second = run_on(growth, batch, office_user)

    assert second.pk != first.pk
    assert second.input_fingerprint == first.input_fingerprint
    assert second.results == first.results
    assert second.diagnostics == first.diagnostics


def test_a_new_release_changes_the_fingerprint(office_user: User) -> None:
    growth, batch = staggered_panel()
    before = run_on(growth, batch, office_user)
    zone = Zone.objects.get(slug="never-0")
    Observation.objects.create(indicator=growth, subject_kind=SubjectKind.ZONE, zone=zone,
                               year=2020, value=Decimal("1.0"), vintage=VINTAGE.replace(month=6),
                               source="Revision")  # fmt: skip

    revised = run_on(growth, batch, office_user, as_of=VINTAGE.replace(month=7))
    as_before = run_on(growth, batch, office_user)

    assert revised.input_fingerprint != before.input_fingerprint
    assert as_before.input_fingerprint == before.input_fingerprint


def test_without_never_treated_zones_there_is_no_headline(office_user: User) -> None:
    growth, batch = staggered_panel(never_treated=0)

    run = run_on(growth, batch, office_user)

    assert run.headline_allowed is False
    assert run.diagnostics["headline_allowed"] is False
    assert any(note["severity"] == "error" for note in run.diagnostics["notes"])


def test_only_the_office_and_evaluatorsrun_on(department_user: User) -> None:
    growth, batch = staggered_panel()
    with pytest.raises(NotAllowed):
        run_on(growth, batch, department_user)
    assert not EvaluationRun.objects.exists()


def test_bad_years_and_no_data_are_refused(office_user: User) -> None:
    growth, batch = staggered_panel()
    with pytest.raises(DomainError) as refused:
        run_on(growth, batch, office_user, first_year=2025, last_year=2020)
    assert refused.value.code == "bad_years"
    with pytest.raises(DomainError) as refused:
        run_on(growth, batch, office_user, as_of=datetime.date(2020, 1, 1))
    assert refused.value.code == "no_data"
    assert not EvaluationRun.objects.exists()


def test_a_zone_missing_a_year_is_listed_and_dropped(office_user: User) -> None:
    growth, batch = staggered_panel()
    Observation.objects.filter(zone__slug="never-2", year=2019).delete()

    run = run_on(growth, batch, office_user)

    assert run.inputs["panel"]["missing"] == ["never-2:2019"]
    assert run.diagnostics["n_units"] == 8
    assert any("never-2" in note["message"] for note in run.diagnostics["notes"])
