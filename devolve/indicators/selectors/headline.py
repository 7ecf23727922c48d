"""The headline comparison: pilot areas' mean growth against the province's, by year and group."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from devolve.core.derived import computed_once
from devolve.indicators import rules
from devolve.indicators.models import Indicator, Observation, SubjectKind
from devolve.indicators.selectors.observations import (
    LatestFigure,
    batch_first_treated_year,
    get_province,
    latest_figures,
    zone_cohorts,
)
from devolve.regions.models import Batch, BatchMembership, Zone


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


def _as_float(value: Decimal) -> float:
    return float(value)


def get_headline_comparison(
    *, indicator: Indicator, as_of: datetime.date, years: tuple[int, int] | None = None
) -> HeadlineComparison:
    """``compute_headline_comparison``, computed once per version of the observations, the
    catalogue, zones, batches and memberships it reads (``core.derived``), not per request."""
    return computed_once(
        "headline-comparison",
        inputs=[Observation, Indicator, Zone, Batch, BatchMembership],
        key=(indicator.pk, as_of.isoformat(), years, settings.PROGRAMME_PROVINCE_CODE),
        compute=lambda: compute_headline_comparison(indicator=indicator, as_of=as_of, years=years),
    )


def compute_headline_comparison(
    *, indicator: Indicator, as_of: datetime.date, years: tuple[int, int] | None = None
) -> HeadlineComparison:
    """Pilot areas' mean growth against the programme's province's (``get_province``), by year
    and by batch, zone kind and zone level (pilot areas of any batch), plus the zones never in a
    batch.

    ``indicator`` is a growth rate. Two means: the simple mean (each zone counts once; the figure
    officials quote) and the mean weighted by each zone's previous-year value of the indicator's
    level (``level_indicator``): roughly the growth of the zones' combined output.
    A group's row is simulated when any value in it is.
    """
    growth = latest_figures(indicator=indicator, as_of=as_of, years=years)
    programme_province = get_province()
    by_zone: dict[tuple[int, int], LatestFigure] = {}
    province: dict[int, LatestFigure] = {}
    for row in growth:
        if row.quarter is not None:
            continue
        if row.subject_kind == SubjectKind.ZONE and row.zone_id is not None:
            by_zone[(row.zone_id, row.year)] = row
        elif (
            row.subject_kind == SubjectKind.PROVINCE
            and programme_province is not None
            and row.division_id == programme_province.pk
        ):
            province[row.year] = row
    weights: dict[tuple[int, int], float] = {}
    if indicator.level_indicator is not None:
        for row in latest_figures(
            indicator=indicator.level_indicator, as_of=as_of, subject_kind=SubjectKind.ZONE
        ):
            if row.quarter is None and row.zone_id is not None:
                weights[(row.zone_id, row.year)] = _as_float(row.value)
    zones = {zone.pk: zone for zone in Zone.objects.all()}
    cohorts = zone_cohorts()
    all_years = sorted({year for _zone, year in by_zone} | set(province))

    groups: list[tuple[str, str, str, list[int]]] = []
    for batch in Batch.objects.order_by("number"):
        members = [pk for pk, (number, _y) in cohorts.items() if number == batch.number]
        groups.append(("batch", str(batch.number), str(batch), members))
    pilots = [pk for pk in zones if pk in cohorts]
    for kind in Zone.Kind:
        members = [pk for pk in pilots if zones[pk].kind == kind]
        if members:
            label = _("Pilot areas: %(group)s") % {"group": kind.label}
            groups.append(("kind", kind.value, label, members))
    levels: list[tuple[str, str]] = [(level.value, str(level.label)) for level in Zone.Level]
    for level, level_label in [*levels, ("", _("Level not confirmed"))]:
        members = [pk for pk in pilots if zones[pk].level == level]
        if members:
            label = _("Pilot areas: %(group)s") % {"group": level_label}
            groups.append(("level", level or "unconfirmed", label, members))
    groups.append(
        (
            "non_pilot",
            "none",
            _("Zones never in a batch"),
            [pk for pk in zones if pk not in cohorts],
        )
    )

    rows: list[HeadlineRow] = []
    for year in all_years:
        province_row = province.get(year)
        for group, key, label, members in groups:
            observed = [by_zone[(pk, year)] for pk in members if (pk, year) in by_zone]
            if not observed:
                continue
            values = [_as_float(row.value) for row in observed]
            previous = [weights.get((row.zone_id, year - 1)) for row in observed if row.zone_id]
            weighted = (
                rules.weighted_mean(values, [w for w in previous if w is not None])
                if all(w is not None for w in previous)
                else None
            )
            rows.append(
                HeadlineRow(
                    year=year,
                    group=group,
                    key=key,
                    label=label,
                    zones=len(observed),
                    simple_mean=rules.simple_mean(values),
                    weighted_mean=weighted,
                    province=None if province_row is None else _as_float(province_row.value),
                    simulated=any(row.is_simulated for row in observed)
                    or (province_row is not None and province_row.is_simulated),
                    province_simulated=province_row is not None and province_row.is_simulated,
                    zones_simulated=any(row.is_simulated for row in observed),
                )
            )
    headlines: dict[int, Headline] = {}
    for batch in Batch.objects.order_by("number"):
        year = batch_first_treated_year(batch)
        for candidate in rows:
            if (candidate.group, candidate.key, candidate.year) == (
                "batch",
                str(batch.number),
                year,
            ):
                headlines[batch.number] = Headline(
                    batch_number=batch.number, year=year, row=candidate
                )
    return HeadlineComparison(
        indicator=indicator,
        as_of=as_of,
        years=all_years,
        rows=rows,
        headlines=headlines,
        weights_indicator=indicator.level_indicator,
    )
