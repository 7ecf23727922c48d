"""``seed_demo --as-of`` early in a year: the year's lists are not out yet, last year's last
cycle has fallen due with nothing accepted after the day, last year's performance scores are
not computed yet (the year before's are published), and every handover deadline falls in a year
an official holiday notice covers (``test_seed_later_days.py`` checks the provisional ones)."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from devolve.demo.testing import seeded_demo
from devolve.grants.calendar import WorkingDayCalendar
from devolve.grants.models import Grant
from devolve.matters.models import AnnualList
from devolve.performance.models import PerformanceAssessment
from devolve.regions.models import Batch, BatchMembership
from devolve.reporting.models import AreaReport, ReportingCycle

pytestmark = pytest.mark.django_db

EARLY_2025 = datetime.date(2025, 2, 1)


@pytest.fixture(scope="module")
def _early_2025(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        seeded_demo(with_users=True, with_lists=True, as_of=EARLY_2025)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def early_2025(_early_2025: None, db: None) -> None:
    """The demo as of 1 February 2025: batch 2 chosen, its first list not yet published."""


def test_early_in_a_year_the_year_s_lists_are_not_out_yet(early_2025: None) -> None:
    assert set(Batch.objects.values_list("number", flat=True)) == {1, 2}
    assert BatchMembership.objects.count() == 18
    assert set(AnnualList.objects.values_list("year", "batch__number")) == {(2023, 1), (2024, 1)}
    # The 2024 scores come on 20 February; 2023's were published in March 2024.
    assert set(PerformanceAssessment.objects.values_list("year", "status")) == {(2023, "published")}
    q4 = ReportingCycle.objects.get(annual_list__year=2024, sequence=4)
    assert q4.due_on < EARLY_2025
    assert not AreaReport.objects.filter(accepted_on__gt=EARLY_2025).exists()


def test_before_the_2027_lists_no_handover_deadline_is_provisional(early_2025: None) -> None:
    working_days = WorkingDayCalendar.load()
    dated = list(Grant.objects.filter(handover_due_on__isnull=False))

    assert dated
    for grant in dated:
        assert grant.handover_due_on is not None
        assert working_days.is_official(grant.handover_due_on), grant.pk
        assert not grant.handover_due_is_provisional, grant.pk
