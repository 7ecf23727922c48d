"""``seed_demo --as-of`` into an empty database: a day before the programme is refused with
nothing written, and early days hold only what had happened by then.

Apart from the module that restores the demo on the day: a module-scoped restore would still be in
the database when these run in a shuffled order."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from devolve.core.models import AuditEvent
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters.models import AnnualList
from devolve.performance.models import PerformanceAssessment
from devolve.regions.models import Batch, BatchMembership, Zone
from devolve.reporting.models import AreaReport, DepartmentReport, ReportingCycle, ReportingNotice

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_day_before_the_programme_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(CommandError, match=r"\[before_programme\]"):
        call_command("seed_demo", "--as-of", "2022-12-31", stdout=StringIO())

    assert Zone.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_early_2023_has_batch_1_and_no_list_yet() -> None:
    call_command("seed_demo", "--as-of", "2023-02-01", stdout=StringIO())

    assert list(Batch.objects.values_list("number", flat=True)) == [1]
    assert BatchMembership.objects.count() == 9
    assert AnnualList.objects.count() == 0
    assert Grant.objects.count() == 0


def test_mid_february_2024_shows_the_2023_edition_and_reopens_tianfu_s_last_report() -> None:
    as_of = D(2024, 2, 15)

    call_command("seed_demo", "--as-of", as_of.isoformat(), stdout=StringIO())

    assert list(AnnualList.objects.values_list("year", flat=True)) == [2023]
    assert list(Batch.objects.values_list("number", flat=True)) == [1]
    assert not PerformanceAssessment.objects.exists()
    assert not EntrustmentAgreement.objects.filter(signed_on__gt=as_of).exists()
    assert not Grant.objects.filter(handed_over_on__gt=as_of).exists()
    assert not Grant.objects.filter(ended_on__gt=as_of).exists()
    assert not AreaReport.objects.filter(submitted_on__gt=as_of).exists()
    assert not AreaReport.objects.filter(accepted_on__gt=as_of).exists()
    assert not DepartmentReport.objects.filter(submitted_on__gt=as_of).exists()
    last = ReportingCycle.objects.get(sequence=4)
    assert last.locks_on < as_of
    # The period that ended last is Q4 2023: Chengdu Eastern's report still waits for its
    # prefecture, and the office has reopened Tianfu's, which was never sent, for the visitor.
    eastern = AreaReport.objects.get(cycle=last, zone__slug="chengdu-eastern-new-area")
    assert eastern.status == AreaReport.Status.SUBMITTED.value
    tianfu = AreaReport.objects.get(cycle=last, zone__slug="tianfu-new-area")
    assert (tianfu.status, tianfu.reopened_until) == (
        AreaReport.Status.DRAFT.value,
        as_of + datetime.timedelta(days=90),
    )
    notices = ReportingNotice.objects.filter(recipient__username="tianfu", cycle=last)
    assert sorted(notices.values_list("kind", flat=True)) == ["overdue", "reopened"]
