"""A simulated national-scale data set, generated on demand to measure pages, API and jobs.

Every row is labelled: zones, departments, matters, editions, grants, reports and usage lines are
``is_illustrative``, observations ``is_simulated``, and each carries :data:`SOURCE` where the model
has a source. The same options and seed give the same rows. Rows are written in batches, each
with its creation history row, and audit events in the proportion the services would write them
(one per zone, batch, membership, edition and accepted report), so history and audit pages face
the same volumes as in production. The small tables go in as model objects (bulk inserts and
simple-history's bulk helper); the big ones are streamed as tuples of values, by ``COPY`` on
PostgreSQL (the same rows as through the ORM, which SQLite takes), so the national set's ten
million usage lines take minutes, not hours, in bounded memory.

Shape, from the sizes asked for: provinces take real GB/T 2260 codes (Sichuan first, so a
one-province set extends the reference divisions); each has prefectures numbered from 01 and
zones spread over them; pilot areas are split into batches so that entries x areas per batch
meet the grants asked for; each batch has one published edition with every entry granted to
every area; quarterly reporting cycles follow until the usage lines asked for are written; zone,
prefecture and province observations of the demo's indicators cover the years (from 2015, or
from three years before the batches' first treated year when that is earlier), then later
releases (revisions), until the observations asked for are written.
"""

import datetime
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from devolve.core.actions import system_text
from devolve.core.errors import DomainError
from devolve.core.events import record_events_in_sql
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
from devolve.reporting.services.zero_runs import write_every_zero_run

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
# Observations start in 2015, as the demo's, or earlier when the batches do: each batch's first
# treated year then has observations, and the years before it some too, as in the demo (its
# batch 1, treated from 2023, has eight), so the economy pages compare what they would in use.
FIRST_OBSERVED_YEAR = 2015
PRE_REFORM_YEARS = 3
DELEGATION_EFFECTIVE_DAYS = 30
SUPPORT_SHARE = 0.1
# Usage lines come a quarter's grants at a time; twenty years of quarters at most.
MAX_CYCLES = 80

type Progress = Callable[[str, int, int], None]

# The fields whose values the big tables' rows give, in order (``_Writer.insert``).
GRANT_FIELDS = (
    "entry_id",
    "zone_id",
    "status",
    "effective_on",
    "handover_due_on",
    "handed_over_on",
    "is_illustrative",
)
REPORT_FIELDS = (
    "cycle_id",
    "zone_id",
    "status",
    "first_submitted_on",
    "submitted_on",
    "reviewed_on",
    "accepted_on",
    "is_illustrative",
)
STEP_FIELDS = ("area_report_id", "action", "taken_on")
LINE_FIELDS = (
    "report_id",
    "grant_id",
    "cases_received",
    "cases_completed",
    "average_handling_days",
    "promised_limit_days",
    "is_illustrative",
)
OBSERVATION_FIELDS = (
    "indicator_id",
    "subject_kind",
    "zone_id",
    "division_id",
    "year",
    "value",
    "vintage",
    "source",
    "is_simulated",
)
# Choices as plain strings, which COPY takes as they are.
AWAITING = Grant.Status.AWAITING_AGREEMENT.value
EFFECTIVE = Grant.Status.EFFECTIVE.value
HANDED_OVER = Grant.Status.HANDED_OVER.value
DRAFT = AreaReport.Status.DRAFT.value
SUBMITTED = AreaReport.Status.SUBMITTED.value
ACCEPTED = AreaReport.Status.ACCEPTED.value
STEPS = (
    (ApprovalStep.Action.SUBMITTED.value, 0),
    (ApprovalStep.Action.REVIEWED.value, 3),
    (ApprovalStep.Action.ACCEPTED.value, 7),
)


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
    """Inserts in batches, with history rows and a progress line per batch.

    Small tables go in as model objects (:meth:`write`, :meth:`stream`: Django's bulk insert and
    simple-history's bulk helper). The big ones come as tuples of values for named fields
    (:meth:`insert`), which on PostgreSQL go in by ``COPY``, the table's and its history's, one
    batch at a time, and elsewhere (or with ``copy=False``) become model objects and take the
    first path; either way the same rows are written.
    """

    def __init__(self, *, batch_size: int, progress: Progress, copy: bool) -> None:
        self.batch_size = batch_size
        self.progress = progress
        self.copy = copy
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
        for chunk in _chunks(rows, self.batch_size):
            if history:
                created = bulk_create_with_history(
                    chunk, model, batch_size=self.batch_size, default_change_reason=REASON
                )
            else:
                created = model._default_manager.bulk_create(chunk, batch_size=self.batch_size)
            self.count(label, len(created), total)
            yield created
        self.written.setdefault(label, 0)

    def insert(
        self,
        label: str,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        *,
        total: int,
    ) -> Iterator[tuple[list[tuple[Any, ...]], list[int]]]:
        """Insert ``rows``, each the values of ``fields`` (attribute names: ``zone_id``, not
        ``zone``) in that order, the model's other fields taking their defaults, each with its
        creation history row; yields each batch with the primary keys it got."""
        table = _CopyTable(model, fields) if self.copy else None
        for chunk in _chunks(rows, self.batch_size):
            if table is not None:
                keys = table.copy(chunk)
            else:
                created = bulk_create_with_history(
                    [model(**dict(zip(fields, row, strict=True))) for row in chunk],
                    model,
                    batch_size=self.batch_size,
                    default_change_reason=REASON,
                )
                keys = [row.pk for row in created]
            self.count(label, len(chunk), total)
            yield chunk, keys
        self.written.setdefault(label, 0)

    def count(self, label: str, rows: int, total: int) -> None:
        self.written[label] = self.written.get(label, 0) + rows
        self.progress(label, self.written[label], total)


class _CopyTable:
    """``COPY`` of rows given as values of some fields into a model's table and its history
    table (PostgreSQL). The other fields take their default (``auto_now_add`` ones the time of
    the batch), as the model's constructor would give them; each batch takes its primary keys
    from the table's sequence first, so that the history rows and the caller can name the rows,
    and is one transaction. Given values go to psycopg as they are (ints, strings, dates,
    decimals, None: a choice as its string, no JSON); the defaults are prepared by their field."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.given: list[models.Field[Any, Any]] = []
        for name in fields:
            field = meta.get_field(name)
            assert isinstance(field, models.Field)  # noqa: S101 — a column, not a relation
            self.given.append(field)
        named = {field.attname for field in self.given}
        self.others = [
            field
            for field in meta.concrete_fields
            if not field.primary_key and field.attname not in named
        ]
        pk = meta.pk
        assert pk is not None  # noqa: S101 — every model has one
        columns = [str(pk.column)] + [str(field.column) for field in self.given + self.others]
        quote = connection.ops.quote_name
        self.reserve_sql = (
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
        )
        self.reserve_params = [meta.db_table, pk.column]
        self.copy_sql = (
            f"COPY {quote(meta.db_table)} ({', '.join(quote(column) for column in columns)}) "
            "FROM STDIN"
        )
        self.history_sql = ""
        self.tracked: list[int] = []
        history = getattr(model, "history", None)
        if history is not None and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            history_model = history.model
            tracked = {field.column for field in history_model.tracked_fields}
            self.tracked = [index for index, column in enumerate(columns) if column in tracked]
            history_columns = [columns[index] for index in self.tracked] + [
                "history_date",
                "history_change_reason",
                "history_type",
                "history_user_id",
            ]
            self.history_sql = (
                f"COPY {quote(history_model._meta.db_table)} "
                f"({', '.join(quote(column) for column in history_columns)}) FROM STDIN"
            )

    def _defaults(self) -> tuple[Any, ...]:
        now = timezone.now()
        values = []
        for field in self.others:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value: Any = now
            else:
                value = field.get_default()
            values.append(field.get_db_prep_save(value, connection))
        return tuple(values)

    def copy(self, chunk: list[tuple[Any, ...]]) -> list[int]:
        defaults = self._defaults()
        history_tail = (timezone.now(), REASON, "+", None)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(self.reserve_sql, [*self.reserve_params, len(chunk)])
            keys = [int(row[0]) for row in cursor.fetchall()]
            rows = [(key, *values, *defaults) for key, values in zip(keys, chunk, strict=True)]
            raw = cursor.cursor  # psycopg's own cursor, which has COPY
            with raw.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if self.history_sql:
                tracked = self.tracked
                with raw.copy(self.history_sql) as copy:
                    for row in rows:
                        copy.write_row((*(row[index] for index in tracked), *history_tail))
        return keys


def _event_targets(
    action: str, model: type[models.Model], targets: Iterable[tuple[int, str, str]], writer: _Writer
) -> None:
    """Audit events as the services would have written them, one per target ``(pk, label,
    English label)``, through the events kit's bulk writer."""
    recorded = record_events_in_sql(
        actor=None,
        action=action,
        target_model=model,
        targets=((pk, label[:255], label_en[:255]) for pk, label, label_en in targets),
        reason=REASON,
        details={"simulated": True},
    )
    writer.count("audit events", recorded, 0)


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


def generate_scale(
    options: ScaleOptions, *, progress: Progress, copy: bool | None = None
) -> ScaleReport:
    """Write the simulated data set into a migrated database; refuses to run twice. The big
    tables go in by ``COPY`` on PostgreSQL unless ``copy`` is false (the same rows either way);
    elsewhere through the ORM."""
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
    if copy is None:
        copy = connection.vendor == "postgresql"
    elif copy and connection.vendor != "postgresql":
        raise DomainError("invalid", "COPY is PostgreSQL's: write through the ORM elsewhere.")
    writer = _Writer(batch_size=options.batch_size, progress=progress, copy=copy)
    prefectures = _divisions(options, writer)
    departments = _departments(options, writer)
    zones = _zones(options, rng, prefectures, writer)
    pilot_areas = rng.sample(zones, options.pilot_areas)
    first_year = LAST_YEAR - math.ceil(cycles / 4)
    members = _batches(options, pilot_areas, first_year, writer)
    editions = _editions(options, rng, modes, departments, members, first_year, writer)
    grants = _grants(rng, editions, members, writer)
    _reports(options, rng, cycles, editions, members, grants, writer)
    # The reports went in without the services, which store each grant's zero-use run: count
    # them all once, as the migration that made the table did.
    writer.count("zero-use runs", write_every_zero_run(), 0)
    first_observed = min(FIRST_OBSERVED_YEAR, first_year - PRE_REFORM_YEARS)
    _observations(options, rng, zones, prefectures, first_observed, writer)
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
    _event_targets(
        "zone.registered",
        Zone,
        ((zone.pk, zone.name_zh, zone.name_en) for zone in zones),
        writer,
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
    _event_targets(
        "batch.created",
        Batch,
        ((batch.pk, str(batch.number), str(batch.number)) for batch in batches),
        writer,
    )
    _event_targets(
        "batch_membership.added",
        BatchMembership,
        ((row.pk, row.zone.name_zh, row.zone.name_en) for row in written),
        writer,
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
                title_en=f"{year} simulated integrated list ({index + 1})",
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
    _event_targets(
        "annual_list.published",
        AnnualList,
        ((row.pk, row.title_zh, row.title_en) for row in lists),
        writer,
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
        ) -> Iterator[tuple[Any, ...]]:
            for entry in edition.entries:
                mode = edition.modes[entry.pk]
                for zone in members[edition.annual_list.batch_id]:
                    if mode in {"entrust", "both"}:
                        yield (entry.pk, zone.pk, AWAITING, None, None, None, True)
                        continue
                    starts = published_on if mode == "support" else effective_on
                    if mode != "delegate":
                        yield (entry.pk, zone.pk, EFFECTIVE, starts, None, None, True)
                        continue
                    due = starts + datetime.timedelta(days=28)
                    if rng.random() < 0.6:
                        handed = starts + datetime.timedelta(days=rng.randrange(1, 60))
                        yield (entry.pk, zone.pk, HANDED_OVER, starts, due, handed, True)
                    else:
                        yield (entry.pk, zone.pk, EFFECTIVE, starts, due, None, True)

        for chunk, keys in writer.insert("grants", Grant, GRANT_FIELDS, rows(), total=total):
            for (entry_id, zone_id, *_), key in zip(chunk, keys, strict=True):
                if edition.modes[entry_id] == "delegate":
                    held.setdefault((edition.annual_list.pk, zone_id), []).append(key)
    _event_targets(
        "grants.created",
        AnnualList,
        (
            (edition.annual_list.pk, edition.annual_list.title_zh, edition.annual_list.title_en)
            for edition in editions
        ),
        writer,
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
        zones = {zone.pk: zone for zone in members[cycle.annual_list.batch_id]}
        due_on = cycle.due_on
        reviewed_on = due_on + datetime.timedelta(days=3)
        accepted_on = due_on + datetime.timedelta(days=7)
        report_rows = []
        for zone_id in zones:
            status = ACCEPTED
            if is_last:
                status = rng.choice([DRAFT, SUBMITTED, ACCEPTED])
            submitted = None if status == DRAFT else due_on
            done = status == ACCEPTED
            report_rows.append(
                (
                    cycle.pk,
                    zone_id,
                    status,
                    submitted,
                    submitted,
                    reviewed_on if done else None,
                    accepted_on if done else None,
                    True,
                )
            )
        reports: list[tuple[int, int]] = []  # (report id, zone id)
        accepted: list[int] = []
        for chunk, keys in writer.insert(
            "area reports", AreaReport, REPORT_FIELDS, report_rows, total=0
        ):
            for (_cycle, zone_id, status, *_), key in zip(chunk, keys, strict=True):
                reports.append((key, zone_id))
                if status == ACCEPTED:
                    accepted.append(key)
        steps = (
            (report_id, action, due_on + datetime.timedelta(days=days))
            for report_id in accepted
            for action, days in STEPS
        )
        for _chunk in writer.insert("approval steps", ApprovalStep, STEP_FIELDS, steps, total=0):
            pass
        by_report = dict(reports)
        _event_targets(
            "reporting.area_report.accepted",
            AreaReport,
            (
                (key, zones[by_report[key]].name_zh, zones[by_report[key]].name_en)
                for key in accepted
            ),
            writer,
        )
        lines = _usage_lines(rng, reports, held, cycle.annual_list_id, limit=remaining)
        for chunk, _keys in writer.insert(
            "usage lines", UsageLine, LINE_FIELDS, lines, total=options.usage_rows
        ):
            remaining -= len(chunk)


def _usage_lines(
    rng: random.Random,
    reports: list[tuple[int, int]],
    held: dict[tuple[int, int], list[int]],
    edition_id: int,
    *,
    limit: int,
) -> Iterator[tuple[Any, ...]]:
    """Values of ``LINE_FIELDS``: one line per delegated grant of each report's area."""
    written = 0
    randrange = rng.randrange
    for report_id, zone_id in reports:
        for grant_id in held.get((edition_id, zone_id), []):
            if written >= limit:
                return
            received = randrange(0, 80)
            yield (
                report_id,
                grant_id,
                received,
                randrange(0, received + 1),
                Decimal(randrange(5, 200)) / 10 if received else None,
                20,
                True,
            )
            written += 1


def _observations(
    options: ScaleOptions,
    rng: random.Random,
    zones: list[Zone],
    prefectures: list[Division],
    first_year: int,
    writer: _Writer,
) -> None:
    """Observations from ``first_year`` to ``LAST_YEAR``, year by year, then later releases."""
    if options.observations == 0:
        return
    indicators = [
        indicator
        for indicator in ensure_indicators(REASON).values()
        if indicator.frequency == Indicator.Frequency.YEAR
    ]
    provinces = Division.objects.filter(pk__in={division.parent_id for division in prefectures})
    # (kind, zone id, division id)
    subjects: list[tuple[str, int | None, int | None]] = [
        (SubjectKind.ZONE.value, zone.pk, None) for zone in zones
    ]
    subjects += [(SubjectKind.PREFECTURE.value, None, division.pk) for division in prefectures]
    subjects += [(SubjectKind.PROVINCE.value, None, division.pk) for division in provinces]
    levels = {index: rng.uniform(20, 2000) for index in range(len(subjects))}
    years = range(first_year, LAST_YEAR + 1)

    def rows() -> Iterator[tuple[Any, ...]]:
        written = 0
        revision = 0
        while True:
            for year in years:
                for indicator in indicators:
                    for index, (kind, zone, division) in enumerate(subjects):
                        if written >= options.observations:
                            return
                        value = levels[index] * 1.07 ** (year - first_year)
                        if indicator.kind == Indicator.Kind.GROWTH_RATE:
                            value = rng.uniform(2, 12)
                        elif indicator.kind == Indicator.Kind.COUNT:
                            value = float(round(value))
                        value *= 1 + rng.uniform(-0.02, 0.02) * (revision > 0)
                        yield (
                            indicator.pk,
                            kind,
                            zone,
                            division,
                            year,
                            Decimal(f"{value:.2f}"),
                            datetime.date(year + 1 + revision, 3, 1),
                            SOURCE,
                            True,
                        )
                        written += 1
            revision += 1

    observations = writer.insert(
        "observations", Observation, OBSERVATION_FIELDS, rows(), total=options.observations
    )
    for _chunk in observations:
        pass


def describe(report: ScaleReport) -> Iterator[str]:
    for label, count in report.written.items():
        yield f"{label}: {count:,}"
    yield f"in {report.seconds:.1f} s"


__all__ = ["SOURCE", "ScaleOptions", "ScaleReport", "describe", "generate_scale"]
