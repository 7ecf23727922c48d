"""``seed_demo --as-of``: the demo shows the programme as it stood on a day, with nothing dated
after it, and refuses a day before the programme began."""

import datetime
import json
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from devolve.accounts.models import User
from devolve.assessments.models import AssessmentRound
from devolve.assessments.selectors import get_decision_for_entry
from devolve.core.models import AuditEvent
from devolve.dashboards.inbox import inbox_for
from devolve.demo import sichuan_later
from devolve.demo.sichuan_economy import GRP_GROWTH
from devolve.demo.testing import DEMO_DAY, full_demo
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.indicators.models import Observation
from devolve.matters.models import AnnualList, ListEntry
from devolve.regions.models import Zone
from devolve.reporting.models import AreaReport, DepartmentReport, ReportingCycle, ReportingNotice

pytestmark = pytest.mark.django_db

D = datetime.date
ON_THE_DAY = DEMO_DAY


@pytest.fixture(scope="module")
def _on_the_day(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        full_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def on_the_day(_on_the_day: None, db: None) -> None:
    """The whole demo as of 6 December 2026."""


def test_every_batch_has_one_published_edition_a_year_up_to_the_day(on_the_day: None) -> None:
    buffer = StringIO()
    call_command("facts", "--json", "--on", ON_THE_DAY.isoformat(), stdout=buffer)
    lists = json.loads(buffer.getvalue())["lists"]

    assert set(lists) == {
        "2023/batch-1",
        "2024/batch-1",
        "2025/batch-1",
        "2026/batch-1",
        "2025/batch-2",
        "2026/batch-2",
    }
    assert lists["2024/batch-1"] == {"entries": 110, "powers": 8, "support": 102}
    editions = AnnualList.objects.select_related("predecessor")
    published_on = [edition.published_on for edition in editions]
    assert None not in published_on
    assert max(day for day in published_on if day is not None) <= ON_THE_DAY
    # Each later edition was drafted from the assessment of the one before.
    for edition in editions.filter(year__gte=2024):
        if edition.key == "2025/batch-2":
            assert edition.predecessor is None
            continue
        assert edition.predecessor is not None
        assert edition.predecessor.year == edition.year - 1
        assert AssessmentRound.objects.filter(annual_list=edition.predecessor).count() == 1


def test_both_batches_hold_grants_and_nothing_happens_after_the_day(on_the_day: None) -> None:
    assert set(
        Grant.objects.active().values_list("entry__annual_list__batch__number", flat=True)
    ) == {1, 2}
    assert not EntrustmentAgreement.objects.filter(signed_on__gt=ON_THE_DAY).exists()
    assert not Grant.objects.filter(handed_over_on__gt=ON_THE_DAY).exists()
    assert not Grant.objects.filter(ended_on__gt=ON_THE_DAY).exists()
    assert not AreaReport.objects.filter(submitted_on__gt=ON_THE_DAY).exists()
    assert not AreaReport.objects.filter(accepted_on__gt=ON_THE_DAY).exists()
    assert not DepartmentReport.objects.filter(accepted_on__gt=ON_THE_DAY).exists()
    assert not ReportingCycle.objects.filter(
        opens_on__gt=ON_THE_DAY, area_reports__submitted_on__isnull=False
    ).exists()


def test_economic_observations_run_through_the_last_completed_year(on_the_day: None) -> None:
    years = Observation.objects.filter(indicator__code=GRP_GROWTH, subject_kind="zone")
    assert years.aggregate(last=Max("year"))["last"] == ON_THE_DAY.year - 1
    assert years.filter(year=ON_THE_DAY.year - 1).count() == Zone.objects.count()


def test_no_grant_in_force_rests_on_an_expired_agreement(on_the_day: None) -> None:
    """An agreement is renewed before it ends while its grant is in force (the renewal names
    the agreement it renews)."""
    entrusted = Grant.objects.active().filter(entry__mode__code__in=["entrust", "both"])
    checked = 0
    for grant in entrusted.select_related("previous_grant"):
        lineage, earlier = [grant], grant.previous_grant
        while earlier is not None:
            lineage.append(earlier)
            earlier = earlier.previous_grant
        latest = EntrustmentAgreement.objects.filter(grant__in=lineage).order_by("ends_on").last()
        if latest is None:
            continue
        assert latest.ends_on >= ON_THE_DAY, (grant.zone.slug, latest.number)
        checked += 1
    renewals = EntrustmentAgreement.objects.filter(renews__isnull=False).select_related("renews")
    assert checked > 0
    renewed = {renewal.renews.number for renewal in renewals}
    assert renewed >= {"川环委〔2025〕6号", "川科委〔2024〕1号"}
    for renewal in renewals:
        assert renewal.signed_on < renewal.renews.ends_on < renewal.starts_on


def _the_2025_recall() -> Grant:
    """The power recalled from Dazhou during 2025 (not a grant ended by a withdrawal published
    with an edition)."""
    published = AnnualList.objects.values("published_on")
    return Grant.objects.exclude(ended_on__in=published).get(
        status=Grant.Status.RECALLED, ended_on__year=2025
    )


def test_a_recall_stands_in_every_later_edition(on_the_day: None) -> None:
    """The 2025 recall from Dazhou is carried by the assessment of 2025: the 2026 entry is
    narrowed to the other areas, with the decision and its reason behind it."""
    recalled = _the_2025_recall()
    later = ListEntry.objects.filter(
        matter=recalled.entry.matter,
        annual_list__batch=recalled.entry.annual_list.batch,
        annual_list__year__gt=recalled.entry.annual_list.year,
    )
    assert later.exists()
    for entry in later:
        areas = set(entry.receiving_areas.all())
        assert areas, entry  # explicit areas, not "every pilot area"
        assert recalled.zone not in areas
        assert not entry.grants.filter(zone=recalled.zone).exists()
    first = later.get(annual_list__year=recalled.entry.annual_list.year + 1)
    decision = get_decision_for_entry(entry=first)
    assert decision is not None
    assert (first.change, decision.decision) == (ListEntry.Change.MODIFIED, "adjust")
    assert recalled.zone.name_zh in decision.reason
    # The office's reasons are written in Chinese, as its staff would write them.
    assert not re.search("[A-Za-z]", recalled.end_reason + decision.reason)


def test_history_and_audit_rows_carry_the_day_the_event_happened(on_the_day: None) -> None:
    def day(moment: datetime.datetime) -> datetime.date:
        return timezone.localtime(moment).date()

    edition = AnnualList.objects.get(year=2024, batch__number=1)
    published = AuditEvent.objects.get(action="annual_list.published", target_id=str(edition.pk))
    assert day(published.occurred_at) == edition.published_on
    recalled = _the_2025_recall()
    event = AuditEvent.objects.get(action="grant.recalled", target_id=str(recalled.pk))
    assert day(event.occurred_at) == recalled.ended_on
    row = recalled.history.filter(status=Grant.Status.RECALLED).earliest("history_date")
    assert day(row.history_date) == recalled.ended_on
    accepted = AreaReport.objects.filter(accepted_on__isnull=False).first()
    assert accepted is not None
    accepted_row = accepted.history.filter(accepted_on__isnull=False).earliest("history_date")
    assert day(accepted_row.history_date) == accepted.accepted_on
    # Nothing is dated after the day, and the years before it are all there.
    history = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    days = {
        day(moment)
        for model in history
        if "history_date" in {field.name for field in model._meta.fields}
        for moment in model._default_manager.values_list("history_date", flat=True)
    } | {day(moment) for moment in AuditEvent.objects.values_list("occurred_at", flat=True)}
    assert max(days) <= ON_THE_DAY
    assert {moment.year for moment in days} == {2023, 2024, 2025, 2026}


def test_the_current_cycle_is_open_and_tianfu_is_reminded_it_falls_due(on_the_day: None) -> None:
    open_cycles = ReportingCycle.objects.filter(opens_on__lte=ON_THE_DAY, due_on__gte=ON_THE_DAY)

    assert set(open_cycles.values_list("annual_list__batch__number", flat=True)) == {1, 2}
    tianfu = AreaReport.objects.get(cycle__in=open_cycles, zone__slug="tianfu-new-area")
    assert tianfu.status == AreaReport.Status.DRAFT.value
    notice = ReportingNotice.objects.get(recipient__username="tianfu", cycle=tianfu.cycle)
    assert notice.kind == ReportingNotice.Kind.DUE_SOON
    # Every report left unsubmitted in an earlier cycle is one of the demo's deliberate gaps.
    owed = AreaReport.objects.filter(
        status=AreaReport.Status.DRAFT.value, cycle__due_on__lt=ON_THE_DAY
    )
    assert owed.count() < ReportingCycle.objects.filter(due_on__lt=ON_THE_DAY).count()


def test_batch_two_s_first_list_came_through_the_importer_and_is_illustrative(
    on_the_day: None,
) -> None:
    first = AnnualList.objects.get(year=2025, batch__number=2)
    imported = AuditEvent.objects.get(action="annual_list.imported", target_id=str(first.pk))

    assert imported.details["source"] == "2025-batch-2.csv"
    assert imported.details["add"] == first.entries.count() == 44
    assert first.is_illustrative
    assert not first.entries.filter(is_illustrative=False).exists()
    assert not Grant.objects.filter(
        entry__annual_list__batch__number=2, is_illustrative=False
    ).exists()


def test_the_office_is_reminded_of_an_agreement_to_renew_and_another_was_renewed(
    on_the_day: None,
) -> None:
    office = User.objects.get(username="office")

    ending = inbox_for(office, on=ON_THE_DAY)
    item = next(item for item in ending if item.key == "agreements-ending")

    pending = EntrustmentAgreement.objects.get(number="川科委〔2025〕30号")
    assert pending.grant.zone.slug == sichuan_later.PENDING_RENEWAL_ZONE
    assert pending.ends_on == ON_THE_DAY + sichuan_later.PENDING_RENEWAL_ENDS_AFTER
    assert (item.count, item.due_on) == (1, pending.ends_on)
    assert not EntrustmentAgreement.objects.filter(renews=pending).exists()
    # Tianfu's sci-tech agreement ended the day before: its renewal was signed in time.
    renewed = EntrustmentAgreement.objects.get(number="川科委〔2024〕1号")
    assert renewed.ends_on < ON_THE_DAY
    assert EntrustmentAgreement.objects.get(renews=renewed).signed_on < renewed.ends_on


def test_each_later_edition_differs_by_its_assessment_s_decisions(on_the_day: None) -> None:
    """Beyond the recalls it carries, the assessment of each edition withdraws one support
    entry and adjusts another; each change of the next edition names the decision behind it."""
    for edition in AnnualList.objects.filter(predecessor__isnull=False, year__gte=2025):
        changed = edition.entries.exclude(change=ListEntry.Change.KEPT)
        withdrawn = changed.filter(change=ListEntry.Change.WITHDRAWN, mode__code="support")
        adjusted = changed.filter(change=ListEntry.Change.MODIFIED, mode__code="support")
        assert (withdrawn.count(), adjusted.count()) == (1, 1), edition.key
        for entry in changed:
            decision = get_decision_for_entry(entry=entry)
            assert decision is not None, (edition.key, entry.matter.name_zh)
            assert decision.round.annual_list == edition.predecessor
            assert entry.change_reason == decision.reason
        adjusted_entry = adjusted.get()
        assert adjusted_entry.notes == f"自{edition.year}年起按季度报送支持进展（示意）"
