"""A simulated national-scale data set, generated on demand to measure pages, API and jobs.

Every row is labelled: zones, departments, matters, editions, grants, reports and usage lines are
``is_illustrative``, observations ``is_simulated``, and each carries :data:`SOURCE` where the model
has a source. The same options and seed give the same rows. Rows are written with bulk inserts
in batches, each model's history rows with simple-history's bulk helper and audit events in the
proportion the services would write them (one per zone, batch, membership, edition and accepted
report), so history and audit pages face the same volumes as in production.

Shape, from the sizes asked for: provinces take real GB/T 2260 codes (Sichuan first, so a
one-province set extends the reference divisions); each has prefectures numbered from 01 and
zones spread over them; pilot areas are split into batches so that entries x areas per batch
meet the grants asked for; each batch has one published edition with every entry granted to
every area; quarterly reporting cycles follow until the usage lines asked for are written; zone,
prefecture and province observations of the demo's indicators cover the years, then later
releases (revisions), until the observations asked for are written.
"""

import datetime
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.db import models
from simple_history.utils import bulk_create_with_history

from devolve.core.actions import system_text
from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent
from devolve.demo.sichuan_economy import ensure_indicators
from devolve.grants.models import Grant
from devolve.indicators.models import Indicator, Observation, SubjectKind
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    Department,
    ListEntry,
    Matter,
    MatterType,
)
from devolve.matters.rules import MATTER_KEY_ALPHABET, MATTER_KEY_LENGTH
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.reporting.models import ApprovalStep, AreaReport, ReportingCycle, UsageLine

SOURCE = "Simulated by devolve generate_scale: invented values for measuring scale."
REASON = system_text("demo.scale_generated")
SLUG_PREFIX = "sim-"

# GB/T 2260 province-level codes, Sichuan first; names are the divisions' own.
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("510000", "四川省", "Sichuan"),
    ("110000", "北京市", "Beijing"),
    ("120000", "天津市", "Tianjin"),
    ("130000", "河北省", "Hebei"),
    ("140000", "山西省", "Shanxi"),
    ("150000", "内蒙古自治区", "Inner Mongolia"),
    ("210000", "辽宁省", "Liaoning"),
    ("220000", "吉林省", "Jilin"),
    ("230000", "黑龙江省", "Heilongjiang"),
    ("310000", "上海市", "Shanghai"),
    ("320000", "江苏省", "Jiangsu"),
    ("330000", "浙江省", "Zhejiang"),
    ("340000", "安徽省", "Anhui"),
    ("350000", "福建省", "Fujian"),
    ("360000", "江西省", "Jiangxi"),
    ("370000", "山东省", "Shandong"),
    ("410000", "河南省", "Henan"),
    ("420000", "湖北省", "Hubei"),
    ("430000", "湖南省", "Hunan"),
    ("440000", "广东省", "Guangdong"),
    ("450000", "广西壮族自治区", "Guangxi"),
    ("460000", "海南省", "Hainan"),
    ("500000", "重庆市", "Chongqing"),
    ("520000", "贵州省", "Guizhou"),
    ("530000", "云南省", "Yunnan"),
    ("540000", "西藏自治区", "Tibet"),
    ("610000", "陕西省", "Shaanxi"),
    ("620000", "甘肃省", "Gansu"),
    ("630000", "青海省", "Qinghai"),
    ("640000", "宁夏回族自治区", "Ningxia"),
    ("650000", "新疆维吾尔自治区", "Xinjiang"),
)
# Zones per prefecture, roughly as in the national registry (about 2,700 zones in 330 cities).
ZONES_PER_PREFECTURE = 8
# The last quarter any cycle covers: the set ends before the programme's present.
LAST_YEAR = 2025
FIRST_OBSERVED_YEAR = 2015
DELEGATION_EFFECTIVE_DAYS = 30
SUPPORT_SHARE = 0.1
# Usage lines come a quarter's grants at a time; twenty years of quarters at most.
MAX_CYCLES = 80

type Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScaleOptions:
    provinces: int = 31
    zones: int = 2700
    pilot_areas: int = 366
    departments: int = 60
    entries: int = 5818
    grants: int = 300_000
    usage_rows: int = 10_000_000
    observations: int = 1_000_000
    seed: int = 1
    batch_size: int = 5000

    def check(self) -> None:
        limits = {
            "provinces": (1, len(PROVINCES), self.provinces),
            "zones": (1, 1_000_000, self.zones),
            "pilot_areas": (1, self.zones, self.pilot_areas),
            "departments": (1, 9999, self.departments),
            "entries": (1, 10_000_000, self.entries),
            "grants": (1, 10**9, self.grants),
            "usage_rows": (0, 10**10, self.usage_rows),
            "observations": (0, 10**10, self.observations),
            "batch_size": (1, 100_000, self.batch_size),
        }
        for name, (low, high, value) in limits.items():
            if not low <= value <= high:
                raise DomainError(
                    "invalid", f"{name.replace('_', '-')} must lie between {low} and {high}."
                )

    @property
    def batches(self) -> int:
        """Batches such that entries x areas per batch ≈ the grants asked for."""
        wanted = round(self.entries * self.pilot_areas / self.grants)
        return max(1, min(self.pilot_areas, self.entries, wanted))


@dataclass
class ScaleReport:
    written: dict[str, int]
    seconds: float


def _chunks[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Writer:
    """Bulk inserts in batches, with history rows and a progress line per batch."""

    def __init__(self, *, batch_size: int, progress: Progress) -> None:
        self.batch_size = batch_size
        self.progress = progress
        self.written: dict[str, int] = {}

    def write[M: models.Model](
        self, label: str, model: type[M], rows: Iterable[M], *, total: int, history: bool = True
    ) -> list[M]:
        """Insert ``rows``; returns them with primary keys (keep only what is needed: for the
        big tables pass a generator and use :meth:`stream`)."""
        saved: list[M] = []
        for chunk in self.stream(label, model, rows, total=total, history=history):
            saved.extend(chunk)
        return saved

    def stream[M: models.Model](
        self, label: str, model: type[M], rows: Iterable[M], *, total: int, history: bool = True
    ) -> Iterator[list[M]]:
        done = self.written.get(label, 0)
        for chunk in _chunks(rows, self.batch_size):
            if history:
                created = bulk_create_with_history(
                    chunk, model, batch_size=self.batch_size, default_change_reason=REASON
                )
            else:
                created = model._default_manager.bulk_create(chunk, batch_size=self.batch_size)
            done += len(created)
            self.written[label] = done
            self.progress(label, done, total)
            yield created
        self.written.setdefault(label, done)


def _events(action: str, targets: Iterable[tuple[str, int, str]]) -> Iterator[AuditEvent]:
    for target_type, target_id, label in targets:
        yield AuditEvent(
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            target_label=label[:255],
            reason=REASON,
            details={"simulated": True},
        )


def _matter_keys(rng: random.Random, count: int) -> list[str]:
    taken = set(Matter.objects.values_list("key", flat=True))
    keys: list[str] = []
    while len(keys) < count:
        key = "".join(rng.choice(MATTER_KEY_ALPHABET) for _ in range(MATTER_KEY_LENGTH))
        if key not in taken:
            taken.add(key)
            keys.append(key)
    return keys


def _quarter_start(on: datetime.date) -> datetime.date:
    return datetime.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)


def _next_quarter(start: datetime.date) -> datetime.date:
    month = start.month + 3
    return datetime.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def generate_scale(options: ScaleOptions, *, progress: Progress) -> ScaleReport:
    """Write the simulated data set into a migrated database; refuses to run twice."""
    options.check()
    if Zone.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise DomainError("duplicate", "A simulated data set is already in this database.")
    started = time.perf_counter()
    rng = random.Random(options.seed)  # noqa: S311 — simulated values, not secrets
    modes = _mode_plan(options, rng)
    cycles = _cycles(options, modes)
    if cycles > MAX_CYCLES:
        raise DomainError(
            "invalid",
            f"{options.usage_rows:,} usage lines need {cycles} quarters of these grants; "
            f"ask for more grants or fewer usage lines (at most {MAX_CYCLES} quarters).",
        )
    writer = _Writer(batch_size=options.batch_size, progress=progress)
    prefectures = _divisions(options, writer)
    departments = _departments(options, writer)
    zones = _zones(options, rng, prefectures, writer)
    pilot_areas = rng.sample(zones, options.pilot_areas)
    first_year = LAST_YEAR - math.ceil(cycles / 4)
    members = _batches(options, pilot_areas, first_year, writer)
    editions = _editions(options, rng, modes, departments, members, first_year, writer)
    grants = _grants(rng, editions, members, writer)
    _reports(options, rng, cycles, editions, members, grants, writer)
    _observations(options, rng, zones, prefectures, writer)
    return ScaleReport(written=writer.written, seconds=time.perf_counter() - started)


def _divisions(options: ScaleOptions, writer: _Writer) -> list[Division]:
    existing = {division.code: division for division in Division.objects.all()}
    provinces: list[Division] = []
    new_provinces = []
    for code, name_zh, name_en in PROVINCES[: options.provinces]:
        if code in existing:
            provinces.append(existing[code])
        else:
            province = Division(code=code, level="province", name_zh=name_zh, name_en=name_en)
            new_provinces.append(province)
            provinces.append(province)
    writer.write("divisions", Division, new_provinces, total=len(new_provinces))
    per_province = max(1, math.ceil(options.zones / options.provinces / ZONES_PER_PREFECTURE))
    per_province = min(per_province, 99)
    prefectures: list[Division] = []
    new_prefectures = []
    for province in provinces:
        for number in range(1, per_province + 1):
            code = f"{province.code[:2]}{number:02d}00"
            if code in existing:
                prefectures.append(existing[code])
                continue
            prefecture = Division(
                code=code,
                level="prefecture",
                name_zh=f"模拟地市{code}",
                name_en=f"Simulated prefecture {code}",
                parent=province,
            )
            new_prefectures.append(prefecture)
            prefectures.append(prefecture)
    writer.write(
        "divisions", Division, new_prefectures, total=len(new_provinces) + len(new_prefectures)
    )
    return prefectures


def _departments(options: ScaleOptions, writer: _Writer) -> list[Department]:
    rows = (
        Department(
            code=f"{SLUG_PREFIX}department-{number:04d}",
            name_zh=f"模拟省直部门{number:04d}",
            name_en=f"Simulated department {number:04d}",
            is_illustrative=True,
            source=SOURCE,
        )
        for number in range(1, options.departments + 1)
    )
    return writer.write("departments", Department, rows, total=options.departments)


def _zones(
    options: ScaleOptions, rng: random.Random, prefectures: list[Division], writer: _Writer
) -> list[Zone]:
    kinds = [kind.value for kind in Zone.Kind]
    levels = ["national", "provincial", ""]

    def rows() -> Iterator[Zone]:
        for number in range(1, options.zones + 1):
            prefecture = prefectures[(number - 1) % len(prefectures)]
            yield Zone(
                slug=f"{SLUG_PREFIX}{prefecture.code}-{number:06d}",
                name_zh=f"模拟开发区{number:06d}",
                name_en=f"Simulated zone {number:06d}",
                kind=rng.choice(kinds),
                level=rng.choice(levels),
                prefecture=prefecture,
                management_committee_zh=f"模拟开发区{number:06d}管理委员会",
                management_committee_en=f"Simulated zone {number:06d} management committee",
                established_on=datetime.date(1990, 1, 1)
                + datetime.timedelta(days=rng.randrange(25 * 365)),
                is_illustrative=True,
                source=SOURCE,
            )

    zones = writer.write("zones", Zone, rows(), total=options.zones)
    writer.write(
        "audit events",
        AuditEvent,
        _events("zone.registered", ((Zone._meta.label, zone.pk, zone.name_zh) for zone in zones)),
        total=options.zones,
        history=False,
    )
    return zones


def _batches(
    options: ScaleOptions, pilot_areas: list[Zone], first_year: int, writer: _Writer
) -> dict[int, list[Zone]]:
    """Batch id → its pilot areas (the sampled zones dealt out in turn)."""
    first = (Batch.objects.aggregate(highest=models.Max("number"))["highest"] or 0) + 1
    count = options.batches
    start_year = first_year
    batches = writer.write(
        "batches",
        Batch,
        (
            Batch(
                number=first + offset,
                approving_meeting_zh=f"模拟批次{first + offset}审议会议",
                approving_meeting_en=f"Simulated meeting approving batch {first + offset}",
                approved_on=datetime.date(start_year - 1, 11, 1 + offset % 28),
                announced_on=datetime.date(start_year - 1, 12, 1 + offset % 28),
                starts_on=datetime.date(start_year - 1, 12, 1 + offset % 28),
                is_illustrative=True,
                source=SOURCE,
            )
            for offset in range(count)
        ),
        total=count,
    )
    members: dict[int, list[Zone]] = {batch.pk: [] for batch in batches}
    memberships: list[BatchMembership] = []
    for index, zone in enumerate(pilot_areas):
        batch = batches[index % count]
        members[batch.pk].append(zone)
        memberships.append(
            BatchMembership(batch=batch, zone=zone, joined_on=batch.starts_on, is_illustrative=True)
        )
    written = writer.write("memberships", BatchMembership, memberships, total=len(memberships))
    writer.write(
        "audit events",
        AuditEvent,
        _events(
            "batch.created", ((Batch._meta.label, batch.pk, str(batch.number)) for batch in batches)
        ),
        total=options.zones + count,
        history=False,
    )
    writer.write(
        "audit events",
        AuditEvent,
        _events(
            "batch_membership.added",
            ((BatchMembership._meta.label, row.pk, row.zone.name_zh) for row in written),
        ),
        total=options.zones + count + len(written),
        history=False,
    )
    return members


def _mode_plan(options: ScaleOptions, rng: random.Random) -> list[str]:
    """The authorization mode of each matter, by its number: a tenth are support matters; of the
    powers, six in ten are delegated, three entrusted, one both."""
    powers = ["delegate"] * 6 + ["entrust"] * 3 + ["both"]
    return [
        "support" if rng.random() < SUPPORT_SHARE else rng.choice(powers)
        for _ in range(options.entries)
    ]


def _area_counts(options: ScaleOptions) -> list[int]:
    """Pilot areas per batch, in batch order (the areas are dealt out in turn)."""
    count = options.batches
    return [len(range(offset, options.pilot_areas, count)) for offset in range(count)]


def _cycles(options: ScaleOptions, modes: list[str]) -> int:
    """Quarterly cycles needed for the usage lines asked for. Only delegated grants report use
    (support matters do not report; entrusted ones wait for their agreement), one line each a
    quarter; matter number n sits in the edition of batch n mod batches."""
    areas = _area_counts(options)
    reporting = sum(
        areas[number % options.batches] for number, mode in enumerate(modes) if mode == "delegate"
    )
    if options.usage_rows == 0:
        return 1
    return math.ceil(options.usage_rows / max(1, reporting))


@dataclass(frozen=True)
class _Edition:
    annual_list: AnnualList
    entries: list[ListEntry]
    modes: dict[int, str]  # entry id → mode code


def _editions(
    options: ScaleOptions,
    rng: random.Random,
    mode_plan: list[str],
    departments: list[Department],
    members: dict[int, list[Zone]],
    year: int,
    writer: _Writer,
) -> list[_Edition]:
    modes = {mode.code: mode for mode in AuthorizationMode.objects.all()}
    matter_types = list(MatterType.objects.order_by("sort_order"))
    keys = _matter_keys(rng, options.entries)
    support = [mode == "support" for mode in mode_plan]
    matters = writer.write(
        "matters",
        Matter,
        (
            Matter(
                key=keys[number],
                code="" if support[number] else f"SIM{number + 1:09d}",
                name_zh=f"模拟事项{number + 1:07d}",
                name_en=f"Simulated matter {number + 1:07d}",
                kind="support" if support[number] else "power",
                matter_type=None if support[number] else rng.choice(matter_types),
                competent_department=departments[number % len(departments)],
                legal_basis="" if support[number] else "模拟法律依据",
                is_illustrative=True,
                source=SOURCE,
            )
            for number in range(options.entries)
        ),
        total=options.entries,
    )
    batch_ids = sorted(members)
    lists = writer.write(
        "editions",
        AnnualList,
        (
            AnnualList(
                year=year,
                batch_id=batch_id,
                edition=1,
                status=AnnualList.Status.PUBLISHED,
                title_zh=f"{year}年模拟批次集成授权事项清单（{index + 1}）",
                title_en=f"{year} simulated list for batch id {batch_id}",
                document_number=f"模拟〔{year}〕{index + 1}号",
                approved_on=datetime.date(year, 1, 5),
                published_on=datetime.date(year, 1, 10 + index % 18),
                delegation_effective_days=DELEGATION_EFFECTIVE_DAYS,
                is_illustrative=True,
                source=SOURCE,
            )
            for index, batch_id in enumerate(batch_ids)
        ),
        total=len(batch_ids),
    )
    editions: list[_Edition] = []
    for index, annual_list in enumerate(lists):
        rows = []
        numbers = range(index, options.entries, len(lists))
        for sequence, number in enumerate(numbers, start=1):
            matter = matters[number]
            mode = modes[mode_plan[number]]
            rows.append(
                ListEntry(
                    annual_list=annual_list,
                    sequence=sequence,
                    matter=matter,
                    mode=mode,
                    granting_department_id=matter.competent_department_id,
                    all_areas=True,
                    change=ListEntry.Change.ADDED,
                    is_illustrative=True,
                )
            )
        entries = writer.write("entries", ListEntry, rows, total=options.entries)
        codes = {mode.pk: mode.code for mode in modes.values()}
        editions.append(
            _Edition(
                annual_list=annual_list,
                entries=entries,
                modes={entry.pk: codes[entry.mode_id] for entry in entries},
            )
        )
    writer.write(
        "audit events",
        AuditEvent,
        _events(
            "annual_list.published",
            ((AnnualList._meta.label, row.pk, row.title_zh) for row in lists),
        ),
        total=writer.written["audit events"] + len(lists),
        history=False,
    )
    return editions


def _grants(
    rng: random.Random,
    editions: list[_Edition],
    members: dict[int, list[Zone]],
    writer: _Writer,
) -> dict[tuple[int, int], list[int]]:
    """(edition id, zone id) → ids of the delegated grants, which report use."""
    total = sum(
        len(edition.entries) * len(members[edition.annual_list.batch_id]) for edition in editions
    )
    held: dict[tuple[int, int], list[int]] = {}
    for edition in editions:
        published_on = edition.annual_list.published_on
        assert published_on is not None  # noqa: S101 — written published above
        effective_on = published_on + datetime.timedelta(days=DELEGATION_EFFECTIVE_DAYS)

        def rows(
            edition: _Edition = edition,
            published_on: datetime.date = published_on,
            effective_on: datetime.date = effective_on,
        ) -> Iterator[Grant]:
            for entry in edition.entries:
                mode = edition.modes[entry.pk]
                for zone in members[edition.annual_list.batch_id]:
                    grant = Grant(entry=entry, zone=zone, is_illustrative=True)
                    if mode in {"entrust", "both"}:
                        grant.status = Grant.Status.AWAITING_AGREEMENT
                    else:
                        starts = published_on if mode == "support" else effective_on
                        grant.status = Grant.Status.EFFECTIVE
                        grant.effective_on = starts
                        if mode == "delegate":
                            grant.handover_due_on = starts + datetime.timedelta(days=28)
                            if rng.random() < 0.6:
                                grant.status = Grant.Status.HANDED_OVER
                                grant.handed_over_on = starts + datetime.timedelta(
                                    days=rng.randrange(1, 60)
                                )
                    yield grant

        for chunk in writer.stream("grants", Grant, rows(), total=total):
            for grant in chunk:
                if edition.modes[grant.entry_id] == "delegate":
                    held.setdefault((edition.annual_list.pk, grant.zone_id), []).append(grant.pk)
    writer.write(
        "audit events",
        AuditEvent,
        _events(
            "grants.created",
            (
                (AnnualList._meta.label, edition.annual_list.pk, edition.annual_list.title_zh)
                for edition in editions
            ),
        ),
        total=writer.written["audit events"] + len(editions),
        history=False,
    )
    return held


def _reports(
    options: ScaleOptions,
    rng: random.Random,
    cycles_each: int,
    editions: list[_Edition],
    members: dict[int, list[Zone]],
    held: dict[tuple[int, int], list[int]],
    writer: _Writer,
) -> None:
    if options.usage_rows == 0:
        return
    cycle_rows = []
    for edition in editions:
        published_on = edition.annual_list.published_on
        assert published_on is not None  # noqa: S101 — written published above
        start = _next_quarter(_quarter_start(published_on))
        for sequence in range(1, cycles_each + 1):
            following = _next_quarter(start)
            period_end = following - datetime.timedelta(days=1)
            cycle_rows.append(
                ReportingCycle(
                    annual_list=edition.annual_list,
                    frequency=ReportingCycle.Frequency.QUARTERLY,
                    sequence=sequence,
                    period_start=start,
                    period_end=period_end,
                    opens_on=following,
                    due_on=following + datetime.timedelta(days=14),
                    locks_on=following + datetime.timedelta(days=30),
                    is_illustrative=True,
                )
            )
            start = following
    cycles = writer.write("cycles", ReportingCycle, cycle_rows, total=len(cycle_rows))
    remaining = options.usage_rows
    # Cycle by cycle across editions, so a smaller set still covers every edition.
    by_sequence = sorted(cycles, key=lambda cycle: (cycle.sequence, cycle.annual_list_id))
    for cycle in by_sequence:
        if remaining <= 0:
            break
        is_last = cycle.sequence == cycles_each
        zones = members[cycle.annual_list.batch_id]
        reports = []
        for zone in zones:
            status = AreaReport.Status.ACCEPTED
            if is_last:
                status = rng.choice(
                    [
                        AreaReport.Status.DRAFT,
                        AreaReport.Status.SUBMITTED,
                        AreaReport.Status.ACCEPTED,
                    ]
                )
            submitted = None if status == AreaReport.Status.DRAFT else cycle.due_on
            reports.append(
                AreaReport(
                    cycle=cycle,
                    zone=zone,
                    status=status,
                    first_submitted_on=submitted,
                    submitted_on=submitted,
                    reviewed_on=cycle.due_on + datetime.timedelta(days=3)
                    if status == AreaReport.Status.ACCEPTED
                    else None,
                    accepted_on=cycle.due_on + datetime.timedelta(days=7)
                    if status == AreaReport.Status.ACCEPTED
                    else None,
                    is_illustrative=True,
                )
            )
        reports = writer.write("area reports", AreaReport, reports, total=0)
        accepted = [report for report in reports if report.status == AreaReport.Status.ACCEPTED]
        writer.write(
            "approval steps",
            ApprovalStep,
            (
                ApprovalStep(
                    area_report=report,
                    action=action,
                    taken_on=cycle.due_on + datetime.timedelta(days=days),
                )
                for report in accepted
                for action, days in (
                    (ApprovalStep.Action.SUBMITTED, 0),
                    (ApprovalStep.Action.REVIEWED, 3),
                    (ApprovalStep.Action.ACCEPTED, 7),
                )
            ),
            total=0,
        )
        writer.write(
            "audit events",
            AuditEvent,
            _events(
                "reporting.area_report.accepted",
                ((AreaReport._meta.label, report.pk, report.zone.name_zh) for report in accepted),
            ),
            total=0,
            history=False,
        )
        lines = _usage_lines(rng, reports, held, cycle.annual_list_id, limit=remaining)
        for chunk in writer.stream("usage lines", UsageLine, lines, total=options.usage_rows):
            remaining -= len(chunk)


def _usage_lines(
    rng: random.Random,
    reports: list[AreaReport],
    held: dict[tuple[int, int], list[int]],
    edition_id: int,
    *,
    limit: int,
) -> Iterator[UsageLine]:
    written = 0
    for report in reports:
        for grant_id in held.get((edition_id, report.zone_id), []):
            if written >= limit:
                return
            received = rng.randrange(0, 80)
            yield UsageLine(
                report=report,
                grant_id=grant_id,
                cases_received=received,
                cases_completed=rng.randrange(0, received + 1),
                average_handling_days=Decimal(rng.randrange(5, 200)) / 10 if received else None,
                promised_limit_days=20,
                is_illustrative=True,
            )
            written += 1


def _observations(
    options: ScaleOptions,
    rng: random.Random,
    zones: list[Zone],
    prefectures: list[Division],
    writer: _Writer,
) -> None:
    if options.observations == 0:
        return
    indicators = [
        indicator
        for indicator in ensure_indicators(REASON).values()
        if indicator.frequency == Indicator.Frequency.YEAR
    ]
    provinces = Division.objects.filter(pk__in={division.parent_id for division in prefectures})
    subjects: list[tuple[str, Zone | None, Division | None]] = [
        (SubjectKind.ZONE, zone, None) for zone in zones
    ]
    subjects += [(SubjectKind.PREFECTURE, None, division) for division in prefectures]
    subjects += [(SubjectKind.PROVINCE, None, division) for division in provinces]
    levels = {index: rng.uniform(20, 2000) for index in range(len(subjects))}
    years = range(FIRST_OBSERVED_YEAR, LAST_YEAR + 1)

    def rows() -> Iterator[Observation]:
        written = 0
        revision = 0
        while True:
            for year in years:
                for indicator in indicators:
                    for index, (kind, zone, division) in enumerate(subjects):
                        if written >= options.observations:
                            return
                        value = levels[index] * 1.07 ** (year - FIRST_OBSERVED_YEAR)
                        if indicator.kind == Indicator.Kind.GROWTH_RATE:
                            value = rng.uniform(2, 12)
                        elif indicator.kind == Indicator.Kind.COUNT:
                            value = float(round(value))
                        value *= 1 + rng.uniform(-0.02, 0.02) * (revision > 0)
                        yield Observation(
                            indicator=indicator,
                            subject_kind=kind,
                            zone=zone,
                            division=division,
                            year=year,
                            value=Decimal(f"{value:.2f}"),
                            vintage=datetime.date(year + 1 + revision, 3, 1),
                            source=SOURCE,
                            is_simulated=True,
                        )
                        written += 1
            revision += 1

    for _chunk in writer.stream("observations", Observation, rows(), total=options.observations):
        pass


def describe(report: ScaleReport) -> Iterator[str]:
    for label, count in report.written.items():
        yield f"{label}: {count:,}"
    yield f"in {report.seconds:.1f} s"


__all__ = ["SOURCE", "ScaleOptions", "ScaleReport", "describe", "generate_scale"]
