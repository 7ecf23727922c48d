"""The hostile-file corpus through every importer: each file is refused with its code before it is
parsed, and nothing is written (no import record, no stored upload, no row, no audit event)."""

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.core.testing.database import assert_refused
from devolve.core.testing.hostile_files import HOSTILE_TABLES, HostileFile
from devolve.indicators import services as indicator_services
from devolve.indicators.models import Observation, ObservationImport
from devolve.matters.list_import import plan_list_import
from devolve.matters.models import AnnualList, ListEntry, ListImport, Matter
from devolve.matters.services import create_annual_list
from devolve.matters.services.list_imports import start_list_import
from devolve.regions.tests.factories import BatchFactory
from devolve.selection.models import CandidateValue
from devolve.selection.services import import_candidate_values
from devolve.selection.tests.factories import make_round

CORPUS = pytest.mark.parametrize("hostile", HOSTILE_TABLES, ids=lambda hostile: hostile.name)


@pytest.fixture
def draft(office_user: User) -> AnnualList:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    return create_annual_list(year=2024, batch=batch, created_by=office_user)


def _stored_files(settings: Any) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@CORPUS
def test_the_list_upload_refuses_it_and_stores_nothing(
    hostile: HostileFile, draft: AnnualList, office_user: User, settings: Any
) -> None:
    upload = SimpleUploadedFile(hostile.filename, hostile.build())

    refused = assert_refused(
        hostile.code,
        lambda: start_list_import(annual_list=draft, workbook=upload, started_by=office_user),
        ListImport,
        ListEntry,
        Matter,
        AnnualList,
    )

    assert refused.field == "workbook"
    assert _stored_files(settings) == []


@CORPUS
def test_the_list_dry_run_reports_it_as_one_file_error(
    hostile: HostileFile, draft: AnnualList
) -> None:
    plan = plan_list_import(annual_list=draft, workbook=hostile.stream())

    assert [(error.row, error.code) for error in plan.errors] == [(None, hostile.code)]
    assert plan.rows == ()


@CORPUS
def test_the_statistics_import_refuses_it_and_records_nothing(
    hostile: HostileFile, office_user: User
) -> None:
    assert_refused(
        hostile.code,
        lambda: indicator_services.check_statistics_file(
            upload=hostile.stream(),
            file_name=hostile.filename,
            vintage=datetime.date(2024, 3, 1),
            source="Statistical communiqué",
            uploaded_by=office_user,
        ),
        ObservationImport,
        Observation,
    )


@CORPUS
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "apply"])
def test_the_candidate_import_refuses_it_and_records_nothing(
    hostile: HostileFile, dry_run: bool, db: None
) -> None:
    small = make_round(with_values=False)

    assert_refused(
        hostile.code,
        lambda: import_candidate_values(
            selection_round=small.selection_round,
            upload=hostile.stream(),
            imported_by=SYSTEM,
            dry_run=dry_run,
        ),
        CandidateValue,
    )


def test_an_honest_file_still_reaches_each_importer(draft: AnnualList) -> None:
    """The corpus is refused for what it is: the same importer reads an honest workbook."""
    plan = plan_list_import(annual_list=draft, workbook=io.BytesIO(b"\xef\xbb\xbfa,b\n"))

    assert [error.code for error in plan.errors] != ["wrong_type"]
