"""Loads the Sichuan demo through the domain services. Safe to run again: records that exist
(matched by their stable keys) are left as they are."""

from dataclasses import dataclass, field

from django.db import transaction

from devolve.accounts import selectors as account_selectors
from devolve.accounts import services as account_services
from devolve.demo import sichuan
from devolve.matters import selectors as matter_selectors
from devolve.matters import services as matter_services
from devolve.regions import selectors as region_selectors
from devolve.regions import services as region_services

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


def seed(*, with_users: bool) -> SeedReport:
    report = SeedReport()
    seed_registry(report)
    seed_catalogue(report)
    if with_users:
        seed_demo_users(report)
    return report
