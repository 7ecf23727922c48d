"""The headline comparison: pilot areas' mean growth against the province's, by year and group."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from devolve.core.derived import computed_once
from devolve.indicators import rules
from devolve.indicators.models import Indicator, Observation, SubjectKind
from devolve.indicators.selectors.observations import batch_first_treated_year
from devolve.regions.models import Batch, BatchMembership, Division, Zone


@dataclass(frozen=True)
class HeadlineRow:
    """One group of zones in one year: its simple and output-weighted mean growth, the
    province's growth and the gaps (percentage points)."""

    year: int
    group: str  # "batch", "kind", "level", "non_pilot"
    key: str
    label: str
    zones: int
    simple_mean: float | None
    weighted_mean: float | None
    province: float | None
    simulated: bool
    province_simulated: bool = False  # the province's figure itself was generated
    zones_simulated: bool = False  # some zone's figure in the group was generated

    @property
    def gap(self) -> float | None:
        if self.simple_mean is None or self.province is None:
            return None
        return self.simple_mean - self.province

    @property
    def weighted_gap(self) -> float | None:
        if self.weighted_mean is None or self.province is None:
            return None
        return self.weighted_mean - self.province


@dataclass(frozen=True)
class Headline:
    """The figure officials quote for one batch: its pilot areas' simple mean growth in the
    batch's first treated year against the province's growth that year."""

    batch_number: int
    year: int
    row: HeadlineRow

    @property
    def pilot_mean(self) -> float | None:
        return self.row.simple_mean

    @property
    def province(self) -> float | None:
        return self.row.province

    @property
    def gap(self) -> float | None:
        return self.row.gap


@dataclass(frozen=True)
class HeadlineComparison:
    indicator: Indicator
    as_of: datetime.date
    years: list[int]
    rows: list[HeadlineRow]
    headlines: dict[int, Headline] = field(default_factory=dict)
    weights_indicator: Indicator | None = None

    def rows_for(self, group: str) -> list[HeadlineRow]:
        return [row for row in self.rows if row.group == group]

    def pre_reform_gap(self, *, batch_number: int) -> float | None:
        """How much faster the batch's zones grew than the zones never in a batch, on average
        over the years before the batch's first treated year (simple means, points): the part
        of the headline gap that was there before the reform."""
        headline = self.headlines.get(batch_number)
        if headline is None:
            return None
        batch_rows = {
            row.year: row.simple_mean
            for row in self.rows
            if row.group == "batch" and row.key == str(batch_number) and row.year < headline.year
        }
        others = {row.year: row.simple_mean for row in self.rows if row.group == "non_pilot"}
        gaps: list[float] = []
        for year, value in batch_rows.items():
            other = others.get(year)
            if value is not None and other is not None:
                gaps.append(value - other)
        return rules.simple_mean(gaps)

    def chart(self, *, batch_number: int) -> dict[str, object]:
        """Pilot areas of one batch against the province and the zones never in a batch, by
        year, for app.js's line chart."""
        batch_rows = {
            r.year: r for r in self.rows if r.group == "batch" and r.key == str(batch_number)
        }
        others = {r.year: r for r in self.rows if r.group == "non_pilot"}
        province = {r.year: r.province for r in self.rows if r.group == "batch"}

        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "labels": [str(year) for year in self.years],
            "unit": "%",
            "lines": [
                {
                    "name": _("Batch %(number)s, simple mean") % {"number": batch_number},
                    "values": [rounded(batch_rows[y].simple_mean) if y in batch_rows else None
                               for y in self.years],
                },
                {
                    "name": _("Batch %(number)s, output-weighted mean") % {"number": batch_number},
                    "values": [rounded(batch_rows[y].weighted_mean) if y in batch_rows else None
                               for y in self.years],
                    "dashed": True,
                },
                {
                    "name": _("Zones never in a batch, simple mean"),
                    "values": [rounded(others[y].simple_mean) if y in others else None
                               for y in self.years],
                },
                {
                    "name": _("Province"),
                    "values": [rounded(province.get(y)) for y in self.years],
                },
            ],
        }  # fmt: skip


def get_headline_comparison(
    *, indicator: Indicator, as_of: datetime.date, years: tuple[int, int] | None = None
) -> HeadlineComparison:
    """``compute_headline_comparison``, computed once per version of the observations, the
    catalogue, zones, batches and memberships it reads (``core.derived``), not per request."""
    return computed_once(
        "headline-comparison",
        inputs=[Observation, Indicator, Zone, Batch, BatchMembership],
        # Its groups' labels are words of the reader's language.
        key=(
            indicator.pk,
            as_of.isoformat(),
            years,
            settings.PROGRAMME_PROVINCE_CODE,
            get_language(),
        ),
        compute=lambda: compute_headline_comparison(indicator=indicator, as_of=as_of, years=years),
    )


def get_headlines(*, indicator: Indicator, as_of: datetime.date) -> dict[int, Headline]:
    """Each batch's headline (``HeadlineComparison.headlines``) alone, for pages that show no
    other row: ``compute_headlines``, computed once per version of its inputs, as
    ``get_headline_comparison``."""
    return computed_once(
        "headlines",
        inputs=[Observation, Indicator, Zone, Batch, BatchMembership],
        key=(indicator.pk, as_of.isoformat(), settings.PROGRAMME_PROVINCE_CODE, get_language()),
        compute=lambda: compute_headlines(indicator=indicator, as_of=as_of),
    )


def compute_headlines(*, indicator: Indicator, as_of: datetime.date) -> dict[int, Headline]:
    """The headlines of ``compute_headline_comparison``, the same figures, summed over the pilot
    areas' figures of the batches' first treated years only (and their weights' years): a few
    hundred figures read by the index, where the whole comparison reads every zone's every
    year. Two queries."""
    batches = list(Batch.objects.order_by("number"))
    treated = sorted({batch_first_treated_year(batch) for batch in batches})
    by_group = _group_sums(indicator=indicator, as_of=as_of, years=None, pilot_years=treated)
    return _headlines(_rows(by_group, batches), batches)


def compute_headline_comparison(
    *, indicator: Indicator, as_of: datetime.date, years: tuple[int, int] | None = None
) -> HeadlineComparison:
    """Pilot areas' mean growth against the programme's province's (``get_province``), by year
    and by batch, zone kind and zone level (pilot areas of any batch), plus the zones never in a
    batch.

    ``indicator`` is a growth rate. Two means: the simple mean (each zone counts once; the figure
    officials quote) and the mean weighted by each zone's previous-year value of the indicator's
    level (``level_indicator``): roughly the growth of the zones' combined output. A zone counts
    in the batch it first joined (``zone_cohorts``). A group's row is simulated when any value in
    it is. Two queries: the batches, and the groups' sums (``_group_sums``).
    """
    batches = list(Batch.objects.order_by("number"))
    by_group = _group_sums(indicator=indicator, as_of=as_of, years=years)
    rows = _rows(by_group, batches)
    return HeadlineComparison(
        indicator=indicator,
        as_of=as_of,
        years=sorted({year for _group, _key, year in by_group}),
        rows=rows,
        headlines=_headlines(rows, batches),
        weights_indicator=indicator.level_indicator,
    )


def _rows(
    by_group: dict[tuple[str, str, int], "_GroupSums"], batches: list[Batch]
) -> list[HeadlineRow]:
    """The comparison's rows from the groups' sums: by year, then batches by number, kinds,
    levels (the unconfirmed last) and the zones never in a batch; a group without a figure in a
    year has no row."""
    province = {year: sums for (group, _key, year), sums in by_group.items() if group == "province"}
    all_years = sorted({year for _group, _key, year in by_group})
    groups: list[tuple[str, str, str]] = [
        ("batch", str(batch.number), str(batch)) for batch in batches
    ]
    groups += [
        ("kind", kind.value, _("Pilot areas: %(group)s") % {"group": kind.label})
        for kind in Zone.Kind
    ]
    levels: list[tuple[str, str]] = [(level.value, str(level.label)) for level in Zone.Level]
    groups += [
        ("level", level or "unconfirmed", _("Pilot areas: %(group)s") % {"group": level_label})
        for level, level_label in [*levels, ("", _("Level not confirmed"))]
    ]
    groups.append(("non_pilot", "none", _("Zones never in a batch")))

    rows: list[HeadlineRow] = []
    for year in all_years:
        province_row = province.get(year)
        province_value = None if province_row is None else province_row.mean
        province_simulated = province_row is not None and province_row.simulated
        for group, key, label in groups:
            found = by_group.get((group, key, year))
            if found is None:
                continue
            rows.append(
                HeadlineRow(
                    year=year,
                    group=group,
                    key=key,
                    label=label,
                    zones=found.zones,
                    simple_mean=found.mean,
                    weighted_mean=found.weighted_mean,
                    province=province_value,
                    simulated=found.simulated or province_simulated,
                    province_simulated=province_simulated,
                    zones_simulated=found.simulated,
                )
            )
    return rows


def _headlines(rows: list[HeadlineRow], batches: list[Batch]) -> dict[int, Headline]:
    """Each batch's row in its first treated year, if it has one."""
    by_key = {(row.group, row.key, row.year): row for row in rows}
    headlines: dict[int, Headline] = {}
    for batch in batches:
        year = batch_first_treated_year(batch)
        row = by_key.get(("batch", str(batch.number), year))
        if row is not None:
            headlines[batch.number] = Headline(batch_number=batch.number, year=year, row=row)
    return headlines


@dataclass(slots=True)
class _GroupSums:
    """One group's zones in one year (or the province's figure), summed: the database sums each
    combination of batch, kind and level, and these add them up per group. The means are the
    sums divided, as ``rules`` divides them."""

    zones: int = 0
    total: Decimal = Decimal(0)
    weighted_total: Decimal = Decimal(0)
    weight_total: Decimal = Decimal(0)
    weighted_zones: int = 0  # zones with a weight: the previous year's level
    simulated: bool = False

    def add(
        self,
        zones: int,
        total: object,
        weighted: object,
        weights: object,
        weighted_zones: int,
        simulated: object,
    ) -> None:
        self.zones += zones
        self.total += _decimal(total)
        self.weighted_total += _decimal(weighted)
        self.weight_total += _decimal(weights)
        self.weighted_zones += weighted_zones
        self.simulated = self.simulated or bool(simulated)

    @property
    def mean(self) -> float:
        return float(self.total) / self.zones

    @property
    def weighted_mean(self) -> float | None:
        """None unless every zone has a weight and they sum to more than zero
        (``rules.weighted_mean``)."""
        if self.weighted_zones < self.zones or self.weight_total <= 0:
            return None
        return float(self.weighted_total) / float(self.weight_total)


def _decimal(value: object) -> Decimal:
    """A sum as the database hands it back: a decimal (PostgreSQL), a float or an integer
    (SQLite), or None (nothing summed). Floats convert exactly."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(value)
    raise TypeError(f"not a sum: {value!r}")


# The latest release by ``on`` of each yearly figure of one indicator and kind of subject, in
# the order of ``observation_latest_release`` (indicator, subject, period, newest release
# first), which PostgreSQL reads from the index alone and keeps the first of each (DISTINCT ON,
# whose estimate of the figures keeps the joins after it sensible); SQLite numbers the releases.
_LATEST_SQL = {
    "postgresql": """SELECT DISTINCT ON (o.zone_id, o.division_id, o.year, o.quarter)
        o.zone_id, o.year, o.value, o.is_simulated
    FROM {observation} o
    WHERE o.indicator_id = %({indicator})s AND o.subject_kind = %({kind})s
        AND o.quarter IS NULL AND o.vintage <= %(on)s{condition}
    ORDER BY o.zone_id, o.division_id, o.year, o.quarter, o.vintage DESC, o.id DESC""",
    "sqlite": """SELECT zone_id, year, value, is_simulated FROM (
        SELECT o.zone_id, o.year, o.value, o.is_simulated, ROW_NUMBER() OVER (
            PARTITION BY o.zone_id, o.division_id, o.year, o.quarter
            ORDER BY o.vintage DESC, o.id DESC) AS release_rank
        FROM {observation} o
        WHERE o.indicator_id = %({indicator})s AND o.subject_kind = %({kind})s
            AND o.quarter IS NULL AND o.vintage <= %(on)s{condition}
    ) AS releases WHERE release_rank = 1""",
}

# Per year and combination of first batch (none: never in a batch), kind and level: the zones'
# latest growth figures summed, with the previous year's level of each as weight; and the
# programme province's figure. One GROUP BY over the zones' figures (tens of thousands at
# national scale), a few thousand rows out.
_GROUP_SUMS_SQL = """WITH growth AS ({growth}
), weights AS ({weights}
), province AS ({province}
), cohorts AS (
    SELECT m.zone_id, b.number,
        ROW_NUMBER() OVER (PARTITION BY m.zone_id ORDER BY m.joined_on, m.id) AS place
    FROM {membership} m JOIN {batch} b ON b.id = m.batch_id
)
SELECT 'zones', c.number, z.kind, z.level, g.year, COUNT(*), SUM(g.value),
    SUM(g.value * w.value), SUM(w.value), COUNT(w.value),
    MAX(CASE WHEN g.is_simulated THEN 1 ELSE 0 END)
FROM growth g
JOIN {zone} z ON z.id = g.zone_id
LEFT JOIN cohorts c ON c.zone_id = g.zone_id AND c.place = 1
LEFT JOIN weights w ON w.zone_id = g.zone_id AND w.year = g.year - 1
GROUP BY c.number, z.kind, z.level, g.year
UNION ALL SELECT 'province', NULL, NULL, NULL, year, 1, value, NULL, NULL, 0,
    CASE WHEN is_simulated THEN 1 ELSE 0 END
FROM province"""


def _group_sums(
    *,
    indicator: Indicator,
    as_of: datetime.date,
    years: tuple[int, int] | None,
    pilot_years: list[int] | None = None,
) -> dict[tuple[str, str, int], _GroupSums]:
    """Each group's sums by year, keyed as ``HeadlineRow`` (group, key, year), the province's
    under ("province", "", year); one query. ``years`` bounds the growth figures (a weight is
    the year before's level, whichever the bounds); ``pilot_years`` keeps only the figures of
    zones ever in a batch in those years (and the province's), with their weights: the batches'
    sums in those years are then the same, the other groups' partial."""
    quote = connection.ops.quote_name
    observation = quote(Observation._meta.db_table)
    bounded = "" if years is None else " AND o.year BETWEEN %(first)s AND %(last)s"
    within, weighted_within = bounded, ""
    scope_parameters: dict[str, int] = {}
    if pilot_years is not None:
        membership = quote(BatchMembership._meta.db_table)
        pilots = f" AND o.zone_id IN (SELECT zone_id FROM {membership})"  # noqa: S608 — a name
        for place, year in enumerate(pilot_years):
            scope_parameters[f"pilot_year_{place}"] = year
            scope_parameters[f"weight_year_{place}"] = year - 1
        in_years = ", ".join(f"%(pilot_year_{place})s" for place in range(len(pilot_years)))
        in_weight_years = in_years.replace("pilot_year_", "weight_year_")
        within += f"{pilots} AND o.year IN ({in_years or 'NULL'})"
        weighted_within = f"{pilots} AND o.year IN ({in_weight_years or 'NULL'})"
    province = (
        f" AND o.division_id = (SELECT d.id FROM {quote(Division._meta.db_table)} d"  # noqa: S608
        " WHERE d.level = %(province_level)s AND d.code = %(province)s)"
    )
    latest_sql = _LATEST_SQL[connection.vendor]

    def latest(indicator_name: str, kind: str, condition: str) -> str:
        return latest_sql.format(
            observation=observation, indicator=indicator_name, kind=kind, condition=condition
        )

    sql = _GROUP_SUMS_SQL.format(
        growth=latest("growth", "zone_kind", within),
        weights=latest("level", "zone_kind", weighted_within),
        province=latest("growth", "province_kind", bounded + province),
        membership=quote(BatchMembership._meta.db_table),
        batch=quote(Batch._meta.db_table),
        zone=quote(Zone._meta.db_table),
    )
    parameters = {
        "growth": indicator.pk,
        "level": indicator.level_indicator_id,
        "on": as_of,
        "zone_kind": SubjectKind.ZONE.value,
        "province_kind": SubjectKind.PROVINCE.value,
        # As ``get_province`` finds it: the division of that level and code.
        "province_level": Division.Level.PROVINCE.value,
        "province": settings.PROGRAMME_PROVINCE_CODE,
        "first": years[0] if years else None,
        "last": years[1] if years else None,
        **scope_parameters,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        found = cursor.fetchall()
    groups: dict[tuple[str, str, int], _GroupSums] = {}
    for subject, batch_number, kind, level, year, *sums in found:
        if subject == "province":
            keys = [("province", "")]
        elif batch_number is None:
            keys = [("non_pilot", "none")]
        else:
            keys = [("batch", str(batch_number)), ("kind", kind), ("level", level or "unconfirmed")]
        for group, key in keys:
            groups.setdefault((group, key, year), _GroupSums()).add(*sums)
    return groups
