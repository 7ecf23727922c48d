# ruff: noqa: E501 (the frozen patterns are the sentences, one to a line)
"""Import errors stored as words before codes, and the data migration step that stores them as
codes (ADR 0041, addendum for imports).

The errors importers stored (``ListImport.errors``, ``ObservationImport.errors``: each a dict
whose ``message`` was the words), in English and in Chinese (an import's check ran in the
uploader's or the site's language). Frozen: generated once from the catalogue of the version
that wrote them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devolve.core.actions import stored_form


@dataclass(frozen=True)
class LegacyImportError:
    """An error's words: ``pattern`` matches the whole message, its named groups are the
    parameters (those in ``numbers`` as numbers); ``fixed`` are parameters the stored sentence
    gained since (the official terms the words wrote in)."""

    pattern: str
    code: str
    numbers: tuple[str, ...] = ()
    fixed: dict[str, str] = field(default_factory=dict)


LEGACY_IMPORT_ERRORS: tuple[LegacyImportError, ...] = (
    LegacyImportError(
        "The file is not of an accepted kind \\((?P<kinds>.*?)\\); its content decides, not its name\\.",
        "upload.wrong_type",
        (),
        {},
    ),
    LegacyImportError(
        "文件类型不在允许范围内（(?P<kinds>.*?)）；类型以文件内容为准，而非文件名。",
        "upload.wrong_type",
        (),
        {},
    ),
    LegacyImportError(
        "The file is (?P<size>.*?) MB; the largest accepted is (?P<limit>.*?) MB\\.",
        "upload.too_large",
        (),
        {},
    ),
    LegacyImportError(
        "文件大小为(?P<size>.*?) MB，上限为(?P<limit>.*?) MB。", "upload.too_large", (), {}
    ),
    LegacyImportError("The file is empty\\.", "upload.empty", (), {}),
    LegacyImportError("文件为空。", "upload.empty", (), {}),
    LegacyImportError(
        "The file is password\\-protected or an old \\.xls/\\.doc file\\. Remove the password and save it as \\.xlsx \\(or \\.docx\\)\\.",
        "upload.old_or_protected",
        (),
        {},
    ),
    LegacyImportError(
        "该文件设有密码或为旧版\\.xls/\\.doc文件，请取消密码并另存为\\.xlsx（或\\.docx）格式。",
        "upload.old_or_protected",
        (),
        {},
    ),
    LegacyImportError(
        "The file is a damaged ZIP package; save it again\\.", "upload.damaged_zip", (), {}
    ),
    LegacyImportError("该文件的压缩结构已损坏，请重新保存。", "upload.damaged_zip", (), {}),
    LegacyImportError(
        "The file packs (?P<count>-?\\d+) parts; a workbook has far fewer\\.",
        "upload.too_many_members",
        ("count",),
        {},
    ),
    LegacyImportError(
        "该文件包含(?P<count>-?\\d+)个部件，正常工作簿远少于此。",
        "upload.too_many_members",
        ("count",),
        {},
    ),
    LegacyImportError(
        "The file unpacks to (?P<size>.*?) MB; the largest accepted is (?P<limit>.*?) MB\\.",
        "upload.unpacks_too_large",
        (),
        {},
    ),
    LegacyImportError(
        "文件解压后为(?P<size>.*?) MB，上限为(?P<limit>.*?) MB。",
        "upload.unpacks_too_large",
        (),
        {},
    ),
    LegacyImportError(
        "A part of the file unpacks to (?P<size>.*?) MB; the largest accepted is (?P<limit>.*?) MB\\.",
        "upload.part_too_large",
        (),
        {},
    ),
    LegacyImportError(
        "文件中的一个部件解压后为(?P<size>.*?) MB，上限为(?P<limit>.*?) MB。",
        "upload.part_too_large",
        (),
        {},
    ),
    LegacyImportError(
        "The file is password\\-protected; remove the password\\.",
        "upload.password_protected",
        (),
        {},
    ),
    LegacyImportError("该文件设有密码，请取消密码。", "upload.password_protected", (), {}),
    LegacyImportError(
        "The file unpacks (?P<ratio>-?\\d+) times its size; no real workbook does\\.",
        "upload.compression_ratio",
        ("ratio",),
        {},
    ),
    LegacyImportError(
        "该文件解压后为原大小的(?P<ratio>-?\\d+)倍，不是正常的工作簿。",
        "upload.compression_ratio",
        ("ratio",),
        {},
    ),
    LegacyImportError(
        "The file's XML declares entities \\(a DOCTYPE\\); Office never writes them, and they are refused\\.",
        "upload.xml_entities",
        (),
        {},
    ),
    LegacyImportError(
        "该文件的XML声明了实体（DOCTYPE）；Office不会生成此类内容，予以拒绝。",
        "upload.xml_entities",
        (),
        {},
    ),
    LegacyImportError(
        "The file is a ZIP archive, not an Office document\\.", "upload.zip_not_office", (), {}
    ),
    LegacyImportError("该文件是ZIP压缩包，不是Office文档。", "upload.zip_not_office", (), {}),
    LegacyImportError(
        "The workbook contains macros \\(\\.xlsm\\); save it as a plain \\.xlsx workbook\\.",
        "upload.macros",
        (),
        {},
    ),
    LegacyImportError(
        "该工作簿含有宏（\\.xlsm），请另存为不含宏的\\.xlsx工作簿。", "upload.macros", (), {}
    ),
    LegacyImportError(
        "Reading the file took longer than (?P<seconds>-?\\d+) seconds; split it\\.",
        "upload.too_slow",
        ("seconds",),
        {},
    ),
    LegacyImportError(
        "读取文件超过(?P<seconds>-?\\d+)秒，请拆分后再上传。", "upload.too_slow", ("seconds",), {}
    ),
    LegacyImportError(
        "The CSV file cannot be read: save it as UTF\\-8 or GB18030\\.",
        "upload.csv_encoding",
        (),
        {},
    ),
    LegacyImportError(
        "无法读取该CSV文件，请另存为UTF\\-8或GB18030编码。", "upload.csv_encoding", (), {}
    ),
    LegacyImportError(
        "The file is not an Excel workbook \\(\\.xlsx\\)\\. Save it as \\.xlsx\\.",
        "upload.not_xlsx",
        (),
        {},
    ),
    LegacyImportError(
        "该文件不是Excel工作簿（\\.xlsx），请另存为\\.xlsx格式。", "upload.not_xlsx", (), {}
    ),
    LegacyImportError(
        "The workbook is damaged and cannot be read; save it again\\.",
        "upload.damaged_workbook",
        (),
        {},
    ),
    LegacyImportError("该工作簿已损坏，无法读取，请重新保存。", "upload.damaged_workbook", (), {}),
    LegacyImportError(
        "The JSON file cannot be read: export the edition again\\.",
        "list_import.error.json_unreadable",
        (),
        {},
    ),
    LegacyImportError(
        "无法读取该JSON文件，请重新导出清单版次。", "list_import.error.json_unreadable", (), {}
    ),
    LegacyImportError(
        "A JSON file is accepted only as an edition exported by Devolve \\((?P<format>.*?)\\)\\.",
        "list_import.error.json_foreign",
        (),
        {},
    ),
    LegacyImportError(
        "JSON文件仅接受本系统导出的清单版次（(?P<format>.*?)）。",
        "list_import.error.json_foreign",
        (),
        {},
    ),
    LegacyImportError("The workbook is empty\\.", "list_import.error.empty", (), {}),
    LegacyImportError("工作簿为空。", "list_import.error.empty", (), {}),
    LegacyImportError(
        "No header row in the first (?P<count>-?\\d+) rows: name the list's columns \\(序号, 事项名称 …\\) above its rows\\.",
        "list_import.error.no_header_row",
        ("count",),
        {"columns": "序号、事项名称"},
    ),
    LegacyImportError(
        "前(?P<count>-?\\d+)行中未找到表头：请在数据行上方标明清单各列名称（序号、事项名称……）。",
        "list_import.error.no_header_row",
        ("count",),
        {"columns": "序号、事项名称"},
    ),
    LegacyImportError("The workbook lists no matters\\.", "list_import.error.no_matters", (), {}),
    LegacyImportError("工作簿未列出任何事项。", "list_import.error.no_matters", (), {}),
    LegacyImportError(
        "Unknown column “(?P<header>.*?)”\\.", "list_import.error.unknown_header", (), {}
    ),
    LegacyImportError(
        "无法识别的列“(?P<header>.*?)”。", "list_import.error.unknown_header", (), {}
    ),
    LegacyImportError(
        "The column “(?P<header>.*?)” appears twice\\.",
        "list_import.error.duplicate_header",
        (),
        {},
    ),
    LegacyImportError(
        "列“(?P<header>.*?)”重复出现。", "list_import.error.duplicate_header", (), {}
    ),
    LegacyImportError(
        "The column “(?P<header>.*?)” \\((?P<english>.*?)\\) is missing\\.",
        "list_import.error.missing_header",
        (),
        {},
    ),
    LegacyImportError(
        "缺少列“(?P<header>.*?)”（(?P<english>.*?)）。", "list_import.error.missing_header", (), {}
    ),
    LegacyImportError(
        "“(?P<section>.*?)” announces (?P<expected>-?\\d+) matters, but (?P<found>-?\\d+) rows follow it\\.",
        "list_import.error.section_count",
        ("expected", "found"),
        {},
    ),
    LegacyImportError(
        "“(?P<section>.*?)”标明(?P<expected>-?\\d+)项，但其下列有(?P<found>-?\\d+)行。",
        "list_import.error.section_count",
        ("expected", "found"),
        {},
    ),
    LegacyImportError(
        "Tick one mode only \\(or both 下放 and 委托\\)\\.",
        "list_import.error.ambiguous_mode",
        (),
        {"delegate": "下放", "entrust": "委托"},
    ),
    LegacyImportError(
        "只能勾选一种授权方式（或同时勾选下放和委托）。",
        "list_import.error.ambiguous_mode",
        (),
        {"delegate": "下放", "entrust": "委托"},
    ),
    LegacyImportError(
        "“(?P<value>.*?)” is in a column without a header; it cannot be placed\\.",
        "list_import.error.unplaced_value",
        (),
        {},
    ),
    LegacyImportError(
        "“(?P<value>.*?)”所在列没有表头，无法识别。", "list_import.error.unplaced_value", (), {}
    ),
    LegacyImportError(
        "A formula is not accepted here; enter the value itself\\.",
        "list_import.error.formula",
        (),
        {},
    ),
    LegacyImportError("此处不接受公式，请直接填写数值。", "list_import.error.formula", (), {}),
    LegacyImportError(
        "The entry ends on or before the day it takes effect \\((?P<date>.*?)\\)\\.",
        "list_import.error.ends_before_effective",
        (),
        {},
    ),
    LegacyImportError(
        "终止日期不得早于或等于生效日期（(?P<date>.*?)）。",
        "list_import.error.ends_before_effective",
        (),
        {},
    ),
    LegacyImportError(
        "(?P<mode>.*?) does not fit “(?P<matter>.*?)”: a power is delegated or entrusted, a support matter is supported\\.",
        "list_import.error.mode_mismatch",
        (),
        {},
    ),
    LegacyImportError(
        "“(?P<matter>.*?)”不适用(?P<mode>.*?)：权力事项的授权方式应为下放或委托，支持事项应为支持事项。",
        "list_import.error.mode_mismatch",
        (),
        {},
    ),
    LegacyImportError(
        "“(?P<value>.*?)” is not a date: write it as 2025\\-01\\-01 or 2025年1月1日\\.",
        "list_import.error.bad_date",
        (),
        {"example": "2025年1月1日"},
    ),
    LegacyImportError(
        "“(?P<value>.*?)”不是日期：请写作2025\\-01\\-01或2025年1月1日。",
        "list_import.error.bad_date",
        (),
        {"example": "2025年1月1日"},
    ),
    LegacyImportError(
        "“(?P<number>.*?)” numbers a sub\\-item of entry (?P<entry>-?\\d+), but it is not below the row of entry (?P=entry)\\.",
        "list_import.error.orphan_sub_item",
        ("entry",),
        {},
    ),
    LegacyImportError(
        "“(?P<number>.*?)”是第(?P<entry>-?\\d+)项的子项序号，但不在第(?P=entry)项之下。",
        "list_import.error.orphan_sub_item",
        ("entry",),
        {},
    ),
    LegacyImportError(
        "(?P<mode>.*?) does not fit the sub\\-item “(?P<matter>.*?)”: it is a power\\.",
        "list_import.error.sub_item_mode_mismatch",
        (),
        {},
    ),
    LegacyImportError(
        "子项“(?P<matter>.*?)”是权力事项，不适用(?P<mode>.*?)。",
        "list_import.error.sub_item_mode_mismatch",
        (),
        {},
    ),
    LegacyImportError(
        "“(?P<matter>.*?)” is already listed under entry (?P<entry>-?\\d+)\\.",
        "list_import.error.duplicate_sub_item",
        ("entry",),
        {},
    ),
    LegacyImportError(
        "“(?P<matter>.*?)”已列在第(?P<entry>-?\\d+)项之下。",
        "list_import.error.duplicate_sub_item",
        ("entry",),
        {},
    ),
    LegacyImportError("This cell must not be empty\\.", "list_import.error.required", (), {}),
    LegacyImportError("该单元格不能为空。", "list_import.error.required", (), {}),
    LegacyImportError(
        "At most (?P<limit>-?\\d+) characters \\(this has (?P<length>-?\\d+)\\)\\.",
        "list_import.error.too_long",
        ("length", "limit"),
        {},
    ),
    LegacyImportError(
        "最多(?P<limit>-?\\d+)个字符（当前为(?P<length>-?\\d+)个）。",
        "list_import.error.too_long",
        ("length", "limit"),
        {},
    ),
    LegacyImportError(
        "“(?P<value>.*?)” is not a row number: enter a whole number from 1\\.",
        "list_import.error.bad_number",
        (),
        {},
    ),
    LegacyImportError(
        "“(?P<value>.*?)”不是有效序号，请填写从1开始的整数。",
        "list_import.error.bad_number",
        (),
        {},
    ),
    LegacyImportError(
        "Unknown receiving area “(?P<value>.*?)”\\.", "list_import.error.unknown_area", (), {}
    ),
    LegacyImportError(
        "无法识别的承接区域“(?P<value>.*?)”。", "list_import.error.unknown_area", (), {}
    ),
    LegacyImportError(
        "(?P<count>-?\\d+) matters of (?P<department>.*?) are called “(?P<name>.*?)”: give the 事项编码\\.",
        "list_import.error.ambiguous_matter",
        ("count",),
        {"column": "事项编码"},
    ),
    LegacyImportError(
        "(?P<department>.*?)有(?P<count>-?\\d+)个名为“(?P<name>.*?)”的事项，请填写事项编码。",
        "list_import.error.ambiguous_matter",
        ("count",),
        {"column": "事项编码"},
    ),
    LegacyImportError("A power needs a matter type\\.", "list_import.error.type_required", (), {}),
    LegacyImportError("权力事项须指定事项类型。", "list_import.error.type_required", (), {}),
    LegacyImportError(
        "A support matter has no matter type; leave the cell empty\\.",
        "list_import.error.type_not_allowed",
        (),
        {},
    ),
    LegacyImportError(
        "支持事项不设事项类型，该单元格请留空。", "list_import.error.type_not_allowed", (), {}
    ),
    LegacyImportError(
        "The same matter as row (?P<row>-?\\d+)\\.", "list_import.error.duplicate_row", ("row",), {}
    ),
    LegacyImportError(
        "与第(?P<row>-?\\d+)行为同一事项。", "list_import.error.duplicate_row", ("row",), {}
    ),
    LegacyImportError(
        "Row (?P<row>-?\\d+) has the same number\\.",
        "list_import.error.duplicate_number",
        ("row",),
        {},
    ),
    LegacyImportError(
        "第(?P<row>-?\\d+)行的序号与此相同。", "list_import.error.duplicate_number", ("row",), {}
    ),
    LegacyImportError(
        "This matter is withdrawn from the edition; leave it out of the workbook, or remove the withdrawal on the edition's page first\\.",
        "list_import.error.withdrawn",
        (),
        {},
    ),
    LegacyImportError(
        "该事项已从本版次取消：请将其从工作簿中删去，或先在版次页面撤销取消。",
        "list_import.error.withdrawn",
        (),
        {},
    ),
    LegacyImportError(
        "Number (?P<number>-?\\d+) belongs to “(?P<matter>.*?)” in the edition, which the workbook does not list\\.",
        "list_import.error.number_taken",
        ("number",),
        {},
    ),
    LegacyImportError(
        "版次中序号(?P<number>-?\\d+)对应“(?P<matter>.*?)”，但工作簿未列出该事项。",
        "list_import.error.number_taken",
        ("number",),
        {},
    ),
    LegacyImportError(
        "Unknown mode “(?P<value>.*?)”: use 下放, 委托, 既下放又委托 or 支持事项\\.",
        "list_import.error.unknown_mode",
        (),
        {"modes": "下放、委托、既下放又委托、支持事项"},
    ),
    LegacyImportError(
        "无法识别的授权方式“(?P<value>.*?)”：请填写下放、委托、既下放又委托或支持事项。",
        "list_import.error.unknown_mode",
        (),
        {"modes": "下放、委托、既下放又委托、支持事项"},
    ),
    LegacyImportError(
        "Unknown matter type “(?P<value>.*?)”\\.", "list_import.error.unknown_matter_type", (), {}
    ),
    LegacyImportError(
        "无法识别的事项类型“(?P<value>.*?)”。", "list_import.error.unknown_matter_type", (), {}
    ),
    LegacyImportError(
        "Unknown department “(?P<value>.*?)”\\.", "list_import.error.unknown_department", (), {}
    ),
    LegacyImportError(
        "无法识别的部门“(?P<value>.*?)”。", "list_import.error.unknown_department", (), {}
    ),
    LegacyImportError(
        "The check stopped unexpectedly\\.", "list_import.error.check_crashed", (), {}
    ),
    LegacyImportError("预检意外中止。", "list_import.error.check_crashed", (), {}),
    LegacyImportError(
        "The import stopped unexpectedly\\.", "list_import.error.apply_crashed", (), {}
    ),
    LegacyImportError("导入意外中止。", "list_import.error.apply_crashed", (), {}),
    LegacyImportError("Say why the entries change\\.", "list_import.error.reason_required", (), {}),
    LegacyImportError("请说明条目变更的原因。", "list_import.error.reason_required", (), {}),
    LegacyImportError(
        "No header row naming the columns indicator, subject, year and value was found\\.",
        "statistics_import.error.no_header",
        (),
        {},
    ),
    LegacyImportError(
        "未找到包含指标、地区、年份和数值列的表头行。", "statistics_import.error.no_header", (), {}
    ),
    LegacyImportError(
        "The file has more than (?P<max>-?\\d+) rows\\.",
        "statistics_import.error.too_many_rows",
        ("max",),
        {},
    ),
    LegacyImportError(
        "文件超过 (?P<max>-?\\d+) 行。", "statistics_import.error.too_many_rows", ("max",), {}
    ),
    LegacyImportError(
        "Repeats row (?P<row>-?\\d+): same indicator, subject and period\\.",
        "statistics_import.error.duplicate_row",
        ("row",),
        {},
    ),
    LegacyImportError(
        "与第 (?P<row>-?\\d+) 行重复：指标、地区和期间相同。",
        "statistics_import.error.duplicate_row",
        ("row",),
        {},
    ),
    LegacyImportError(
        "The file has no rows below its header\\.", "statistics_import.error.empty", (), {}
    ),
    LegacyImportError("表头下没有数据行。", "statistics_import.error.empty", (), {}),
    LegacyImportError(
        "Unknown indicator “(?P<value>.*?)”\\.", "statistics_import.error.unknown_indicator", (), {}
    ),
    LegacyImportError(
        "未知指标“(?P<value>.*?)”。", "statistics_import.error.unknown_indicator", (), {}
    ),
    LegacyImportError(
        "Unknown subject “(?P<value>.*?)”: give a zone's key or name, a prefecture's or the province's code or name\\.",
        "statistics_import.error.unknown_subject",
        (),
        {},
    ),
    LegacyImportError(
        "未知地区“(?P<value>.*?)”：请填写园区的键或名称，或市（州）、省的代码或名称。",
        "statistics_import.error.unknown_subject",
        (),
        {},
    ),
    LegacyImportError(
        "The year must be four digits, e\\.g\\. 2023\\.", "statistics_import.error.bad_year", (), {}
    ),
    LegacyImportError("年份须为四位数字，例如 2023。", "statistics_import.error.bad_year", (), {}),
    LegacyImportError(
        "A quarter is 1, 2, 3 or 4\\.", "statistics_import.error.bad_quarter", (), {}
    ),
    LegacyImportError("季度为 1、2、3 或 4。", "statistics_import.error.bad_quarter", (), {}),
    LegacyImportError(
        "(?P<indicator>.*?) is published by year, not by quarter\\.",
        "statistics_import.error.annual_indicator",
        (),
        {},
    ),
    LegacyImportError(
        "(?P<indicator>.*?) 按年发布，不按季度发布。",
        "statistics_import.error.annual_indicator",
        (),
        {},
    ),
    LegacyImportError(
        "“(?P<value>.*?)” is not a number\\.", "statistics_import.error.not_a_number", (), {}
    ),
    LegacyImportError("“(?P<value>.*?)”不是数字。", "statistics_import.error.not_a_number", (), {}),
    LegacyImportError(
        "The release of (?P<vintage>.*?) already has this value; a revision is a new release with a later date\\.",
        "statistics_import.error.already_released",
        (),
        {},
    ),
    LegacyImportError(
        "(?P<vintage>.*?) 发布的版本已有此数值；修订数据应作为日期更晚的新发布版本导入。",
        "statistics_import.error.already_released",
        (),
        {},
    ),
    LegacyImportError(
        r"(?P<area>.*?) is not a pilot area of Batch (?P<batch>\d+)\.",
        "list_import.error.not_a_batch_member",
        ("batch",),
    ),
    LegacyImportError(
        r"(?P<area>.*?)不是第(?P<batch>\d+)批试点区域。",
        "list_import.error.not_a_batch_member",
        ("batch",),
    ),
)


def recoded_import_error(message: str, prefixes: tuple[str, ...]) -> str | None:
    """The stored form of an import error's legacy words, when they are a sentence of one of
    ``prefixes`` (``upload.``, ``list_import.error.`` …); None for anything else."""
    for legacy in LEGACY_IMPORT_ERRORS:
        if not legacy.code.startswith(prefixes):
            continue
        match = re.fullmatch(legacy.pattern, message, re.DOTALL)
        if match is not None:
            params: dict[str, str | int] = {
                name: int(value) if name in legacy.numbers else value
                for name, value in match.groupdict().items()
            }
            return stored_form(legacy.code, {**legacy.fixed, **params})
    return None


def recode_import_errors(
    app_label: str, model_name: str, prefixes: tuple[str, ...]
) -> Callable[[Any, Any], None]:
    """A ``RunPython`` step that stores the legacy words of the model's ``errors`` as codes.
    Words no sentence matches (a refusal of another service) stay as they are and show as
    written, marked with their language. Re-runnable: a code is not legacy words."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        for pk, errors in model._default_manager.exclude(errors=[]).values_list("pk", "errors"):
            changed = False
            for error in errors or []:
                message = error.get("message") if isinstance(error, dict) else None
                if not isinstance(message, str) or message.startswith('{"code":'):
                    continue
                replacement = recoded_import_error(message, prefixes)
                if replacement is not None:
                    error["message"] = replacement
                    changed = True
            if changed:
                model._default_manager.filter(pk=pk).update(errors=errors)

    return forward
