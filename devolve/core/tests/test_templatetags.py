"""The template helpers every template has."""

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize(
    ("template", "language", "expected"),
    [
        ("{{ flag|invented }}", "en", "illustrative"),
        ("{{ flag|invented }}", "zh-hans", "示意"),
        ('{{ flag|invented:"simulated" }}', "en", "simulated"),
        ('{{ flag|invented:"simulated" }}', "zh-hans", "模拟"),
    ],
)
def test_invented_tags_a_made_up_value_in_the_page_s_language(
    template: str, language: str, expected: str
) -> None:
    with translation.override(language):
        html = Template(template).render(Context({"flag": True}))

    assert html == f' <strong class="govuk-tag govuk-tag--yellow">{expected}</strong>'


def test_invented_adds_nothing_after_a_real_value() -> None:
    assert Template("{{ flag|invented }}").render(Context({"flag": False})) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("省委改革办（演示）", "zh-Hans"),
        ("Zhang 三", "zh-Hans"),
        ("Reform office", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_written_in_tells_a_name_s_language_by_its_script(text: str | None, expected: str) -> None:
    assert Template("{{ text|written_in }}").render(Context({"text": text})) == expected
