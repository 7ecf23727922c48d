"""Select boxes drawn in Python (``core.forms.render_select``) are the boxes Django's templates
draw, option for option, and mark options in the other language; inputs and text areas
(``render_input``, ``render_textarea``) are the templates' too."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from devolve.core.forms import LanguageMarkingRenderer

CHOICES = [
    ("", "All prefectures"),
    ("510100", "Chengdu & <suburbs>"),
    ("510300", 'Zigong "salt"'),
    (4, 1234),
    ("safe", mark_safe("<b>kept</b>")),
]
GROUPED = [
    ("", "Any"),
    ("West", [("a", "Aba"), ("b", "Bazhong")]),
    ("East <coast>", [("c", "Chongqing")]),
]


def drawn(widget: forms.Widget, value: object, renderer: object) -> str:
    return widget.render("prefecture", value, attrs={"id": "id_prefecture"}, renderer=renderer)


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES, attrs={"class": "govuk-select"}), "510300"),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES, attrs={"disabled": True, "data-x": False}), 4),
        (forms.SelectMultiple(choices=CHOICES), ["510100", "safe"]),
        (forms.Select(choices=GROUPED), "c"),
        (forms.NullBooleanSelect(), True),
    ],
)
def test_a_select_box_is_the_one_djangos_templates_draw(
    widget: forms.Widget, value: object
) -> None:
    with translation.override("en"):
        assert drawn(widget, value, LanguageMarkingRenderer()) == drawn(
            widget, value, DjangoTemplates()
        )


def test_an_option_in_the_other_language_carries_its_lang() -> None:
    widget = forms.Select(choices=[("", "All prefectures"), ("510100", "成都市")])
    with translation.override("en"):
        html = drawn(widget, "", LanguageMarkingRenderer())
    assert '<option value="510100" lang="zh-Hans">成都市</option>' in html
    assert '<option value="" selected>All prefectures</option>' in html


def test_a_widget_with_its_own_option_template_keeps_it() -> None:
    class Radio(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = Radio(choices=CHOICES[:2])
    assert drawn(widget, "", LanguageMarkingRenderer()) == drawn(widget, "", DjangoTemplates())


INPUTS = [
    forms.TextInput(attrs={"class": "govuk-input", "inputmode": "numeric"}),
    forms.HiddenInput(),
    forms.NumberInput(attrs={"required": True, "disabled": False}),
    forms.DateInput(attrs={"type": "date"}),
    forms.EmailInput(),
    forms.PasswordInput(render_value=True),
    forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
]
VALUES = [None, "", 'Chengdu & "suburbs" <b>', mark_safe("<b>kept</b>"), 12, Decimal("3.5"),
          datetime.date(2024, 7, 3), "line one\nline two"]  # fmt: skip


# On a Chinese page, English text gains its ``lang`` (the next test): not the templates' markup.
CASES = [
    (widget, value, language)
    for widget in INPUTS
    for value in VALUES
    for language in ("en", "zh-hans")
    if language == "en" or not (isinstance(value, str) and value)
]


@pytest.mark.parametrize(
    ("widget", "value", "language"),
    CASES,
    ids=[f"{type(w).__name__}-{v!r}-{lang}" for w, v, lang in CASES],
)
def test_an_input_or_text_area_is_the_one_djangos_templates_draw(
    widget: forms.Widget, value: object, language: str
) -> None:
    with translation.override(language):
        assert drawn(widget, value, LanguageMarkingRenderer()) == drawn(
            widget, value, DjangoTemplates()
        )


def test_a_text_field_in_the_other_language_still_carries_its_lang() -> None:
    with translation.override("en"):
        for widget in (forms.TextInput(), forms.Textarea()):
            assert ' lang="zh-Hans"' in drawn(widget, "窗口人手不足", LanguageMarkingRenderer())
