"""A simulated economy for the Sichuan demo: annual statistics from 2015 for the 28 zones, the 21
prefectures and the province, in which the reform's true effect is known, recorded through the
last year released by the seed's day (``YEARS`` runs to 2029, the last completed year of a demo
seeded in 2030). Every value is simulated and stored with ``is_simulated`` set, except the
province's 2023 real growth (6.0 %), which is the published figure.

The generator (seeded, so every demo has the same numbers):

1. The province's real GRP growth follows ``PROVINCE_GROWTH`` (2023: the published 6.0 %).
2. Each zone has a latent *strength* s. Pilots were chosen partly for strength: s is drawn from
   N(1.0, 0.3) for batch 1, N(0.6, 0.3) for batch 2 and N(0, 0.3) for zones never chosen.
3. Strength raises a zone's *level* (log GRP in 2015 = log 150 + s + N(0, 0.4)) and its *trend*:
   real growth = province growth + 3.0 (every development zone's premium) + 2.2 times s + the
   reform's effect + noise N(0, 1.2) (percentage points).
4. The reform's effect, ``TRUE_EFFECT_PP`` = 1.5 points of real growth in every year a zone is a
   pilot area, from its first full year in a batch (batch 1: 2023; batch 2: 2025).
5. Calibration: the nine batch-1 zones' 2023 growth is shifted by one common constant so that
   their simple mean is exactly 12.7 % (the figure the province reported), then rounded to one
   decimal with the rounding residue put on the fastest zone. The shift is small (it is the
   realised noise) and is stored with the known effect so the page can show it.
6. Levels follow from growth: GRP at constant prices compounds the growth rates, nominal GRP
   multiplies by a provincial deflator (about 2 % a year). New market entities and fixed-asset
   investment scale with the level; the reform adds 8 % to new market entities.

The years after 2025 are drawn from a second generator (``seed + 1``), after the first has drawn
every value up to 2025, so that extending the horizon changes none of the earlier figures.

So the naive 2023 gap (12.7 minus 6.0: 6.7 points) is mostly selection: about 3 points every zone
grows faster than the province, about 2.2 points the pilots' greater strength, and 1.5 points
the reform. A difference-in-differences on growth rates against zones never in a batch removes
the first two (they are constant per zone) and should recover about 1.5.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

import numpy as np
from django.db import transaction
from django.utils import timezone

from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM
from devolve.demo import sichuan
from devolve.demo.stamping import stamped
from devolve.indicators import selectors as indicator_selectors
from devolve.indicators import services as indicator_services
from devolve.indicators.models import EvaluationRun, Indicator
from devolve.indicators.services import ObservationInput
from devolve.regions.models import Batch, Division, Zone

if TYPE_CHECKING:
    from devolve.demo.seed import SeedReport

SEED = 20230101
YEARS = tuple(range(2015, 2030))
# Drawn from the first generator; later years from the second (see the module docstring).
FIRST_DRAWN_YEARS = tuple(year for year in YEARS if year <= 2025)
# The province's real GRP growth (%). Only 2023 is the published figure (Sichuan statistical
# communiqué 2023: 6.0 %); the other years are the simulation's path.
PROVINCE_GROWTH = {
    2015: 7.9, 2016: 7.7, 2017: 8.1, 2018: 8.0, 2019: 7.5, 2020: 3.8,
    2021: 8.2, 2022: 2.9, 2023: 6.0, 2024: 5.7, 2025: 5.6, 2026: 5.4,
    2027: 5.3, 2028: 5.1, 2029: 5.0,
}  # fmt: skip
PUBLISHED_YEAR = 2023
PUBLISHED_SOURCE = (
    "四川省2023年国民经济和社会发展统计公报 (Sichuan statistical communiqué on 2023): real GRP "
    "growth 6.0 %."
)
SIMULATED_SOURCE = (
    "Simulated for the Devolve demo by devolve/demo/sichuan_economy.py (seed 20230101); not an "
    "official statistic."
)
HEADLINE_MEAN = Decimal("12.7")
ZONE_PREMIUM_PP = 3.0
STRENGTH_TREND_PP = 2.2
TRUE_EFFECT_PP = 1.5
ENTITY_EFFECT = 0.08
NOISE_PP = 1.2
STRENGTH_MEAN = {1: 1.0, 2: 0.6, None: 0.0}
DEFLATOR = 0.02
# Released in late February of the next year (simulated release calendar).
RELEASE_MONTH_DAY = (2, 20)

_PROGRAMME_STARTS_ON = min(batch.starts_on for batch in sichuan.BATCHES)

GRP = "grp"
GRP_CONSTANT = "grp-constant-prices"
GRP_GROWTH = "grp-real-growth"
ENTITIES = "new-market-entities"
INVESTMENT = "fixed-asset-investment"


@dataclass(frozen=True)
class IndicatorFact:
    code: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    price_basis: str
    kind: str
    description_en: str
    description_zh: str
    level_indicator: str | None = None


INDICATORS = [
    IndicatorFact(GRP, "地区生产总值", "Gross regional product", "亿元", "100 million yuan",
                  "nominal", "level", "GRP at current prices.", "按当年价格计算的地区生产总值。"),
    IndicatorFact(GRP_CONSTANT, "地区生产总值（2015年不变价）",
                  "Gross regional product at 2015 prices", "亿元", "100 million yuan", "real",
                  "level",
                  "GRP at constant 2015 prices.", "按2015年不变价格计算的地区生产总值。"),
    IndicatorFact(GRP_GROWTH, "地区生产总值实际增速", "Real GRP growth", "%", "%", "real",
                  "growth_rate", "Growth of GRP at constant prices over the year before.",
                  "按不变价格计算的地区生产总值比上年增长。", level_indicator=GRP),
    IndicatorFact(ENTITIES, "新增市场主体", "New market entities", "户", "entities", "none",
                  "count", "Enterprises and individual businesses newly registered in the year.",
                  "当年新登记的企业和个体工商户。"),
    IndicatorFact(INVESTMENT, "固定资产投资", "Fixed-asset investment", "亿元",
                  "100 million yuan", "nominal", "level",
                  "Fixed-asset investment at current prices.", "按当年价格计算的固定资产投资。"),
]  # fmt: skip


@dataclass(frozen=True)
class SimulatedValue:
    indicator: str
    subject: str  # a zone's slug or a division's code
    year: int
    value: Decimal
    is_simulated: bool = True


@dataclass
class SimulatedEconomy:
    values: list[SimulatedValue] = field(default_factory=list)
    calibration_shift_pp: float = 0.0
    strength: dict[str, float] = field(default_factory=dict)

    def known_effect(self, *, treated_from: int, last_year: int) -> dict[str, object]:
        """What the page shows as the simulation's truth, for a batch treated from
        ``treated_from`` evaluated on the releases up to ``last_year``: the effect holds in every
        year since adoption (event time 0 is the first treated year), so the horizon runs to the
        last released year."""
        return {
            "indicator": GRP_GROWTH,
            "effect_pp": TRUE_EFFECT_PP,
            "event_times": {
                str(event): TRUE_EFFECT_PP for event in range(0, last_year - treated_from + 1)
            },
            "calibration_shift_pp": round(self.calibration_shift_pp, 3),
            "seed": SEED,
            "generator": "devolve/demo/sichuan_economy.py",
        }


def release_date(year: int) -> datetime.date:
    return datetime.date(year + 1, *RELEASE_MONTH_DAY)


def _one_decimal(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def _two_decimals(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def first_treated_year(batch: int | None) -> int | None:
    """Batch 1 joined on 1 January 2023; batch 2 on 2 December 2024, so 2025 is its first full
    year (the rule of ``devolve.indicators.rules.first_treated_year``)."""
    starts = {fact.number: fact.starts_on for fact in sichuan.BATCHES}
    if batch is None:
        return None
    joined = starts[batch]
    return joined.year if (joined.month, joined.day) == (1, 1) else joined.year + 1


def _calibrate(
    growth: dict[str, dict[int, float]], batch_one: Sequence[str]
) -> tuple[float, dict[str, Decimal]]:
    """Shift batch 1's 2023 growth so its simple mean, after rounding, is exactly 12.7."""
    raw = [growth[slug][PUBLISHED_YEAR] for slug in batch_one]
    shift = float(HEADLINE_MEAN) - math.fsum(raw) / len(raw)
    rounded = {slug: _one_decimal(growth[slug][PUBLISHED_YEAR] + shift) for slug in batch_one}
    residue = HEADLINE_MEAN * len(batch_one) - sum(rounded.values(), Decimal(0))
    fastest = max(batch_one, key=lambda slug: rounded[slug])
    rounded[fastest] += residue
    return shift, rounded


@dataclass(frozen=True)
class _Draws:
    growth: dict[str, dict[int, float]]  # subject → year → real growth (%), before rounding
    level_2015: dict[str, float]
    cohort: dict[str, int | None]
    strength: dict[str, float]


def _generator_for(
    year: int, generators: tuple[np.random.Generator, np.random.Generator]
) -> np.random.Generator:
    return generators[0] if year in FIRST_DRAWN_YEARS else generators[1]


def _draw_growth(
    generators: tuple[np.random.Generator, np.random.Generator],
    *,
    zones: Sequence[sichuan.ZoneFact],
    prefectures: Sequence[str],
) -> _Draws:
    """Steps 1–4 of the module docstring, in the generators' fixed order."""
    generator = generators[0]
    growth: dict[str, dict[int, float]] = {}
    level_2015: dict[str, float] = {}
    cohort: dict[str, int | None] = {}
    strength: dict[str, float] = {}
    for zone in zones:
        strength[zone.slug] = float(generator.normal(STRENGTH_MEAN[zone.batch], 0.3))
        level_2015[zone.slug] = math.exp(
            math.log(150) + strength[zone.slug] + generator.normal(0, 0.4)
        )
        cohort[zone.slug] = first_treated_year(zone.batch)
        first = cohort[zone.slug]
        growth[zone.slug] = {
            year: PROVINCE_GROWTH[year]
            + ZONE_PREMIUM_PP
            + STRENGTH_TREND_PP * strength[zone.slug]
            + (TRUE_EFFECT_PP if first is not None and year >= first else 0.0)
            + float(_generator_for(year, generators).normal(0, NOISE_PP))
            for year in YEARS
        }
    for code in prefectures:
        premium = float(generator.normal(0, 0.8))
        level_2015[code] = math.exp(math.log(1500) + generator.normal(0, 0.7))
        growth[code] = {
            year: PROVINCE_GROWTH[year]
            + premium
            + float(_generator_for(year, generators).normal(0, 0.7))
            for year in YEARS
        }
    return _Draws(growth, level_2015, cohort, strength)


@dataclass(frozen=True)
class GrowthPanel:
    """The zones' real growth as the demo stores it (calibrated, one decimal), as long lists."""

    unit: list[str]
    year: list[int]
    cohort: list[int]  # first treated year, 0 for zones never in a batch
    growth: list[float]
    calibration_shift_pp: float  # added to batch 1's 2023 growth (step 5)


def _generators(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    return np.random.default_rng(seed), np.random.default_rng(seed + 1)


def simulate_zone_growth(*, zones: Sequence[sichuan.ZoneFact], seed: int = SEED) -> GrowthPanel:
    """Only the zones' growth panel of ``simulate`` up to 2025 (the same numbers for the same
    seed: the zones are drawn before the prefectures), without building every indicator: what
    the methods' size and coverage simulations draw from."""
    draws = _draw_growth(_generators(seed), zones=zones, prefectures=())
    shift, calibrated = _calibrate(draws.growth, [zone.slug for zone in zones if zone.batch == 1])
    panel = GrowthPanel([], [], [], [], shift)
    for zone in zones:
        for year in FIRST_DRAWN_YEARS:
            rate = _one_decimal(draws.growth[zone.slug][year])
            if year == PUBLISHED_YEAR and zone.slug in calibrated:
                rate = calibrated[zone.slug]
            panel.unit.append(zone.slug)
            panel.year.append(year)
            panel.cohort.append(draws.cohort[zone.slug] or 0)
            panel.growth.append(float(rate))
    return panel


def simulate(
    *,
    zones: Sequence[sichuan.ZoneFact],
    prefectures: Sequence[str],
    province: str,
    seed: int = SEED,
) -> SimulatedEconomy:
    """The whole simulated panel (see the module docstring). Pure: no database."""
    generators = _generators(seed)
    economy = SimulatedEconomy()
    draws = _draw_growth(generators, zones=zones, prefectures=prefectures)
    growth, level_2015, cohort = draws.growth, draws.level_2015, draws.cohort
    economy.strength = draws.strength
    batch_one = [zone.slug for zone in zones if zone.batch == 1]
    economy.calibration_shift_pp, calibrated = _calibrate(growth, batch_one)
    deflator = {year: (1 + DEFLATOR) ** (year - YEARS[0]) for year in YEARS}
    nominal_province: dict[int, float] = dict.fromkeys(YEARS, 0.0)
    for subject in [*growth]:
        rates = {year: _one_decimal(rate) for year, rate in growth[subject].items()}
        if subject in calibrated:
            rates[PUBLISHED_YEAR] = calibrated[subject]
        level = level_2015[subject]
        treated_from = cohort.get(subject)
        for year in YEARS:
            if year > YEARS[0]:
                level *= 1 + float(rates[year]) / 100
            nominal = level * deflator[year]
            if subject in prefectures:
                nominal_province[year] += nominal
            generator = _generator_for(year, generators)
            entities = math.exp(math.log(6 * level) + generator.normal(0, 0.15)) * (
                1 + ENTITY_EFFECT * (treated_from is not None and year >= treated_from)
            )
            investment = nominal * math.exp(math.log(0.7) + generator.normal(0, 0.1))
            economy.values.extend(
                [
                    SimulatedValue(GRP_GROWTH, subject, year, rates[year]),
                    SimulatedValue(GRP_CONSTANT, subject, year, _two_decimals(level)),
                    SimulatedValue(GRP, subject, year, _two_decimals(nominal)),
                    SimulatedValue(ENTITIES, subject, year, Decimal(round(entities))),
                    SimulatedValue(INVESTMENT, subject, year, _two_decimals(investment)),
                ]
            )
    for year in YEARS:
        published = year == PUBLISHED_YEAR
        economy.values.extend(
            [
                SimulatedValue(
                    GRP_GROWTH, province, year, _one_decimal(PROVINCE_GROWTH[year]),
                    is_simulated=not published,
                ),
                SimulatedValue(GRP, province, year, _two_decimals(nominal_province[year])),
            ]
        )  # fmt: skip
    return economy


def ensure_indicators(reason: str) -> dict[str, Indicator]:
    indicators: dict[str, Indicator] = {}
    for fact in INDICATORS:
        existing = indicator_selectors.get_indicator(code=fact.code)
        indicators[fact.code] = existing or indicator_services.create_indicator(
            code=fact.code,
            name_zh=fact.name_zh,
            name_en=fact.name_en,
            unit_zh=fact.unit_zh,
            unit_en=fact.unit_en,
            price_basis=fact.price_basis,
            kind=fact.kind,
            level_indicator=indicators[fact.level_indicator] if fact.level_indicator else None,
            description_zh=fact.description_zh,
            description_en=fact.description_en,
            created_by=SYSTEM,
            reason=reason,
        )
    return indicators


def _record(
    economy: SimulatedEconomy,
    indicators: dict[str, Indicator],
    reason: str,
    *,
    as_of: datetime.date,
) -> int:
    """The observations released by ``as_of``."""
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    divisions = {division.code: division for division in Division.objects.all()}
    by_release: dict[tuple[datetime.date, bool], list[ObservationInput]] = {}
    for value in economy.values:
        if release_date(value.year) > as_of:
            continue
        subject = zones.get(value.subject) or divisions[value.subject]
        by_release.setdefault((release_date(value.year), value.is_simulated), []).append(
            ObservationInput(
                indicator=indicators[value.indicator],
                subject=subject,
                year=value.year,
                value=value.value,
            )
        )
    written = 0
    for (vintage, simulated), items in sorted(by_release.items()):
        # Releases from before the programme were loaded when it began.
        with stamped(max(vintage, _PROGRAMME_STARTS_ON)):
            written += len(
                indicator_services.record_observations(
                    items=items,
                    vintage=vintage,
                    source=SIMULATED_SOURCE if simulated else PUBLISHED_SOURCE,
                    is_simulated=simulated,
                    recorded_by=SYSTEM,
                    reason=reason,
                )
            )
    return written


def last_released_year(as_of: datetime.date) -> int | None:
    """The last simulated year whose figures were out by ``as_of``."""
    released = [year for year in YEARS if release_date(year) <= as_of]
    return released[-1] if released else None


def run_demo_evaluations(
    economy: SimulatedEconomy,
    indicators: dict[str, Indicator],
    *,
    as_of: datetime.date | None = None,
) -> int:
    """One evaluation of real GRP growth for each batch's page: doubly robust Callaway–Sant'Anna
    against zones never in a batch, on the releases out by ``as_of`` (default: today). A batch
    with no released year as a pilot yet has nothing to evaluate."""
    last_year = last_released_year(as_of or timezone.localdate())
    runs = 0
    for batch in Batch.objects.order_by("number"):
        treated_from = first_treated_year(batch.number)
        if last_year is None or treated_from is None or treated_from > last_year:
            continue
        with stamped(release_date(last_year)):
            indicator_services.run_evaluation(
                indicator=indicators[GRP_GROWTH],
                batch=batch,
                outcome=EvaluationRun.Outcome.VALUE,
                control=EvaluationRun.Control.NEVER,
                method=EvaluationRun.Method.DOUBLY_ROBUST,
                as_of=release_date(last_year),
                first_year=YEARS[0],
                last_year=last_year,
                known_effect=economy.known_effect(treated_from=treated_from, last_year=last_year),
                created_by=SYSTEM,
            )
        runs += 1
    return runs


@transaction.atomic
def seed_economy(
    report: "SeedReport", *, as_of: datetime.date | None = None, with_runs: bool = True
) -> None:
    """Indicators, the observations released by ``as_of`` (default: today) and
    (``with_runs``) one evaluation run per batch. Skipped when the simulated observations are
    there already."""
    reason = system_text("demo.seeded_economy")
    with stamped(_PROGRAMME_STARTS_ON):
        indicators = ensure_indicators(reason)
    growth = indicators[GRP_GROWTH]
    stored = indicator_selectors.list_observations().filter(indicator=growth)
    if stored.exists():
        report.add(
            "observations",
            created=0,
            existing=indicator_selectors.list_observations().filter(is_simulated=True).count(),
        )
        report.add(
            "evaluation_runs",
            created=0,
            existing=indicator_selectors.list_evaluation_runs().filter(is_simulated=True).count(),
        )
        return
    economy = simulate(
        zones=sichuan.ZONES,
        prefectures=list(
            Division.objects.filter(level=Division.Level.PREFECTURE).values_list("code", flat=True)
        ),
        province=str(indicator_selectors.get_province().code),  # type: ignore[union-attr]
    )
    as_of = as_of or timezone.localdate()
    written = _record(economy, indicators, reason, as_of=as_of)
    report.add("observations", created=written, existing=0)
    if with_runs:
        runs = run_demo_evaluations(economy, indicators, as_of=as_of)
        report.add("evaluation_runs", created=runs, existing=0)
