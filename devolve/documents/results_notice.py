"""The notice of a year's performance results (关于…年度目标绩效考核结果的通报).

One notice covers every published assessment of the year (one per scheme: prefectures,
departments, pilot areas): the tiers in the body, then per scheme the ranking by tier, the points
item by item, and the appeals with their outcomes. Every figure is a stored score; nothing is
recomputed. An assessment of the year that is computed but not yet published (appeals open or
undecided) is named in the body as pending; a year with none published is refused.
"""

import datetime
from collections import Counter
from decimal import Decimal

from django.conf import settings

from devolve.core.errors import DomainError, refusal
from devolve.documents.official import (
    Attachment,
    OfficialDocument,
    TableSection,
    chinese_date,
)
from devolve.performance import selectors
from devolve.performance.models import (
    Appeal,
    PerformanceAssessment,
    Score,
    SubjectType,
    Tier,
)

ILLUSTRATIVE_NOTE = "示意：考核方案、人工录入值和申诉为演示用的示意数据。"
TIERS = (Tier.EXCELLENT, Tier.GOOD, Tier.PASS, Tier.FAIL)


def points(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _assessments(year: int) -> list[PerformanceAssessment]:
    return list(selectors.list_assessments().filter(year=year).order_by("scheme__code"))


def results_as_of(*, year: int) -> datetime.date | None:
    """The day the year's last assessment was published: the notice's data as of."""
    published = [
        assessment.published_at
        for assessment in _assessments(year)
        if assessment.is_published and assessment.published_at is not None
    ]
    return max(published).date() if published else None


def _refuse(year: int, assessments: list[PerformanceAssessment]) -> DomainError:
    if not assessments:
        return refusal("document.no_assessment", "no_data", year=year)
    computed = [a for a in assessments if a.status == PerformanceAssessment.Status.COMPUTED]
    if computed:
        closes = max(assessment.appeal_closes_on for assessment in computed)
        return refusal("document.open_to_appeal", "open_to_appeal", year=year, closes=closes)
    return refusal("document.assessment_not_published", "not_published", year=year)


def _tier_label(tier: str) -> str:
    return str(Tier(tier).label)


def _tier_counts(scores: list[Score]) -> str:
    counts = Counter(score.tier for score in scores)
    return "、".join(f"{_tier_label(tier)}{counts.get(tier, 0)}个" for tier in TIERS)


def _summary(assessment: PerformanceAssessment, scores: list[Score]) -> str:
    scheme = assessment.scheme
    subjects = str(SubjectType(scheme.subject_type).label)
    text = (
        f"《{scheme.name_zh}》（第{scheme.version}版）考核{subjects}{len(scores)}个，"
        f"其中{_tier_counts(scores)}。"
    )
    leaders = [score for score in scores if score.rank == 1]
    if leaders:
        names = "、".join(str(score.subject) for score in leaders)
        text += f"{names}得分最高（{points(leaders[0].total)}分）。"
    return text


def _appeals_summary(assessment: PerformanceAssessment, appeals: list[Appeal]) -> str:
    window = (
        f"申诉期（{chinese_date(assessment.appeal_opens_on)}至"
        f"{chinese_date(assessment.appeal_closes_on)}）"
    )
    if not appeals:
        return f"{window}内未收到申诉。"
    upheld = sum(appeal.status == Appeal.Status.UPHELD for appeal in appeals)
    rejected = sum(appeal.status == Appeal.Status.REJECTED for appeal in appeals)
    return f"{window}内收到申诉{len(appeals)}件，经复核予以采纳{upheld}件、不予采纳{rejected}件。"


def _ranking(assessment: PerformanceAssessment, scores: list[Score]) -> Attachment:
    sections: list[TableSection] = []
    for tier in TIERS:
        rows = tuple(
            (str(score.rank), str(score.subject), points(score.total), _tier_label(score.tier))
            for score in scores
            if score.tier == tier
        )
        if rows:
            sections.append(
                TableSection(
                    number=len(sections) + 1, title=_tier_label(tier), rows=rows, unit="个"
                )
            )
    scheme = assessment.scheme
    return Attachment(
        title=f"{assessment.year}年度{scheme.name_zh}考核结果",
        columns=("名次", "考核对象", "得分", "等次"),
        widths=(12, 52, 18, 18),
        sections=tuple(sections),
        note=(
            f"等次：{scheme.excellent_from:.0f}分及以上为优秀，{scheme.good_from:.0f}分及以上为良好，"
            f"{scheme.pass_from:.0f}分及以上为合格，以下为不合格。"
        ),
    )


def _item_points(assessment: PerformanceAssessment, scores: list[Score]) -> Attachment:
    items = selectors.list_scheme_items(scheme=assessment.scheme)
    labels = [f"{item.group.sequence}.{item.sequence}" for item in items]
    rows = []
    for score in scores:
        by_item = {row.item_id: row for row in selectors.list_score_items(score=score)}
        cells = [points(by_item[item.pk].points) if item.pk in by_item else "—" for item in items]
        rows.append((str(score.subject), *cells, points(score.total)))
    item_widths = [66 // len(items)] * len(items) if items else []
    if item_widths:
        item_widths[-1] += 66 - sum(item_widths)
    widths = (24, *item_widths, 10 if items else 76)
    legend = "；".join(f"{label} {item.name_zh}" for label, item in zip(labels, items, strict=True))
    return Attachment(
        title=f"{assessment.year}年度{assessment.scheme.name_zh}分项得分",
        columns=("考核对象", *labels, "总分"),
        widths=widths,
        sections=(TableSection(number=1, title="", rows=tuple(rows)),),
        note=f"指标：{legend}。",
    )


def _appeals(assessment: PerformanceAssessment, appeals: list[Appeal]) -> Attachment:
    outcome = {
        Appeal.Status.UPHELD: "予以采纳",
        Appeal.Status.REJECTED: "不予采纳",
        Appeal.Status.PENDING: "待处理",
    }
    rows = tuple(
        (
            str(appeal.score.subject),
            appeal.item.name_zh,
            chinese_date(appeal.filed_on),
            outcome[Appeal.Status(appeal.status)],
            appeal.decision_reason,
            f"{points(appeal.previous_total)}→{points(appeal.score.total)}"
            if appeal.status == Appeal.Status.UPHELD
            else "—",
        )
        for appeal in appeals
    )
    return Attachment(
        title=f"{assessment.year}年度{assessment.scheme.name_zh}申诉处理情况",
        columns=("申诉对象", "申诉指标", "申诉日期", "处理结果", "处理意见", "得分变化"),
        widths=(16, 18, 15, 12, 27, 12),
        sections=(TableSection(number=1, title="", rows=rows),),
    )


def build_results_notice(*, year: int) -> OfficialDocument:
    """The notice for ``year``'s published results.

    Raises ``DomainError`` ``no_data`` (no assessment of the year), ``open_to_appeal`` (computed
    but not published: the appeal window or its decisions are still open) or ``not_published``.
    """
    assessments = _assessments(year)
    published = [assessment for assessment in assessments if assessment.is_published]
    if not published:
        raise _refuse(year, assessments)
    paragraphs = [
        f"根据年度目标绩效考核方案，{year}年度{settings.PROGRAMME_NAME_ZH}目标绩效考核已完成评分、"
        "申诉复核和结果公布，现将考核结果通报如下。"
    ]
    attachments: list[Attachment] = []
    for assessment in published:
        scores = selectors.list_ranking(assessment=assessment)
        appeals = list(
            selectors.list_appeals().filter(score__assessment=assessment).order_by("filed_on", "pk")
        )
        paragraphs.append(_summary(assessment, scores) + _appeals_summary(assessment, appeals))
        attachments.append(_ranking(assessment, scores))
        attachments.append(_item_points(assessment, scores))
        if appeals:
            attachments.append(_appeals(assessment, appeals))
    paragraphs.extend(
        f"《{assessment.scheme.name_zh}》考核结果尚未公布，另行通报。"
        for assessment in assessments
        if not assessment.is_published
    )
    as_of = results_as_of(year=year)
    assert as_of is not None  # noqa: S101 — at least one assessment is published
    return OfficialDocument(
        issuing_authority="",
        document_number="",
        title=f"关于{year}年度{settings.PROGRAMME_NAME_ZH}目标绩效考核结果的通报",
        addressees="",
        paragraphs=tuple(paragraphs),
        signed_on=as_of,
        attachments=tuple(attachments),
        as_of=as_of,
        subject_key=str(year),
        notes=(ILLUSTRATIVE_NOTE,) if any(a.is_illustrative for a in published) else (),
    )
