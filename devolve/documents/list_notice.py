"""The notice that publishes an edition of the list (关于印发《…》的通知), with the list attached.

Everything printed comes from the edition and its approval record: the document number, the
issuing authority and addressees (blank to fill in when the approval did not record them), the
approving meeting, the publication date as 成文日期, and the day counts that decide when grants
take effect. The attachment lists the live entries in sections by kind, numbered from 1 in each.
"""

from devolve.core.errors import refusal
from devolve.documents.official import Attachment, OfficialDocument, TableSection
from devolve.matters.list_export import list_title
from devolve.matters.list_workbook import ALL_AREAS, AREA_SEPARATOR
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.matters.selectors import list_entries

# Section titles by matter kind, in the order the published lists put them.
SECTION_TITLES: tuple[tuple[str, str], ...] = (
    (Matter.Kind.POWER, "省级授权事项"),
    (Matter.Kind.SUPPORT, "省级支持事项"),
)
COLUMNS = ("序号", "事项名称", "授权方式", "省级实施部门", "承接区域", "备注")
WIDTHS = (7, 28, 9, 17, 23, 16)
ILLUSTRATIVE_NOTE = "示意：本清单含演示用的示意数据。"
PUBLIC_STATUSES = (AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED)


def _areas(entry: ListEntry) -> str:
    if entry.all_areas:
        return ALL_AREAS
    return AREA_SEPARATOR.join(
        zone.name_zh for zone in sorted(entry.receiving_areas.all(), key=lambda zone: zone.slug)
    )


def _remarks(entry: ListEntry) -> str:
    parts = []
    sub_items = list(entry.sub_items.all())
    if sub_items:
        parts.append(
            "子项："
            + "；".join(f"{item.matter.name_zh}（{item.mode.name_zh}）" for item in sub_items)
        )
    parts.extend(text for text in (entry.conditions.strip(), entry.notes.strip()) if text)
    return "；".join(parts)


def entry_cells(number: int, entry: ListEntry) -> tuple[str, ...]:
    return (
        str(number),
        entry.matter.name_zh,
        entry.mode.name_zh,
        entry.granting_department.name_zh,
        _areas(entry),
        _remarks(entry),
    )


def list_sections(annual_list: AnnualList) -> tuple[TableSection, ...]:
    """The live entries by kind, in 序号 order inside each section."""
    entries = list(list_entries(annual_list=annual_list, include_withdrawn=False))
    sections: list[TableSection] = []
    for kind, title in SECTION_TITLES:
        kind_entries = [entry for entry in entries if entry.matter.kind == kind]
        if not kind_entries:
            continue
        rows = tuple(
            entry_cells(number, entry) for number, entry in enumerate(kind_entries, start=1)
        )
        sections.append(TableSection(number=len(sections) + 1, title=title, rows=rows))
    return tuple(sections)


def _paragraphs(annual_list: AnnualList, sections: tuple[TableSection, ...]) -> tuple[str, ...]:
    title = list_title(annual_list)
    meeting = annual_list.approving_meeting_zh.strip()
    approved = f"已经{meeting}审议通过，" if meeting else ""
    counts = "、".join(f"{section.title}{len(section.rows)}项" for section in sections)
    paragraphs = [
        f"《{title}》{approved}现印发给你们，请结合实际认真贯彻落实。",
        f"清单共{sum(len(section.rows) for section in sections)}项，其中{counts}。",
    ]
    effective_on = annual_list.delegation_effective_on()
    if effective_on and any(section.title == SECTION_TITLES[0][1] for section in sections):
        paragraphs.append(
            f"下放事项自清单印发之日起{annual_list.delegation_effective_days}日后生效"
            f"（{effective_on.year}年{effective_on.month}月{effective_on.day}日）；"
            "委托事项自签订行政委托书之日起生效。"
            f"承接区域应在事项生效后{annual_list.handover_working_days}个工作日内完成交接。"
        )
    predecessor = annual_list.predecessor
    if predecessor is not None:
        paragraphs.append(f"本清单印发后，《{list_title(predecessor)}》同时停止执行。")
    return tuple(paragraphs)


def build_list_notice(*, annual_list: AnnualList) -> OfficialDocument:
    """The notice for a published (or since superseded) edition.

    Raises ``DomainError("not_published")`` for an edition that is not public yet, and
    ``DomainError("empty_list")`` for one without live entries.
    """
    if annual_list.status not in PUBLIC_STATUSES or annual_list.published_on is None:
        raise refusal("document.list_not_published", "not_published", list=annual_list.key)
    sections = list_sections(annual_list)
    if not sections:
        raise refusal("document.empty_list", "empty_list", list=annual_list.key)
    title = list_title(annual_list)
    return OfficialDocument(
        issuing_authority=annual_list.issuing_authority_zh.strip(),
        document_number=annual_list.document_number.strip(),
        title=f"关于印发《{title}》的通知",
        addressees=annual_list.addressees_zh.strip(),
        paragraphs=_paragraphs(annual_list, sections),
        signed_on=annual_list.published_on,
        attachments=(Attachment(title=title, columns=COLUMNS, widths=WIDTHS, sections=sections),),
        as_of=annual_list.published_on,
        subject_key=annual_list.key,
        notes=(ILLUSTRATIVE_NOTE,) if annual_list.is_illustrative else (),
    )
