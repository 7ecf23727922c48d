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
