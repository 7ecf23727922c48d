"""The demo's annual lists for batch 1: the 2023 edition, the 2024 edition derived from it, the
demand behind the changes, and what then happened to the grants.

What is real (from the sources each record's ``source`` names):

- the 2024 list for the first batch has 110 matters: 8 powers delegated or entrusted by provincial
  departments and 102 support matters (§1.1, sc.gov.cn article of 2 Dec 2024);
- Tianfu New Area was granted the approval of establishing, altering and deregistering law firms
  and their branches, for the Tianfu Central Legal Services District (§1.1, Jul 2024 article);
- 科技型中小企业评价（入库）确认 and 财税管理体制创新支持 are in the 2024 list (§1.4);
- the catalogue matters' names and codes (§7, seeded by ``sichuan.MATTERS``).

Everything else is illustrative and flagged so: the 2023 edition (its size and contents are not in
the sources, §1.5), the other 2024 entries, modes and receiving areas where no source names them,
every date, meeting, document and agreement number, the demand items and all grant events. The
102 support matters are generated from a small vocabulary of the commitments such lists carry
(§1.4: quotas, funds, recommendations for national pilots, talent, green channels …).
"""

import datetime
import itertools
from dataclasses import dataclass

D = datetime.date

BATCH = 1
# The nine pilot areas of batch 1 (``sichuan.ZONES``); the first five are the new areas.
AREAS = (
    "tianfu-new-area",
    "chengdu-eastern-new-area",
    "yibin-sanjiang-new-area",
    "nanchong-linjiang-new-area",
    "mianyang-sci-tech-city-new-area",
    "deyang-etdz",
    "luzhou-baijiu-park",
    "zigong-high-tech-zone",
    "dazhou-high-tech-park",
)
NEW_AREAS = AREAS[:5]
TIANFU, EASTERN, SANJIANG, LINJIANG, KEJICHENG, DEYANG, LUZHOU, ZIGONG, DAZHOU = AREAS

GENERATED = (
    "Illustrative: generated for the demo from a vocabulary of typical provincial support "
    "commitments (brief §1.4); the 102 support matters of the 2024 list are not named in the "
    "sources (brief §1.5)."
)
DEMAND_SOURCE = (
    "Illustrative: a support matter asked for in the demo's demand list; the theme follows the "
    "area's differentiated reform task where the brief gives one (§1.1)."
)


@dataclass(frozen=True)
class MatterRef:
    """A catalogue matter by its stable key: competent department and Chinese name."""

    department: str
    name_zh: str


@dataclass(frozen=True)
class SupportMatterFact:
    department: str
    name_zh: str
    name_en: str
    is_illustrative: bool = True
    source: str = GENERATED

    @property
    def ref(self) -> MatterRef:
        return MatterRef(self.department, self.name_zh)


@dataclass(frozen=True)
class EntryFact:
    """An entry added to an edition. ``areas`` None means every pilot area of the batch."""

    matter: MatterRef
    mode: str
    areas: tuple[str, ...] | None = None
    supervising_department: str | None = None
    conditions: str = ""
    notes: str = ""
    change_reason: str = ""
    is_illustrative: bool = True


@dataclass(frozen=True)
class EditionFact:
    year: int
    title_zh: str
    title_en: str
    approved_on: datetime.date
    document_number: str
    approving_meeting_zh: str
    approving_meeting_en: str
    published_on: datetime.date
    is_illustrative: bool
    source: str
    batch: int = BATCH

    @property
    def key(self) -> str:
        return f"{self.year}/batch-{self.batch}"

    @property
    def delegation_effective_on(self) -> datetime.date:
        """30 days after publication, the edition's default (Order No. 332 of 2018, brief §1.3)."""
        return self.published_on + datetime.timedelta(days=30)


@dataclass(frozen=True)
class ModificationFact:
    """A carried-forward entry changed in the new edition. ``areas`` () means every area."""

    matter: MatterRef
    reason: str
    granting_department: str | None = None
    supervising_department: str | None = None
    areas: tuple[str, ...] | None = None
    conditions: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class WithdrawalFact:
    matter: MatterRef
    reason: str


@dataclass(frozen=True)
class DemandFact:
    """A demand item of a pilot area (``zone``) or, with no zone, a department's offer."""

    zone: str | None
    kind: str
    department: str
    matter: MatterRef | None
    justification: str
    response: str  # agree, agree_in_part, decline, needs_higher
    response_reason: str
    accept: bool
    decision_reason: str
    description: str = ""
    mode: str | None = None
    filed_on: datetime.date | None = None  # offers without a date are made the day the window opens


@dataclass(frozen=True)
class AgreementFact:
    """An entrustment agreement signed for the grant of ``matter`` to ``zone`` in the edition of
    ``year``."""

    year: int
    matter: MatterRef
    zone: str
    number: str
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    covers_decision: bool = True
    document: str = ""


@dataclass(frozen=True)
class HandoverFact:
    year: int
    matter: MatterRef
    zone: str
    handed_over_on: datetime.date


@dataclass(frozen=True)
class SupervisionFact:
    year: int
    matter: MatterRef
    zone: str
    filed_on: datetime.date
    document: str


@dataclass(frozen=True)
class RecallFact:
    year: int
    matter: MatterRef
    zone: str
    recalled_on: datetime.date
    reason: str


# Powers: catalogue matters seeded by ``sichuan.MATTERS`` ------------------------------------------

ENERGY_REVIEW = MatterRef("drc", "固定资产投资项目节能审查")
INVESTMENT_FILING = MatterRef("drc", "固定资产投资项目备案")
DESIGN_REVIEW = MatterRef("natural-resources", "建设工程设计方案审定")
EIA_APPROVAL = MatterRef("ecology-environment", "环境影响评价文件审批")
LAND_DISPUTES = MatterRef("natural-resources", "土地权属争议裁决")
TEACHER_QUALIFICATION = MatterRef("education", "教师资格认定")
HOTEL_LICENCE = MatterRef("public-security", "旅馆业特种行业许可证核发")
LAW_FIRMS = MatterRef("justice", "律师事务所及分所设立、变更、注销审批")  # real (brief §1.1)
SCI_TECH_SMES = MatterRef("science-technology", "科技型中小企业评价（入库）确认")  # real (§1.4)
TAX_EXEMPTION = MatterRef("finance", "非营利组织免税资格认定")
LEGAL_AID = MatterRef("justice", "法律援助补贴发放")

FISCAL_TAX_SUPPORT = SupportMatterFact(
    "finance",
    "财税管理体制创新支持",
    "Support for innovation in fiscal and tax administration",
    is_illustrative=True,
    source="In the 2024 list (brief §1.4); seeded by sichuan.MATTERS. Its place in the 2023 "
    "edition is illustrative.",
)


# The support vocabulary --------------------------------------------------------------------------

INDUSTRIES = (
    ("电子信息", "electronic information"),
    ("装备制造", "equipment manufacturing"),
    ("先进材料", "advanced materials"),
    ("能源化工", "energy and chemicals"),
    ("食品轻纺", "food and light industry"),
    ("医药健康", "medicine and health"),
    ("数字经济", "the digital economy"),
    ("新能源汽车", "new-energy vehicles"),
)

# (responsible department, Chinese template, English template, topics); a template without a
# "{}" is one matter.
_VOCABULARY: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "drc",
        "{}重大项目优先纳入省重点项目清单",
        "Priority for major {} projects in the provincial key-project list",
        INDUSTRIES,
    ),
    ("drc", "{}项目用能指标单列保障", "Energy-use quota reserved for {} projects", INDUSTRIES[:6]),
    (
        "drc",
        "推荐申报国家{}",
        "Recommendation for the national {}",
        (
            ("营商环境创新试点", "business-environment innovation pilot"),
            ("绿色低碳转型示范", "green and low-carbon transition demonstration"),
            ("物流枢纽布局建设", "logistics hub network"),
            ("新型城镇化示范", "new-type urbanization demonstration"),
            ("双创示范基地", "mass entrepreneurship and innovation demonstration bases"),
        ),
    ),
    (
        "economy-it",
        "支持培育省级{}产业集群",
        "Support for cultivating a provincial {} industrial cluster",
        INDUSTRIES,
    ),
    (
        "economy-it",
        "{}企业技术改造专项资金倾斜",
        "Priority in technical-renovation funds for {} firms",
        INDUSTRIES[:6],
    ),
    (
        "economy-it",
        "优先推荐申报{}",
        "Priority recommendation for {}",
        (
            ("国家级专精特新“小巨人”企业", "national specialised and innovative “little giants”"),
            ("国家级工业互联网平台", "national industrial internet platforms"),
            ("国家级绿色工厂", "national green factories"),
            ("国家新型工业化产业示范基地", "national new-industrialization demonstration bases"),
        ),
    ),
    (
        "science-technology",
        "支持建设省级{}",
        "Support for building a provincial {}",
        (
            ("重点实验室", "key laboratory"),
            ("技术创新中心", "technology innovation centre"),
            ("工程技术研究中心", "engineering technology research centre"),
            ("新型研发机构", "new-type R&D institution"),
            ("科技企业孵化器", "sci-tech business incubator"),
            ("中试研发平台", "pilot-scale R&D platform"),
        ),
    ),
    (
        "science-technology",
        "省级重点研发计划向{}领域项目倾斜",
        "Priority for {} projects in the provincial key R&D programme",
        INDUSTRIES[:5],
    ),
    (
        "finance",
        "地方政府专项债券额度向{}倾斜",
        "Special-purpose bond quota weighted towards {}",
        (
            ("园区基础设施", "zone infrastructure"),
            ("标准厂房建设", "standard factory buildings"),
            ("新型基础设施", "new infrastructure"),
            ("城市更新项目", "urban renewal projects"),
        ),
    ),
    (
        "finance",
        "{}",
        "{}",
        (
            (
                "省级产业发展投资引导基金优先投资",
                "Priority investment by the provincial industry fund",
            ),
            ("省级财政转移支付激励", "Incentive in provincial fiscal transfers"),
            ("财政金融互动政策支持", "Support under the fiscal-financial coordination policy"),
        ),
    ),
    (
        "human-resources",
        "{}",
        "{}",
        (
            ("高层次人才引进“一事一议”支持", "Case-by-case support for recruiting top talent"),
            ("支持开展职称自主评审试点", "Support for a pilot of self-run title evaluation"),
            ("人才公寓与安居保障支持", "Support for talent apartments and housing"),
            ("就业创业补贴资金倾斜", "Priority in employment and start-up subsidies"),
            ("技能人才培养基地建设支持", "Support for skills-training bases"),
            ("博士后科研工作站设站优先推荐", "Priority recommendation for postdoctoral stations"),
        ),
    ),
    (
        "natural-resources",
        "{}",
        "{}",
        (
            ("新增建设用地计划指标优先保障", "Priority in new construction-land quotas"),
            (
                "城乡建设用地增减挂钩节余指标调剂支持",
                "Transfer of surplus land quotas from urban-rural linkage",
            ),
            ("重大项目用地报批绿色通道", "Green channel for land-use approval of major projects"),
            ("工业用地“标准地”出让改革支持", "Support for the “standard plot” land-sale reform"),
            ("国土空间规划编制与调整支持", "Support for territorial spatial planning"),
            ("存量低效用地盘活试点支持", "Support for a pilot on revitalizing idle land"),
            ("耕地占补平衡指标统筹支持", "Pooling of farmland offset quotas"),
        ),
    ),
    (
        "ecology-environment",
        "{}",
        "{}",
        (
            ("重大项目环评审批绿色通道", "Green channel for the EIA of major projects"),
            (
                "主要污染物排放总量指标调剂支持",
                "Transfer of quotas for total emissions of major pollutants",
            ),
            ("规划环评与项目环评联动试点", "Pilot linking plan and project EIA"),
            ("排污权有偿使用和交易试点支持", "Support for a paid emission-rights trading pilot"),
            ("“无废园区”建设支持", "Support for building a “zero-waste zone”"),
        ),
    ),
    (
        "housing",
        "{}",
        "{}",
        (
            ("工程建设项目审批制度改革试点支持", "Support for the construction-approval reform"),
            ("施工图审查“多审合一”改革支持", "Support for merged construction-drawing reviews"),
            ("城市更新试点支持", "Support for an urban renewal pilot"),
            ("保障性租赁住房建设支持", "Support for affordable rental housing"),
        ),
    ),
    (
        "transport",
        "{}",
        "{}",
        (
            ("纳入省综合立体交通网规划支持", "Inclusion in the provincial transport network plan"),
            ("重大交通项目前期工作支持", "Support for preparing major transport projects"),
            ("园区铁路专用线建设支持", "Support for railway sidings into the zone"),
            ("港口与航道建设支持", "Support for port and waterway construction"),
        ),
    ),
    (
        "commerce",
        "{}",
        "{}",
        (
            ("支持申建综合保税区", "Support for applying for a comprehensive bonded zone"),
            ("外贸转型升级基地认定推荐", "Recommendation as a foreign-trade upgrading base"),
            ("跨境电子商务发展支持", "Support for cross-border e-commerce"),
            ("招商引资重大项目省级协调支持", "Provincial coordination of major investments"),
            ("开放平台建设专项资金支持", "Special funds for opening-up platforms"),
        ),
    ),
    (
        "market-regulation",
        "{}",
        "{}",
        (
            ("企业登记注册便利化改革支持", "Support for easier business registration"),
            ("知识产权快速维权中心建设推荐", "Recommendation for a rapid IPR protection centre"),
            ("检验检测公共服务平台建设支持", "Support for a public testing platform"),
            ("质量基础设施“一站式”服务支持", "Support for one-stop quality infrastructure"),
        ),
    ),
    (
        "statistics",
        "{}",
        "{}",
        (("园区统计监测体系建设支持", "Support for the zone's statistical monitoring"),),
    ),
    (
        "establishment",
        "{}",
        "{}",
        (
            ("管理机构优化设置支持", "Support for streamlining the management bodies"),
            ("编制资源统筹使用支持", "Pooled use of staffing quotas"),
            ("承接能力评估与培训支持", "Assessment and training of the capacity to take over"),
        ),
    ),
    (
        "agriculture",
        "{}",
        "{}",
        (
            ("现代农业园区建设支持", "Support for a modern agricultural park"),
            ("高标准农田建设指标支持", "Quota for high-standard farmland"),
        ),
    ),
    (
        "education",
        "{}",
        "{}",
        (
            ("产教融合实训基地建设支持", "Support for an industry-education training base"),
            ("引进优质教育资源支持", "Support for bringing in high-quality schools"),
        ),
    ),
    (
        "public-security",
        "{}",
        "{}",
        (
            ("外籍人才出入境便利化支持", "Easier entry and exit for foreign talent"),
            ("户籍制度改革试点支持", "Support for a household-registration reform pilot"),
        ),
    ),
    (
        "justice",
        "{}",
        "{}",
        (
            ("公共法律服务中心建设支持", "Support for a public legal-service centre"),
            ("涉外法律服务支持", "Support for foreign-related legal services"),
        ),
    ),
)


def _generate_support_matters() -> list[SupportMatterFact]:
    """Every vocabulary matter once, departments taking turns so each edition mixes them."""
    by_department: dict[str, list[SupportMatterFact]] = {}
    for department, template_zh, template_en, topics in _VOCABULARY:
        by_department.setdefault(department, []).extend(
            SupportMatterFact(department, template_zh.format(zh), template_en.format(en))
            for zh, en in topics
        )
    interleaved = itertools.zip_longest(*by_department.values())
    return [fact for row in interleaved for fact in row if fact is not None]


GENERATED_SUPPORT = _generate_support_matters()

# The four support matters the demand list adds (area-specific; illustrative).
DEMAND_SUPPORT = [
    SupportMatterFact(
        "drc",
        "支持创建国家级产城融合示范区",
        "Support for becoming a national industry-city integration demonstration zone",
        source=DEMAND_SOURCE,
    ),
    SupportMatterFact(
        "economy-it",
        "支持打造世界级优质白酒产业集群",
        "Support for a world-class premium baijiu industrial cluster",
        source=DEMAND_SOURCE,
    ),
    SupportMatterFact(
        "transport",
        "长江上游航运物流枢纽建设支持",
        "Support for a shipping and logistics hub on the upper Yangtze",
        source=DEMAND_SOURCE,
    ),
    SupportMatterFact(
        "economy-it",
        "钠离子电池材料产业链培育支持",
        "Support for the sodium-ion battery materials chain",
        source=DEMAND_SOURCE + " Zigong's sodium battery materials projects: brief §1.2.",
    ),
]

SUPPORT_MATTERS = [*GENERATED_SUPPORT, *DEMAND_SUPPORT]


# The 2023 edition ---------------------------------------------------------------------------------

SUPPORT_2023 = 93  # 1 real matter + 92 generated; the sources give no size (brief §1.5)
DIRECT_ADDITIONS_2024 = 10  # support matters the office adds in 2024 without a demand


# Most support matters answer one area's reform task, so most reach one area; a few reach all
# nine, and a few name the areas they concern.
_ALL_AREA_SUPPORT = frozenset(
    {
        "管理机构优化设置支持",
        "承接能力评估与培训支持",
        "施工图审查“多审合一”改革支持",
    }
)
_AREAS_BY_SUPPORT = {
    "港口与航道建设支持": (SANJIANG, LUZHOU),  # the Yangtze ports
    "重大项目环评审批绿色通道": (LUZHOU, EASTERN),
}


def _support_areas(index: int, name_zh: str) -> tuple[str, ...] | None:
    if name_zh in _ALL_AREA_SUPPORT:
        return None
    return _AREAS_BY_SUPPORT.get(name_zh, (AREAS[index % len(AREAS)],))


def _support_entry(index: int, fact: SupportMatterFact) -> EntryFact:
    return EntryFact(fact.ref, "support", areas=_support_areas(index, fact.name_zh))


EDITION_2023 = EditionFact(
    year=2023,
    title_zh="2023年度第一批集成授权改革试点区域省级授权支持事项清单",
    title_en="2023 list of provincial authorized and support matters, first batch of pilot areas",
    approved_on=D(2023, 3, 8),
    document_number="川改办〔2023〕5号",
    approving_meeting_zh="省委全面深化改革委员会会议",
    approving_meeting_en="Meeting of the Provincial Commission for Deepening Overall Reform",
    published_on=D(2023, 3, 15),
    is_illustrative=True,
    source="Illustrative. The sources confirm that the first batch received a list of provincial "
    "authorization and support matters in 2023 (brief §1.1) but give neither its size, its "
    "matters, its dates nor its document number (§1.5): all are invented for the demo.",
)

ENTRIES_2023: list[EntryFact] = [
    EntryFact(ENERGY_REVIEW, "delegate", supervising_department="drc"),
    EntryFact(INVESTMENT_FILING, "delegate"),
    EntryFact(DESIGN_REVIEW, "delegate"),
    EntryFact(
        EIA_APPROVAL,
        "entrust",
        supervising_department="ecology-environment",
        conditions="项目不涉及跨市（州）环境影响。",
    ),
    EntryFact(LAND_DISPUTES, "entrust", areas=NEW_AREAS),
    EntryFact(TEACHER_QUALIFICATION, "entrust", areas=(TIANFU, EASTERN, KEJICHENG)),
    EntryFact(HOTEL_LICENCE, "delegate"),
    EntryFact(FISCAL_TAX_SUPPORT.ref, "support"),
    *(
        _support_entry(index, fact)
        for index, fact in enumerate(GENERATED_SUPPORT[: SUPPORT_2023 - 1])
    ),
]


# The 2024 edition: derived from 2023, then changed ------------------------------------------------

EDITION_2024 = EditionFact(
    year=2024,
    title_zh="2024年度第一批集成授权改革试点区域省级授权支持事项清单",
    title_en="2024 list of provincial authorized and support matters, first batch of pilot areas",
    approved_on=D(2024, 2, 27),
    document_number="川改办〔2024〕3号",
    approving_meeting_zh="省委全面深化改革委员会会议",
    approving_meeting_en="Meeting of the Provincial Commission for Deepening Overall Reform",
    published_on=D(2024, 3, 8),
    is_illustrative=True,
    source="Its size is real: 110 provincial matters, 8 delegated or entrusted by provincial "
    "departments and 102 support matters (brief §1.1, sc.gov.cn article of 2 Dec 2024). Named "
    "in sources: the law-firm approval granted to Tianfu New Area (§1.1), 科技型中小企业评价"
    "（入库）确认 and 财税管理体制创新支持 (§1.4). The other matters, the modes, receiving areas, "
    "dates, meeting and document number are illustrative.",
)

_GENERATED_2023 = {fact.name_zh: fact for fact in GENERATED_SUPPORT[: SUPPORT_2023 - 1]}


def _from_2023(name_zh: str) -> MatterRef:
    """A generated support matter of the 2023 edition, by name (a typo fails at import)."""
    return _GENERATED_2023[name_zh].ref


WITHDRAWALS_2024 = [
    WithdrawalFact(
        HOTEL_LICENCE,
        "特种行业许可改革后由市级公安机关核发许可证，已无省级权力可下放。",
    ),
    WithdrawalFact(
        _from_2023("园区统计监测体系建设支持"),
        "2023年已完成：园区统计监测体系已建成。",
    ),
    WithdrawalFact(
        _from_2023("支持建设省级技术创新中心"),
        "并入2023年12月印发的全省技术创新中心建设方案，已覆盖全部开发区。",
    ),
    WithdrawalFact(
        _from_2023("外贸转型升级基地认定推荐"),
        "所依托的国家级认定工作已于2023年底结束。",
    ),
    WithdrawalFact(
        _from_2023("支持培育省级食品轻纺产业集群"),
        "2023年无试点区域申请，经年度评估取消。",
    ),
    WithdrawalFact(
        _from_2023("装备制造项目用能指标单列保障"),
        "已由全省用能指标改革替代。",
    ),
]

MODIFICATIONS_2024 = [
    ModificationFact(
        EIA_APPROVAL,
        "承接能力评估：泸州白酒产业园区和达州高新技术产业园区尚无环评审查人员；其余七个区域"
        "继续委托，限于省级审批权限标准以下的项目。",
        areas=tuple(area for area in AREAS if area not in {LUZHOU, DAZHOU}),
        conditions="项目不涉及跨市（州）环境影响，且总投资在省级审批权限标准以下。",
    ),
    ModificationFact(
        _from_2023("地方政府专项债券额度向园区基础设施倾斜"),
        "额度改为按试点区域年度评估结果分配。",
        conditions="按上年度试点评估结果分配。",
    ),
    ModificationFact(
        _from_2023("重大项目环评审批绿色通道"),
        "2024年需求征集中各试点区域均提出需求，扩大至全部九个区域。",
        areas=(),
    ),
    ModificationFact(
        _from_2023("地方政府专项债券额度向标准厂房建设倾斜"),
        "改由负责专项债券项目审核的省发展改革委跟踪落实。",
        supervising_department="drc",
    ),
    ModificationFact(
        _from_2023("施工图审查“多审合一”改革支持"),
        "收窄至自行开展工程建设审批的五个新区。",
        areas=NEW_AREAS,
    ),
    ModificationFact(
        _from_2023("承接能力评估与培训支持"),
        "2024年培训集中于受委托的审批事项。",
        notes="2024年重点培训承接环评审批和节能审查事项的人员。",
    ),
    ModificationFact(
        _from_2023("开放平台建设专项资金支持"),
        "2024年专项资金改革后由省财政厅分配该项资金。",
        granting_department="finance",
    ),
]

DIRECT_ADDITIONS_2024_ENTRIES = [
    EntryFact(
        fact.ref,
        "support",
        areas=_support_areas(SUPPORT_2023 + index, fact.name_zh),
        change_reason="省委改革办根据省直部门2024年度提出的事项增列。",
    )
    for index, fact in enumerate(
        GENERATED_SUPPORT[SUPPORT_2023 - 1 : SUPPORT_2023 - 1 + DIRECT_ADDITIONS_2024]
    )
]

DEMAND_WINDOW_2024 = (D(2023, 10, 9), D(2023, 11, 30))

DEMANDS_2024 = [
    DemandFact(
        zone=TIANFU,
        kind="power",
        department="justice",
        matter=LAW_FIRMS,
        justification="为建设天府中央法务区，申请由新区自行审批律师事务所及分所的设立、变更、"
        "注销。",
        response="agree",
        response_reason="",
        accept=True,
        decision_reason="采纳：仅下放天府新区。",
        mode="delegate",
        filed_on=D(2023, 10, 16),
    ),
    DemandFact(
        zone=None,
        kind="power",
        department="science-technology",
        matter=SCI_TECH_SMES,
        justification="部门主动提出：由试点区域以厅名义开展科技型中小企业评价确认，企业可更快"
        "取得入库登记编号，享受研发费用加计扣除（国科发政〔2017〕115号）。",
        response="agree",
        response_reason="",
        accept=True,
        decision_reason="以委托方式采纳：登记机关仍为省科技厅。",
        mode="entrust",
    ),
    DemandFact(
        zone=LINJIANG,
        kind="support",
        department="drc",
        matter=DEMAND_SUPPORT[0].ref,
        justification="新区改革任务为以国家级产城融合示范区建设为引领的集成改革。",
        response="agree",
        response_reason="",
        accept=True,
        decision_reason="采纳，授予南充临江新区。",
        filed_on=D(2023, 10, 23),
    ),
    DemandFact(
        zone=LUZHOU,
        kind="support",
        department="economy-it",
        matter=DEMAND_SUPPORT[1].ref,
        justification="园区改革任务为打造世界级优质白酒产业集群：延链补链、三产联动、产城融合。",
        response="agree_in_part",
        response_reason="同意在集群规划和推荐申报国家项目方面给予支持；专项资金按全省统一"
        "程序安排。",
        accept=True,
        decision_reason="在部门同意的范围内采纳。",
        filed_on=D(2023, 10, 25),
    ),
    DemandFact(
        zone=SANJIANG,
        kind="support",
        department="transport",
        matter=DEMAND_SUPPORT[2].ref,
        justification="宜宾三江新区地处金沙江、岷江汇合成长江处，港口建设需要省级规划支持。",
        response="agree",
        response_reason="",
        accept=True,
        decision_reason="采纳，授予宜宾三江新区。",
        filed_on=D(2023, 11, 2),
    ),
    DemandFact(
        zone=ZIGONG,
        kind="support",
        department="economy-it",
        matter=DEMAND_SUPPORT[3].ref,
        justification="园区钠电池材料项目正在建设。",
        response="agree",
        response_reason="",
        accept=True,
        decision_reason="采纳，授予自贡高新区。",
        filed_on=D(2023, 11, 8),
    ),
    DemandFact(
        zone=EASTERN,
        kind="power",
        department="finance",
        matter=TAX_EXEMPTION,
        justification="迁入新区的非营利性科研机构取得免税资格等待时间较长。",
        response="decline",
        response_reason="法律原因：非营利组织免税资格由财政、税务部门按国家规定的层级联合认定"
        "（财税〔2018〕13号），省财政厅不能单独下放。",
        accept=False,
        decision_reason="不予采纳：下放缺乏法律依据。由省财政厅压缩自身办理时限。",
        filed_on=D(2023, 10, 30),
    ),
    DemandFact(
        zone=ZIGONG,
        kind="power",
        department="justice",
        matter=LEGAL_AID,
        justification="加快向在园区执业的律师发放法律援助补贴。",
        response="decline",
        response_reason="法律原因：依据《中华人民共和国法律援助法》，补贴由县级司法行政部门的"
        "法律援助机构发放；园区无此机构，省级亦无可下放的权力。",
        accept=False,
        decision_reason="不予采纳：该项权力不属于省级权力。",
        filed_on=D(2023, 11, 15),
    ),
    DemandFact(
        zone=KEJICHENG,
        kind="power",
        department="natural-resources",
        matter=None,
        description="农用地转用审批（城市批次用地）",
        justification="机器人和智能制造项目用地转用耗时过长。",
        response="needs_higher",
        response_reason="《中华人民共和国土地管理法》第四十四条规定农用地转用由国务院和省级"
        "人民政府批准；下放试点区域须经国务院授权。",
        accept=False,
        decision_reason="本年度不予采纳：提请省政府向国务院申请授权。",
        filed_on=D(2023, 11, 20),
    ),
]

ACCEPTED_DEMANDS_2024 = [demand for demand in DEMANDS_2024 if demand.accept]


# Grant events: dates, agreements, handovers, filings, the recall ---------------------------------


def _agreement_number(prefix: str, year: int, number: int) -> str:
    return f"{prefix}委〔{year}〕{number}号"


def _agreements() -> list[AgreementFact]:
    agreements: list[AgreementFact] = []
    # 2023: EIA entrusted in eight areas (Zigong Hi-tech Zone waits), land disputes in the five
    # new areas, teacher qualification in two of its three areas (Mianyang waits).
    for number, zone in enumerate((area for area in AREAS if area != ZIGONG), start=1):
        agreements.append(
            AgreementFact(
                2023,
                EIA_APPROVAL,
                zone,
                _agreement_number("川环", 2023, number),
                signed_on=D(2023, 4, 20),
                starts_on=D(2023, 4, 24),
                ends_on=D(2025, 4, 23),
            )
        )
    for number, zone in enumerate(NEW_AREAS, start=1):
        agreements.append(
            AgreementFact(
                2023,
                LAND_DISPUTES,
                zone,
                _agreement_number("川自然资", 2023, number),
                signed_on=D(2023, 5, 10),
                starts_on=D(2023, 5, 15),
                ends_on=D(2025, 5, 14),
                covers_decision=False,
            )
        )
    for number, zone in enumerate((TIANFU, EASTERN), start=1):
        agreements.append(
            AgreementFact(
                2023,
                TEACHER_QUALIFICATION,
                zone,
                _agreement_number("川教", 2023, number),
                signed_on=D(2023, 6, 1),
                starts_on=D(2023, 6, 5),
                ends_on=D(2025, 6, 4),
            )
        )
    # 2024: Zigong's first EIA agreement; the sci-tech SME entrustment in six of nine areas.
    agreements.append(
        AgreementFact(
            2024,
            EIA_APPROVAL,
            ZIGONG,
            _agreement_number("川环", 2024, 1),
            signed_on=D(2024, 5, 6),
            starts_on=D(2024, 5, 10),
            ends_on=D(2027, 5, 9),
        )
    )
    sci_tech_terms = {TIANFU: D(2026, 12, 5), KEJICHENG: D(2026, 12, 8)}  # renewal due soon
    for number, zone in enumerate((TIANFU, EASTERN, SANJIANG, KEJICHENG, DEYANG, ZIGONG), start=1):
        agreements.append(
            AgreementFact(
                2024,
                SCI_TECH_SMES,
                zone,
                _agreement_number("川科", 2024, number),
                signed_on=D(2024, 4, 15),
                starts_on=D(2024, 4, 22),
                ends_on=sci_tech_terms.get(zone, D(2027, 4, 21)),
            )
        )
    # 2025: the 2023 agreements re-signed on the 2024 grants before they expire.
    eia_renewed = (area for area in AREAS if area not in {ZIGONG, LUZHOU, DAZHOU})
    for number, zone in enumerate(eia_renewed, start=1):
        agreements.append(
            AgreementFact(
                2024,
                EIA_APPROVAL,
                zone,
                _agreement_number("川环", 2025, number),
                signed_on=D(2025, 4, 10),
                starts_on=D(2025, 4, 24),
                ends_on=D(2026, 12, 1) if zone == DEYANG else D(2028, 4, 23),
            )
        )
    for number, zone in enumerate(NEW_AREAS, start=1):
        agreements.append(
            AgreementFact(
                2024,
                LAND_DISPUTES,
                zone,
                _agreement_number("川自然资", 2025, number),
                signed_on=D(2025, 5, 6),
                starts_on=D(2025, 5, 15),
                ends_on=D(2028, 5, 14),
                covers_decision=False,
            )
        )
    for number, zone in enumerate((TIANFU, EASTERN), start=1):
        agreements.append(
            AgreementFact(
                2024,
                TEACHER_QUALIFICATION,
                zone,
                _agreement_number("川教", 2025, number),
                signed_on=D(2025, 5, 26),
                starts_on=D(2025, 6, 5),
                ends_on=D(2028, 6, 4),
            )
        )
    return agreements


AGREEMENTS = _agreements()


def _handovers() -> list[HandoverFact]:
    """On time unless listed as late; some areas have not handed over at all."""
    handovers: list[HandoverFact] = []

    def plan(
        year: int,
        matter: MatterRef,
        areas: tuple[str, ...],
        on: datetime.date,
        late: dict[str, datetime.date] | None = None,
        pending: tuple[str, ...] = (),
    ) -> None:
        for zone in areas:
            if zone in pending:
                continue
            handovers.append(HandoverFact(year, matter, zone, (late or {}).get(zone, on)))

    # Delegated 2023 powers take effect on 14 Apr 2023; handover is due 30 working days later.
    plan(2023, ENERGY_REVIEW, AREAS, D(2023, 5, 19))
    plan(
        2023,
        INVESTMENT_FILING,
        AREAS,
        D(2023, 5, 25),
        late={DEYANG: D(2023, 6, 20), ZIGONG: D(2023, 7, 3)},
        pending=(DAZHOU,),
    )
    plan(2023, DESIGN_REVIEW, AREAS, D(2023, 5, 26), late={DAZHOU: D(2023, 6, 30)})
    plan(2023, HOTEL_LICENCE, (TIANFU, EASTERN, DEYANG), D(2023, 5, 12))
    plan(
        2023,
        EIA_APPROVAL,
        (TIANFU, EASTERN, SANJIANG, KEJICHENG, DEYANG, LUZHOU),
        D(2023, 6, 2),
        late={LUZHOU: D(2023, 7, 20)},
    )
    plan(2023, LAND_DISPUTES, (TIANFU, SANJIANG, LINJIANG), D(2023, 6, 16))
    plan(2023, TEACHER_QUALIFICATION, (TIANFU,), D(2023, 6, 30))
    # 2024 grants: the law-firm approval takes effect on 7 Apr 2024.
    plan(2024, LAW_FIRMS, (TIANFU,), D(2024, 4, 30))
    plan(2024, EIA_APPROVAL, (ZIGONG,), D(2024, 7, 30))  # late
    plan(2024, SCI_TECH_SMES, (TIANFU, EASTERN, KEJICHENG, DEYANG), D(2024, 5, 20))
    return handovers


HANDOVERS = _handovers()

_ZONE_SHORT = {
    TIANFU: "川天府新区管",
    EASTERN: "成东新管",
    SANJIANG: "宜三江管",
    LINJIANG: "南临江管",
    KEJICHENG: "绵科新管",
    DEYANG: "德经开管",
    LUZHOU: "泸白酒园管",
    ZIGONG: "自高新管",
    DAZHOU: "达高新管",
}


def _supervision() -> list[SupervisionFact]:
    filings = [
        (ENERGY_REVIEW, TIANFU, D(2024, 4, 15)),
        (ENERGY_REVIEW, EASTERN, D(2024, 4, 18)),
        (ENERGY_REVIEW, SANJIANG, D(2024, 5, 6)),
        (LAW_FIRMS, TIANFU, D(2024, 5, 15)),
        (EIA_APPROVAL, TIANFU, D(2024, 6, 3)),
        (EIA_APPROVAL, KEJICHENG, D(2024, 6, 12)),
        (EIA_APPROVAL, DEYANG, D(2024, 6, 20)),
        (SCI_TECH_SMES, TIANFU, D(2024, 6, 28)),
    ]
    return [
        SupervisionFact(
            2024,
            matter,
            zone,
            filed_on,
            f"{_ZONE_SHORT[zone]}〔2024〕{number}号（事中事后监管措施备案）",
        )
        for number, (matter, zone, filed_on) in enumerate(filings, start=11)
    ]


SUPERVISION = _supervision()

RECALLS = [
    RecallFact(
        2024,
        DESIGN_REVIEW,
        DAZHOU,
        D(2025, 9, 15),
        "收回：省审计发现园区审定建设工程设计方案未按规定组织专家评审；园区审查能力恢复前，"
        "该项权力收回省自然资源厅行使（示意）。",
    ),
]

# 2023 grants not carried into 2024 end when the 2024 edition is published: the withdrawn hotel
# licence, the support matters withdrawn or narrowed, and EIA in Luzhou and Dazhou.


# What the tests check, computed from the facts above ---------------------------------------------


def expected_counts(year: int) -> dict[str, int]:
    """Live entries of an edition: all, powers, support."""
    powers_2023 = {entry.matter for entry in ENTRIES_2023 if entry.mode != "support"}
    if year == 2023:
        return {
            "entries": len(ENTRIES_2023),
            "powers": len(powers_2023),
            "support": len(ENTRIES_2023) - len(powers_2023),
        }
    withdrawn = [withdrawal.matter for withdrawal in WITHDRAWALS_2024]
    withdrawn_powers = sum(1 for matter in withdrawn if matter in powers_2023)
    added_powers = sum(1 for demand in ACCEPTED_DEMANDS_2024 if demand.kind == "power")
    powers = len(powers_2023) - withdrawn_powers + added_powers
    support = (
        len(ENTRIES_2023)
        - len(powers_2023)
        - (len(withdrawn) - withdrawn_powers)
        + len(DIRECT_ADDITIONS_2024_ENTRIES)
        + (len(ACCEPTED_DEMANDS_2024) - added_powers)
    )
    return {"entries": powers + support, "powers": powers, "support": support}


def expected_diff_2024() -> dict[str, int]:
    """The 2024 edition against 2023, as ``EditionDiff.counts`` reports it."""
    added = len(DIRECT_ADDITIONS_2024_ENTRIES) + len(ACCEPTED_DEMANDS_2024)
    removed = len(WITHDRAWALS_2024)
    modified = len(MODIFICATIONS_2024)
    return {
        "added": added,
        "removed": removed,
        "modified": modified,
        "unchanged": len(ENTRIES_2023) - removed - modified,
    }
