"""The parts every official document (公文) has under GB/T 9704-2012, whatever it notifies.

A field the data does not hold (the issuing authority, the addressees) is ``""`` here and printed
as a visible blank to fill in (``BLANK``), never guessed.
"""

import datetime
from dataclasses import dataclass, field

CHINESE_NUMERALS = "一二三四五六七八九十"
# A visible blank: full-width underscores, wide enough to write a body's name in by hand.
BLANK = "\uff3f" * 8  # FULLWIDTH LOW LINE


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (section numbers up to 99)."""
    if not 1 <= number <= 99:  # sections of a list never reach a hundred
        raise ValueError(number)
    tens, units = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十"
    if units:
        text += CHINESE_NUMERALS[units - 1]
    return text


def chinese_date(day: datetime.date) -> str:
    """成文日期 in Arabic numerals without leading zeros, as the standard has it: 2024年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class TableSection:
    """A section row (``一、省级授权事项（8项）``) and the rows under it, numbered from 1."""

    number: int
    title: str
    rows: tuple[tuple[str, ...], ...]
    unit: str = "项"

    @property
    def heading(self) -> str:
        """The section row; empty for an untitled section (a table without sections)."""
        if not self.title:
            return ""
        return f"{chinese_numeral(self.number)}、{self.title}（{len(self.rows)}{self.unit}）"


@dataclass(frozen=True)
class Attachment:
    """An attachment (附件): a title and a table in sections under one header row."""

    title: str
    columns: tuple[str, ...]
    # Relative column widths (they add up to 100) for the PDF and DOCX tables.
    widths: tuple[int, ...]
    sections: tuple[TableSection, ...]
    note: str = ""

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


@dataclass(frozen=True)
class OfficialDocument:
    """A 公文: the header (版头), the body, the signature block and the attachments."""

    issuing_authority: str
    document_number: str
    title: str
    addressees: str
    paragraphs: tuple[str, ...]
    signed_on: datetime.date
    attachments: tuple[Attachment, ...]
    # The day the data was read as of; printed in the colophon and written to the metadata.
    as_of: datetime.date
    subject_key: str
    notes: tuple[str, ...] = field(default=())

    @property
    def header_mark(self) -> str:
        """发文机关标志: the authority's name followed by 文件 (or a blank to fill in)."""
        return f"{self.issuing_authority or BLANK}文件"

    @property
    def signature(self) -> str:
        return self.issuing_authority or BLANK

    @property
    def addressee_line(self) -> str:
        return f"{self.addressees or BLANK}："

    @property
    def signed_on_text(self) -> str:
        return chinese_date(self.signed_on)

    @property
    def attachment_lines(self) -> tuple[str, ...]:
        """附件说明: ``附件：…`` for one, ``附件：1. …`` then indented ``2. …`` for several."""
        if len(self.attachments) == 1:
            return (f"附件：{self.attachments[0].title}",)
        return tuple(
            f"{'附件：' if index == 1 else ''}{index}. {attachment.title}"
            for index, attachment in enumerate(self.attachments, start=1)
        )

    def attachment_label(self, index: int) -> str:
        """The mark at the top of an attachment's first page: 附件, or 附件1, 附件2 …"""
        return "附件" if len(self.attachments) == 1 else f"附件{index}"

    @property
    def missing_fields(self) -> tuple[str, ...]:
        """The fields printed as blanks, for the message that accompanies the document."""
        missing = []
        if not self.issuing_authority:
            missing.append("发文机关")
        if not self.document_number:
            missing.append("发文字号")
        if not self.addressees:
            missing.append("主送机关")
        return tuple(missing)
