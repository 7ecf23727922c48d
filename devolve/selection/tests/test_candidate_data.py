"""Importing candidate data: long and wide layouts, CSV and .xlsx, the dry run, every row error,
explicit missing values, and refusals that record nothing."""

import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from openpyxl import Workbook  # type: ignore[import-untyped]

from devolve.core.actions import render_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.selection.candidate_import import CandidateImportPlan
from devolve.selection.models import CandidateValue, SelectionRound
from devolve.selection.services import (
    CandidateFileRefused,
    import_candidate_values,
    score_round,
)
from devolve.selection.tests.factories import make_round


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """The messages are compared in English, the language they are written in."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def _csv(*lines: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode(encoding))


def _xlsx(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    for cells in rows:
        book.active.append(cells)
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output


def _import(
    selection_round: SelectionRound, upload: io.BytesIO, *, dry_run: bool
) -> CandidateImportPlan:
    return import_candidate_values(
        selection_round=selection_round, upload=upload, imported_by=SYSTEM, dry_run=dry_run
    )


def test_a_dry_run_checks_a_long_csv_and_writes_nothing() -> None:
    small = make_round(with_values=False)
    upload = _csv(
        "zone,indicator,value,year,source",
        "alpha,grp,900,2023,Yearbook",
        'Bravo Zone,grp,"1,200.5",2023,Yearbook',
        "charlie区,tax,NA,2023,",
    )

    plan = import_candidate_values(
        selection_round=small.selection_round, upload=upload, imported_by=SYSTEM, dry_run=True
    )

    assert plan.is_valid
    assert plan.layout == "long"
    assert plan.counts == {"rows": 3, "values": 3, "missing": 1, "add": 3, "change": 0,
                           "unchanged": 0, "errors": 0}  # fmt: skip
    assert [planned.value for planned in plan.values] == [900.0, 1200.5, None]
    assert render_text(plan.values[2].missing_reason) == "Marked “NA” in the file."
    assert CandidateValue.objects.count() == 0
    assert not AuditEvent.objects.filter(action="selection_round.values_recorded").exists()


def test_applying_a_long_csv_records_values_and_missing_values_with_reasons() -> None:
    small = make_round(with_values=False)
    upload = _csv(
        "区域,指标,值,年份,来源,缺失原因",
        "alpha,grp,900,2023,Yearbook,",
        "bravo,grp,,2023,,Not yet published",
    )

    _import(small.selection_round, upload, dry_run=False)

    alpha = CandidateValue.objects.get(zone__slug="alpha")
    assert (alpha.value, alpha.is_missing, alpha.year, alpha.source) == (900.0, False, 2023,
                                                                         "Yearbook")  # fmt: skip
    bravo = CandidateValue.objects.get(zone__slug="bravo")
    assert (bravo.value, bravo.is_missing, bravo.missing_reason) == (
        None,
        True,
        "Not yet published",
    )
    assert bravo.history.count() == 1
    event = AuditEvent.objects.get(action="selection_round.values_recorded")
    assert event.details == {"added": 2, "changed": 0, "unchanged": 0}


def test_a_wide_workbook_records_one_value_per_cell() -> None:
    small = make_round(with_values=False)
    upload = _xlsx(
        ["Candidate data 2023"],
        ["zone", "year", "grp", "Tax revenue", "days"],
        ["alpha", 2023, 900, 60, 5.5],
        ["delta", 2023, 300, None, 9],
    )

    plan = _import(small.selection_round, upload, dry_run=False)

    assert plan.layout == "wide"
    assert CandidateValue.objects.count() == 6
    assert CandidateValue.objects.get(zone__slug="alpha", sub_indicator__code="days").value == 5.5
    blank = CandidateValue.objects.get(zone__slug="delta", sub_indicator__code="tax")
    assert (blank.is_missing, render_text(blank.missing_reason)) == (True, "Blank in the file.")


def test_a_csv_saved_by_chinese_excel_is_read() -> None:
    small = make_round(with_values=False)
    upload = _csv("区域,指标,值", "alpha区,grp,12", encoding="gb18030")

    plan = _import(small.selection_round, upload, dry_run=True)

    assert plan.is_valid
    assert plan.values[0].zone_slug == "alpha"


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_recorded() -> None:
    small = make_round(with_values=False)
    upload = _csv(
        "zone,indicator,value,year",
        "alpha,grp,abc,2023",
        "alpha,tax,-5,2023",
        "nowhere,grp,1,2023",
        "alpha,population,1,2023",
        "pilot,grp,1,2023",
        "bravo,grp,1,2023",
        "bravo,grp,2,2023",
        "charlie,grp,1,twenty",
    )

    with pytest.raises(CandidateFileRefused) as refused:
        _import(small.selection_round, upload, dry_run=False)

    errors = [(error.row, error.column, error.code) for error in refused.value.plan.errors]
    assert errors == [
        (2, "value", "non_numeric"),
        (3, "value", "negative"),
        (4, "zone", "unknown_zone"),
        (5, "indicator", "unknown_indicator"),
        (6, "zone", "not_a_candidate"),
        (8, "value", "duplicate"),
        (9, "year", "invalid_year"),
    ]
    assert refused.value.code == "invalid_file"
    assert CandidateValue.objects.count() == 0


def test_an_unknown_column_of_a_wide_file_is_an_error() -> None:
    small = make_round(with_values=False)

    plan = _import(small.selection_round, _csv("zone,grp,gdp", "alpha,1,2"), dry_run=True)

    assert [(error.row, error.column, error.code) for error in plan.errors] == [
        (1, "gdp", "unknown_indicator")
    ]


def test_a_file_without_a_zone_column_is_refused_whole() -> None:
    small = make_round(with_values=False)

    plan = _import(small.selection_round, io.BytesIO(b"indicator,value\ngrp,1\n"), dry_run=True)

    assert [error.code for error in plan.errors] == ["no_zone_column"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "encrypted"),
        (b"PK\x03\x04broken", "unreadable"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_before_it_is_parsed(
    content: bytes, code: str
) -> None:
    small = make_round(with_values=False)

    assert_refused(
        code,
        lambda: _import(small.selection_round, io.BytesIO(content), dry_run=True),
        CandidateValue,
    )


def test_new_data_sends_a_scored_round_back_to_draft_and_reports_changes() -> None:
    small = make_round()
    score_round(selection_round=small.selection_round, scored_by=SYSTEM)

    plan = _import(
        small.selection_round, _csv("zone,indicator,value", "alpha,grp,950", "bravo,grp,700"),
        dry_run=False,
    )  # fmt: skip

    assert plan.counts["change"] == 1
    assert plan.counts["unchanged"] == 1
    small.selection_round.refresh_from_db()
    assert small.selection_round.status == SelectionRound.Status.DRAFT


def test_an_approved_round_refuses_new_data() -> None:
    small = make_round(with_values=False)
    SelectionRound.objects.filter(pk=small.selection_round.pk).update(
        status=SelectionRound.Status.APPROVED
    )
    small.selection_round.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        _import(small.selection_round, _csv("zone,indicator,value", "alpha,grp,1"), dry_run=True)

    assert refused.value.code == "round_closed"
