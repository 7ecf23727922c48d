"""Annual list editions built through the services, as the office would: drafted, approved,
published (which creates the grants), carried into the next year with changes, and so on.

``build_list_cycle`` gives two small published editions of batch 1 with every kind of difference
between them and grants in varied states, plus a draft; ``build_correction`` adds a published
correction (edition 2); ``build_large_edition`` gives an edition the size of Sichuan's 2024 list.
"""

import datetime
from dataclasses import dataclass

from devolve.core.actors import SYSTEM
from devolve.grants import services as grant_services
from devolve.grants.models import Grant
from devolve.grants.publication import plan_publication
from devolve.matters import services as list_services
from devolve.matters.models import AnnualList, AuthorizationMode, Department, ListEntry, Matter
from devolve.matters.tests.factories import DepartmentFactory, MatterFactory
from devolve.regions.models import Batch, Zone
from devolve.regions.selectors import list_memberships
from devolve.regions.tests.factories import (
    BatchFactory,
    BatchMembershipFactory,
    ZoneFactory,
    prefecture,
)

D = datetime.date
MEETING_ZH = "省全面创新改革试验领导小组会议"
MEETING_EN = "Provincial leading group for comprehensive innovation reform"
LAW_FIRMS_REASON = "The law requires the department to keep the decision."
LEGAL_AID_REASON = "West Zone asked to take the matter on."
TAX_REASON = "Fiscal reform completed."
FISCAL_REASON = "Demand filed by North Zone."
RECALL_REASON = "Audit finding."


def mode(code: str) -> AuthorizationMode:
    return AuthorizationMode.objects.get(code=code)


def approve_and_publish(
    annual_list: AnnualList,
    *,
    approved_on: datetime.date,
    published_on: datetime.date,
    document_number: str,
) -> AnnualList:
    list_services.submit_annual_list_for_review(annual_list=annual_list, submitted_by=SYSTEM)
    list_services.approve_annual_list(
        annual_list=annual_list,
        approved_by=SYSTEM,
        approved_on=approved_on,
        document_number=document_number,
        approving_meeting_zh=MEETING_ZH,
        approving_meeting_en=MEETING_EN,
    )
    # Recalls stand: a power recalled from an area is left out of a later edition's grants there.
    plan = plan_publication(annual_list, published_on=published_on)
    grant_services.publish_annual_list(
        annual_list=annual_list,
        published_on=published_on,
        published_by=SYSTEM,
        left_out=[regrant.key for regrant in plan.regrants],
    )
    annual_list.refresh_from_db()
    return annual_list


@dataclass(frozen=True)
class ListCycle:
    """Batch 1 with three pilot areas (East and West in Chengdu, North in Zigong) and:

    - ``first``, 2023/batch-1, superseded and illustrative: law firms (delegated, all areas),
      legal aid (entrusted, East only), sci-tech SMEs (delegated, all areas), tax support
      (support, all areas);
    - ``second``, 2024/batch-1, published: law firms now entrusted, legal aid now East and West, tax
      support withdrawn, sci-tech SMEs kept, fiscal support added for North; grants carried over,
      one new entrustment awaiting its agreement and sci-tech SMEs recalled in North;
    - ``draft``, 2025/batch-1, a draft derived from ``second``.
    """

    batch: Batch
    zones: dict[str, Zone]
    departments: dict[str, Department]
    matters: dict[str, Matter]
    first: AnnualList
    second: AnnualList
    draft: AnnualList


def _zone(slug: str, name_zh: str, name_en: str, prefecture_code: str) -> Zone:
    return ZoneFactory(
        slug=slug, name_zh=name_zh, name_en=name_en, prefecture=prefecture(prefecture_code)
    )


def build_list_cycle() -> ListCycle:
    batch = BatchFactory(number=1, starts_on=D(2023, 1, 1))
    zones = {
        "east": _zone("east", "东区", "East Zone", "510100"),
        "west": _zone("west", "西区", "West Zone", "510100"),
        "north": _zone("north", "北区", "North Zone", "510300"),
    }
    for zone in zones.values():
        BatchMembershipFactory(batch=batch, zone=zone, joined_on=D(2023, 1, 1))
    departments = {
        "justice": DepartmentFactory(
            code="justice", name_zh="四川省司法厅", name_en="Department of Justice"
        ),
        "finance": DepartmentFactory(
            code="finance", name_zh="四川省财政厅", name_en="Department of Finance"
        ),
        "science": DepartmentFactory(
            code="science", name_zh="四川省科学技术厅", name_en="Department of Science"
        ),
    }
    justice, finance, science = (
        departments["justice"],
        departments["finance"],
        departments["science"],
    )
    matters = {
        "law_firms": MatterFactory(
            code="511A0000000001",
            name_zh="律师事务所设立审批",
            name_en="Approval of law firms",
            competent_department=justice,
        ),
        "legal_aid": MatterFactory(
            code="511A0000000002",
            name_zh="法律援助补贴发放",
            name_en="Legal aid subsidies",
            competent_department=justice,
        ),
        "sci_tech": MatterFactory(
            code="511A0000000003",
            name_zh="科技型中小企业评价确认",
            name_en="Sci-tech SME confirmation",
            competent_department=science,
        ),
        "tax_support": MatterFactory(
            support=True,
            name_zh="税收征管支持",
            name_en="Tax administration support",
            competent_department=finance,
        ),
        "fiscal_support": MatterFactory(
            support=True,
            name_zh="财税管理体制创新支持",
            name_en="Fiscal administration support",
            competent_department=finance,
        ),
    }

    first = list_services.create_annual_list(
        year=2023,
        batch=batch,
        created_by=SYSTEM,
        title_zh="2023年第一批清单",
        title_en="2023 list",
        is_illustrative=True,
        source="Invented for the tests.",
    )
    add = list_services.add_list_entry
    add(
        annual_list=first,
        matter=matters["law_firms"],
        mode=mode("delegate"),
        granting_department=justice,
        added_by=SYSTEM,
    )
    add(
        annual_list=first,
        matter=matters["legal_aid"],
        mode=mode("entrust"),
        granting_department=justice,
        receiving_areas=[zones["east"]],
        added_by=SYSTEM,
    )
    add(
        annual_list=first,
        matter=matters["sci_tech"],
        mode=mode("delegate"),
        granting_department=science,
        supervising_department=finance,
        added_by=SYSTEM,
    )
    add(
        annual_list=first,
        matter=matters["tax_support"],
        mode=mode("support"),
        granting_department=finance,
        added_by=SYSTEM,
    )
    first = approve_and_publish(
        first,
        approved_on=D(2023, 3, 1),
        published_on=D(2023, 3, 10),
        document_number="川改办〔2023〕1号",
    )
    grant_services.activate_due_grants(on=D(2023, 4, 9), activated_by=SYSTEM)
    grant_services.sign_entrustment_agreement(
        grant=Grant.objects.get(entry__annual_list=first, entry__matter=matters["legal_aid"]),
        number="川司委〔2023〕7号",
        signed_on=D(2023, 4, 1),
        starts_on=D(2023, 4, 3),
        ends_on=D(2025, 4, 2),
        signed_by=SYSTEM,
    )
    grant_services.record_handover(
        grant=Grant.objects.get(
            entry__annual_list=first, entry__matter=matters["law_firms"], zone=zones["east"]
        ),
        handed_over_on=D(2023, 5, 10),
        recorded_by=SYSTEM,
    )

    second = list_services.derive_annual_list(
        predecessor=first,
        year=2024,
        created_by=SYSTEM,
        title_zh="2024年第一批清单",
        title_en="2024 list",
    )
    carried = {entry.matter_id: entry for entry in second.entries.all()}
    list_services.update_list_entry(
        entry=carried[matters["law_firms"].pk],
        mode=mode("entrust"),
        updated_by=SYSTEM,
        reason=LAW_FIRMS_REASON,
    )
    list_services.update_list_entry(
        entry=carried[matters["legal_aid"].pk],
        receiving_areas=[zones["east"], zones["west"]],
        updated_by=SYSTEM,
        reason=LEGAL_AID_REASON,
    )
    list_services.withdraw_list_entry(
        entry=carried[matters["tax_support"].pk], withdrawn_by=SYSTEM, reason=TAX_REASON
    )
    add(
        annual_list=second,
        matter=matters["fiscal_support"],
        mode=mode("support"),
        granting_department=finance,
        receiving_areas=[zones["north"]],
        change_reason=FISCAL_REASON,
        added_by=SYSTEM,
    )
    second = approve_and_publish(
        second,
        approved_on=D(2024, 2, 1),
        published_on=D(2024, 2, 5),
        document_number="川改办〔2024〕1号",
    )
    grant_services.recall_grant(
        grant=Grant.objects.get(
            entry__annual_list=second, entry__matter=matters["sci_tech"], zone=zones["north"]
        ),
        recalled_on=D(2024, 6, 1),
        reason=RECALL_REASON,
        recalled_by=SYSTEM,
    )
    draft = list_services.derive_annual_list(predecessor=second, year=2025, created_by=SYSTEM)
    first.refresh_from_db()
    return ListCycle(
        batch=batch,
        zones=zones,
        departments=departments,
        matters=matters,
        first=first,
        second=second,
        draft=draft,
    )


def build_correction(cycle: ListCycle) -> AnnualList:
    """2024/batch-1/e2: the 2024 list corrected (sci-tech SMEs gain a condition), published."""
    correction = list_services.derive_annual_list(
        predecessor=cycle.second, year=2024, edition=2, created_by=SYSTEM
    )
    sci_tech = ListEntry.objects.get(annual_list=correction, matter=cycle.matters["sci_tech"])
    list_services.update_list_entry(
        entry=sci_tech,
        conditions="Only for enterprises registered in the area.",
        updated_by=SYSTEM,
        reason="Correction of a drafting error.",
    )
    return approve_and_publish(
        correction,
        approved_on=D(2024, 3, 1),
        published_on=D(2024, 3, 5),
        document_number="川改办〔2024〕2号",
    )


def build_large_edition(
    *, batch_number: int = 1, year: int = 2024, powers: int = 8, support: int = 102
) -> AnnualList:
    """A published edition of ``powers`` delegated or entrusted matters and ``support`` support
    matters for every pilot area of the batch (made with nine areas when the batch is new)."""
    batch = BatchFactory(number=batch_number, starts_on=D(2023, 1, 1))
    if not list_memberships(batch=batch).exists():
        for number in range(9):
            BatchMembershipFactory(
                batch=batch, zone=ZoneFactory(slug=f"area-{number}"), joined_on=D(2023, 1, 1)
            )
    department = DepartmentFactory(code="large-list-department")
    annual_list = list_services.create_annual_list(year=year, batch=batch, created_by=SYSTEM)
    modes = {"delegate": mode("delegate"), "entrust": mode("entrust"), "support": mode("support")}
    for number in range(powers + support):
        is_power = number < powers
        mode_code = ("delegate", "entrust")[number % 2] if is_power else "support"
        list_services.add_list_entry(
            annual_list=annual_list,
            matter=MatterFactory(competent_department=department, support=not is_power),
            mode=modes[mode_code],
            granting_department=department,
            added_by=SYSTEM,
        )
    return approve_and_publish(
        annual_list,
        approved_on=D(year, 1, 10),
        published_on=D(year, 1, 15),
        document_number=f"川改办〔{year}〕9号",
    )
