"""A small world to assess: a 2024 edition granted to two pilot areas in two prefectures (Chengdu,
the prefecture persona's, and Mianyang), and a published prefecture scheme whose items are
manual (so the office sets each input) plus one measure with no data yet (cases completed)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from devolve.accounts.models import User
from devolve.grants import services as grant_services
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, Department
from devolve.matters.tests.factories import MatterFactory
from devolve.performance import services
from devolve.performance.models import IndicatorItem, PerformanceAssessment, Scheme
from devolve.performance.services import GroupInput, ItemInput
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

D = Decimal
Measure = IndicatorItem.Measure
Rule = IndicatorItem.Rule
OPENS, CLOSES = datetime.date(2025, 3, 1), datetime.date(2025, 3, 15)
CHENGDU, MIANYANG = "510100", "510700"


def edition_2024(office: User, zone_in_chengdu: object, department: Department) -> AnnualList:
    batch = BatchFactory(number=1, starts_on=datetime.date(2023, 1, 1))
    other = ZoneFactory(slug="mianyang-zone", prefecture=prefecture(MIANYANG))
    for zone in (zone_in_chengdu, other):
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=datetime.date(2023, 1, 1))
    annual_list = list_services.create_annual_list(year=2024, batch=batch, created_by=office)
    list_services.add_list_entry(
        annual_list=annual_list,
        matter=MatterFactory(competent_department=department),
        mode=AuthorizationMode.objects.get(code="delegate"),
        granting_department=department,
        added_by=office,
    )
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=office)
    list_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=office,
        approved_on=datetime.date(2024, 3, 1),
        document_number="川改办〔2024〕1号",
    )
    return grant_services.publish_annual_list(
        annual_list=annual_list, published_on=datetime.date(2024, 3, 10), published_by=office
    )


GROUPS = (
    GroupInput("成效", "Results", D(70), (
        ItemInput("innovation", "创新", "Innovation", Measure.MANUAL, Rule.LINEAR_TO_TARGET,
                  weight=D(60), floor=D(0), target=D(4)),
        ItemInput("cases", "办件", "Cases completed", Measure.CASES_COMPLETED,
                  Rule.PROPORTIONAL_TO_BEST, weight=D(40)),
    )),
    GroupInput("质量", "Quality", D(30), (
        ItemInput("quality", "质量", "Quality", Measure.MANUAL, Rule.PROPORTIONAL_TO_BEST,
                  weight=D(100)),
    )),
    GroupInput("加减分", "Bonus and deductions", D(0), (
        ItemInput("honours", "表扬", "Honours", Measure.MANUAL, Rule.PER_UNIT,
                  kind=IndicatorItem.Kind.BONUS, points_per_unit=D(2), cap=D(3)),
        ItemInput("faults", "问题", "Faults", Measure.MANUAL, Rule.PER_UNIT,
                  kind=IndicatorItem.Kind.DEDUCTION, points_per_unit=D(1), cap=D(4)),
    )),
)  # fmt: skip


def published_scheme(office: User) -> Scheme:
    scheme = services.create_scheme(
        code="prefectures", name_zh="市州方案", name_en="Prefecture scheme",
        subject_type="prefecture", excellent_from=D(90), good_from=D(80), pass_from=D(60),
        groups=GROUPS, created_by=office,
    )  # fmt: skip
    return services.publish_scheme(scheme=scheme, published_by=office)


MANUAL = {
    CHENGDU: {"innovation": D(3), "quality": D(8), "honours": D(1), "faults": D(6)},
    MIANYANG: {"innovation": D(4), "quality": D(10), "honours": D(2), "faults": D(0)},
}


def computed_assessment(office: User, scheme: Scheme) -> PerformanceAssessment:
    """Chengdu: innovation 3/4 → 0.75 x 70 = 52.50 (cases have no data: innovation takes the
    group's whole 70), quality 8 of best 10 → 24.00, honours 2, faults 6 capped at 4: 74.50.
    Mianyang: 70 + 30 + 3 (capped) - 0 = 103.00."""
    assessment = services.create_performance_assessment(
        scheme=scheme, year=2024, appeal_opens_on=OPENS, appeal_closes_on=CLOSES, created_by=office
    )
    items = {item.code: item for item in IndicatorItem.objects.filter(group__scheme=scheme)}
    for key, values in MANUAL.items():
        for code, value in values.items():
            services.record_manual_input(
                assessment=assessment, item=items[code], subject_key=key, value=value,
                evidence="Minutes of the review meeting", entered_by=office,
            )  # fmt: skip
    services.compute_performance_assessment(
        assessment=assessment, computed_by=office, on=datetime.date(2025, 2, 20)
    )
    assessment.refresh_from_db()
    return assessment


@dataclass
class Assessed:
    """The computed assessment of ``computed_assessment`` over ``edition_2024``, and the personas
    that built it."""

    edition: AnnualList
    scheme: Scheme
    assessment: PerformanceAssessment
    office_user: User
    pilot_area_user: User
    justice: Department


def assessed(office: User, pilot_area_user: User, department: Department) -> Assessed:
    edition = edition_2024(office, pilot_area_user.zone, department)
    scheme = published_scheme(office)
    assessment = computed_assessment(office, scheme)
    return Assessed(edition, scheme, assessment, office, pilot_area_user, department)
