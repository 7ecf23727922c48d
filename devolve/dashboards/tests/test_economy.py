"""Staff economy pages: the office uploads a statistics file, reads the dry run and applies it;
the office and evaluators run evaluations; auditors read them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.indicators.analytics import ENGINE_VERSION
from devolve.indicators.models import EvaluationRun, Indicator, Observation, ObservationImport
from devolve.indicators.tests.factories import (
    VINTAGE,
    YEARS,
    IndicatorFactory,
    run_on,
    staggered_panel,
)
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def _url(name: str, **kwargs: object) -> str:
    with translation.override("en"):
        return reverse(f"dashboards:{name}", kwargs=kwargs or None)


@pytest.fixture
def growth() -> Indicator:
    ZoneFactory(slug="east", name_zh="东区", name_en="East Zone")
    return IndicatorFactory(code="grp-real-growth")


def _csv(*rows: str) -> SimpleUploadedFile:
    content = "\n".join(["indicator,subject,year,value", *rows])
    return SimpleUploadedFile("release.csv", content.encode())


def _upload(client: Client, *rows: str) -> ObservationImport:
    response = client.post(
        _url("observation_import_create"),
        {"upload": _csv(*rows), "vintage": "2024-02-20", "source": "Communiqué 2023"},
    )
    observation_import = ObservationImport.objects.latest("pk")
    assertRedirects(response, observation_import.get_absolute_url())
    return observation_import


def test_import_pages_are_for_the_office(
    client: Client, personas: dict[str, User | None], growth: Indicator
) -> None:
    assert_authorization_matrix(
        client, personas, "get", _url("observation_import_list"), allowed={"office"}
    )
    assert_authorization_matrix(
        client, personas, "get", _url("observation_import_create"), allowed={"office"}
    )


def test_the_office_uploads_previews_and_applies(
    client: Client, office_user: User, growth: Indicator
) -> None:
    client.force_login(office_user)

    observation_import = _upload(client, "grp-real-growth,east,2023,8.5")
    page = client.get(observation_import.get_absolute_url())

    assertContains(page, 'data-status="checked"')
    assertContains(page, "East Zone")
    assert not Observation.objects.exists()

    response = client.post(_url("observation_import_apply", pk=observation_import.pk))

    assertRedirects(response, observation_import.get_absolute_url())
    assert Observation.objects.get().value == 8.5
    observation_import.refresh_from_db()
    assert observation_import.status == ObservationImport.Status.APPLIED


def test_a_file_with_errors_shows_them_and_cannot_be_applied(
    client: Client, office_user: User, growth: Indicator
) -> None:
    client.force_login(office_user)

    observation_import = _upload(client, "grp-real-growth,east,2023,8.5", "nope,east,2023,1")
    page = client.get(observation_import.get_absolute_url())

    assertContains(page, 'data-error="unknown_indicator"')
    assertContains(page, 'data-status="refused"')
    client.post(_url("observation_import_apply", pk=observation_import.pk))
    assert not Observation.objects.exists()


def test_apply_is_post_only_and_for_the_office(
    client: Client, personas: dict[str, User | None], office_user: User, growth: Indicator
) -> None:
    client.force_login(office_user)
    observation_import = _upload(client, "grp-real-growth,east,2023,8.5")
    assert client.get(_url("observation_import_apply", pk=observation_import.pk)).status_code == 405
    for persona in ("evaluator", "auditor", "department", "pilot_area"):
        client.force_login(personas[persona])
        response = client.post(_url("observation_import_apply", pk=observation_import.pk))
        assert response.status_code == 403
    assert not Observation.objects.exists()


def test_run_pages_matrix(client: Client, personas: dict[str, User | None]) -> None:
    growth, batch = staggered_panel()
    run = run_on(growth, batch, SYSTEM)
    readers = {"office", "evaluator", "auditor"}
    assert_authorization_matrix(
        client, personas, "get", _url("evaluation_run_list"), allowed=readers
    )
    assert_authorization_matrix(
        client, personas, "get", _url("evaluation_run_detail", pk=run.pk), allowed=readers
    )
    assert_authorization_matrix(
        client, personas, "get", _url("evaluation_run_create"), allowed={"office", "evaluator"}
    )


def test_an_evaluator_runs_an_evaluation_from_the_form(client: Client, evaluator: User) -> None:
    growth, batch = staggered_panel()
    client.force_login(evaluator)

    response = client.post(
        _url("evaluation_run_create"),
        {"indicator": growth.code, "batch": batch.number, "outcome": "value",
         "control": "never", "method": "reg", "as_of": VINTAGE.isoformat(),
         "first_year": YEARS[0], "last_year": YEARS[-1]},
    )  # fmt: skip

    run = EvaluationRun.objects.get()
    assertRedirects(response, run.get_absolute_url())
    assert run.created_by == evaluator
    assert run.method == EvaluationRun.Method.REGRESSION
    page = client.get(run.get_absolute_url())
    assertContains(page, run.input_fingerprint)
    assert run.results["engine_version"] == ENGINE_VERSION
    assertContains(page, engine_row(ENGINE_VERSION), html=True)
    # A run stored before the engine had a version was computed by the first one.
    EvaluationRun.objects.filter(pk=run.pk).update(results={})
    assertContains(client.get(run.get_absolute_url()), engine_row(1), html=True)


def engine_row(version: int) -> str:
    return f'<dd class="govuk-summary-list__value" id="run-engine">{version}</dd>'


def test_a_refused_run_is_shown_on_the_form(client: Client, office_user: User) -> None:
    growth, batch = staggered_panel()
    client.force_login(office_user)

    response = client.post(
        _url("evaluation_run_create"),
        {"indicator": growth.code, "batch": batch.number, "outcome": "value",
         "control": "never", "method": "dr", "as_of": datetime.date(2020, 1, 1).isoformat(),
         "first_year": YEARS[0], "last_year": YEARS[-1]},
    )  # fmt: skip

    assert response.status_code == 200
    assertContains(response, "No zone has a figure")
    assert not EvaluationRun.objects.exists()


def test_errors_found_in_one_language_read_in_the_readers(
    client: Client, office_user: User, growth: Indicator
) -> None:
    """A file checked while Chinese was active stores its errors as codes (ADR 0041): the
    English page reads them in English, the Chinese page in Chinese."""
    client.force_login(office_user)
    with translation.override("zh-hans"):
        create = reverse("dashboards:observation_import_create")
    client.post(
        create,
        {"upload": _csv("nope,east,2023,1"), "vintage": "2024-02-20", "source": "公报"},
    )
    observation_import = ObservationImport.objects.latest("pk")
    assert observation_import.errors[0]["code"] == "unknown_indicator"
    assert observation_import.errors[0]["message"].startswith('{"code":"statistics_import.')

    english = client.get(_url("observation_import_detail", pk=observation_import.pk))
    with translation.override("zh-hans"):
        chinese = client.get(
            reverse("dashboards:observation_import_detail", kwargs={"pk": observation_import.pk})
        )

    assertContains(english, "Unknown indicator “nope”.")
    assertNotContains(english, "未知指标")
    assertContains(chinese, '未知指标“<span lang="en">nope</span>”。', html=False)
    assertNotContains(chinese, "Unknown indicator")
