"""A small selection round for tests: six candidate zones in three prefectures, one pilot area
(not a candidate), two criteria of two sub-indicators each, and a value for every cell."""

import datetime
from dataclasses import dataclass

from devolve.core.actors import SYSTEM
from devolve.regions.models import Zone
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)
from devolve.selection.models import SelectionRound, SubIndicator
from devolve.selection.services import (
    Constraints,
    CriterionSpec,
    SubIndicatorSpec,
    ValueInput,
    create_round,
    record_candidate_values,
)

AS_OF = datetime.date(2024, 6, 30)
# (slug, prefecture, kind, level) of the candidates.
CANDIDATES = (
    ("alpha", "510100", Zone.Kind.HIGH_TECH_ZONE, Zone.Level.NATIONAL),
    ("bravo", "510100", Zone.Kind.ETDZ, Zone.Level.NATIONAL),
    ("charlie", "510700", Zone.Kind.ETDZ, Zone.Level.PROVINCIAL),
    ("delta", "510700", Zone.Kind.HIGH_TECH_ZONE, Zone.Level.PROVINCIAL),
    ("echo", "511500", Zone.Kind.ETDZ, Zone.Level.NATIONAL),
    ("foxtrot", "511500", Zone.Kind.NEW_AREA, Zone.Level.PROVINCIAL),
)
# Values per sub-indicator code, in the order of CANDIDATES. "days" is a cost indicator.
VALUES = {
    "grp": (900.0, 700.0, 400.0, 300.0, 500.0, 200.0),
    "tax": (60.0, 50.0, 30.0, 20.0, 40.0, 10.0),
    "staff": (50.0, 40.0, 45.0, 20.0, 30.0, 25.0),
    "days": (5.0, 7.0, 4.0, 9.0, 6.0, 8.0),
    "firms": (12.0, 9.0, 3.0, 8.0, 4.0, 2.0),
}
CRITERIA = (
    CriterionSpec(
        "scale", "经济规模", "Economic scale",
        (SubIndicatorSpec("grp", "地区生产总值", "GRP", "100M yuan", expert_weight=2),
         SubIndicatorSpec("tax", "税收", "Tax revenue", "100M yuan", expert_weight=1)),
        expert_weight=3,
        indicator_pairwise=((1, 2), (1 / 2, 1)),
    ),
    CriterionSpec(
        "administration", "承接能力", "Administrative capacity",
        (SubIndicatorSpec("staff", "审批人员", "Staff", "persons", expert_weight=1),
         SubIndicatorSpec("days", "办理时长", "Processing days", "days",
                          direction=SubIndicator.Direction.COST, expert_weight=1)),
        expert_weight=2,
        indicator_pairwise=((1, 1), (1, 1)),
    ),
    CriterionSpec(
        "market", "市场主体", "Market entities",
        (SubIndicatorSpec("firms", "企业数", "Firms", "thousand", expert_weight=1),),
        expert_weight=1,
        indicator_pairwise=((1,),),
    ),
)  # fmt: skip
# Perfectly consistent (CR = 0): criterion weights 0.6, 0.2, 0.2.
CONSISTENT = ((1, 3, 3), (1 / 3, 1, 1), (1 / 3, 1, 1))
# Circular judgements (scale ≫ administration ≫ market ≫ scale): CR far above 0.1.
INCONSISTENT = ((1, 9, 1 / 9), (1 / 9, 1, 9), (9, 1 / 9, 1))


@dataclass
class SmallRound:
    selection_round: SelectionRound
    zones: dict[str, Zone]
    pilot: Zone


def candidate_zones() -> tuple[dict[str, Zone], Zone]:
    zones = {
        slug: ZoneFactory(slug=slug, name_zh=f"{slug}区", name_en=f"{slug.title()} Zone",
                          kind=kind, level=level, prefecture=prefecture(code))
        for slug, code, kind, level in CANDIDATES
    }  # fmt: skip
    pilot = ZoneFactory(slug="pilot")
    BatchMembershipFactory(
        zone=pilot, batch=BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    )
    return zones, pilot


def make_round(
    *,
    slug: str = "test-round",
    with_values: bool = True,
    constraints: Constraints | None = None,
    criterion_pairwise: tuple[tuple[float, ...], ...] = CONSISTENT,
    **settings: object,
) -> SmallRound:
    zones, pilot = candidate_zones()
    selection_round = create_round(
        slug=slug,
        year=2024,
        title_zh="测试遴选",
        title_en="Test selection",
        batch_number=2,
        candidates_as_of=AS_OF,
        criteria=CRITERIA,
        constraints=constraints or Constraints(selection_size=3, max_per_prefecture=1),
        criterion_pairwise=criterion_pairwise,
        sensitivity_runs=20,
        created_by=SYSTEM,
        **settings,
    )
    if with_values:
        record_candidate_values(
            selection_round=selection_round, values=all_values(selection_round, zones),
            recorded_by=SYSTEM,
        )  # fmt: skip
    return SmallRound(selection_round=selection_round, zones=zones, pilot=pilot)


def all_values(selection_round: SelectionRound, zones: dict[str, Zone]) -> list[ValueInput]:
    indicators = {indicator.code: indicator for indicator in selection_round.sub_indicators.all()}
    return [
        ValueInput(zones[slug].pk, indicators[code].pk, values[row])
        for code, values in VALUES.items()
        for row, (slug, *_) in enumerate(CANDIDATES)
    ]
