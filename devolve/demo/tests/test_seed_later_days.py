"""The whole demo seeded on later days of the programme (``seed_demo --as-of`` into an empty
database): every batch has its list for every year, reports are owed for one cycle at most
except the deliberate gaps, performance results come out after their appeal windows, an
agreement waits for renewal, and deadlines in years without a recorded holiday notice are
provisional.

One seed per day, shared by the module's tests (restored from a snapshot when one was built)."""

import datetime
import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from devolve.accounts.models import User
from devolve.dashboards.inbox import inbox_for
from devolve.demo import sichuan_later, sichuan_reporting
from devolve.demo.sichuan_performance import Calendar, assessed_years
from devolve.demo.testing import seeded_demo
from devolve.grants.calendar import WorkingDayCalendar
from devolve.grants.models import Grant
from devolve.indicators.models import EvaluationRun
from devolve.performance.models import PerformanceAssessment
from devolve.reporting import selectors as reporting_selectors
from devolve.reporting.models import AreaReport

D = datetime.date
# One day that is both early in a year whose lists are not out yet and the far end of the range
# the demo promises (2026 to 2030): the 2030 lists come out on 6 and 20 March. Each day is a
# whole seed of its own (a minute of a worker's time, the suite's largest unit), so the days in
# between (2027-03-01 and 2028-12-31, each of which passed in the full runs of 2026-12-06 to
# 2026-12-08) are left to `seed_demo --as-of`; the other side of the provisional deadlines (a
# day before the 2027 lists) is checked on 2025-02-01 (``test_seed_early_in_a_year.py``).
DAYS = [D(2030, 3, 1)]


@pytest.fixture(scope="module", params=DAYS, ids=str)
def _seeded(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[datetime.date]:
    with django_db_blocker.unblock(), transaction.atomic():
        seeded_demo(with_users=True, with_lists=True, as_of=request.param)
        yield request.param
        transaction.set_rollback(True)


@pytest.fixture
def as_of(_seeded: datetime.date, db: None) -> datetime.date:
    return _seeded


def _expected_lists(as_of: datetime.date) -> set[str]:
    keys = set()
    for batch, first_year in ((1, 2023), (2, 2025)):
        for year in range(first_year, as_of.year + 1):
            if year < sichuan_later.FIRST_LATER_YEAR or (
                sichuan_later.edition(batch, year).published_on <= as_of
            ):
                keys.add(f"{year}/batch-{batch}")
    return keys


def test_every_batch_has_its_list_for_every_year(as_of: datetime.date) -> None:
    buffer = StringIO()
    call_command("facts", "--json", "--on", as_of.isoformat(), stdout=buffer)
    lists = json.loads(buffer.getvalue())["lists"]

    assert set(lists) == _expected_lists(as_of)
    assert lists["2024/batch-1"] == {"entries": 110, "powers": 8, "support": 102}


def test_no_report_is_owed_for_more_than_one_cycle_but_the_deliberate_gaps(
    as_of: datetime.date,
) -> None:
    owed = AreaReport.objects.filter(
        status=AreaReport.Status.DRAFT.value, cycle__due_on__lt=as_of
    ).select_related("cycle", "zone", "cycle__annual_list")
    stale = []
    for report in owed:
        cycle = report.cycle
        one_cycle = cycle.period_end - cycle.period_start
        if as_of - cycle.due_on <= one_cycle:
            continue
        siblings = list(reporting_selectors.list_area_reports().filter(cycle=cycle))
        fate = sichuan_reporting._area_fate(
            cycle.annual_list.year,
            cycle,
            report,
            siblings.index(report),
            is_current=False,
        )
        if fate != "never_submitted":
            stale.append((cycle.annual_list.key, cycle.sequence, report.zone.slug))
    assert stale == []


def test_performance_results_come_out_after_their_appeal_windows(as_of: datetime.date) -> None:
    assessments = PerformanceAssessment.objects.all()

    assert sorted(set(assessments.values_list("year", flat=True))) == assessed_years(as_of)
    for assessment in assessments:
        published = Calendar(assessment.year).published_on
        if published <= as_of:
            assert assessment.published_at is not None
            assert timezone.localtime(assessment.published_at).date() == published
            assert published > assessment.appeal_closes_on
        else:
            assert assessment.published_at is None


def test_an_agreement_waits_for_renewal_in_the_office_inbox(as_of: datetime.date) -> None:
    items = inbox_for(User.objects.get(username="office"), on=as_of)

    ending = next(item for item in items if item.key == "agreements-ending")
    assert ending.count is not None
    assert ending.count >= 1
    assert ending.due_on is not None
    assert as_of <= ending.due_on <= as_of + sichuan_later.PENDING_RENEWAL_ENDS_AFTER


def test_deadlines_in_years_without_a_holiday_notice_are_provisional(
    as_of: datetime.date,
) -> None:
    working_days = WorkingDayCalendar.load()
    dated = Grant.objects.filter(handover_due_on__isnull=False)
    provisional = [grant for grant in dated if grant.handover_due_is_provisional]
    # The lists of 2027 on hand grants over in years no notice covers.
    assert as_of >= sichuan_later.edition(1, 2027).published_on
    assert provisional
    for grant in dated:
        assert grant.handover_due_on is not None
        official = working_days.is_official(grant.handover_due_on)
        assert grant.handover_due_is_provisional == (not official), grant.pk


def test_the_evaluation_s_truth_covers_every_year_since_adoption(as_of: datetime.date) -> None:
    for run in EvaluationRun.objects.filter(is_simulated=True).select_related("batch"):
        assert run.known_effect is not None
        first = 2023 if run.batch.number == 1 else 2025
        assert list(run.known_effect["event_times"]) == [
            str(event) for event in range(run.last_year - first + 1)
        ]
