from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from devolve.core.actions import marked_text, system_text
from devolve.core.forms import LanguageMarkingRenderer
from devolve.core.i18n import (
    headings_with_glosses,
    join_names,
    language_of_text,
    mark_language,
    marked_hint,
)


def test_text_is_chinese_with_any_han_character_and_english_with_latin_words_only() -> None:
    assert language_of_text("材料不全") == "zh"
    assert language_of_text("川改办〔2024〕3号") == "zh"
    assert language_of_text("law firm") == "en"
    assert language_of_text("2025-01-10") is None
    assert language_of_text("<br>") is None


def test_chinese_on_an_english_page_is_marked_and_escaped() -> None:
    with translation.override("en"):
        assert mark_language("材料<不全>") == '<span lang="zh-Hans">材料&lt;不全&gt;</span>'
        assert mark_language("Missing papers") == "Missing papers"


def test_english_on_a_chinese_page_is_marked() -> None:
    with translation.override("zh-hans"):
        assert mark_language("law firm") == '<span lang="en">law firm</span>'
        assert mark_language("材料不全") == "材料不全"
        assert mark_language(None) == ""


def test_names_are_joined_with_the_page_language_separator() -> None:
    with translation.override("en"):
        assert join_names(["Tianfu", "天府"]) == 'Tianfu, <span lang="zh-Hans">天府</span>'
    with translation.override("zh-hans"):
        assert join_names(["天府", "宜宾"]) == "天府、宜宾"


def test_typed_text_is_marked_and_system_sentences_are_not() -> None:
    stored = system_text("grant.edition_published", key="2025/batch-1")
    with translation.override("en"):
        assert marked_text(stored) == "Edition 2025/batch-1 published."
        assert marked_text("材料不全") == '<span lang="zh-Hans">材料不全</span>'


def test_a_hint_puts_official_chinese_in_marked_on_english_pages() -> None:
    hint = marked_hint(gettext_lazy("e.g. {number}"), number="川改办〔2024〕3号")
    with translation.override("en"):
        assert str(hint) == 'e.g. <span lang="zh-Hans">川改办〔2024〕3号</span>'
    with translation.override("zh-hans"):
        assert str(hint) == "如川改办〔2024〕3号"


def test_workbook_headings_are_glossed_in_english_only() -> None:
    headings = [("序号", "No."), ("事项名称", "Matter")]
    with translation.override("en"):
        assert headings_with_glosses(headings) == (
            '<span lang="zh-Hans">序号</span> (No.), <span lang="zh-Hans">事项名称</span> (Matter)'
        )
    with translation.override("zh-hans"):
        assert headings_with_glosses(headings) == "序号、事项名称"


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea)
    title = forms.CharField()
    default_renderer = LanguageMarkingRenderer


def test_a_field_holding_text_in_the_other_language_carries_its_lang() -> None:
    form = NoteForm(initial={"note": "材料不全", "title": "Notes"})
    with translation.override("en"):
        assert 'lang="zh-Hans"' in str(form["note"])
        assert "lang=" not in str(form["title"])
