"""Every demo edition, in whatever state, exports to .xlsx, CSV and JSON, and each file imports
back with nothing to add, change or report: into a derived draft where the edition
is published, else against the edition itself (a dry run writes nothing either way). Besides the
demo's editions, the next edition of the latest one is taken through draft, in review and
approved, and round-trips in each state."""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from devolve.core.actors import SYSTEM
from devolve.demo.seed import SeedReport
from devolve.demo.testing import full_demo
from devolve.matters.list_export import ExportFormat, export_annual_list
from devolve.matters.list_import import plan_list_import
from devolve.matters.models import AnnualList
from devolve.matters.services import (
    approve_annual_list,
    derive_annual_list,
    submit_annual_list_for_review,
)


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = full_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def editions(_seeded_once: SeedReport, db: None) -> list[AnnualList]:
    found = list(AnnualList.objects.select_related("batch").order_by("year", "edition"))
    assert len(found) >= 2
    return found


def _target(edition: AnnualList) -> AnnualList:
    if edition.status == AnnualList.Status.PUBLISHED:
        return derive_annual_list(predecessor=edition, year=edition.year + 1, created_by=SYSTEM)
    return edition


@pytest.mark.parametrize("file_format", list(ExportFormat))
def test_every_demo_edition_imports_back_unchanged(
    editions: list[AnnualList], file_format: ExportFormat
) -> None:
    for edition in editions:
        exported = export_annual_list(annual_list=edition, file_format=file_format)
        with transaction.atomic():
            target = _target(edition)
            plan = plan_list_import(annual_list=target, workbook=io.BytesIO(exported.content))
            transaction.set_rollback(True)

        counts = plan.counts
        assert (edition.key, plan.errors_as_json()) == (edition.key, [])
        assert (edition.key, counts["add"], counts["change"], counts["missing"]) == (
            edition.key,
            0,
            0,
            0,
        )
        assert counts["unchanged"] == counts["rows"] > 0


def test_every_demo_edition_exports_as_json(editions: list[AnnualList]) -> None:
    for edition in editions:
        exported = export_annual_list(annual_list=edition, file_format=ExportFormat.JSON)
        assert exported.content.startswith(b"{")


def _round_trips(edition: AnnualList, file_format: ExportFormat) -> tuple[Any, ...]:
    exported = export_annual_list(annual_list=edition, file_format=file_format)
    plan = plan_list_import(annual_list=edition, workbook=io.BytesIO(exported.content))
    counts = plan.counts
    return (
        edition.status,
        plan.errors_as_json(),
        counts["add"],
        counts["change"],
        counts["missing"],
        counts["unchanged"] == counts["rows"] > 0,
    )


@pytest.mark.parametrize("file_format", list(ExportFormat))
def test_an_edition_round_trips_in_draft_in_review_and_approved(
    editions: list[AnnualList], file_format: ExportFormat
) -> None:
    latest = max(
        (edition for edition in editions if edition.status == AnnualList.Status.PUBLISHED),
        key=lambda edition: (edition.year, edition.edition),
    )
    next_edition = derive_annual_list(predecessor=latest, year=latest.year + 1, created_by=SYSTEM)
    states = [_round_trips(next_edition, file_format)]
    submit_annual_list_for_review(annual_list=next_edition, submitted_by=SYSTEM)
    next_edition.refresh_from_db()
    states.append(_round_trips(next_edition, file_format))
    approve_annual_list(
        annual_list=next_edition,
        approved_by=SYSTEM,
        approved_on=latest.published_on or latest.approved_on,
        document_number="川改办〔2099〕1号",
    )
    next_edition.refresh_from_db()
    states.append(_round_trips(next_edition, file_format))

    assert states == [(status, [], 0, 0, 0, True) for status in ("draft", "in_review", "approved")]
