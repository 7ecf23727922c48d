"""The demo's performance assessments, one per scheme for every completed year of the programme
(2023 on): a scheme for prefectures and one for departments, both with ILLUSTRATIVE weights,
thresholds and manual values (no source gives Sichuan's indicator set, see the domain brief §5),
computed from the demo's reform data (accepted reports, the regular assessment, the simulated
economy) in February of the next year, published after the March appeal window; the 2024
prefecture assessment has one appeal, decided inside its window.

Inputs that the demo's other seeds have not provided show as "no data" and are scored by each
item's rule (left out with the weight shared); the computation still runs.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from devolve.accounts.models import User
from devolve.core.actors import SYSTEM
from devolve.demo.stamping import stamped
from devolve.performance import selectors, services
from devolve.performance.models import IndicatorItem, PerformanceAssessment, Scheme
from devolve.performance.services import GroupInput, ItemInput

if TYPE_CHECKING:
    from devolve.demo.seed import SeedReport

D = Decimal
FIRST_YEAR = 2023
APPEAL_YEAR = 2024


@dataclass(frozen=True)
class Calendar:
    """The dates of one year's assessment (illustrative): computed once the year's statistics
    are out (``sichuan_economy.RELEASE_MONTH_DAY``), appeals in the first half of March,
    published after the window closes."""

    year: int

    @property
    def computed_on(self) -> datetime.date:
        return datetime.date(self.year + 1, 2, 20)

    @property
    def appeal_opens_on(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 1)

    @property
    def appeal_closes_on(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 15)

    @property
    def appeal_filed_on(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 5)

    @property
    def appeal_decided_on(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 12)

    @property
    def published_on(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 20)


def assessed_years(as_of: datetime.date) -> list[int]:
    """The completed years whose assessment had been computed by ``as_of``."""
    return [year for year in range(FIRST_YEAR, as_of.year) if Calendar(year).computed_on <= as_of]


# The office's own note on the scheme, in Chinese as the office writes it: the structure
# follows the usual reform assessment template (base 100, weighted groups, bonus and deductions,
# tiers); the weights, targets and thresholds are invented; the economic figures are simulated.
NOTE = (
    "示意考核方案：结构沿用常见的改革考核模板（基础分100分、分组加权、加分和扣分、等次），"
    "权重、目标值和阈值均为示意。经济数据为模拟数据。"
)
Measure = IndicatorItem.Measure
Rule = IndicatorItem.Rule
Kind = IndicatorItem.Kind

PREFECTURE_SCHEME = "prefecture-reform"
DEPARTMENT_SCHEME = "department-reform"
INNOVATION = "reform-innovation"

PREFECTURE_GROUPS = (
    GroupInput("权力用得好", "Use of the powers", D(40), (
        ItemInput("cases-completed", "授权事项办结量排名", "Cases completed (rank)",
                  Measure.CASES_COMPLETED, Rule.RANK_TO_POINTS, weight=D(50),
                  rank_points=(D(100), D(95), D(90), D(85), D(80), D(75), D(70), D(65))),
        ItemInput("grant-assessment", "定期评估平均得分", "Mean regular-assessment score",
                  Measure.GRANT_ASSESSMENT, Rule.LINEAR_TO_TARGET, weight=D(50),
                  floor=D(50), target=D(80)),
    )),
    GroupInput("报送及时准确", "Reporting", D(30), (
        ItemInput("reporting-completeness", "报送完整率", "Reporting completeness (%)",
                  Measure.REPORTING_COMPLETENESS, Rule.LINEAR_TO_TARGET, weight=D(60),
                  floor=D(50), target=D(100)),
        ItemInput("reporting-timeliness", "报送及时率", "Reporting timeliness (%)",
                  Measure.REPORTING_TIMELINESS, Rule.LINEAR_TO_TARGET, weight=D(40),
                  floor=D(50), target=D(100)),
    )),
    GroupInput("经济成效", "Economic outcomes", D(20), (
        ItemInput("grp-growth", "地区生产总值实际增速", "Real GRP growth (%)",
                  Measure.ECONOMIC_INDICATOR, Rule.LINEAR_TO_TARGET, weight=D(100),
                  indicator_code="grp-real-growth", floor=D(3), target=D(8)),
    )),
    GroupInput("改革创新", "Reform innovation", D(10), (
        ItemInput(INNOVATION, "改革经验被推广数", "Reform experiences adopted elsewhere",
                  Measure.MANUAL, Rule.LINEAR_TO_TARGET, weight=D(100), floor=D(0), target=D(4),
                  when_no_data=IndicatorItem.NoData.ZERO),
    )),
    GroupInput("加分和扣分", "Bonus and deductions", D(0), (
        ItemInput("national-recognition", "获国家级表扬", "National recognition", Measure.MANUAL,
                  Rule.PER_UNIT, kind=Kind.BONUS, points_per_unit=D(2), cap=D(3)),
        ItemInput("zero-use-grants", "零办件授权事项", "Grants flagged for zero use",
                  Measure.ZERO_USE_GRANTS, Rule.PER_UNIT, kind=Kind.DEDUCTION,
                  points_per_unit=D("0.5"), cap=D(5)),
    )),
)  # fmt: skip

DEPARTMENT_GROUPS = (
    GroupInput("放得下", "Powers delegated and supported", D(50), (
        ItemInput("grant-assessment", "所授权事项定期评估平均得分",
                  "Mean regular-assessment score of its grants", Measure.GRANT_ASSESSMENT,
                  Rule.LINEAR_TO_TARGET, weight=D(100), floor=D(50), target=D(80)),
    )),
    GroupInput("报送及时准确", "Reporting", D(50), (
        ItemInput("reporting-completeness", "报送完整率", "Reporting completeness (%)",
                  Measure.REPORTING_COMPLETENESS, Rule.LINEAR_TO_TARGET, weight=D(50),
                  floor=D(50), target=D(100)),
        ItemInput("reporting-timeliness", "报送及时率", "Reporting timeliness (%)",
                  Measure.REPORTING_TIMELINESS, Rule.PROPORTIONAL_TO_BEST, weight=D(50)),
    )),
    GroupInput("扣分", "Deductions", D(0), (
        ItemInput("zero-use-grants", "零办件授权事项", "Grants flagged for zero use",
                  Measure.ZERO_USE_GRANTS, Rule.PER_UNIT, kind=Kind.DEDUCTION,
                  points_per_unit=D("0.5"), cap=D(5)),
    )),
)  # fmt: skip


def _scheme(
    code: str, names: tuple[str, str], subject_type: str, groups: tuple[GroupInput, ...]
) -> Scheme:
    existing = selectors.get_latest_scheme(code=code)
    if existing is not None and existing.is_published:
        return existing
    scheme = existing or services.create_scheme(
        code=code, name_zh=names[0], name_en=names[1], subject_type=subject_type,
        excellent_from=D(90), good_from=D(80), pass_from=D(60), groups=groups,
        created_by=SYSTEM, note=NOTE, is_illustrative=True,
    )  # fmt: skip
    return services.publish_scheme(scheme=scheme, published_by=SYSTEM)


def _illustrative_count(key: str, spread: int) -> Decimal:
    """A fixed, made-up count per subject (the same every run)."""
    return D(sum(ord(character) for character in key) % spread)


def _manual_inputs(assessment: PerformanceAssessment) -> None:
    items = {item.code: item for item in selectors.list_scheme_items(scheme=assessment.scheme)}
    subject_type, year = assessment.scheme.subject_type, assessment.year
    for subject in selectors.list_subjects(subject_type=subject_type, year=year):
        for code, spread in ((INNOVATION, 4), ("national-recognition", 2)):
            # 2024 keeps the counts the demo always had; other years vary them.
            key = subject.key if year == APPEAL_YEAR else f"{subject.key}-{year}"
            services.record_manual_input(
                assessment=assessment, item=items[code], subject_key=subject.key,
                value=_illustrative_count(key, spread),
                evidence="演示用示意数值，无真实佐证材料。",
                entered_by=SYSTEM, is_illustrative=True,
            )  # fmt: skip


def _appeal(assessment: PerformanceAssessment, calendar: Calendar) -> None:
    """Chengdu contests its reform-innovation count; the office upholds it."""
    scores = selectors.list_ranking(assessment=assessment)
    score = next((s for s in scores if s.subject_key == "510100"), scores[0] if scores else None)
    if score is None:
        return
    item = next(
        i for i in selectors.list_scheme_items(scheme=assessment.scheme) if i.code == INNOVATION
    )
    filer = User.objects.filter(username="chengdu", prefecture=score.prefecture).first()
    stored = score.items.get(item=item).input_value or D(0)
    with stamped(calendar.appeal_filed_on):
        appeal = services.file_appeal(
            score=score, item=item, filed_by=filer or SYSTEM, on=calendar.appeal_filed_on,
            claimed_value=stored + 1,
            grounds="2024年另有一项改革经验被外省借鉴推广，申请加计一项（示意，无真实文件）。",
            is_illustrative=True,
        )  # fmt: skip
    with stamped(calendar.appeal_decided_on):
        services.decide_appeal(
            appeal=appeal, upheld=True, corrected_value=stored + 1, decided_by=SYSTEM,
            on=calendar.appeal_decided_on,
            reason="经核对推广通知，申诉成立，已更正计数（示意）。",
        )  # fmt: skip


def _assess(scheme: Scheme, *, year: int, as_of: datetime.date) -> PerformanceAssessment | None:
    """The year's assessment as far as it had gone by ``as_of``: computed, appealed (the
    appeal decided inside the window) and published after the window closed."""
    calendar = Calendar(year)
    if as_of < calendar.computed_on:
        return None
    if selectors.list_assessments().filter(scheme__code=scheme.code, year=year).exists():
        return None
    if not selectors.list_subjects(subject_type=scheme.subject_type, year=year):
        return None
    with stamped(calendar.computed_on):
        assessment = services.create_performance_assessment(
            scheme=scheme, year=year, appeal_opens_on=calendar.appeal_opens_on,
            appeal_closes_on=calendar.appeal_closes_on, created_by=SYSTEM, is_illustrative=True,
        )  # fmt: skip
        if scheme.code == PREFECTURE_SCHEME:
            _manual_inputs(assessment)
        services.compute_performance_assessment(
            assessment=assessment, computed_by=SYSTEM, on=calendar.computed_on
        )
    with_appeal = scheme.code == PREFECTURE_SCHEME and year == APPEAL_YEAR
    if with_appeal and as_of >= calendar.appeal_decided_on:
        _appeal(assessment, calendar)
    if as_of < calendar.published_on:
        return assessment
    with stamped(calendar.published_on):
        return services.publish_performance_assessment(
            assessment=assessment, published_by=SYSTEM, on=calendar.published_on
        )


@transaction.atomic
def seed_performance(report: "SeedReport", *, as_of: datetime.date | None = None) -> None:
    """Both schemes and, for every completed year, both assessments with their scores (and the
    2024 appeal) and their publication, as far as they had gone by ``as_of`` (default: today).
    An assessment that exists is left as it is."""
    as_of = as_of or timezone.localdate()
    before = selectors.list_assessments().count()
    with stamped(Calendar(FIRST_YEAR).computed_on):
        prefecture, department = _schemes()
    for year in assessed_years(as_of):
        _assess(prefecture, year=year, as_of=as_of)
        _assess(department, year=year, as_of=as_of)
    after = selectors.list_assessments().count()
    report.add("performance_assessments", created=after - before, existing=before)


def _schemes() -> tuple[Scheme, Scheme]:
    prefecture = _scheme(
        PREFECTURE_SCHEME, ("市（州）集成授权改革目标绩效考核方案（示意）",
                            "Prefecture reform performance scheme (illustrative)"),
        "prefecture", PREFECTURE_GROUPS,
    )  # fmt: skip
    department = _scheme(
        DEPARTMENT_SCHEME, ("省直部门集成授权改革目标绩效考核方案（示意）",
                            "Department reform performance scheme (illustrative)"),
        "department", DEPARTMENT_GROUPS,
    )  # fmt: skip
    return prefecture, department
