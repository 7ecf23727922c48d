"""The public evaluation pages: the headline computed from zone data, the causal estimate with its
diagnostics, both languages, the simulated label, and no headline effect when the design fails."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains

from devolve.core.numbers import number, signed
from devolve.core.testing.snapshots import restore_or_build
from devolve.demo import sichuan_economy
from devolve.demo.seed import SeedReport, seed_registry
from devolve.indicators.models import EvaluationRun

pytestmark = pytest.mark.django_db


def _seed_economy() -> None:
    report = SeedReport()
    seed_registry(report)
    sichuan_economy.seed_economy(report)


@pytest.fixture
def economy() -> None:
    """The pilot areas and the simulated economy with its evaluation runs: seeded once, restored
    for each test (``devolve.core.testing.snapshots``)."""
    restore_or_build(f"portal-economy-today={timezone.localdate().isoformat()}", _seed_economy)


def _url(name: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return reverse(f"portal:{name}", kwargs=kwargs or None)


def _figure(content: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]+)<', content)
    assert match is not None, name
    return match.group(1)


def _figure_text(content: str, figure: str) -> str:
    found = re.search(rf'data-figure="{figure}">(.+?)</p>', content, re.S)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("language", "indicator_name", "zone_name"),
    [
        ("zh-hans", "地区生产总值实际增速", "四川天府新区"),
        ("en", "Real GRP growth", "Tianfu New Area"),
    ],
)
def test_batch_1_page_shows_headline_estimate_and_diagnostics(
    client: Client, economy: None, language: str, indicator_name: str, zone_name: str
) -> None:
    run = EvaluationRun.objects.get(batch__number=1)
    url = _url("economy_evaluation_detail", language, indicator=sichuan_economy.GRP_GROWTH, batch=1)

    response = client.get(url)

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in content
    assert _figure(content, "pilot-mean") == "12.7%"
    assert _figure(content, "province") == "6.0%"
    assert _figure(content, "gap") == "+6.7"
    overall = run.results["summary"]["overall"]
    assert _figure(content, "att") == f"{overall['att']:+.2f}"
    assertContains(response, f'<h1 class="govuk-heading-xl">{indicator_name}')
    assertContains(response, zone_name)
    with translation.override(language):
        assertContains(response, gettext("What the reform itself did"))
    assertContains(response, 'data-simulated="page"')
    assertContains(response, run.input_fingerprint)
    assertContains(response, 'data-chart="line" data-chart-source="event-study-data"')
    event = json.loads(
        re.search(r'id="event-study-data" type="application/json">(.+?)</script>', content,
                  re.S).group(1)
    )  # fmt: skip
    assert [float(label) for label in event["labels"]] == [
        row["key"] for row in run.results["summary"]["event"]
    ]
    assert event["bands"][0]["low"] == [row["band_low"] for row in run.results["summary"]["event"]]
    for row in run.results["summary"]["cohort"]:
        assertContains(response, f'data-cohort="{row["key"]}"')
    assert content.count('data-synth="') == 9
    sensitivity = run.results["sensitivity"]
    assert [row["bound"] for row in sensitivity["relative_magnitudes"]][:2] == [0.0, 0.25]
    assert 'id="sensitivity"' in content
    synth = run.results["synth"][0]
    assert [fit["variant"] for fit in synth["fits"]] == ["adh", "shift"]
    for fit in synth["fits"]:
        assert fit["n_placebos"] == 10
        assert fit["p_floor"] == pytest.approx(1 / 11)
        assert fit["in_time"]["start"] == 2019
    assert content.count('data-p-floor="0.09"') == 2 * 9
    assert content.count('data-in-time="2019"') == 2 * 9
    conformal = synth["conformal"]
    assert (conformal["variant"], conformal["alpha"]) == ("shift", 0.2)
    assert [interval["period"] for interval in conformal["intervals"]] == [2023, 2024, 2025]
    assert all(row["low"] <= row["high"] for row in conformal["intervals"])
    assert content.count('data-conformal="80"') == 9
    assert "1/11 = 0.09" in content
    bjs_wild = run.results["bjs"]["pretrend_wild"]
    assert (bjs_wild["n_clusters"], bjs_wild["draws"]) == (16, 9999)
    bjs_row = re.search(r'data-diagnostic="imputation-pretrend-wild-p">(.+?)</dd>', content)
    assert bjs_row is not None
    assert bjs_row.group(1).startswith(f"{bjs_wild['p_value']:.3f}")
    with translation.override(language):
        assertContains(
            response,
            gettext("Abadie–Diamond–Hainmueller synthetic control (predictors, nested weights)"),
            count=1 + 9,
        )
        assertContains(
            response,
            gettext("de-meaned synthetic control (pre-period outcomes, with a constant shift)"),
            count=1 + 9,
        )
        assertContains(response, gettext("In-time placebo"))
    assert 'id="known-effect"' in content
    assert 'data-diagnostic="pretrend-p"' in content
    diagnostics = run.diagnostics
    assert diagnostics["pretrend_randomisation_draws"] == 999
    assert f"{diagnostics['pretrend_randomisation_p']:.3f}" in content
    if diagnostics["pretrend_randomisation_p"] > 0.05:
        assert "pretrend_rejected" not in [note["code"] for note in diagnostics["notes"]]
    wild = run.results["summary"]["overall_wild"]
    assert wild["cluster"] == "prefecture"
    assert f"[{number(wild['ci_low'], 2)}, {number(wild['ci_high'], 2)}]" in content
    with translation.override(language):
        assertContains(response, gettext("percentage points"))
    (matched,) = [
        cell for cell in run.results["cs"]["att_gt"] if cell["cohort"] == cell["period"] == 2023
    ]
    assert _figure_text(content, "matched-att").count(signed(matched["att"], 2)) == 1
    assert signed(matched["att"], 2) != signed(overall["att"], 2)


def test_no_headline_effect_when_the_run_refused_it(client: Client, economy: None) -> None:
    run = EvaluationRun.objects.get(batch__number=1)
    EvaluationRun.objects.filter(pk=run.pk).update(
        headline_allowed=False,
        diagnostics={**run.diagnostics, "dropped_cohorts": [2025], "headline_allowed": False},
    )
    url = _url("economy_evaluation_detail", "en", indicator=sichuan_economy.GRP_GROWTH, batch=1)

    response = client.get(url)

    assertNotContains(response, 'data-figure="att"')
    assertContains(response, "No overall effect is shown.")
    assertContains(response, "Cohort 2025 was dropped.")


def test_a_page_without_a_run_says_so(client: Client, economy: None) -> None:
    EvaluationRun.objects.all().delete()
    response = client.get(
        _url("economy_evaluation_detail", "en", indicator=sichuan_economy.GRP_GROWTH, batch=2)
    )
    assertContains(response, 'id="no-run"')
    assert _figure(response.content.decode(), "province") == "5.6%"


def test_overview_lists_each_batch_headline(client: Client, economy: None) -> None:
    response = client.get(_url("economy_overview", "en"))
    assertContains(response, f'data-headline="{sichuan_economy.GRP_GROWTH}-1"')
    assertContains(response, f'data-headline="{sichuan_economy.GRP_GROWTH}-2"')
    assertContains(response, "+6.7")


def test_unknown_indicator_or_batch_is_404(client: Client, economy: None) -> None:
    assert (
        client.get(_url("economy_evaluation_detail", "en", indicator="nope", batch=1)).status_code
        == 404
    )
    assert (
        client.get(
            _url("economy_evaluation_detail", "en", indicator=sichuan_economy.GRP, batch=1)
        ).status_code
        == 404
    )
    assert (
        client.get(
            _url("economy_evaluation_detail", "en", indicator=sichuan_economy.GRP_GROWTH, batch=9)
        ).status_code
        == 404
    )


def test_batch_2_tags_its_simulated_province_figure(client: Client, economy: None) -> None:
    """Batch 2's first full year is 2025, whose province figure is simulated (only 2023's is
    published)."""
    url = _url("economy_evaluation_detail", "en", indicator=sichuan_economy.GRP_GROWTH, batch=2)
    content = client.get(url).content.decode()
    assert 'data-simulated="province"' in content
    assert 'data-simulated="pilot-mean"' in content
    url = _url("economy_evaluation_detail", "en", indicator=sichuan_economy.GRP_GROWTH, batch=1)
    content = client.get(url).content.decode()
    assert 'data-simulated="province"' not in content
