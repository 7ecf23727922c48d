"""Facts of Sichuan's integrated authorization reform (集成授权改革) used by the demo.

Every value comes from the public source its record's ``source`` names, unless the record says
``illustrative`` (then ``source`` says what was invented). Dates the sources give only to the
month are left empty where the model allows it, not guessed.
"""

import datetime
from dataclasses import dataclass

BRIEF_PILOTS = (
    "Pilot area list: domain brief §1.2 (sc.gov.cn article of 2 Dec 2024 and sources cited there)."
)


@dataclass(frozen=True)
class ZoneFact:
    slug: str
    name_zh: str
    name_en: str
    kind: str
    level: str
    prefecture_code: str
    established_on: datetime.date | None = None
    batch: int | None = None
    is_illustrative: bool = False
    source: str = BRIEF_PILOTS


@dataclass(frozen=True)
class BatchFact:
    number: int
    starts_on: datetime.date
    approved_on: datetime.date | None
    announced_on: datetime.date | None
    approving_meeting_zh: str
    approving_meeting_en: str
    is_illustrative: bool
    source: str


@dataclass(frozen=True)
class DepartmentFact:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class MatterFact:
    code: str
    name_zh: str
    name_en: str
    kind: str
    matter_type: str | None
    department: str
    legal_basis: str
    is_illustrative: bool
    source: str
    parent_name_zh: str | None = None


BATCHES = [
    BatchFact(
        number=1,
        starts_on=datetime.date(2023, 1, 1),
        approved_on=None,
        announced_on=None,
        approving_meeting_zh="",
        approving_meeting_en="",
        is_illustrative=True,
        source="The reform began in January 2023 (brief §1.1); the day, 1 January, is "
        "illustrative. "
        "The approving meeting of the first batch is not in the sources.",
    ),
    BatchFact(
        number=2,
        starts_on=datetime.date(2024, 12, 2),
        approved_on=None,
        announced_on=datetime.date(2024, 12, 2),
        approving_meeting_zh="省委全面深化改革委员会第八次会议",
        approving_meeting_en=(
            "8th meeting of the Provincial Commission for Deepening Overall Reform"
        ),
        is_illustrative=True,
        source="Approved at the 8th meeting of the provincial reform commission; announced in the "
        "sc.gov.cn article of 2 Dec 2024 (brief §1.1). The start date equal to the announcement is "
        "illustrative.",
    ),
]

ZONES = [
    # Batch 1 (2023): nine pilot areas.
    ZoneFact(
        "tianfu-new-area",
        "四川天府新区",
        "Tianfu New Area",
        "new_area",
        "national",
        "510100",
        batch=1,
        source=BRIEF_PILOTS + " National new area approved Oct 2014.",
    ),
    ZoneFact(
        "chengdu-eastern-new-area",
        "成都东部新区",
        "Chengdu Eastern New Area",
        "new_area",
        "provincial",
        "510100",
        datetime.date(2020, 4, 28),
        batch=1,
    ),
    ZoneFact(
        "yibin-sanjiang-new-area",
        "宜宾三江新区",
        "Yibin Sanjiang New Area",
        "new_area",
        "provincial",
        "511500",
        datetime.date(2020, 2, 18),
        batch=1,
        source=BRIEF_PILOTS + " Approved 18 Feb 2020 (川府函〔2020〕32号).",
    ),
    ZoneFact(
        "nanchong-linjiang-new-area",
        "南充临江新区",
        "Nanchong Linjiang New Area",
        "new_area",
        "provincial",
        "511300",
        datetime.date(2020, 7, 24),
        batch=1,
    ),
    ZoneFact(
        "mianyang-sci-tech-city-new-area",
        "绵阳科技城新区",
        "Mianyang Sci-Tech City New Area",
        "new_area",
        "provincial",
        "510700",
        batch=1,
        source=BRIEF_PILOTS + " Approved Dec 2020 (川府函〔2020〕254号).",
    ),
    ZoneFact(
        "deyang-etdz",
        "德阳经济技术开发区",
        "Deyang Economic and Technological Development Zone",
        "etdz",
        "national",
        "510600",
        batch=1,
    ),
    ZoneFact(
        "luzhou-baijiu-park",
        "四川泸州白酒产业园区",
        "Luzhou Baijiu Industrial Park",
        "industrial_park",
        "provincial",
        "510500",
        batch=1,
    ),
    ZoneFact(
        "zigong-high-tech-zone",
        "自贡高新技术产业开发区",
        "Zigong High-tech Zone",
        "high_tech_zone",
        "national",
        "510300",
        batch=1,
    ),
    ZoneFact(
        "dazhou-high-tech-park",
        "达州高新技术产业园区",
        "Dazhou High-tech Industrial Park",
        "high_tech_zone",
        "provincial",
        "511700",
        batch=1,
    ),
    # Batch 2 (late 2024): nine more.
    ZoneFact(
        "chengdu-high-tech-zone",
        "成都高新技术产业开发区",
        "Chengdu High-tech Zone",
        "high_tech_zone",
        "national",
        "510100",
        batch=2,
    ),
    ZoneFact(
        "leshan-high-tech-zone",
        "乐山高新技术产业开发区",
        "Leshan High-tech Zone",
        "high_tech_zone",
        "national",
        "511100",
        batch=2,
    ),
    ZoneFact(
        "ziyang-high-tech-zone",
        "资阳高新技术产业园区",
        "Ziyang High-tech Industrial Zone",
        "high_tech_zone",
        "provincial",
        "512000",
        batch=2,
    ),
    ZoneFact(
        "yibin-high-tech-park",
        "宜宾高新技术产业园区",
        "Yibin High-tech Industrial Park",
        "high_tech_zone",
        "provincial",
        "511500",
        batch=2,
    ),
    ZoneFact(
        "guangan-etdz",
        "广安经济技术开发区",
        "Guang'an Economic and Technological Development Zone",
        "etdz",
        "national",
        "511600",
        batch=2,
    ),
    ZoneFact(
        "suining-etdz",
        "遂宁经济技术开发区",
        "Suining Economic and Technological Development Zone",
        "etdz",
        "national",
        "510900",
        batch=2,
    ),
    ZoneFact(
        "mianyang-etdz",
        "绵阳经济技术开发区",
        "Mianyang Economic and Technological Development Zone",
        "etdz",
        "national",
        "510700",
        batch=2,
    ),
    ZoneFact(
        "neijiang-etdz",
        "内江经济技术开发区",
        "Neijiang Economic and Technological Development Zone",
        "etdz",
        "national",
        "511000",
        batch=2,
    ),
    ZoneFact(
        "yaan-etdz",
        "雅安经济技术开发区",
        "Ya'an Economic and Technological Development Zone",
        "etdz",
        "",
        "511800",
        batch=2,
        source=BRIEF_PILOTS + " Its level is not confirmed by the sources, so it is left empty.",
    ),
    # Sichuan development zones that are not pilots: candidates and comparison units.
    ZoneFact(
        "chengdu-etdz",
        "成都经济技术开发区",
        "Chengdu Economic and Technological Development Zone",
        "etdz",
        "national",
        "510100",
        source="National ETDZ list of Jun 2021 (brief §4.2).",
    ),
    ZoneFact(
        "chengdu-railway-port-etdz",
        "成都国际铁路港经济技术开发区",
        "Chengdu International Railway Port Economic and Technological Development Zone",
        "etdz",
        "national",
        "510100",
        source="National ETDZ list of Jun 2021 (brief §4.2).",
    ),
    ZoneFact(
        "guangyuan-etdz",
        "广元经济技术开发区",
        "Guangyuan Economic and Technological Development Zone",
        "etdz",
        "national",
        "510800",
        source="National ETDZ list of Jun 2021 (brief §4.2).",
    ),
    ZoneFact(
        "yibin-lingang-etdz",
        "宜宾临港经济技术开发区",
        "Yibin Lingang Economic and Technological Development Zone",
        "etdz",
        "national",
        "511500",
        source="National ETDZ list of Jun 2021 (brief §4.2).",
    ),
    ZoneFact(
        "shuangliu-economic-development-zone",
        "四川双流经济开发区",
        "Shuangliu Economic Development Zone",
        "etdz",
        "provincial",
        "510100",
        source="Provincial zone whose upgrade the 2023–2027 development-zone plan supports "
        "(brief §4.2).",
    ),
    ZoneFact(
        "mianyang-high-tech-zone",
        "绵阳高新技术产业开发区",
        "Mianyang High-tech Zone",
        "high_tech_zone",
        "national",
        "510700",
        source="Confirmed national high-tech zone (brief §4.2).",
    ),
    ZoneFact(
        "panzhihua-high-tech-zone",
        "攀枝花钒钛高新技术产业开发区",
        "Panzhihua Vanadium and Titanium High-tech Zone",
        "high_tech_zone",
        "national",
        "510400",
        is_illustrative=True,
        source="Brief §4.2 infers, without a source, that Panzhihua has one of the 8 national "
        "high-tech zones; the name and level are illustrative.",
    ),
    ZoneFact(
        "luzhou-high-tech-zone",
        "泸州高新技术产业开发区",
        "Luzhou High-tech Zone",
        "high_tech_zone",
        "national",
        "510500",
        is_illustrative=True,
        source="Inferred national high-tech zone (brief §4.2, unconfirmed); illustrative.",
    ),
    ZoneFact(
        "deyang-high-tech-zone",
        "德阳高新技术产业开发区",
        "Deyang High-tech Zone",
        "high_tech_zone",
        "national",
        "510600",
        is_illustrative=True,
        source="Inferred national high-tech zone (brief §4.2, unconfirmed); illustrative.",
    ),
    ZoneFact(
        "neijiang-high-tech-zone",
        "内江高新技术产业开发区",
        "Neijiang High-tech Zone",
        "high_tech_zone",
        "national",
        "511000",
        is_illustrative=True,
        source="Inferred national high-tech zone (brief §4.2, unconfirmed); illustrative.",
    ),
]

DEPARTMENTS = [
    DepartmentFact("drc", "四川省发展和改革委员会", "Sichuan Development and Reform Commission"),
    DepartmentFact(
        "economy-it", "四川省经济和信息化厅", "Department of Economy and Information Technology"
    ),
    DepartmentFact("education", "四川省教育厅", "Department of Education"),
    DepartmentFact(
        "science-technology", "四川省科学技术厅", "Department of Science and Technology"
    ),
    DepartmentFact("public-security", "四川省公安厅", "Department of Public Security"),
    DepartmentFact("justice", "四川省司法厅", "Department of Justice"),
    DepartmentFact("finance", "四川省财政厅", "Department of Finance"),
    DepartmentFact(
        "human-resources",
        "四川省人力资源和社会保障厅",
        "Department of Human Resources and Social Security",
    ),
    DepartmentFact("natural-resources", "四川省自然资源厅", "Department of Natural Resources"),
    DepartmentFact(
        "ecology-environment", "四川省生态环境厅", "Department of Ecology and Environment"
    ),
    DepartmentFact(
        "housing", "四川省住房和城乡建设厅", "Department of Housing and Urban-Rural Development"
    ),
    DepartmentFact("transport", "四川省交通运输厅", "Department of Transport"),
    DepartmentFact(
        "agriculture", "四川省农业农村厅", "Department of Agriculture and Rural Affairs"
    ),
    DepartmentFact("commerce", "四川省商务厅", "Department of Commerce"),
    DepartmentFact(
        "market-regulation", "四川省市场监督管理局", "Administration for Market Regulation"
    ),
    DepartmentFact("statistics", "四川省统计局", "Bureau of Statistics"),
    DepartmentFact(
        "establishment",
        "中共四川省委机构编制委员会办公室",
        "Commission Office for Public Sector Reform",
    ),
]

CATALOGUE = "Sichuan government-service catalogue item (brief §7, public repository v-luobo/zwfw)."

MATTERS = [
    MatterFact(
        "",
        "律师事务所及分所设立、变更、注销审批",
        "Approval of establishment, alteration and deregistration of law firms and their branches",
        "power",
        "licensing",
        "justice",
        "《中华人民共和国律师法》",
        True,
        "Granted to Tianfu New Area (brief §1.1, Jul 2024 article). Type, department and legal "
        "basis are inferred: illustrative.",
    ),
    MatterFact(
        "",
        "律师事务所分所设立审批",
        "Approval of establishing a branch of a law firm",
        "power",
        "licensing",
        "justice",
        "《中华人民共和国律师法》",
        True,
        "Illustrative sub-item showing the main item / sub-item hierarchy.",
        parent_name_zh="律师事务所及分所设立、变更、注销审批",
    ),
    MatterFact(
        "",
        "科技型中小企业评价（入库）确认",
        "Confirmation of the assessment of sci-tech SMEs",
        "power",
        "confirmation",
        "science-technology",
        "国科发政〔2017〕115号",
        True,
        "In the 2024 list (brief §1.4); its type is inferred: illustrative.",
    ),
    MatterFact(
        "",
        "财税管理体制创新支持",
        "Support for innovation in fiscal and tax administration",
        "support",
        None,
        "finance",
        "",
        True,
        "Support matter in the 2024 list (brief §1.4); the responsible department is inferred.",
    ),
    MatterFact(
        "",
        "固定资产投资项目节能审查",
        "Energy-conservation review of fixed-asset investment projects",
        "power",
        "licensing",
        "drc",
        "《中华人民共和国节约能源法》",
        False,
        "Xichang 2025 licensing list (brief §2.6, §7).",
    ),
    MatterFact(
        "",
        "固定资产投资项目备案",
        "Filing of fixed-asset investment projects",
        "power",
        "other_power",
        "drc",
        "《企业投资项目核准和备案管理条例》",
        False,
        "Sichuan code type 10 for enterprise investment project filing (brief §7).",
    ),
    MatterFact(
        "",
        "环境影响评价文件审批",
        "Approval of environmental impact assessment documents",
        "power",
        "licensing",
        "ecology-environment",
        "《中华人民共和国环境影响评价法》",
        True,
        "Delegated to Ya'an ETDZ at municipal level (brief §1.6); its type is inferred.",
    ),
    MatterFact(
        "511A0138600000",
        "教师资格认定",
        "Teacher qualification recognition",
        "power",
        "licensing",
        "education",
        "《教师资格条例》",
        False,
        CATALOGUE,
    ),
    MatterFact(
        "511A0146000000",
        "旅馆业特种行业许可证核发",
        "Issuing the special-trade licence for hotels",
        "power",
        "licensing",
        "public-security",
        "《旅馆业治安管理办法》",
        False,
        CATALOGUE,
    ),
    MatterFact(
        "511F13006002",
        "非营利组织免税资格认定",
        "Recognition of tax-exempt status of non-profit organizations",
        "power",
        "confirmation",
        "finance",
        "",
        False,
        CATALOGUE,
    ),
    MatterFact(
        "511G12016001",
        "法律援助补贴发放",
        "Payment of legal-aid subsidies",
        "power",
        "payment",
        "justice",
        "《法律援助条例》",
        False,
        CATALOGUE,
    ),
    MatterFact(
        "511E15002003",
        "土地权属争议裁决",
        "Ruling on land-ownership disputes",
        "power",
        "adjudication",
        "natural-resources",
        "《中华人民共和国土地管理法》",
        False,
        CATALOGUE,
    ),
    MatterFact(
        "511Z0163500000",
        "建设工程设计方案审定",
        "Review of construction design schemes",
        "power",
        "other_power",
        "natural-resources",
        "",
        False,
        CATALOGUE,
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    department: str | None = None
    prefecture: str | None = None
    zone: str | None = None


DEMO_PASSWORD = "devolve-demo"  # printed by the seed; demo databases only

DEMO_USERS = [
    DemoUser("office", "office", "省委改革办（演示）"),
    # Four-eyes: whoever submits an edition for review cannot approve or publish it.
    DemoUser("office2", "office", "省委改革办复核人（演示）"),
    DemoUser("justice", "department", "司法厅（演示）", department="justice"),
    DemoUser("finance", "department", "财政厅（演示）", department="finance"),
    DemoUser("chengdu", "prefecture", "成都市（演示）", prefecture="510100"),
    DemoUser("tianfu", "pilot_area", "天府新区管委会（演示）", zone="tianfu-new-area"),
    DemoUser("evaluator", "evaluator", "评估人员（演示）"),
    DemoUser("auditor", "auditor", "审计人员（演示）"),
]
