"""Pure parts: choosing fonts, Chinese numerals and dates, the blanks of a 公文."""

import datetime

import pytest

from devolve.core.errors import DomainError
from devolve.documents.fonts import SANS_FALLBACK, SERIF_FALLBACK, FontRole, plan_fonts
from devolve.documents.official import (
    BLANK,
    Attachment,
    OfficialDocument,
    TableSection,
    chinese_date,
    chinese_numeral,
)


def test_standard_fonts_are_used_where_installed() -> None:
    plan = plan_fonts(frozenset({"FangSong", "方正小标宋简体", "SimHei", "KaiTi", "SimSun"}))
    assert plan.family(FontRole.FANGSONG) == "FangSong"
    assert plan.family(FontRole.XIAOBIAOSONG) == "方正小标宋简体"
    assert not plan.is_degraded
    assert plan.css(FontRole.FANGSONG) == f'"FangSong", "{SERIF_FALLBACK}"'


def test_noto_cjk_stands_in_for_the_missing_standard_fonts_and_says_so() -> None:
    plan = plan_fonts(frozenset({SERIF_FALLBACK, SANS_FALLBACK, "SimHei"}))
    assert plan.family(FontRole.FANGSONG) == SERIF_FALLBACK
    assert plan.family(FontRole.HEITI) == "SimHei"
    assert plan.is_degraded
    assert f"仿宋: {SERIF_FALLBACK} (fallback)" in plan.description
    assert "黑体: SimHei;" in plan.description


def test_without_any_chinese_font_a_document_is_refused() -> None:
    with pytest.raises(DomainError) as refusal:
        plan_fonts(frozenset({"DejaVu Sans", "DejaVu Serif"}))
    assert refusal.value.code == "cjk_fonts_missing"
    assert "fonts-noto-cjk" in str(refusal.value)


def test_this_machine_has_the_fallback_fonts() -> None:
    """scripts/install-system-packages installs fonts-noto-cjk."""
    assert plan_fonts().family(FontRole.FANGSONG) in {SERIF_FALLBACK, "FangSong_GB2312",
                                                      "仿宋_GB2312", "FangSong", "仿宋",
                                                      "STFangsong"}  # fmt: skip


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
     (99, "九十九")],
)  # fmt: skip
def test_chinese_numerals(number: int, numeral: str) -> None:
    assert chinese_numeral(number) == numeral


@pytest.mark.parametrize("number", [0, 100])
def test_chinese_numerals_stop_where_sections_do(number: int) -> None:
    with pytest.raises(ValueError, match=str(number)):
        chinese_numeral(number)


def test_dates_are_written_without_leading_zeros() -> None:
    assert chinese_date(datetime.date(2024, 3, 8)) == "2024年3月8日"


def _document(**fields: object) -> OfficialDocument:
    values: dict[str, object] = {
        "issuing_authority": "",
        "document_number": "川改办〔2024〕3号",
        "title": "关于印发《清单》的通知",
        "addressees": "",
        "paragraphs": ("正文。",),
        "signed_on": datetime.date(2024, 3, 8),
        "attachments": (
            Attachment(
                title="清单",
                columns=("序号", "事项名称"),
                widths=(20, 80),
                sections=(TableSection(number=1, title="省级授权事项", rows=(("1", "甲"),)),),
            ),
        ),
        "as_of": datetime.date(2024, 3, 8),
        "subject_key": "2024/batch-1",
    }
    values.update(fields)
    return OfficialDocument(**values)


def test_what_the_data_lacks_is_a_visible_blank() -> None:
    document = _document()
    assert document.header_mark == f"{BLANK}文件"
    assert document.signature == BLANK
    assert document.addressee_line == f"{BLANK}："
    assert document.missing_fields == ("发文机关", "主送机关")


def test_recorded_fields_are_printed_as_recorded() -> None:
    document = _document(issuing_authority="某某办公室", addressees="各试点区域")
    assert document.header_mark == "某某办公室文件"
    assert document.signature == "某某办公室"
    assert document.addressee_line == "各试点区域："
    assert document.missing_fields == ()


def test_one_attachment_is_named_plainly_several_are_numbered() -> None:
    single = _document()
    assert single.attachment_lines == ("附件：清单",)
    assert single.attachment_label(1) == "附件"
    attachment = single.attachments[0]
    double = _document(attachments=(attachment, attachment))
    assert double.attachment_lines == ("附件：1. 清单", "2. 清单")
    assert double.attachment_label(2) == "附件2"


def test_section_headings_count_their_rows() -> None:
    section = TableSection(number=2, title="省级支持事项", rows=(("1", "甲"), ("2", "乙")))
    assert section.heading == "二、省级支持事项（2项）"
    assert TableSection(number=1, title="", rows=()).heading == ""
