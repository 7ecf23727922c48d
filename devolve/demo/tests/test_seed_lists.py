"""The demo's annual lists (``sichuan_lists``): the 2024 edition of batch 1 is 110 = 8 + 102,
derived from 2023 with the changes designed, demand behind some of them, grants in every state
the demo shows, everything invented flagged, and a second seed changes nothing.

The seed takes seconds, so the module seeds once; each test runs in a savepoint of that seed.
"""

import datetime
import json
import re
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from devolve.core.models import AuditEvent
from devolve.demo import sichuan_later
from devolve.demo import sichuan_lists as facts
from devolve.demo.seed import SeedReport, seed
from devolve.demo.testing import FULL_DEMO_OPTIONS, full_demo
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.selectors import list_agreements_expiring
from devolve.matters.models import (
    AnnualList,
    DemandItem,
    DemandWindow,
    ListEntry,
    Matter,
)
from devolve.matters.selectors import count_entries, get_annual_list_by_key, get_edition_diff
from devolve.reporting.models import (
    ApprovalStep,
    AreaReport,
    DepartmentReport,
    SupportProgress,
    UsageLine,
)

D = datetime.date
TODAY = D(2026, 11, 25)
LIST_KINDS = ("annual_lists", "list_entries", "demand_items", "grants", "agreements")


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[SeedReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = full_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def report(_seeded_once: SeedReport, db: None) -> SeedReport:
    return _seeded_once


def _edition(year: int) -> AnnualList:
    edition = get_annual_list_by_key(key=f"{year}/batch-{facts.BATCH}")
    assert edition is not None
    return edition


def _grant(year: int, matter: facts.MatterRef, zone: str) -> Grant:
    return Grant.objects.get(
        entry__annual_list=_edition(year),
        entry__matter__competent_department__code=matter.department,
        entry__matter__name_zh=matter.name_zh,
        zone__slug=zone,
    )


def test_the_2024_edition_has_110_entries_8_powers_and_102_support_matters(
    report: SeedReport,
) -> None:
    counts = count_entries(annual_list=_edition(2024))

    assert (counts.entries, counts.powers, counts.support) == (110, 8, 102)
    assert {"entries": counts.entries, "powers": counts.powers, "support": counts.support} == (
        facts.expected_counts(2024)
    )
    assert set(counts.by_mode) == {"delegate", "entrust", "support"}
    assert counts.withdrawn == len(facts.WITHDRAWALS_2024)
    first = count_entries(annual_list=_edition(2023))
    assert {"entries": first.entries, "powers": first.powers, "support": first.support} == (
        facts.expected_counts(2023)
    )
    assert first.withdrawn == 0


def test_the_editions_are_published_in_order_with_their_approvals(report: SeedReport) -> None:
    first, second = _edition(2023), _edition(2024)

    assert (first.status, first.superseded_on) == ("superseded", facts.EDITION_2024.published_on)
    # The 2025 edition, drafted from the assessment of 2024, superseded it in turn.
    assert (second.status, second.superseded_on) == (
        "superseded",
        sichuan_later.edition(facts.BATCH, 2025).published_on,
    )
    assert second.predecessor == first
    for edition, fact in ((first, facts.EDITION_2023), (second, facts.EDITION_2024)):
        assert (edition.approved_on, edition.published_on, edition.document_number) == (
            fact.approved_on,
            fact.published_on,
            fact.document_number,
        )
        assert edition.is_illustrative is True
        assert edition.source == fact.source


def test_the_2024_diff_against_2023_shows_the_designed_changes_with_their_reasons(
    report: SeedReport,
) -> None:
    diff = get_edition_diff(old=_edition(2023), new=_edition(2024))

    assert diff.counts == facts.expected_diff_2024()
    removed = {
        difference.snapshot.matter_name_zh: difference.reason
        for difference in diff.of_kind("removed")
    }
    assert removed == {
        withdrawal.matter.name_zh: withdrawal.reason for withdrawal in facts.WITHDRAWALS_2024
    }
    modified = {
        difference.snapshot.matter_name_zh: difference for difference in diff.of_kind("modified")
    }
    assert {name: difference.reason for name, difference in modified.items()} == {
        change.matter.name_zh: change.reason for change in facts.MODIFICATIONS_2024
    }
    eia = modified[facts.EIA_APPROVAL.name_zh]
    assert [change.field for change in eia.changes] == [
        "all_areas",
        "receiving_areas",
        "conditions",
    ]
    added = {difference.snapshot.matter_name_zh for difference in diff.of_kind("added")}
    assert added == {entry.matter.name_zh for entry in facts.DIRECT_ADDITIONS_2024_ENTRIES} | {
        demand.matter.name_zh for demand in facts.ACCEPTED_DEMANDS_2024 if demand.matter
    }


def test_the_real_matters_are_in_the_2024_edition_as_the_sources_say(report: SeedReport) -> None:
    entries = {
        entry.matter.name_zh: entry
        for entry in ListEntry.objects.filter(annual_list=_edition(2024))
        .exclude(change=ListEntry.Change.WITHDRAWN)
        .select_related("matter", "mode")
    }

    law_firms = entries[facts.LAW_FIRMS.name_zh]
    assert law_firms.mode.code == "delegate"
    assert law_firms.all_areas is False
    assert list(law_firms.receiving_areas.values_list("slug", flat=True)) == ["tianfu-new-area"]
    assert Grant.objects.filter(entry=law_firms).count() == 1
    assert entries[facts.SCI_TECH_SMES.name_zh].mode.code == "entrust"
    assert entries[facts.FISCAL_TAX_SUPPORT.name_zh].mode.code == "support"
    assert entries[facts.FISCAL_TAX_SUPPORT.name_zh].matter.kind == Matter.Kind.SUPPORT


def test_demand_items_are_accepted_declined_or_need_a_higher_authorization(
    report: SeedReport,
) -> None:
    window = DemandWindow.objects.get(year=2024, batch__number=facts.BATCH)
    items = list(window.items.select_related("zone", "matter"))

    assert (window.opens_on, window.closes_on) == facts.DEMAND_WINDOW_2024
    assert len(items) == len(facts.DEMANDS_2024)
    assert Counter((item.origin, item.status, item.response) for item in items) == {
        ("demand", "accepted", "agree"): 4,
        ("demand", "accepted", "agree_in_part"): 1,
        ("offer", "accepted", "agree"): 1,
        ("demand", "rejected", "decline"): 2,
        ("demand", "rejected", "needs_higher"): 1,
    }
    for item in items:
        if item.response != "agree":
            assert item.response_reason
        if item.status == "rejected":
            assert item.decision_reason
            assert not item.list_entries.exists()
        else:
            (entry,) = item.list_entries.all()
            assert entry.annual_list == _edition(2024)
            assert entry.change == ListEntry.Change.ADDED
            assert list(entry.receiving_areas.all()) == ([item.zone] if item.zone else [])


def _batch_one_grants() -> Any:
    return Grant.objects.filter(entry__annual_list__batch__number=facts.BATCH)


def test_grants_stand_in_every_designed_state(report: SeedReport) -> None:
    held = Counter(_batch_one_grants().active().values_list("status", flat=True))
    previous = Counter(
        Grant.objects.filter(entry__annual_list=_edition(2023)).values_list("status", flat=True)
    )

    assert set(held) == {"effective", "handed_over", "awaiting_agreement"}
    assert set(previous) == {"superseded", "recalled"}
    (recall,) = facts.RECALLS
    recalled = _batch_one_grants().get(
        status="recalled",
        ended_on=recall.recalled_on,
        zone__slug=recall.zone,
        entry__matter__name_zh=recall.matter.name_zh,
    )
    assert recalled.end_reason == recall.reason
    delegated = Grant.objects.filter(entry__mode__code="delegate", effective_on__isnull=False)
    assert delegated.filter(effective_on=facts.EDITION_2023.delegation_effective_on).exists()
    assert delegated.filter(effective_on=facts.EDITION_2024.delegation_effective_on).exists()
    assert not Grant.objects.filter(status="awaiting_effect").exists()
    waiting = _batch_one_grants().filter(status="awaiting_agreement")
    assert not EntrustmentAgreement.objects.filter(grant__in=waiting).exists()


def test_agreements_handovers_and_filings_are_recorded_as_designed(report: SeedReport) -> None:
    batch_one = _batch_one_grants()
    signed = EntrustmentAgreement.objects.filter(grant__in=batch_one, renews__isnull=True)
    assert signed.count() == len(facts.AGREEMENTS)
    handed_over_events = AuditEvent.objects.filter(
        action="grant.handed_over",
        target_id__in=[str(pk) for pk in batch_one.values_list("pk", flat=True)],
    )
    assert handed_over_events.count() == len(facts.HANDOVERS)
    handed_over = batch_one.active().filter(status="handed_over")
    late = [grant for grant in handed_over if grant.handed_over_on > grant.handover_due_on]
    assert late
    assert len(late) < handed_over.count()
    filed = batch_one.active().filter(supervision_filed_on__isnull=False)
    assert sorted(filed.values_list("supervision_document", flat=True)) == sorted(
        filing.document for filing in facts.SUPERVISION
    )


def test_agreements_expiring_soon_warn_until_they_are_renewed(report: SeedReport) -> None:
    warned = {agreement.number for agreement in list_agreements_expiring(on=TODAY)}

    renewed_by_then = set(
        EntrustmentAgreement.objects.filter(signed_on__lte=TODAY).values_list(
            "renews__number", flat=True
        )
    )
    assert warned == {
        agreement.number
        for agreement in facts.AGREEMENTS
        if agreement.year == 2024
        and TODAY <= agreement.ends_on <= TODAY + datetime.timedelta(days=15)
        and agreement.number not in renewed_by_then
    }
    assert len(warned) == 1


def test_what_the_demo_s_users_wrote_is_in_chinese(report: SeedReport) -> None:
    """Demands, answers, decisions, the reasons for each change, and what the reports say, as
    the areas, departments and office would write them."""
    written = [
        text
        for item in DemandItem.objects.all()
        for text in (item.justification, item.response_reason, item.decision_reason)
    ] + list(
        ListEntry.objects.filter(change__in=["withdrawn", "modified"]).values_list(
            "change_reason", flat=True
        )
    )
    for model, fields in (
        (UsageLine, ("problems", "help_needed")),
        (SupportProgress, ("milestone", "narrative")),
        (DepartmentReport, ("narrative",)),
        (AreaReport, ("reopen_reason",)),
        (ApprovalStep, ("reason",)),
    ):
        for values in model.objects.values_list(*fields).distinct():
            written.extend(values)
    assert written
    assert [text for text in written if re.search("[A-Za-z]", text)] == []


def test_every_invented_record_is_flagged_illustrative(report: SeedReport) -> None:
    assert not AnnualList.objects.filter(is_illustrative=False).exists()
    assert not ListEntry.objects.filter(is_illustrative=False).exists()
    assert not Grant.objects.filter(is_illustrative=False).exists()
    assert not EntrustmentAgreement.objects.filter(is_illustrative=False).exists()
    assert not DemandItem.objects.filter(is_illustrative=False).exists()
    support = Matter.objects.filter(name_zh__in=[fact.name_zh for fact in facts.SUPPORT_MATTERS])
    assert support.count() == len(facts.SUPPORT_MATTERS) == 106
    assert not support.filter(is_illustrative=False).exists()
    assert not support.filter(source="").exists()
    assert set(support.values_list("kind", flat=True)) == {Matter.Kind.SUPPORT}
    assert not support.filter(matter_type__isnull=False).exists()


def test_facts_json_reports_the_published_lists(report: SeedReport) -> None:
    buffer = StringIO()
    call_command("facts", "--json", "--on", TODAY.isoformat(), stdout=buffer)

    output = json.loads(buffer.getvalue())
    assert output["lists"]["2023/batch-1"] == facts.expected_counts(2023)
    assert output["lists"]["2024/batch-1"] == {"entries": 110, "powers": 8, "support": 102}
    assert output["grants"]["2024/batch-1"] == dict(
        sorted(
            Counter(
                Grant.objects.filter(entry__annual_list=_edition(2024)).values_list(
                    "status", flat=True
                )
            ).items()
        )
    )


def _counts() -> dict[str, int]:
    models = [AnnualList, ListEntry, DemandWindow, DemandItem, Grant, EntrustmentAgreement, Matter]
    counts = {model._meta.label: model.objects.count() for model in models}
    counts.update({f"{model._meta.label}.history": model.history.count() for model in models})
    counts["ListEntry.receiving_areas"] = ListEntry.receiving_areas.through.objects.count()
    counts["core.AuditEvent"] = AuditEvent.objects.count()
    return counts


def test_seeding_again_creates_nothing_more(report: SeedReport) -> None:
    before = _counts()

    second = seed(**FULL_DEMO_OPTIONS)

    assert _counts() == before
    assert {
        kind: second.created.get(kind, 0) for kind in (*LIST_KINDS, "matters")
    } == dict.fromkeys((*LIST_KINDS, "matters"), 0)
    assert {kind: second.existing[kind] for kind in LIST_KINDS} == {
        kind: report.created[kind] for kind in LIST_KINDS
    }
    assert report.created["annual_lists"] == AnnualList.objects.count()
    assert report.created["list_entries"] == ListEntry.objects.count()
