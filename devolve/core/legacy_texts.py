"""Sentences the system stored as prose before it stored codes (``devolve.core.actions``), and
the data migration step that turns them into codes.

The list is frozen: it names what earlier versions wrote, in English or (for the sentences they
translated when writing) in the language active at the time. Each app's data migration calls
``recode_texts`` for its own tables; a stored text the list does not name stays as it is and
shows as it is.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devolve.core.actions import Parameter, stored_form


@dataclass(frozen=True)
class LegacyText:
    """A stored sentence: ``pattern`` matches the whole text, its named groups are the
    parameters (``count`` and ``year`` as numbers, ``on``, ``closes``, ``start`` and ``end`` as
    days); ``models`` (lower-case model names, history models
    included) limits a short, ambiguous word to the tables that stored it."""

    pattern: str
    code: str
    models: frozenset[str] = frozenset()


def _on(*names: str) -> frozenset[str]:
    return frozenset(names) | frozenset(f"historical{name}" for name in names)


_DOCUMENTS = _on("generateddocument")
_REPORTS = {"area": _on("areareport"), "department": _on("departmentreport")}

LEGACY_TEXTS: tuple[LegacyText, ...] = (
    # grants
    LegacyText(r"Edition (?P<key>\S+) published\.", "grant.edition_published"),
    LegacyText(r"版次(?P<key>\S+)已公布。", "grant.edition_published"),
    LegacyText(r"No longer in edition (?P<key>\S+)\.", "grant.left_out_of_edition"),
    LegacyText(r"版次(?P<key>\S+)已不再列入。", "grant.left_out_of_edition"),
    LegacyText(r"delegation took effect", "grant.effective"),
    LegacyText(r"agreement signed", "agreement.signed"),
    LegacyText(r"agreement (?P<number>.+) signed", "grant.agreement_signed"),
    LegacyText(r"handed over", "grant.handed_over"),
    LegacyText(r"supervision measures filed", "grant.supervision_filed"),
    LegacyText(r"holiday notice recorded", "holiday_notice.recorded"),
    # matters
    LegacyText(r"edition drafted", "annual_list.created"),
    LegacyText(r"edition derived", "annual_list.derived"),
    LegacyText(r"edition retitled", "annual_list.retitled"),
    LegacyText(r"submitted for review", "annual_list.submitted"),
    LegacyText(r"approved", "annual_list.approved", _on("annuallist")),
    LegacyText(r"published", "annual_list.published", _on("annuallist")),
    LegacyText(r"superseded by (?P<key>\S+)", "annual_list.superseded_by"),
    LegacyText(r"carried forward", "list_entry.carried_forward"),
    LegacyText(r"entry added", "list_entry.added"),
    LegacyText(r"sub-items (replaced|set)", "list_entry.sub_items_set"),
    LegacyText(r"entry removed", "list_entry.removed"),
    LegacyText(r"Accepted from the demand list\.", "list_entry.accepted_from_demand"),
    LegacyText(r"采纳自需求清单。", "list_entry.accepted_from_demand"),
    LegacyText(r"demand window opened", "demand_window.opened"),
    LegacyText(r"demand filed", "demand_item.filed"),
    LegacyText(r"matter offered", "demand_item.offered"),
    LegacyText(r"answered", "demand_item.answered", _on("demanditem")),
    LegacyText(r"decided", "demand_item.decided", _on("demanditem")),
    LegacyText(r"department added", "department.created"),
    LegacyText(r"added in admin", "matter.added_in_admin"),
    LegacyText(r"changed in admin", "matter.changed_in_admin"),
    LegacyText(r"workbook uploaded", "list_import.uploaded"),
    LegacyText(r"dry run started", "list_import.dry_run_started"),
    LegacyText(r"dry run finished", "list_import.dry_run_finished"),
    LegacyText(r"apply queued", "list_import.apply_queued"),
    LegacyText(r"apply started", "list_import.apply_started"),
    LegacyText(r"apply refused", "list_import.apply_refused"),
    LegacyText(r"applied", "list_import.applied", _on("listimport")),
    LegacyText(r"imported", "annual_list.imported", _on("matter", "listentry")),
    # reporting
    LegacyText(r"cycles generated", "reporting.cycles_generated"),
    LegacyText(r"report started", "reporting.report_started"),
    LegacyText(r"figures entered", "reporting.figures_entered"),
    LegacyText(r"progress entered", "reporting.progress_entered"),
    *(
        LegacyText(step, f"reporting.{kind}_report.{step}", models)
        for kind, models in _REPORTS.items()
        for step in ("submitted", "reviewed", "accepted", "returned", "reopened")
    ),
    # assessments
    LegacyText(r"round opened", "assessment_round.opened"),
    LegacyText(r"metrics prefilled from accepted reports", "grant_assessment.prefilled"),
    LegacyText(r"metrics refreshed from accepted reports", "assessment_round.metrics_refreshed"),
    LegacyText(r"scoring started", "assessment_round.scoring"),
    LegacyText(r"decisions complete", "assessment_round.decided"),
    LegacyText(r"scored", "grant_assessment.scored", _on("grantassessment")),
    LegacyText(r"decided", "entry_decision.decided", _on("entrydecision")),
    LegacyText(r"carried into (?P<key>\S+)", "entry_decision.carried_into"),
    LegacyText(r"drafted (?P<key>\S+)", "assessment_round.drafted"),
    LegacyText(
        r"No case in (?P<count>\d+) consecutive accepted periods\.", "grant_assessment.zero_use"
    ),
    LegacyText(r"连续 (?P<count>\d+) 个已确认期间无办件。", "grant_assessment.zero_use"),
    # performance
    LegacyText(r"Scheme created\.|方案已创建。", "performance.scheme_created"),
    LegacyText(r"Scheme published\.|方案已发布。", "performance.scheme_published"),
    LegacyText(
        r"Performance assessment opened\.|绩效考核已启动。", "performance.assessment_created"
    ),
    LegacyText(r"Assessment computed\.|考核已计算。", "performance.assessment_computed"),
    LegacyText(r"Assessment published\.|考核结果已公布。", "performance.assessment_published"),
    # accounts
    LegacyText(r"user created", "user.created"),
    LegacyText(r"(?P<count>\d+) failed sign-ins", "user.failed_sign_ins"),
    LegacyText(
        r"The account now signs in with a second factor\.", "user.second_factor_now_required"
    ),
    LegacyText(r"removed by its owner", "user.second_factor_removed_by_owner"),
    LegacyText(r"Revoked in the admin\.|已在管理后台吊销。", "user.api_token_revoked_in_admin"),
    LegacyText(r"password reset by e-mail link", "user.password_reset_by_link"),
    LegacyText(r"password changed by its owner", "user.password_changed_by_owner"),
    # documents
    LegacyText(r"requested", "document.requested", _on("generateddocument")),
    LegacyText(r"build started", "document.build_started"),
    LegacyText(r"built", "document.built", _on("generateddocument")),
    # why a document failed (``GeneratedDocument.error_message``), as the build's language wrote it
    *(
        LegacyText(pattern, code, _DOCUMENTS)
        for code, patterns in {
            "document.invalid_period": (
                r"Give a year \(2024\) or a period \(2024-01-01\.\.2024-06-30\), not (?P<key>.*)\.",
                r"请填写年度（2024）或期间（2024-01-01\.\.2024-06-30），而不是(?P<key>.*)。",
            ),
            "document.period_ends_before_start": (
                r"The period ends before it starts\.|期间的结束日期早于开始日期。",
            ),
            "document.no_edition_in_year": (
                r"Nothing to report for (?P<year>\d{4}): no edition of the list was published by "
                r"(?P<on>.+)\.",
                r"(?P<year>\d{4})年度没有可报告的内容：截至(?P<on>.+)尚未印发任何清单。",
            ),
            "document.no_edition_in_period": (
                r"Nothing to report for (?P<start>.+) to (?P<end>.+): no edition of the list was "
                r"published by (?P<on>.+)\.",
                r"(?P<start>.+?)至(?P<end>.+?)没有可报告的内容：截至(?P<on>.+)尚未印发任何清单。",
            ),
            "document.unknown_list": (
                r"No edition (?P<key>.*) \(write it as 2024/batch-1, or 2024/batch-1/e2 for a "
                r"correction\)\.",
                r"没有清单版本(?P<key>.*)（请写作2024/batch-1，更正版写作2024/batch-1/e2）。",
            ),
            "document.invalid_year": (
                r"Give a year such as 2024, not (?P<key>.*)\.",
                r"请填写年度，例如2024，而不是(?P<key>.*)。",
            ),
            "document.unknown_kind": (
                r"Unknown kind of document: (?P<kind>.*)\.",
                r"未知的文件类型：(?P<kind>.*)。",
            ),
            "document.cjk_fonts_missing": (
                r"No font for Chinese text is installed \((?P<role>.+), or its fallback "
                r"(?P<fallback>.+)\): install Debian's fonts-noto-cjk "
                r"\(scripts/install-system-packages\) and try again\.",
                r"未安装中文字体（(?P<role>.+?)或替代字体(?P<fallback>.+)）：请安装Debian的"
                r"fonts-noto-cjk（scripts/install-system-packages）后重试。",
            ),
            "document.list_not_published": (
                r"(?P<list>\S+) is not published: only a published edition goes out as a notice\.",
                r"(?P<list>\S+?)尚未印发：只有已印发的清单版本才能生成印发通知。",
            ),
            "document.empty_list": (
                r"(?P<list>\S+) has no entries to attach\.",
                r"(?P<list>\S+?)没有可附列的事项。",
            ),
            "document.no_assessment": (
                r"No performance assessment of (?P<year>\d{4}) is recorded\.",
                r"没有(?P<year>\d{4})年度的绩效考核记录。",
            ),
            "document.open_to_appeal": (
                r"The (?P<year>\d{4}) results are not published yet: appeals run until "
                r"(?P<closes>\S+) and must all be decided before the results are published and "
                r"notified\.",
                r"(?P<year>\d{4})年度考核结果尚未公布：申诉期至(?P<closes>\S+?)，全部申诉处理完毕"
                r"并公布结果后方可通报。",
            ),
            "document.assessment_not_published": (
                r"The (?P<year>\d{4}) assessment is not computed or published yet\.",
                r"(?P<year>\d{4})年度考核尚未计算或公布。",
            ),
            "document.chinese_only": (
                r"Official notices are issued in Chinese only\.|公文只以中文印发。",
            ),
            "document.crashed": (r"The build stopped unexpectedly\.|文件生成意外中止。",),
        }.items()
        for pattern in patterns
    ),
    # selection
    LegacyText(r"Imported from a file\.|从文件导入。", "selection_round.values_imported"),
    LegacyText(r"Blank in the file\.|文件中为空白。", "candidate_value.blank_in_file"),
    LegacyText(r"Marked “(?P<mark>.*)” in the file\.", "candidate_value.marked_in_file"),
    LegacyText(r"文件中标记为“(?P<mark>.*)”。", "candidate_value.marked_in_file"),
    # the demo seed
    LegacyText(r"Sichuan demo seed", "demo.seeded"),
    LegacyText(r"Sichuan demo seed \(simulated economy\)", "demo.seeded_economy"),
    LegacyText(r"generate_scale \(simulated data set\)", "demo.scale_generated"),
)

# Fields besides ``history_change_reason`` where services stored sentences, by model name.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "auditevent": ("reason",),
    "grant": ("end_reason",),
    "historicalgrant": ("end_reason",),
    "listentry": ("change_reason",),
    "historicallistentry": ("change_reason",),
    "candidatevalue": ("missing_reason",),
    "historicalcandidatevalue": ("missing_reason",),
    "generateddocument": ("error_message",),
    "historicalgenerateddocument": ("error_message",),
}

# Parameters that are numbers, and parameters that are days (written as the build's language
# wrote dates then: "2024-07-10", "2024年7月10日", "July 10, 2024", "Sept. 3, 2024").
_NUMBERS = frozenset({"count", "year"})
_DAYS = frozenset({"on", "closes", "start", "end"})
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip


def legacy_day(text: str) -> datetime.date | None:
    """The day a legacy sentence wrote in one of the ways it could, or None."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    parts: tuple[str, str, str] | None = None
    if match := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text):
        parts = (match.group(1), match.group(2), match.group(3))
    elif match := re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2}), (\d{4})", text):
        month = _MONTHS.get(match.group(1).lower())
        parts = (match.group(3), str(month), match.group(2)) if month else None
    elif match := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4})", text):
        month = _MONTHS.get(match.group(2).lower())
        parts = (match.group(3), str(month), match.group(1)) if month else None
    if parts is None:
        return None
    try:
        return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def recoded(text: str, model_name: str) -> str | None:
    """The stored form of ``text`` when it is a legacy sentence of ``model_name``'s table."""
    for legacy in LEGACY_TEXTS:
        if legacy.models and model_name not in legacy.models:
            continue
        match = re.fullmatch(legacy.pattern, text)
        if match is None:
            continue
        params: dict[str, Parameter] = {}
        for name, value in match.groupdict().items():
            if name in _NUMBERS:
                params[name] = int(value)
            elif name in _DAYS:
                day = legacy_day(value)
                if day is None:  # not a day after all: the text stays as it was written
                    break
                params[name] = day
            else:
                params[name] = value
        else:
            return stored_form(legacy.code, params)
    return None


def recode_texts(app_label: str) -> Callable[[Any, Any], None]:
    """A ``RunPython`` step that stores the app's legacy sentences as codes; re-runnable (a
    code is not a legacy sentence)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for model in apps.get_app_config(app_label).get_models():
            name = model._meta.model_name
            names = {item.name for item in model._meta.get_fields()}
            fields = [
                field
                for field in ("history_change_reason", *TEXT_FIELDS.get(name, ()))
                if field in names
            ]
            for field in fields:
                stored = model._default_manager.exclude(**{field: ""}).exclude(
                    **{f"{field}__isnull": True}
                )
                for text in stored.order_by().values_list(field, flat=True).distinct():
                    replacement = recoded(text, name)
                    if replacement is not None:
                        stored.filter(**{field: text}).update(**{field: replacement})

    return forward
