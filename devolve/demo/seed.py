"""Loads the Sichuan demo through the domain services, as the programme stood on an ``as_of`` date
(today by default): nothing dated after it is written. Safe to run again: records that exist
(matched by their stable keys) are left as they are."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devolve.accounts import selectors as account_selectors
from devolve.accounts import services as account_services
from devolve.assessments import selectors as assessment_selectors
from devolve.assessments import services as assessment_services
from devolve.assessments.models import AssessmentRound, GrantAssessment
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.core.errors import DomainError
from devolve.core.history import loading_known_good_data
from devolve.demo import (
    sichuan,
    sichuan_assessments,
    sichuan_later,
    sichuan_lists,
    sichuan_selection,
)
from devolve.demo.sichuan_economy import seed_economy
from devolve.demo.sichuan_lists import EditionFact, EntryFact, MatterRef
from devolve.demo.sichuan_performance import seed_performance
from devolve.demo.sichuan_reporting import seed_reports
from devolve.demo.sichuan_selection import seed_selection
from devolve.demo.stamping import stamped
from devolve.grants import selectors as grant_selectors
from devolve.grants import services as grant_services
from devolve.grants.models import EntrustmentAgreement, Grant
from devolve.grants.publication import plan_publication
from devolve.matters import selectors as matter_selectors
from devolve.matters import services as matter_services
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
)
from devolve.regions import selectors as region_selectors
from devolve.regions import services as region_services
from devolve.regions.models import Batch, Zone

REASON = system_text("demo.seeded")
# The reform began in January 2023 (brief §1.1): there is no programme to show before it.
PROGRAMME_STARTS_ON = min(batch.starts_on for batch in sichuan.BATCHES)
# No source names the committees; the standard form of such names is used and said so.
COMMITTEE_NOTE = (
    " The management committee's name follows the usual form (the zone's name followed by "
    "'management committee') and is illustrative."
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
def seed_registry(report: SeedReport, *, as_of: datetime.date | None = None) -> None:
    """Zones, and the batches (with their memberships) that had started by ``as_of`` (default
    today)."""
    as_of = as_of or timezone.localdate()
    for batch_fact in sichuan.BATCHES:
        if batch_fact.starts_on > as_of:
            continue
        exists = region_selectors.get_batch(number=batch_fact.number) is not None
        if not exists:
            with stamped(batch_fact.starts_on):
                region_services.create_batch(
                    number=batch_fact.number,
                    starts_on=batch_fact.starts_on,
                    approved_on=batch_fact.approved_on,
                    announced_on=batch_fact.announced_on,
                    approving_meeting_zh=batch_fact.approving_meeting_zh,
                    approving_meeting_en=batch_fact.approving_meeting_en,
                    is_illustrative=batch_fact.is_illustrative,
                    source=batch_fact.source,
                    created_by=SYSTEM,
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
                registered_by=SYSTEM,
                reason=REASON,
            )
        if zone_fact.batch is None:
            continue
        batch = region_selectors.get_batch(number=zone_fact.batch)
        if batch is None:  # the batch starts after as_of
            continue
        has_membership = region_selectors.list_memberships(batch=batch).filter(zone=zone).exists()
        report.count("memberships", created=not has_membership)
        if not has_membership:
            with stamped(batch.starts_on):
                region_services.add_zone_to_batch(
                    zone=zone,
                    batch=batch,
                    joined_on=batch.starts_on,
                    added_by=SYSTEM,
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
                created_by=SYSTEM,
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
            created_by=SYSTEM,
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
            created_by=SYSTEM,
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
            created_by=SYSTEM,
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
        added_by=SYSTEM,
    )


def _approve_and_publish(annual_list: AnnualList, fact: EditionFact) -> None:
    with stamped(fact.approved_on):
        _approve(annual_list, fact)
    _publish(annual_list, fact)


def _approve(annual_list: AnnualList, fact: EditionFact) -> None:
    matter_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=SYSTEM)
    matter_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=SYSTEM,
        approved_on=fact.approved_on,
        document_number=fact.document_number,
        approving_meeting_zh=fact.approving_meeting_zh,
        approving_meeting_en=fact.approving_meeting_en,
    )


def _publish(annual_list: AnnualList, fact: EditionFact) -> None:
    # The demo office keeps every recall standing: a power recalled from an area is left out
    # of the next edition's grants for that area rather than silently granted again.
    plan = plan_publication(annual_list, published_on=fact.published_on)
    grant_services.publish_annual_list(
        annual_list=annual_list,
        published_on=fact.published_on,
        published_by=SYSTEM,
        left_out=[regrant.key for regrant in plan.regrants],
    )


def _active_grant(matter: Matter, zone: str) -> Grant:
    """The grant of ``matter`` that ``zone`` holds now: an event dated after a later edition's
    publication acts on that edition's grant, which continued the earlier one."""
    return (
        Grant.objects.active()
        .filter(entry__matter=matter, zone__slug=zone)
        .latest("entry__annual_list__year", "entry__annual_list__edition")
    )


GrantEvent = (
    sichuan_lists.AgreementFact
    | sichuan_lists.HandoverFact
    | sichuan_lists.SupervisionFact
    | sichuan_lists.RecallFact
)

EVENT_ORDER = (
    sichuan_lists.AgreementFact,
    sichuan_lists.HandoverFact,
    sichuan_lists.SupervisionFact,
    sichuan_lists.RecallFact,
)


def _event_day(event: GrantEvent) -> datetime.date:
    if isinstance(event, sichuan_lists.AgreementFact):
        return event.signed_on
    if isinstance(event, sichuan_lists.HandoverFact):
        return event.handed_over_on
    if isinstance(event, sichuan_lists.SupervisionFact):
        return event.filed_on
    return event.recalled_on


def _play_grant_event(event: GrantEvent, grant: Grant) -> None:
    if isinstance(event, sichuan_lists.AgreementFact):
        grant_services.sign_entrustment_agreement(
            grant=grant,
            number=event.number,
            signed_on=event.signed_on,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            covers_decision=event.covers_decision,
            document=event.document,
            signed_by=SYSTEM,
        )
    elif isinstance(event, sichuan_lists.HandoverFact):
        grant_services.record_handover(
            grant=grant, handed_over_on=event.handed_over_on, recorded_by=SYSTEM
        )
    elif isinstance(event, sichuan_lists.SupervisionFact):
        grant_services.file_supervision_measures(
            grant=grant, filed_on=event.filed_on, document=event.document, filed_by=SYSTEM
        )
    else:
        grant_services.recall_grant(
            grant=grant, recalled_on=event.recalled_on, reason=event.reason, recalled_by=SYSTEM
        )


def _grant_events(
    lookups: _Lookups,
    events: Sequence[GrantEvent],
    *,
    after: datetime.date,
    until: datetime.date,
) -> None:
    """Agreements, handovers, supervision filings and recalls dated in (``after``, ``until``],
    in the order they happened (agreements first on a day: an entrusted grant is handed over
    once effective), each through its service on the grant in force that day. Delegated grants
    take effect as their day comes, as the daily ``activate_grants`` job makes them."""
    due = sorted(
        (event for event in events if after < _event_day(event) <= until),
        key=lambda event: (_event_day(event), EVENT_ORDER.index(type(event))),
    )
    for event in due:
        with stamped(_event_day(event)):
            grant_services.activate_due_grants(on=_event_day(event), activated_by=SYSTEM)
            _play_grant_event(event, _active_grant(lookups.matters[event.matter], event.zone))
    with stamped(until):
        grant_services.activate_due_grants(on=until, activated_by=SYSTEM)


# The office re-signs an agreement ten days before it ends, once the renewal reminder (15 days
# ahead by default) has reached it, for another three years (illustrative).
RENEWAL_LEAD = datetime.timedelta(days=10)
RENEWAL_TERM_YEARS = 3


def _renewal_number(agreement: EntrustmentAgreement, signed_on: datetime.date) -> str:
    """The renewal's number in the form of the one it renews (``川环委〔2025〕6号`` →
    ``川环委〔2026〕106号``), the first one free."""
    prefix, _, rest = agreement.number.partition("〔")
    sequence = 100 + int("".join(filter(str.isdigit, rest.partition("〕")[2])))
    while EntrustmentAgreement.objects.filter(
        number=f"{prefix}〔{signed_on.year}〕{sequence}号"
    ).exists():
        sequence += 1
    return f"{prefix}〔{signed_on.year}〕{sequence}号"


def _term_end(starts_on: datetime.date) -> datetime.date:
    """The last day of a term of ``RENEWAL_TERM_YEARS`` years starting on ``starts_on``."""
    day = 28 if (starts_on.month, starts_on.day) == (2, 29) else starts_on.day
    return starts_on.replace(year=starts_on.year + RENEWAL_TERM_YEARS, day=day) - (
        datetime.timedelta(days=1)
    )


def _renew_agreements(batch: Batch, *, after: datetime.date, until: datetime.date) -> None:
    """Every entrustment agreement of a grant still in force whose renewal fell due in
    (``after``, ``until``] is renewed on the grant in force, so that no live grant rests on an
    expired agreement; a grant recalled or withdrawn keeps its agreement as it ended."""
    grants = Grant.objects.active().filter(
        entry__annual_list__batch=batch, entry__mode__code__in=["entrust", "both"]
    )
    for grant in grants.select_related("previous_grant"):
        lineage = [grant.pk]
        earlier = grant.previous_grant
        while earlier is not None:
            lineage.append(earlier.pk)
            earlier = earlier.previous_grant
        latest = (
            EntrustmentAgreement.objects.filter(grant_id__in=lineage)
            .order_by("-ends_on", "-pk")
            .first()
        )
        while latest is not None and after < latest.ends_on - RENEWAL_LEAD <= until:
            signed_on = latest.ends_on - RENEWAL_LEAD
            starts_on = latest.ends_on + datetime.timedelta(days=1)
            with stamped(signed_on):
                latest = grant_services.sign_entrustment_agreement(
                    grant=grant,
                    number=_renewal_number(latest, signed_on),
                    signed_on=signed_on,
                    starts_on=starts_on,
                    ends_on=_term_end(starts_on),
                    covers_acceptance=latest.covers_acceptance,
                    covers_review=latest.covers_review,
                    covers_decision=latest.covers_decision,
                    renews=latest,
                    signed_by=SYSTEM,
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
        created_by=SYSTEM,
    )
    for entry in sichuan_lists.ENTRIES_2023:
        _add_entry(annual_list, entry, lookups)
    _approve_and_publish(annual_list, fact)
    return annual_list


def _open_demand_window(batch: Batch) -> DemandWindow:
    year = sichuan_lists.EDITION_2024.year
    window = batch.demand_windows.filter(year=year).first()
    if window is not None:
        return window
    opens_on, closes_on = sichuan_lists.DEMAND_WINDOW_2024
    return matter_services.open_demand_window(
        year=year, batch=batch, opens_on=opens_on, closes_on=closes_on, opened_by=SYSTEM
    )


def _file_demands(window: DemandWindow, lookups: _Lookups) -> list[DemandItem]:
    """Each demand filed and answered by its department; each offer made."""
    items = []
    for demand in sichuan_lists.DEMANDS_2024:
        with stamped(demand.filed_on or window.opens_on):
            items.append(_file_demand(window, demand, lookups))
    return items


def _file_demand(
    window: DemandWindow, demand: sichuan_lists.DemandFact, lookups: _Lookups
) -> DemandItem:
    """One demand filed and answered, or one offer made."""
    matter = lookups.matters[demand.matter] if demand.matter else None
    if demand.zone is None:
        assert matter is not None  # an offer names its matter  # noqa: S101
        item = matter_services.offer_matter(
            window=window,
            matter=matter,
            justification=demand.justification,
            on=demand.filed_on or window.opens_on,
            is_illustrative=True,
            offered_by=SYSTEM,
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
            filed_by=SYSTEM,
        )
        item = matter_services.answer_demand_item(
            item=item,
            response=demand.response,
            reason=demand.response_reason,
            answered_by=SYSTEM,
        )
    return item


def _grant_use_facts(assessment: GrantAssessment) -> sichuan_assessments.UseFacts:
    return sichuan_assessments.UseFacts(
        is_taken_up=assessment.is_taken_up,
        is_power=assessment.grant.entry.mode.code != "support",
        cases_received=assessment.cases_received,
        supervision_filed=assessment.supervision_filed_on is not None,
        is_flagged_zero_use=assessment.is_flagged_zero_use,
    )


def _sheet_line(
    assessment: GrantAssessment, recommendation: str, reason: str
) -> assessment_services.GrantScores:
    """A grant's line of a round's scoring sheet: the rubric's scores for its use and the
    recommendation they support."""
    return assessment_services.GrantScores(
        grant_assessment=assessment,
        scores=sichuan_assessments.rubric_scores(_grant_use_facts(assessment), recommendation),
        recommendation=recommendation,
        reason=reason,
    )


def _open_round_for_scoring(
    annual_list: AnnualList, fact: sichuan_assessments.RoundFact
) -> AssessmentRound:
    """The round over ``annual_list`` as ``fact`` describes it, opened and ready to score."""
    assessment_round = assessment_services.open_assessment_round(
        annual_list=annual_list,
        title_zh=fact.title_zh,
        title_en=fact.title_en,
        period_starts_on=fact.period_starts_on,
        period_ends_on=fact.period_ends_on,
        opened_on=fact.opened_on,
        zero_use_periods=fact.zero_use_periods,
        evaluating_body=fact.evaluating_body,
        is_illustrative=True,
        opened_by=SYSTEM,
    )
    assessment_services.start_scoring(assessment_round=assessment_round, started_by=SYSTEM)
    return assessment_round


def _assess_2023(predecessor: AnnualList, lookups: _Lookups) -> AnnualList:
    """The round over the 2023 edition (``sichuan_assessments``): opened on the accepted 2023
    reports, every grant scored and recommended, every entry decided, and the 2024 draft derived
    from the decisions. Returns the draft."""
    fact = sichuan_assessments.ROUND_2023
    assessment_round = _open_round_for_scoring(predecessor, fact)
    matter_refs = {matter.pk: ref for ref, matter in lookups.matters.items()}
    decisions = sichuan_assessments.DECISION_BY_MATTER

    def kept_areas(ref: MatterRef) -> frozenset[str] | None:
        decision = decisions.get(ref)
        if decision is None or decision.decision != "adjust" or not decision.areas:
            return None
        return frozenset(decision.areas)

    assessments = assessment_selectors.list_grant_assessments(assessment_round=assessment_round)
    sheet = []
    for assessment in assessments.select_related("grant__entry__mode", "grant__zone"):
        ref = matter_refs[assessment.grant.entry.matter_id]
        recommendation, reason = sichuan_assessments.grant_recommendation(
            ref, assessment.grant.zone.slug, kept_areas=kept_areas(ref)
        )
        sheet.append(_sheet_line(assessment, recommendation, reason))
    assessment_services.score_grants(
        assessment_round=assessment_round, sheet=sheet, scored_by=SYSTEM
    )
    lines = []
    for entry in matter_selectors.list_entries(annual_list=predecessor):
        decision = decisions.get(matter_refs[entry.matter_id])
        if decision is None:
            lines.append(assessment_services.EntryDecisionLine(entry=entry, decision="keep"))
            continue
        lines.append(
            assessment_services.EntryDecisionLine(
                entry=entry,
                decision=decision.decision,
                reason=decision.reason,
                receiving_areas=lookups.areas(decision.areas),
                conditions=decision.conditions,
                notes=decision.notes,
                granting_department=lookups.departments[decision.granting_department]
                if decision.granting_department
                else None,
                supervising_department=lookups.departments[decision.supervising_department]
                if decision.supervising_department
                else None,
            )
        )
    # The office's decisions on the round's entries at once, as it records them in one sitting.
    assessment_services.decide_entries(
        assessment_round=assessment_round,
        lines=lines,
        decided_on=fact.decided_on,
        is_illustrative=True,
        decided_by=SYSTEM,
    )
    return _complete_and_draft(
        assessment_round,
        sichuan_lists.EDITION_2024,
        decided_on=fact.decided_on,
        drafted_on=fact.drafted_on,
    )


def _complete_and_draft(
    assessment_round: AssessmentRound,
    edition: EditionFact,
    *,
    decided_on: datetime.date,
    drafted_on: datetime.date,
) -> AnnualList:
    """Close the round's decisions and draft the edition they make, with the edition's facts."""
    assessment_services.complete_decisions(
        assessment_round=assessment_round, decided_on=decided_on, completed_by=SYSTEM
    )
    return assessment_services.draft_next_edition(
        assessment_round=assessment_round,
        year=edition.year,
        drafted_on=drafted_on,
        title_zh=edition.title_zh,
        title_en=edition.title_en,
        is_illustrative=edition.is_illustrative,
        source=edition.source,
        drafted_by=SYSTEM,
    )


def _seed_2024(batch: Batch, predecessor: AnnualList, lookups: _Lookups) -> AnnualList:
    """Demand; the assessment of 2023, whose decisions draft the 2024 edition (withdrawals and
    modifications with their reasons); accepted demand and the office's own additions; then
    published."""
    fact = sichuan_lists.EDITION_2024
    with stamped(sichuan_lists.DEMAND_WINDOW_2024[0]):
        window = _open_demand_window(batch)
    items = _file_demands(window, lookups)
    with stamped(sichuan_assessments.ROUND_2023.decided_on):
        annual_list = _assess_2023(predecessor, lookups)
    for item, demand in zip(items, sichuan_lists.DEMANDS_2024, strict=True):
        matter_services.decide_demand_item(
            item=item,
            accept=demand.accept,
            reason=demand.decision_reason,
            annual_list=annual_list if demand.accept else None,
            mode=lookups.modes[demand.mode] if demand.mode else None,
            decided_by=SYSTEM,
        )
    for entry in sichuan_lists.DIRECT_ADDITIONS_2024_ENTRIES:
        _add_entry(annual_list, entry, lookups)
    _approve_and_publish(annual_list, fact)
    return annual_list


def _assess_and_draft(predecessor: AnnualList, fact: EditionFact) -> AnnualList:
    """The regular assessment of ``predecessor`` (``sichuan_later``): every grant scored on its
    reported use; a grant recalled during the year recommended for withdrawal, so that its entry
    is narrowed to the areas that keep the power (or withdrawn, when none does); two support
    entries withdrawn or adjusted on the evaluators' findings (``sichuan_later.round_changes``);
    every other grant and entry kept; then the next edition drafted from the decisions, so that
    each change of the next edition rests on the decision behind it."""
    assert predecessor.published_on is not None  # only a published edition is assessed  # noqa: S101
    round_fact = sichuan_later.assessment_round(
        fact.batch, predecessor.year, published_on=predecessor.published_on
    )
    assessment_round = _open_round_for_scoring(predecessor, round_fact)
    live = list(
        matter_selectors.list_entries(annual_list=predecessor)
        .exclude(change=ListEntry.Change.WITHDRAWN)
        .select_related("matter", "mode")
        .order_by("pk")
    )
    # Each live entry's grants with their areas, read once for the round (by area).
    grants_of: dict[int, list[Grant]] = {entry.pk: [] for entry in live}
    for grant in (
        Grant.objects.filter(entry__in=live).select_related("zone").order_by("zone__slug", "pk")
    ):
        grants_of[grant.entry_id].append(grant)
    changes = sichuan_later.round_changes(
        predecessor.year,
        [
            entry.matter.name_zh
            for entry in live
            if entry.mode.code == "support"
            and not any(grant.status == Grant.Status.RECALLED for grant in grants_of[entry.pk])
        ],
    )
    assessments = assessment_selectors.list_grant_assessments(assessment_round=assessment_round)
    sheet = []
    for assessment in assessments.select_related(
        "grant__entry__matter", "grant__entry__mode", "grant__zone"
    ):
        grant = assessment.grant
        change = changes.get(grant.entry.matter.name_zh)
        if grant.status == Grant.Status.RECALLED:
            recommendation, reason = "withdraw", _recall_reason(grant)
        elif change is not None:
            recommendation, reason = change.decision, change.reason
        else:
            recommendation, reason = "keep", ""
        sheet.append(_sheet_line(assessment, recommendation, reason))
    # The whole round's sheet at once, as an evaluator submits it.
    assessment_services.score_grants(
        assessment_round=assessment_round, sheet=sheet, scored_by=SYSTEM
    )
    lines = []
    for entry in live:
        grants = grants_of[entry.pk]
        recalled = [grant for grant in grants if grant.status == Grant.Status.RECALLED]
        kept = [grant.zone for grant in grants if grant.status != Grant.Status.RECALLED]
        change = changes.get(entry.matter.name_zh)
        notes = None
        if recalled:
            decision = "adjust" if kept else "withdraw"
            reason = "；".join(_recall_reason(grant) for grant in recalled)
        elif change is not None:
            decision, reason, notes = change.decision, change.reason, change.notes
        else:
            decision, reason = "keep", ""
        lines.append(
            assessment_services.EntryDecisionLine(
                entry=entry,
                decision=decision,
                reason=reason,
                receiving_areas=kept if recalled and decision == "adjust" else None,
                notes=notes,
            )
        )
    assessment_services.decide_entries(
        assessment_round=assessment_round,
        lines=lines,
        decided_on=round_fact.decided_on,
        is_illustrative=True,
        decided_by=SYSTEM,
    )
    return _complete_and_draft(
        assessment_round,
        fact,
        decided_on=round_fact.decided_on,
        drafted_on=round_fact.drafted_on,
    )


def _recall_reason(grant: Grant) -> str:
    """The office's reason, in Chinese as its staff would write it, for not granting a recalled
    power again."""
    assert grant.ended_on is not None  # a recalled grant has ended  # noqa: S101
    return (
        f"{grant.ended_on.year}年{grant.ended_on.month}月{grant.ended_on.day}日已收回"
        f"{grant.zone.name_zh}的该项授权，下一年度不再授予该区域（示意）"
    )


def _seed_later(batch: Batch, predecessor: AnnualList | None, fact: EditionFact) -> AnnualList:
    """An edition after 2024: drafted from the assessment of its predecessor, or, for a batch's
    first list, loaded by the office's importer from its workbook in the official layout
    (``sichuan_later.workbook``); then approved and published."""
    if predecessor is None:
        annual_list = matter_services.create_annual_list(
            year=fact.year,
            batch=batch,
            title_zh=fact.title_zh,
            title_en=fact.title_en,
            is_illustrative=fact.is_illustrative,
            source=fact.source,
            created_by=SYSTEM,
        )
        path = sichuan_later.workbook(fact)
        with path.open("rb") as workbook:
            matter_services.import_list_workbook(
                annual_list=annual_list,
                workbook=workbook,
                imported_by=SYSTEM,
                source_name=path.name,
                is_illustrative=fact.is_illustrative,
            )
    else:
        assert predecessor.published_on is not None  # only a published edition is assessed  # noqa: S101
        decided_on = sichuan_later.assessment_round(
            fact.batch, predecessor.year, published_on=predecessor.published_on
        ).decided_on
        with stamped(decided_on):
            annual_list = _assess_and_draft(predecessor, fact)
    _approve_and_publish(annual_list, fact)
    return annual_list


def _seed_edition(
    batch: Batch, predecessor: AnnualList | None, fact: EditionFact, lookups: _Lookups
) -> AnnualList:
    if fact is sichuan_lists.EDITION_2023:
        return _seed_2023(batch, lookups)
    if fact is sichuan_lists.EDITION_2024:
        assert predecessor is not None  # noqa: S101
        return _seed_2024(batch, predecessor, lookups)
    return _seed_later(batch, predecessor, fact)


def _seed_batch(
    report: SeedReport,
    *,
    batch_number: int,
    facts: list[EditionFact],
    events: Sequence[GrantEvent],
    as_of: datetime.date,
) -> None:
    """The batch's editions published by ``as_of``, in order: each made from its predecessor,
    then the grant events up to the next publication (or ``as_of``), then its reports."""
    batch = region_selectors.get_batch(number=batch_number)
    if batch is None:  # the batch starts after as_of
        return
    lookups = _Lookups.load()
    published = [fact for fact in facts if fact.published_on <= as_of]
    predecessor: AnnualList | None = None
    for index, fact in enumerate(published):
        following = published[index + 1] if index + 1 < len(published) else None
        edition = matter_selectors.get_annual_list(year=fact.year, batch_number=batch_number)
        if edition is None:
            with stamped(fact.published_on):
                edition = _seed_edition(batch, predecessor, fact, lookups)
            edition.refresh_from_db()  # the services published their own copy
            after = _day_before(fact.published_on)
            until = _day_before(following.published_on) if following else as_of
            _grant_events(lookups, events, after=after, until=until)
            _renew_agreements(batch, after=after, until=until)
        zero_use = sichuan_assessments.ZERO_USE_2023 if fact is sichuan_lists.EDITION_2023 else ()
        seed_reports(
            report,
            annual_list=edition,
            as_of=as_of,
            zero_use_entry_codes=[lookups.matters[ref].code or ref.name_zh for ref in zero_use],
        )
        predecessor = edition


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
    return list(AnnualList.objects.filter(batch__number__in=[1, sichuan_later.BATCH_TWO]))


def _day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


@transaction.atomic
def seed_lists(report: SeedReport, *, as_of: datetime.date) -> None:
    """Each batch's editions published by ``as_of``, one a year: batch 1's 2023 and 2024
    editions with their demand and grant events (``sichuan_lists``) and the assessment of 2023
    whose decisions drafted 2024 (``sichuan_assessments``); the later editions of both batches,
    each drafted from the assessment of the one before (``sichuan_later``); and each edition's
    reports (``sichuan_reporting``). Grant events between two editions act on the grants in
    force on their day; nothing dated after ``as_of`` happens. An edition that exists is left
    alone, with everything that follows from it."""
    before = _list_counts(_demo_editions())
    _seed_support_matters(report)
    _seed_batch(
        report,
        batch_number=sichuan_lists.BATCH,
        facts=[
            sichuan_lists.EDITION_2023,
            sichuan_lists.EDITION_2024,
            *sichuan_later.editions(sichuan_lists.BATCH, as_of=as_of),
        ],
        events=[
            *sichuan_lists.AGREEMENTS,
            *sichuan_lists.HANDOVERS,
            *sichuan_lists.SUPERVISION,
            *sichuan_lists.RECALLS,
        ],
        as_of=as_of,
    )
    _seed_batch(
        report,
        batch_number=sichuan_later.BATCH_TWO,
        facts=sichuan_later.editions(sichuan_later.BATCH_TWO, as_of=as_of),
        events=[
            *sichuan_later.BATCH_TWO_AGREEMENTS,
            *sichuan_later.BATCH_TWO_HANDOVERS,
            *(event for events in sichuan_later.pending_renewal(as_of) for event in events),
        ],
        as_of=as_of,
    )
    after = _list_counts(_demo_editions())
    for kind, count in after.items():
        report.add(kind, created=count - before[kind], existing=before[kind])


def check_as_of(as_of: datetime.date) -> None:
    if as_of < PROGRAMME_STARTS_ON:
        raise DomainError(
            "before_programme",
            _("The programme began on %(date)s; seed the demo as of that day or later.")
            % {"date": PROGRAMME_STARTS_ON.isoformat()},
            field="as_of",
        )


def seed(
    *, with_users: bool, with_lists: bool = False, as_of: datetime.date | None = None
) -> SeedReport:
    """The programme as it stood on ``as_of`` (default today; refused before the programme
    began, with nothing written). ``with_lists`` adds the annual lists and their grants
    (``seed_lists``): the full demo, a few seconds longer."""
    as_of = as_of or timezone.localdate()
    check_as_of(as_of)
    report = SeedReport()
    # Each step's history and audit rows carry the day it happened (``stamping``); what no step
    # dates, the registry and catalogue the programme started with or anything else, carries
    # the programme's first day or ``as_of``. The facts are known to be valid: the database
    # alone checks the constraints, and each step is one transaction without savepoints.
    with loading_known_good_data(), stamped(as_of):
        with stamped(PROGRAMME_STARTS_ON):
            seed_registry(report, as_of=as_of)
            seed_catalogue(report)
            if with_users:
                seed_demo_users(report)  # before the reports, so that their notices reach them
        if with_lists:
            seed_lists(report, as_of=as_of)
            seed_economy(report, as_of=as_of)
            with stamped(min(sichuan_selection.AS_OF, as_of)):
                seed_selection(report, as_of=as_of)
            # Last: it scores the reports and assessments seeded above.
            seed_performance(report, as_of=as_of)
    return report
