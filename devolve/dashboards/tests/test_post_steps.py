"""Every button on a staff page that asks nothing (a POST-only view, ``doors.post_step``) answers
a refused actor alike: 403 (anonymous visitors are sent to sign in), whether the door, the
record's access check or the service refuses, and the refused request writes nothing
(ADR 0053). The persona allowed then takes the step, which changes the tracked tables: the
check of the refused requests could have failed."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devolve.accounts.models import User
from devolve.assessments import services as assessment_services
from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment
from devolve.assessments.tests import conftest as assessment_world
from devolve.core.actors import SYSTEM
from devolve.core.testing.authorization import assert_authorization_matrix
from devolve.core.testing.database import database_state
from devolve.indicators import services as indicator_services
from devolve.indicators.models import Observation, ObservationImport
from devolve.indicators.tests.factories import IndicatorFactory
from devolve.performance import services as performance_services
from devolve.performance.models import PerformanceAssessment, Scheme, Score
from devolve.performance.tests import worlds as performance_world
from devolve.regions.tests.factories import ZoneFactory
from devolve.reporting import services as reporting_services
from devolve.reporting.models import ApprovalStep, AreaReport, DepartmentReport
from devolve.reporting.tests.factories import build_world as reporting_world
from devolve.reporting.tests.factories import line
from devolve.selection.models import RoundResult, ScoringRun, SelectionRound
from devolve.selection.tests.factories import make_round

pytestmark = pytest.mark.django_db
Personas = dict[str, User]
UTC = datetime.UTC


@dataclass(frozen=True)
class Button:
    """A POST-only step, on a record made ready for the persona ``allowed`` to take it."""

    name: str
    allowed: str
    tracked: tuple[type[models.Model], ...]
    make: Callable[[Personas], dict[str, object]]  # the record: the route's arguments
    on: datetime.datetime  # the day the record is made and the step taken


# The reporting world: the area report of the second quarter, entered on 3 July 2024.
IN_Q2_ENTRY = datetime.datetime(2024, 7, 3, 10, tzinfo=UTC)
REPORTS = (AreaReport, DepartmentReport, ApprovalStep)


def _area_report(personas: Personas, *, steps: int) -> dict[str, object]:
    """The pilot area persona's report with a line, taken ``steps`` along submit, review."""
    world = reporting_world(
        zone=personas["pilot_area"].zone, department=personas["department"].department
    )
    report = reporting_services.save_area_report(
        report=world.area_report(world.q2), lines=[line(world.grant)], saved_by=SYSTEM
    )
    if steps >= 1:
        reporting_services.submit_area_report(report=report, submitted_by=SYSTEM)
    if steps >= 2:
        reporting_services.review_area_report(report=report, reviewed_by=SYSTEM)
    return {"pk": report.pk}


def _department_report(personas: Personas, *, submitted: bool) -> dict[str, object]:
    justice = personas["department"].department
    world = reporting_world(zone=personas["pilot_area"].zone, department=justice)
    report = reporting_services.save_department_report(
        report=world.department_report(world.q2, justice),
        figures=reporting_services.DepartmentFigures(
            guidance_sessions=2, system_accounts_handed_over=3, seals_handed_over=1,
            staff_trained=12, inspections_done=1,
        ),
        progress=[
            reporting_services.SupportProgressInput(
                entry_id=world.support.pk, progress_percent=40, status="on_track",
                milestone="policy drafted",
            )
        ],
        saved_by=SYSTEM,
    )  # fmt: skip
    if submitted:
        reporting_services.submit_department_report(report=report, submitted_by=SYSTEM)
    return {"pk": report.pk}


# The regular assessment world: the 2023 edition's round, opened on 10 January 2024.
ROUNDS = (AssessmentRound, GrantAssessment, EntryDecision)


def _round(personas: Personas, *, scoring: bool, decided: bool = False) -> dict[str, object]:
    office, evaluator = personas["office"], personas["evaluator"]
    world = assessment_world.build_world(
        personas["department"].department,
        personas["other_department"].department,
        personas["pilot_area"],
        office,
    )
    assessment_round = assessment_services.open_assessment_round(
        annual_list=world.edition, title_zh="2023年度评估", title_en="Assessment of 2023",
        period_starts_on=datetime.date(2023, 3, 10), period_ends_on=datetime.date(2023, 12, 31),
        opened_on=datetime.date(2024, 1, 10), evaluators=[evaluator], opened_by=office,
    )  # fmt: skip
    if scoring:
        assessment_services.start_scoring(assessment_round=assessment_round, started_by=office)
    if decided:
        for item in GrantAssessment.objects.filter(round=assessment_round):
            assessment_services.score_grant(
                grant_assessment=item,
                scores={"take_up": 20, "use": 30, "supervision": 15, "demand": 10},
                recommendation="keep", reason="", scored_by=evaluator,
            )  # fmt: skip
        for matter in (world.law_firms, world.legal_aid, world.tax_support):
            assessment_services.decide_entry(
                assessment_round=assessment_round, entry=world.entry(matter), decision="keep",
                reason="", decided_on=datetime.date(2024, 1, 31), decided_by=office,
            )  # fmt: skip
    return {"pk": assessment_round.pk}


def _checked_import(personas: Personas) -> dict[str, object]:
    ZoneFactory(slug="east", name_zh="东区", name_en="East Zone")
    IndicatorFactory(code="grp-real-growth")
    checked = indicator_services.check_statistics_file(
        upload=SimpleUploadedFile(
            "release.csv", b"indicator,subject,year,value\ngrp-real-growth,east,2023,8.5"
        ),
        file_name="release.csv", vintage=datetime.date(2024, 2, 20), source="Communiqué 2023",
        uploaded_by=personas["office"],
    )  # fmt: skip
    return {"pk": checked.pk}


# Performance: the 2024 prefecture assessment, its appeals taken from 1 to 15 March 2025.
SCORES = (Scheme, PerformanceAssessment, Score)


def _draft_scheme(personas: Personas) -> dict[str, object]:
    published = performance_world.published_scheme(personas["office"])
    draft = performance_services.create_next_scheme_version(
        scheme=published, note="Same weights, a second year.", created_by=personas["office"]
    )
    return {"pk": draft.pk}


def _computed_assessment(personas: Personas) -> dict[str, object]:
    office = personas["office"]
    performance_world.edition_2024(
        office, personas["pilot_area"].zone, personas["department"].department
    )
    scheme = performance_world.published_scheme(office)
    return {"pk": performance_world.computed_assessment(office, scheme).pk}


def _selection_round(personas: Personas) -> dict[str, object]:
    return {"slug": make_round().selection_round.slug}


QUIET_DAY = datetime.datetime(2025, 2, 20, 10, tzinfo=UTC)
BUTTONS = [
    Button("area_report_submit", "pilot_area", REPORTS,
           lambda personas: _area_report(personas, steps=0), IN_Q2_ENTRY),
    Button("area_report_review", "prefecture", REPORTS,
           lambda personas: _area_report(personas, steps=1), IN_Q2_ENTRY),
    Button("area_report_accept", "office", REPORTS,
           lambda personas: _area_report(personas, steps=2), IN_Q2_ENTRY),
    Button("department_report_submit", "department", REPORTS,
           lambda personas: _department_report(personas, submitted=False), IN_Q2_ENTRY),
    Button("department_report_accept", "office", REPORTS,
           lambda personas: _department_report(personas, submitted=True), IN_Q2_ENTRY),
    Button("assessment_round_start_scoring", "office", ROUNDS,
           lambda personas: _round(personas, scoring=False), QUIET_DAY),
    Button("assessment_round_refresh", "office", (*ROUNDS, AreaReport),
           lambda personas: _round(personas, scoring=True), QUIET_DAY),
    Button("assessment_round_complete", "office", ROUNDS,
           lambda personas: _round(personas, scoring=True, decided=True), QUIET_DAY),
    Button("observation_import_apply", "office", (ObservationImport, Observation),
           _checked_import, QUIET_DAY),
    Button("performance_scheme_publish", "office", SCORES, _draft_scheme, QUIET_DAY),
    Button("performance_assessment_compute", "office", SCORES, _computed_assessment,
           datetime.datetime(2025, 3, 10, 10, tzinfo=UTC)),
    Button("performance_assessment_publish", "office", SCORES, _computed_assessment,
           datetime.datetime(2025, 3, 20, 10, tzinfo=UTC)),
    Button("selection_round_score", "office", (SelectionRound, ScoringRun, RoundResult),
           _selection_round, QUIET_DAY),
]  # fmt: skip


@pytest.mark.parametrize("button", BUTTONS, ids=[button.name for button in BUTTONS])
def test_every_button_refuses_an_actor_with_a_403_and_writes_nothing(
    client: Client, personas: Personas, button: Button
) -> None:
    with time_machine.travel(button.on, tick=False):
        arguments = button.make(personas)
        with translation.override("en"):
            url = reverse(f"dashboards:{button.name}", kwargs=arguments)
        before = database_state(*button.tracked)

        assert_authorization_matrix(
            client,
            personas,
            "post",
            url,
            allowed={button.allowed},
            allowed_status=302,
            tracked=button.tracked,
        )

    assert database_state(*button.tracked) != before, f"{button.allowed} did not take the step"
