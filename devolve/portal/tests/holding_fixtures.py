"""Two editions of one batch and what changed between them, for the public area and matter pages.

The 2023 edition (superseded on 2024-03-10) grants six powers to pilot area "alpha"; the 2024
edition keeps one, adjusts one, withdraws one, narrows one to pilot area "beta" only and drops
one; a sixth was recalled in 2023. A closed assessment round over 2023 decided the withdrawal.
Quarter 1 of 2024 has an accepted usage report from alpha; quarter 2's is only submitted.
"""

import datetime
from dataclasses import dataclass, field

from devolve.assessments.models import AssessmentRound, EntryDecision, GrantAssessment
from devolve.grants.models import Grant
from devolve.grants.tests.factories import GrantFactory
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.matters.tests.factories import MatterFactory
from devolve.matters.tests.list_factories import AnnualListFactory, ListEntryFactory
from devolve.regions.models import Batch, Zone
from devolve.regions.tests.factories import BatchFactory, BatchMembershipFactory, ZoneFactory
from devolve.reporting.models import AreaReport, ReportingCycle, UsageLine

D = datetime.date
PUBLISHED_2024 = D(2024, 3, 10)
WITHDRAWAL_REASON = "连续两期零办件，撤回"
RECALL_REASON = "审计发现承接能力不足"
ADJUST_REASON = "改为委托实施"


@dataclass
class Holdings:
    batch: Batch
    alpha: Zone
    beta: Zone
    old: AnnualList
    new: AnnualList
    kept: Matter
    adjusted: Matter
    withdrawn: Matter
    narrowed: Matter
    unlisted: Matter
    recalled: Matter
    new_grants: list[Grant] = field(default_factory=list)


def build_holdings(*, extra_kept: int = 0, batch_number: int = 7, prefix: str = "") -> Holdings:
    """``extra_kept`` more matters kept from 2023 to 2024 for alpha, to check that the pages'
    query counts do not grow with the data; another ``batch_number`` and zone ``prefix`` build a
    second world beside the first."""
    batch = BatchFactory(number=batch_number, starts_on=D(2023, 1, 1))
    alpha = ZoneFactory(slug=f"{prefix}alpha", name_zh="甲新区", name_en="Alpha New Area")
    beta = ZoneFactory(slug=f"{prefix}beta", name_zh="乙开发区", name_en="Beta Zone")
    for zone in (alpha, beta):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    old = AnnualListFactory(
        batch=batch,
        year=2023,
        superseded=True,
        published_on=D(2023, 3, 10),
        approved_on=D(2023, 3, 1),
        superseded_on=PUBLISHED_2024,
        title_en="2023 list",
    )
    new = AnnualListFactory(
        batch=batch, year=2024, published=True, predecessor=old, title_en="2024 list"
    )
    names = ["kept", "adjusted", "withdrawn", "narrowed", "unlisted", "recalled"]
    matters = {name: MatterFactory(name_en=f"Matter {name}") for name in names}
    extra = [MatterFactory(name_en=f"Extra {number}") for number in range(extra_kept)]
    old_entries = {
        name: ListEntryFactory(annual_list=old, matter=matter) for name, matter in matters.items()
    }
    old_grants = {
        name: GrantFactory(
            entry=entry,
            zone=alpha,
            superseded=True,
            effective_on=D(2023, 4, 9),
            ended_on=PUBLISHED_2024,
        )
        for name, entry in old_entries.items()
        if name != "recalled"
    }
    GrantFactory(
        entry=old_entries["recalled"],
        zone=alpha,
        status=Grant.Status.RECALLED,
        effective_on=D(2023, 4, 9),
        ended_on=D(2023, 9, 1),
        end_reason=RECALL_REASON,
    )
    changes = {
        "kept": (ListEntry.Change.KEPT, ""),
        "adjusted": (ListEntry.Change.MODIFIED, ADJUST_REASON),
        "withdrawn": (ListEntry.Change.WITHDRAWN, WITHDRAWAL_REASON),
        "narrowed": (ListEntry.Change.KEPT, ""),
    }
    new_entries = {
        name: ListEntryFactory(
            annual_list=new,
            matter=matters[name],
            change=change,
            change_reason=reason,
            all_areas=name != "narrowed",
        )
        for name, (change, reason) in changes.items()
    }
    new_entries["narrowed"].receiving_areas.set([beta])
    new_grants = [
        GrantFactory(
            entry=new_entries[name],
            zone=alpha,
            previous_grant=old_grants[name],
            status=Grant.Status.EFFECTIVE,
            effective_on=D(2024, 4, 9),
        )
        for name in ("kept", "adjusted")
    ]
    GrantFactory(entry=new_entries["narrowed"], zone=beta, effective_on=D(2024, 4, 9))
    for matter in extra:
        old_grant = GrantFactory(
            entry=ListEntryFactory(annual_list=old, matter=matter),
            zone=alpha,
            superseded=True,
            ended_on=PUBLISHED_2024,
        )
        new_grants.append(
            GrantFactory(
                entry=ListEntryFactory(
                    annual_list=new, matter=matter, change=ListEntry.Change.KEPT
                ),
                zone=alpha,
                previous_grant=old_grant,
                status=Grant.Status.EFFECTIVE,
            )
        )
    _assess(old, old_entries["withdrawn"], old_grants["withdrawn"])
    _report_usage(new, alpha, new_grants)
    return Holdings(
        batch,
        alpha,
        beta,
        old,
        new,
        matters["kept"],
        matters["adjusted"],
        matters["withdrawn"],
        matters["narrowed"],
        matters["unlisted"],
        matters["recalled"],
        new_grants,
    )


def _assess(edition: AnnualList, entry: ListEntry, grant: Grant) -> None:
    assessment_round = AssessmentRound.objects.create(
        annual_list=edition,
        title_zh="2023年度评估",
        title_en="2023 assessment",
        period_starts_on=D(2023, 4, 1),
        period_ends_on=D(2023, 12, 31),
        status=AssessmentRound.Status.CLOSED,
        opened_on=D(2024, 1, 5),
        decided_on=D(2024, 2, 1),
        closed_on=D(2024, 2, 20),
        next_edition=edition.successors.first(),
    )
    GrantAssessment.objects.create(
        round=assessment_round,
        grant=grant,
        grant_status=grant.status,
        recommendation="withdraw",
        recommendation_reason="零办件",
        score_total=41,
    )
    EntryDecision.objects.create(
        round=assessment_round,
        entry=entry,
        recommended="withdraw",
        decision="withdraw",
        reason=WITHDRAWAL_REASON,
        decided_on=D(2024, 2, 1),
    )


def _report_usage(edition: AnnualList, zone: Zone, grants: list[Grant]) -> None:
    """Quarter 1 accepted (each grant 5 received, 4 completed); quarter 2 only submitted."""
    quarters = [
        (1, D(2024, 1, 1), D(2024, 3, 31), AreaReport.Status.ACCEPTED),
        (2, D(2024, 4, 1), D(2024, 6, 30), AreaReport.Status.SUBMITTED),
    ]
    for sequence, start, end, status in quarters:
        cycle = ReportingCycle.objects.create(
            annual_list=edition,
            frequency="quarterly",
            sequence=sequence,
            period_start=start,
            period_end=end,
            opens_on=end,
            due_on=end + datetime.timedelta(days=10),
            locks_on=end + datetime.timedelta(days=30),
        )
        accepted = status == AreaReport.Status.ACCEPTED
        report = AreaReport.objects.create(
            cycle=cycle,
            zone=zone,
            status=status,
            first_submitted_on=end,
            submitted_on=end,
            accepted_on=end + datetime.timedelta(days=20) if accepted else None,
        )
        UsageLine.objects.bulk_create(
            UsageLine(
                report=report,
                grant=grant,
                cases_received=5 if accepted else 100,
                cases_completed=4 if accepted else 100,
            )
            for grant in grants
        )
