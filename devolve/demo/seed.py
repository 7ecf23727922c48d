"""Loads the Sichuan demo through the domain services. Safe to run again: records that exist
(matched by their stable keys) are left as they are."""

from dataclasses import dataclass, field

from django.db import transaction

from devolve.accounts import selectors as account_selectors
from devolve.accounts import services as account_services
from devolve.assessments import selectors as assessment_selectors
from devolve.assessments import services as assessment_services
from devolve.assessments.models import GrantAssessment
from devolve.demo import sichuan, sichuan_assessments, sichuan_lists
from devolve.demo.sichuan_economy import seed_economy
from devolve.demo.sichuan_lists import EditionFact, EntryFact, MatterRef
from devolve.demo.sichuan_performance import seed_performance
from devolve.demo.sichuan_reporting import seed_reports
from devolve.demo.sichuan_selection import seed_selection
from devolve.grants import selectors as grant_selectors
from devolve.grants import services as grant_services
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.matters import selectors as matter_selectors
from devolve.matters import services as matter_services
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    Matter,
)
from devolve.regions import selectors as region_selectors
from devolve.regions import services as region_services
from devolve.regions.models import Batch, Zone

REASON = "Sichuan demo seed"
# No source names the committees; the standard form of such names is used and said so.
COMMITTEE_NOTE = (
    " The management committee's name follows the usual form “<zone>管理委员会” and is "
    "illustrative."
)


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, *, created: bool) -> None:
        bucket = self.created if created else self.existing
        bucket[kind] = bucket.get(kind, 0) + 1

    def add(self, kind: str, *, created: int, existing: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + created
        self.existing[kind] = self.existing.get(kind, 0) + existing


@transaction.atomic
def seed_registry(report: SeedReport) -> None:
    for batch_fact in sichuan.BATCHES:
        exists = region_selectors.get_batch(number=batch_fact.number) is not None
        if not exists:
            region_services.create_batch(
                number=batch_fact.number,
                starts_on=batch_fact.starts_on,
                approved_on=batch_fact.approved_on,
                announced_on=batch_fact.announced_on,
                approving_meeting_zh=batch_fact.approving_meeting_zh,
                approving_meeting_en=batch_fact.approving_meeting_en,
                is_illustrative=batch_fact.is_illustrative,
                source=batch_fact.source,
                created_by=None,
                reason=REASON,
            )
        report.count("batches", created=not exists)
    for zone_fact in sichuan.ZONES:
        zone = region_selectors.get_zone(slug=zone_fact.slug)
        report.count("zones", created=zone is None)
        if zone is None:
            zone = region_services.register_zone(
                slug=zone_fact.slug,
                name_zh=zone_fact.name_zh,
                name_en=zone_fact.name_en,
                kind=zone_fact.kind,
                level=zone_fact.level,
                prefecture_code=zone_fact.prefecture_code,
                management_committee_zh=f"{zone_fact.name_zh}管理委员会",
                management_committee_en=f"{zone_fact.name_en} Management Committee",
                established_on=zone_fact.established_on,
                is_illustrative=zone_fact.is_illustrative,
                source=zone_fact.source + COMMITTEE_NOTE,
                registered_by=None,
                reason=REASON,
            )
        if zone_fact.batch is None:
            continue
        batch = region_selectors.get_batch(number=zone_fact.batch)
        assert batch is not None  # created above  # noqa: S101
        has_membership = region_selectors.list_memberships(batch=batch).filter(zone=zone).exists()
        report.count("memberships", created=not has_membership)
        if not has_membership:
            region_services.add_zone_to_batch(
                zone=zone,
                batch=batch,
                joined_on=batch.starts_on,
                added_by=None,
                is_illustrative=batch.is_illustrative,
                reason=REASON,
            )


@transaction.atomic
def seed_catalogue(report: SeedReport) -> None:
    for department_fact in sichuan.DEPARTMENTS:
        exists = matter_selectors.get_department(code=department_fact.code) is not None
        if not exists:
            matter_services.create_department(
                code=department_fact.code,
                name_zh=department_fact.name_zh,
                name_en=department_fact.name_en,
                created_by=None,
                source="Sichuan provincial departments named in the domain brief.",
            )
        report.count("departments", created=not exists)
    for matter_fact in sichuan.MATTERS:
        department = matter_selectors.get_department(code=matter_fact.department)
        assert department is not None  # noqa: S101
        existing_matter = matter_selectors.get_matter_by_name(
            department=department, name_zh=matter_fact.name_zh
        )
        report.count("matters", created=existing_matter is None)
        if existing_matter is not None:
            continue
        parent = (
            matter_selectors.get_matter_by_name(
                department=department, name_zh=matter_fact.parent_name_zh
            )
            if matter_fact.parent_name_zh
            else None
        )
        matter_services.create_matter(
            code=matter_fact.code,
            name_zh=matter_fact.name_zh,
            name_en=matter_fact.name_en,
            kind=matter_fact.kind,
            matter_type=matter_selectors.get_matter_type(code=matter_fact.matter_type)
            if matter_fact.matter_type
            else None,
            competent_department=department,
            legal_basis=matter_fact.legal_basis,
            parent=parent,
            is_illustrative=matter_fact.is_illustrative,
            source=matter_fact.source,
            created_by=None,
            reason=REASON,
        )


@transaction.atomic
def seed_demo_users(report: SeedReport) -> list[sichuan.DemoUser]:
    for demo_user in sichuan.DEMO_USERS:
        exists = account_selectors.get_user_by_username(username=demo_user.username) is not None
        report.count("users", created=not exists)
        if exists:
            continue
        account_services.create_user(
            username=demo_user.username,
            role=demo_user.role,
            password=sichuan.DEMO_PASSWORD,
            first_name=demo_user.first_name,
            department=matter_selectors.get_department(code=demo_user.department)
            if demo_user.department
            else None,
            prefecture=region_selectors.get_division(code=demo_user.prefecture)
            if demo_user.prefecture
            else None,
            zone=region_selectors.get_zone(slug=demo_user.zone) if demo_user.zone else None,
            is_staff=demo_user.role in {"office", "department", "auditor"},
            created_by=None,
        )
    return sichuan.DEMO_USERS


@dataclass(frozen=True)
class _Lookups:
    """The records the list facts name, each loaded once."""

    departments: dict[str, Department]
    matters: dict[MatterRef, Matter]
    zones: dict[str, Zone]
    modes: dict[str, AuthorizationMode]

    @classmethod
    def load(cls) -> "_Lookups":
        return cls(
            departments={
                department.code: department for department in matter_selectors.list_departments()
            },
            matters={
                MatterRef(matter.competent_department.code, matter.name_zh): matter
                for matter in matter_selectors.list_matters()
            },
            zones={zone.slug: zone for zone in region_selectors.list_zones()},
            modes={mode.code: mode for mode in matter_selectors.list_authorization_modes()},
        )

    def areas(self, slugs: tuple[str, ...] | None) -> list[Zone] | None:
        return None if slugs is None else [self.zones[slug] for slug in slugs]


def _seed_support_matters(report: SeedReport) -> None:
    existing = {
        MatterRef(matter.competent_department.code, matter.name_zh)
        for matter in matter_selectors.list_matters()
    }
    departments = {
        department.code: department for department in matter_selectors.list_departments()
    }
    for fact in sichuan_lists.SUPPORT_MATTERS:
        report.count("matters", created=fact.ref not in existing)
        if fact.ref in existing:
            continue
        matter_services.create_matter(
            name_zh=fact.name_zh,
            name_en=fact.name_en,
            kind=Matter.Kind.SUPPORT,
            matter_type=None,
            competent_department=departments[fact.department],
            is_illustrative=fact.is_illustrative,
            source=fact.source,
            created_by=None,
            reason=REASON,
        )


def _add_entry(annual_list: AnnualList, fact: EntryFact, lookups: _Lookups) -> None:
    matter = lookups.matters[fact.matter]
    matter_services.add_list_entry(
        annual_list=annual_list,
        matter=matter,
        mode=lookups.modes[fact.mode],
        granting_department=matter.competent_department,
        supervising_department=lookups.departments[fact.supervising_department]
        if fact.supervising_department
        else None,
        receiving_areas=lookups.areas(fact.areas),
        conditions=fact.conditions,
        notes=fact.notes,
        change_reason=fact.change_reason,
        is_illustrative=fact.is_illustrative,
        added_by=None,
    )


def _approve_and_publish(annual_list: AnnualList, fact: EditionFact) -> None:
    matter_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=None)
    matter_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=None,
        approved_on=fact.approved_on,
        document_number=fact.document_number,
        approving_meeting_zh=fact.approving_meeting_zh,
        approving_meeting_en=fact.approving_meeting_en,
    )
    grant_services.publish_annual_list(
        annual_list=annual_list, published_on=fact.published_on, published_by=None
    )
    grant_services.activate_due_grants(on=fact.delegation_effective_on)


def _grant_events(annual_list: AnnualList, lookups: _Lookups) -> None:
    """Agreements, handovers, supervision filings and recalls of this edition's grants, each
    through its service (agreements first: an entrusted grant is handed over once effective)."""
    grants = {
        (grant.entry.matter_id, grant.zone.slug): grant
        for grant in grant_selectors.list_grants().filter(entry__annual_list=annual_list)
    }

    def grant_of(matter: MatterRef, zone: str) -> Grant:
        return grants[(lookups.matters[matter].pk, zone)]

    year = annual_list.year
    for agreement in sichuan_lists.AGREEMENTS:
        if agreement.year != year:
            continue
        grant_services.sign_entrustment_agreement(
            grant=grant_of(agreement.matter, agreement.zone),
            number=agreement.number,
            signed_on=agreement.signed_on,
            starts_on=agreement.starts_on,
            ends_on=agreement.ends_on,
            covers_decision=agreement.covers_decision,
            document=agreement.document,
            signed_by=None,
        )
    for handover in sichuan_lists.HANDOVERS:
        if handover.year == year:
            grant_services.record_handover(
                grant=grant_of(handover.matter, handover.zone),
                handed_over_on=handover.handed_over_on,
                recorded_by=None,
            )
    for filing in sichuan_lists.SUPERVISION:
        if filing.year == year:
            grant_services.file_supervision_measures(
                grant=grant_of(filing.matter, filing.zone),
                filed_on=filing.filed_on,
                document=filing.document,
                filed_by=None,
            )
    for recall in sichuan_lists.RECALLS:
        if recall.year == year:
            grant_services.recall_grant(
                grant=grant_of(recall.matter, recall.zone),
                recalled_on=recall.recalled_on,
                reason=recall.reason,
                recalled_by=None,
            )


def _seed_2023(batch: Batch, lookups: _Lookups) -> AnnualList:
    fact = sichuan_lists.EDITION_2023
    annual_list = matter_services.create_annual_list(
        year=fact.year,
        batch=batch,
        title_zh=fact.title_zh,
        title_en=fact.title_en,
        is_illustrative=fact.is_illustrative,
        source=fact.source,
        created_by=None,
    )
    for entry in sichuan_lists.ENTRIES_2023:
        _add_entry(annual_list, entry, lookups)
    _approve_and_publish(annual_list, fact)
    _grant_events(annual_list, lookups)
    return annual_list


def _open_demand_window(batch: Batch) -> DemandWindow:
    year = sichuan_lists.EDITION_2024.year
    window = batch.demand_windows.filter(year=year).first()
    if window is not None:
        return window
    opens_on, closes_on = sichuan_lists.DEMAND_WINDOW_2024
    return matter_services.open_demand_window(
        year=year, batch=batch, opens_on=opens_on, closes_on=closes_on, opened_by=None
    )


def _file_demands(window: DemandWindow, lookups: _Lookups) -> list[DemandItem]:
    """Each demand filed and answered by its department; each offer made."""
    items = []
    for demand in sichuan_lists.DEMANDS_2024:
        matter = lookups.matters[demand.matter] if demand.matter else None
        if demand.zone is None:
            assert matter is not None  # an offer names its matter  # noqa: S101
            item = matter_services.offer_matter(
                window=window,
                matter=matter,
                justification=demand.justification,
                on=demand.filed_on or window.opens_on,
                is_illustrative=True,
                offered_by=None,
            )
        else:
            item = matter_services.file_demand_item(
                window=window,
                zone=lookups.zones[demand.zone],
                kind=demand.kind,
                department=lookups.departments[demand.department],
                matter=matter,
                description=demand.description,
                justification=demand.justification,
                on=demand.filed_on,
                is_illustrative=True,
                filed_by=None,
            )
            item = matter_services.answer_demand_item(
                item=item,
                response=demand.response,
                reason=demand.response_reason,
                answered_by=None,
            )
        items.append(item)
    return items


def _grant_use_facts(assessment: GrantAssessment) -> sichuan_assessments.UseFacts:
    return sichuan_assessments.UseFacts(
        is_taken_up=assessment.is_taken_up,
        is_power=assessment.grant.entry.mode.code != "support",
        cases_received=assessment.cases_received,
        supervision_filed=assessment.supervision_filed_on is not None,
        is_flagged_zero_use=assessment.is_flagged_zero_use,
    )


def _assess_2023(predecessor: AnnualList, lookups: _Lookups) -> AnnualList:
    """The round over the 2023 edition (``sichuan_assessments``): opened on the accepted 2023
    reports, every grant scored and recommended, every entry decided, and the 2024 draft derived
    from the decisions. Returns the draft."""
    fact = sichuan_assessments.ROUND_2023
    assessment_round = assessment_services.open_assessment_round(
        annual_list=predecessor,
        title_zh=fact.title_zh,
        title_en=fact.title_en,
        period_starts_on=fact.period_starts_on,
        period_ends_on=fact.period_ends_on,
        opened_on=fact.opened_on,
        zero_use_periods=fact.zero_use_periods,
        evaluating_body=fact.evaluating_body,
        is_illustrative=True,
        opened_by=None,
    )
    assessment_services.start_scoring(assessment_round=assessment_round, started_by=None)
    matter_refs = {matter.pk: ref for ref, matter in lookups.matters.items()}
    decisions = sichuan_assessments.DECISION_BY_MATTER

    def kept_areas(ref: MatterRef) -> frozenset[str] | None:
        decision = decisions.get(ref)
        if decision is None or decision.decision != "adjust" or not decision.areas:
            return None
        return frozenset(decision.areas)

    assessments = assessment_selectors.list_grant_assessments(assessment_round=assessment_round)
    for assessment in assessments.select_related("grant__entry__mode"):
        ref = matter_refs[assessment.grant.entry.matter_id]
        recommendation, reason = sichuan_assessments.grant_recommendation(
            ref, assessment.grant.zone.slug, kept_areas=kept_areas(ref)
        )
        assessment_services.score_grant(
            grant_assessment=assessment,
            scores=sichuan_assessments.rubric_scores(_grant_use_facts(assessment), recommendation),
            recommendation=recommendation,
            reason=reason,
            scored_by=None,
        )
    for entry in matter_selectors.list_entries(annual_list=predecessor):
        decision = decisions.get(matter_refs[entry.matter_id])
        if decision is None:
            assessment_services.decide_entry(
                assessment_round=assessment_round,
                entry=entry,
                decision="keep",
                reason="",
                decided_on=fact.decided_on,
                is_illustrative=True,
                decided_by=None,
            )
            continue
        assessment_services.decide_entry(
            assessment_round=assessment_round,
            entry=entry,
            decision=decision.decision,
            reason=decision.reason,
            decided_on=fact.decided_on,
            receiving_areas=lookups.areas(decision.areas),
            conditions=decision.conditions,
            notes=decision.notes,
            granting_department=lookups.departments[decision.granting_department]
            if decision.granting_department
            else None,
            supervising_department=lookups.departments[decision.supervising_department]
            if decision.supervising_department
            else None,
            is_illustrative=True,
            decided_by=None,
        )
    assessment_services.complete_decisions(
        assessment_round=assessment_round, decided_on=fact.decided_on, completed_by=None
    )
    edition = sichuan_lists.EDITION_2024
    return assessment_services.draft_next_edition(
        assessment_round=assessment_round,
        year=edition.year,
        drafted_on=fact.drafted_on,
        title_zh=edition.title_zh,
        title_en=edition.title_en,
        is_illustrative=edition.is_illustrative,
        source=edition.source,
        drafted_by=None,
    )


def _seed_2024(batch: Batch, predecessor: AnnualList, lookups: _Lookups) -> AnnualList:
    """Demand; the assessment of 2023, whose decisions draft the 2024 edition (withdrawals and
    modifications with their reasons); accepted demand and the office's own additions; then
    published."""
    fact = sichuan_lists.EDITION_2024
    items = _file_demands(_open_demand_window(batch), lookups)
    annual_list = _assess_2023(predecessor, lookups)
    for item, demand in zip(items, sichuan_lists.DEMANDS_2024, strict=True):
        matter_services.decide_demand_item(
            item=item,
            accept=demand.accept,
            reason=demand.decision_reason,
            annual_list=annual_list if demand.accept else None,
            mode=lookups.modes[demand.mode] if demand.mode else None,
            decided_by=None,
        )
    for entry in sichuan_lists.DIRECT_ADDITIONS_2024_ENTRIES:
        _add_entry(annual_list, entry, lookups)
    _approve_and_publish(annual_list, fact)
    _grant_events(annual_list, lookups)
    return annual_list


def _list_counts(editions: list[AnnualList]) -> dict[str, int]:
    grants = grant_selectors.list_grants().filter(entry__annual_list__in=editions)
    return {
        "annual_lists": len(editions),
        "list_entries": sum(
            matter_selectors.list_entries(annual_list=edition).count() for edition in editions
        ),
        "demand_items": matter_selectors.list_demand_items()
        .filter(window__batch__number=sichuan_lists.BATCH)
        .count(),
        "grants": grants.count(),
        "agreements": EntrustmentAgreement.objects.filter(grant__in=grants).count(),
        "assessment_rounds": assessment_selectors.list_rounds()
        .filter(annual_list__in=editions)
        .count(),
        "grant_assessments": GrantAssessment.objects.filter(grant__in=grants).count(),
    }


def _demo_editions() -> list[AnnualList]:
    editions = [
        matter_selectors.get_annual_list(year=fact.year, batch_number=sichuan_lists.BATCH)
        for fact in (sichuan_lists.EDITION_2023, sichuan_lists.EDITION_2024)
    ]
    return [edition for edition in editions if edition is not None]


@transaction.atomic
def seed_lists(report: SeedReport) -> None:
    """The 2023 and 2024 editions for batch 1 with their demand and grant events
    (``sichuan_lists``), each year's reports (``sichuan_reporting``), and the assessment of 2023
    whose decisions drafted 2024 (``sichuan_assessments``). An edition that exists is left alone,
    with everything that follows from it; so is the whole step when both exist."""
    before = _list_counts(_demo_editions())
    _seed_support_matters(report)
    batch = region_selectors.get_batch(number=sichuan_lists.BATCH)
    assert batch is not None  # seeded by seed_registry  # noqa: S101
    lookups = _Lookups.load()
    first = matter_selectors.get_annual_list(
        year=sichuan_lists.EDITION_2023.year, batch_number=batch.number
    )
    if first is None:
        first = _seed_2023(batch, lookups)
    seed_reports(
        report,
        annual_list=first,
        zero_use_entry_codes=[
            lookups.matters[ref].code or ref.name_zh for ref in sichuan_assessments.ZERO_USE_2023
        ],
    )
    second = matter_selectors.get_annual_list(
        year=sichuan_lists.EDITION_2024.year, batch_number=batch.number
    )
    if second is None:
        second = _seed_2024(batch, first, lookups)
    seed_reports(report, annual_list=second)
    after = _list_counts(_demo_editions())
    for kind, count in after.items():
        report.add(kind, created=count - before[kind], existing=before[kind])


def seed(*, with_users: bool, with_lists: bool = False) -> SeedReport:
    """``with_lists`` adds the annual lists and their grants (``seed_lists``): the full demo, a
    few seconds longer."""
    report = SeedReport()
    seed_registry(report)
    seed_catalogue(report)
    if with_users:
        seed_demo_users(report)  # before the reports, so that their notices reach the logins
    if with_lists:
        seed_lists(report)
        seed_economy(report)
        seed_selection(report)
        seed_performance(report)  # last: it scores the reports and assessments seeded above
    return report
