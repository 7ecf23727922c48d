"""The open datasets: what each holds, field by field in both languages, and its rows.

Every dataset has a stable identifier (``grants``, ``edition-2024-batch-1``) that the data page,
the downloads, the bulk ZIP and its ``datapackage.json`` share. Rows come from the owning apps'
``exports.py`` (``matters.exports.edition_rows`` …) as plain values in one query each (two for an
edition, whose receiving areas are a many-to-many), in the order of the fields described here,
and hold exactly what the public pages show: published and superseded editions, their grants,
accepted usage, published performance results, economic statistics.

Writing the files (CSV, JSON, xlsx) happens here and nowhere else in the open data.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings

from devolve.core.i18n import in_current_language
from devolve.core.spreadsheets import Sheet, csv_bytes, json_bytes
from devolve.core.spreadsheets import xlsx_bytes as kit_xlsx_bytes
from devolve.grants.exports import grant_rows
from devolve.grants.selectors import grants_last_changed
from devolve.indicators.exports import observation_rows
from devolve.indicators.selectors import observations_last_changed
from devolve.matters.exports import department_rows, edition_rows, entry_rows, matter_rows
from devolve.matters.models import AnnualList
from devolve.matters.selectors import (
    PUBLIC_EDITION_STATUSES,
    catalogue_last_changed,
    get_annual_list_by_key,
    list_public_annual_lists,
)
from devolve.performance.exports import score_rows
from devolve.performance.selectors import scores_last_changed
from devolve.regions.exports import zone_rows
from devolve.regions.selectors import zones_last_changed
from devolve.reporting.exports import usage_rows
from devolve.reporting.selectors import usage_last_changed

FORMATS = ("csv", "json", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Field:
    """One column: its name, Table Schema type, and title and description in both languages."""

    name: str
    type: str  # string, integer, number, boolean, date
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""

    def describe(self) -> dict[str, Any]:
        """The field as a Frictionless Table Schema field: ``title`` and ``description`` carry
        both languages; ``title_zh``/``title_en`` and ``description_zh``/``_en`` each one."""
        field: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": f"{self.title_zh} / {self.title_en}",
            "title_zh": self.title_zh,
            "title_en": self.title_en,
        }
        if self.description_zh or self.description_en:
            field["description"] = f"{self.description_zh} / {self.description_en}".strip(" /")
            field["description_zh"] = self.description_zh
            field["description_en"] = self.description_en
        if self.type == "date":
            field["format"] = "default"  # ISO 8601, YYYY-MM-DD
        return field


@dataclass(frozen=True)
class Dataset:
    identifier: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    fields: tuple[Field, ...]
    rows: Callable[[], Iterable[Sequence[Any]]]
    primary_key: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return in_current_language(zh=self.title_zh, en=self.title_en)

    @property
    def description(self) -> str:
        return in_current_language(zh=self.description_zh, en=self.description_en)


# Shared fields --------------------------------------------------------------------------------

ILLUSTRATIVE = Field(
    "is_illustrative", "boolean", "示意", "illustrative",
    "为演示编造的数值", "Some value was invented for the demo.",
)  # fmt: skip
EDITION_KEY = Field(
    "edition_key", "string", "清单版次", "edition", "如 2024/batch-1", "e.g. 2024/batch-1"
)
MATTER_KEY = Field(
    "matter_key", "string", "事项标识", "matter key", "事项的永久公开标识",
    "The matter's permanent public key (its page is /matters/<key>/).",
)  # fmt: skip
ZONE_KEY = Field(
    "zone_key", "string", "区域标识", "area key", "试点区域的永久标识",
    "The pilot area's permanent key (its page is /zones/<key>/).",
)  # fmt: skip


def edition_identifier(annual_list: AnnualList) -> str:
    """``edition-2024-batch-1`` (``edition-2024-batch-1-e2`` for a correction)."""
    return "edition-" + annual_list.key.replace("/", "-")


# The catalogue --------------------------------------------------------------------------------


EDITIONS = Dataset(
    "editions",
    "年度清单版次",
    "Annual list editions",
    "已印发和已被取代的各版次年度清单。",
    "Every published or superseded edition of the annual lists.",
    (
        Field("key", "string", "版次标识", "key", "如 2024/batch-1", "e.g. 2024/batch-1"),
        Field("year", "integer", "年度", "year"),
        Field("batch", "integer", "批次", "batch"),
        Field("edition", "integer", "版次号", "edition number", "1 为当年清单，2 起为更正",
              "1 for the year's list, 2 and up for corrections"),
        Field("status", "string", "状态", "status", "published 现行；superseded 已被取代",
              "published (in force) or superseded"),
        Field("title_zh", "string", "标题（中文）", "title (Chinese)"),
        Field("title_en", "string", "标题（英文）", "title (English)"),
        Field("document_number", "string", "文号", "document number"),
        Field("approved_on", "date", "审定日期", "approved on"),
        Field("published_on", "date", "印发日期", "published on"),
        Field("superseded_on", "date", "被取代日期", "superseded on"),
        Field("predecessor_key", "string", "上一版次", "predecessor"),
        ILLUSTRATIVE,
    ),
    edition_rows,
    primary_key=("key",),
)  # fmt: skip


MATTERS = Dataset(
    "matters",
    "事项目录",
    "Matter catalogue",
    "可列入年度清单的权力事项和支持事项。",
    "Powers and support matters that annual lists may grant.",
    (
        Field("key", "string", "事项标识", "key", "永久公开标识", "Permanent public key."),
        Field("code", "string", "事项编码", "matter code"),
        Field("name_zh", "string", "名称（中文）", "name (Chinese)"),
        Field("name_en", "string", "名称（英文）", "name (English)"),
        Field("kind", "string", "类别", "kind", "power 权力事项；support 支持事项",
              "power or support"),
        Field("matter_type", "string", "事项类型", "matter type"),
        Field("department_key", "string", "主管部门", "competent department"),
        Field("legal_basis", "string", "设定依据", "legal basis"),
        Field("main_item_key", "string", "主项", "main item", "子项所属主项的标识",
              "For a sub-item, the key of its main item."),
        ILLUSTRATIVE,
    ),
    matter_rows,
    primary_key=("key",),
)  # fmt: skip


ZONES = Dataset(
    "zones",
    "新区和开发区",
    "Zones",
    "登记的新区、开发区和园区，含试点区域。",
    "Registered new areas, development zones and parks, pilot areas among them.",
    (
        Field("key", "string", "区域标识", "key"),
        Field("name_zh", "string", "名称（中文）", "name (Chinese)"),
        Field("name_en", "string", "名称（英文）", "name (English)"),
        Field("kind", "string", "类型", "kind"),
        Field("level", "string", "级别", "level"),
        Field("prefecture_code", "string", "所属市（州）代码", "prefecture code", "GB/T 2260"),
        Field("established_on", "date", "设立日期", "established on"),
        ILLUSTRATIVE,
    ),
    zone_rows,
    primary_key=("key",),
)  # fmt: skip


DEPARTMENTS = Dataset(
    "departments",
    "省直部门",
    "Departments",
    "下放、委托或支持事项的省直部门（单位）。",
    "Provincial departments that delegate, entrust or support matters.",
    (
        Field("key", "string", "部门标识", "key"),
        Field("name_zh", "string", "名称（中文）", "name (Chinese)"),
        Field("name_en", "string", "名称（英文）", "name (English)"),
        ILLUSTRATIVE,
    ),
    department_rows,
    primary_key=("key",),
)


# One edition ----------------------------------------------------------------------------------

ENTRY_FIELDS = (
    Field("sequence", "integer", "序号", "no."),
    MATTER_KEY,
    Field("matter_code", "string", "事项编码", "matter code"),
    Field("matter_name_zh", "string", "事项名称（中文）", "matter (Chinese)"),
    Field("matter_name_en", "string", "事项名称（英文）", "matter (English)"),
    Field("kind", "string", "类别", "kind", "power 权力事项；support 支持事项", "power or support"),
    Field("mode", "string", "方式", "mode",
          "delegate 下放；entrust 委托；both 既下放又委托；support 支持",
          "delegate, entrust, both or support"),
    Field("granting_department_key", "string", "授权部门", "granting department"),
    Field("supervising_department_key", "string", "监管部门", "supervising department"),
    Field("receiving_area_keys", "string", "承接区域", "receiving areas",
          "空白表示本批次全部试点区域，否则为以分号分隔的区域标识",
          "Empty for every pilot area of the batch, else area keys separated by semicolons."),
    Field("conditions", "string", "承接条件", "conditions"),
    Field("change", "string", "变化", "change", "added, kept, modified, withdrawn, split, merged",
          "Against the predecessor edition: added, kept, modified, withdrawn, split or merged."),
    Field("change_reason", "string", "调整理由", "reason for the change"),
    ILLUSTRATIVE,
)  # fmt: skip


def edition_dataset(annual_list: AnnualList) -> Dataset:
    return Dataset(
        edition_identifier(annual_list),
        annual_list.title_zh or annual_list.key,
        annual_list.title_en or annual_list.key,
        f"{annual_list.key} 的全部条目，含被取消的条目及理由。"
        + ("该版次已被取代。" if annual_list.status == AnnualList.Status.SUPERSEDED else ""),
        f"Every entry of {annual_list.key}, withdrawn ones with their reason."
        + (
            " This edition is superseded."
            if annual_list.status == AnnualList.Status.SUPERSEDED
            else ""
        ),
        ENTRY_FIELDS,
        partial(entry_rows, annual_list=annual_list),
        primary_key=("matter_key",),
    )


# Grants, usage, results, statistics -------------------------------------------------------------


GRANTS = Dataset(
    "grants",
    "授权及其状态",
    "Grants and their status",
    "已印发版次的每个条目对每个承接区域的授权：生效、交接、监管备案和收回情况。",
    "Each entry of a published edition carried into each receiving area: effective date, "
    "handover, supervision filing and recall.",
    (
        EDITION_KEY,
        MATTER_KEY,
        ZONE_KEY,
        Field("kind", "string", "类别", "kind"),
        Field("mode", "string", "方式", "mode"),
        Field("granting_department_key", "string", "授权部门", "granting department"),
        Field("status", "string", "状态", "status",
              "awaiting_effect, awaiting_agreement, effective, handed_over, recalled, superseded",
              "awaiting_effect, awaiting_agreement, effective, handed_over, recalled, superseded"),
        Field("effective_on", "date", "生效日期", "effective on"),
        Field("handover_due_on", "date", "交接期限", "handover due on"),
        Field("handed_over_on", "date", "交接日期", "handed over on"),
        Field("supervision_filed_on", "date", "监管措施备案日期", "supervision filed on"),
        Field("ended_on", "date", "终止日期", "ended on", "收回或被下一版次取代的日期",
              "Recalled or superseded on."),
        Field("end_reason", "string", "终止原因", "reason it ended"),
        ILLUSTRATIVE,
    ),
    grant_rows,
    primary_key=("edition_key", "matter_key", "zone_key"),
)  # fmt: skip


USAGE = Dataset(
    "usage",
    "办件量（已采纳）",
    "Usage (accepted reports)",
    "改革办已采纳的办件量报表中每项授权每期的受理和办结件数；未采纳的报表不含在内。",
    "Cases received and completed per grant and period, from usage reports the reform office "
    "accepted; reports not yet accepted are left out.",
    (
        EDITION_KEY,
        Field("period_start", "date", "期间起", "period starts on"),
        Field("period_end", "date", "期间止", "period ends on"),
        ZONE_KEY,
        MATTER_KEY,
        Field("cases_received", "integer", "受理件数", "cases received"),
        Field("cases_completed", "integer", "办结件数", "cases completed"),
        Field("average_handling_days", "number", "平均办理天数", "average handling days"),
        Field("promised_limit_days", "integer", "承诺时限（天）", "promised limit (days)"),
        ILLUSTRATIVE,
    ),
    usage_rows,
    primary_key=("edition_key", "period_start", "zone_key", "matter_key"),
)  # fmt: skip


PERFORMANCE = Dataset(
    "performance-results",
    "目标绩效考核结果",
    "Performance assessment results",
    "已公布的年度目标绩效考核得分、排名和等次。",
    "Published annual performance scores, ranks and tiers.",
    (
        Field("year", "integer", "考核年度", "year assessed"),
        Field("scheme", "string", "考核方案", "scheme"),
        Field("subject_key", "string", "考核对象", "subject"),
        Field("rank", "integer", "排名", "rank"),
        Field("total", "number", "得分", "score"),
        Field("weighted_points", "number", "加权得分", "weighted points"),
        Field("bonus_points", "number", "加分", "bonus"),
        Field("deduction_points", "number", "扣分", "deductions"),
        Field("tier", "string", "等次", "tier"),
        ILLUSTRATIVE,
    ),
    score_rows,
)  # fmt: skip


INDICATORS = Dataset(
    "economic-indicators",
    "经济指标",
    "Economic indicators",
    "试点区域、市（州）和全省的经济统计数据，每个数值注明发布日期（版本）；模拟数据和示意数据均有标注。",
    "Economic statistics of pilot areas, prefectures and the province, each value with the day "
    "it was released (its vintage); simulated and illustrative values are flagged.",
    (
        Field("indicator", "string", "指标", "indicator"),
        Field("unit", "string", "单位", "unit"),
        Field("subject_kind", "string", "对象类型", "subject kind"),
        ZONE_KEY,
        Field("division_code", "string", "行政区划代码", "division code"),
        Field("year", "integer", "年份", "year"),
        Field("quarter", "integer", "季度", "quarter", "空白为全年", "Empty for a whole year."),
        Field("value", "number", "数值", "value"),
        Field("vintage", "date", "发布日期", "vintage", "该数值发布的日期",
              "The day the figure was released."),
        Field("source", "string", "来源", "source"),
        Field("is_simulated", "boolean", "模拟", "simulated",
              "由模型生成而非统计部门发布",
              "Generated by a model, not released by a statistics bureau."),
        Field("is_illustrative", "boolean", "示意", "illustrative",
              "对象区域的数据为演示编造", "The subject area's record was invented for the demo."),
    ),
    observation_rows,
)  # fmt: skip

CORE_DATASETS = (EDITIONS, GRANTS, USAGE, MATTERS, ZONES, DEPARTMENTS, PERFORMANCE, INDICATORS)


def list_datasets() -> list[Dataset]:
    """Every dataset: the fixed ones, then one per published or superseded edition."""
    editions = list_public_annual_lists()
    return [*CORE_DATASETS, *(edition_dataset(edition) for edition in editions)]


def get_dataset(identifier: str) -> Dataset | None:
    """The dataset with this identifier; None for an unknown one or an unpublished edition."""
    for dataset in CORE_DATASETS:
        if dataset.identifier == identifier:
            return dataset
    if not identifier.startswith("edition-"):
        return None
    key = identifier.removeprefix("edition-").replace("-batch-", "/batch-").replace("-e", "/e")
    annual_list = get_annual_list_by_key(key=key)
    if annual_list is None or annual_list.status not in PUBLIC_EDITION_STATUSES:
        return None
    if edition_identifier(annual_list) != identifier:
        return None
    return edition_dataset(annual_list)


def last_changed() -> datetime.datetime | None:
    """When published data last changed: the latest history row of the tables open data reads."""
    moments = [
        grants_last_changed(),  # grants and editions
        catalogue_last_changed(),  # matters and entries
        zones_last_changed(),
        usage_last_changed(),
        scores_last_changed(),
        observations_last_changed(),
    ]
    return max((moment for moment in moments if moment is not None), default=None)


# Files ----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as CSV and JSON carry it: ISO dates, numbers as numbers, None as empty/null."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _csv_value(value: Any) -> Any:
    """A value as the open-data CSV writes it: booleans as ``true``/``false``, else ``_plain``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _plain(value)


def csv_text(dataset: Dataset) -> str:
    """UTF-8 CSV with a header of field names, written by the kit for machines (no byte-order
    mark, LF line ends), so open-data readers take it as is."""
    header = [field.name for field in dataset.fields]
    rows = ([_csv_value(value) for value in row] for row in dataset.rows())
    return csv_bytes([header, *rows], for_machines=True).decode("utf-8")


def json_text(dataset: Dataset) -> str:
    names = [field.name for field in dataset.fields]
    document = {
        "identifier": dataset.identifier,
        "title_zh": dataset.title_zh,
        "title_en": dataset.title_en,
        "licence": licence(),
        "fields": [field.describe() for field in dataset.fields],
        "rows": [dict(zip(names, map(_plain, row), strict=True)) for row in dataset.rows()],
    }
    return json_bytes(document, indent=1).decode("utf-8")


def xlsx_bytes(dataset: Dataset) -> bytes:
    """One sheet: a header of field titles in both languages, then the rows."""
    header = [f"{field.title_zh} {field.title_en}" for field in dataset.fields]
    rows = ([_plain(value) for value in row] for row in dataset.rows())
    return kit_xlsx_bytes([Sheet(name=dataset.identifier, header=[header], rows=rows)])


def licence() -> dict[str, str]:
    """The licence every dataset is published under (``OPEN_DATA_LICENCE`` in settings)."""
    return dict(settings.OPEN_DATA_LICENCE)


def datapackage(datasets: Sequence[Dataset], *, created: datetime.datetime) -> dict[str, Any]:
    """A Frictionless Tabular Data Package describing ``datasets`` as CSV files in the ZIP."""
    return {
        "profile": "tabular-data-package",
        "name": "devolve-open-data",
        "title": f"{settings.PROGRAMME_NAME_ZH} / {settings.PROGRAMME_NAME_EN}",
        "created": created.isoformat(),
        "licenses": [licence()],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": dataset.identifier,
                "path": f"{dataset.identifier}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": f"{dataset.title_zh} / {dataset.title_en}",
                "description": f"{dataset.description_zh} / {dataset.description_en}",
                "schema": {
                    "fields": [field.describe() for field in dataset.fields],
                    "missingValues": [""],
                    **({"primaryKey": list(dataset.primary_key)} if dataset.primary_key else {}),
                },
            }
            for dataset in datasets
        ],
    }
