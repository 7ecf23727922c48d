"""Give Django form widgets the design system's classes, and the ``lang`` of the text they hold,
so templates stay plain; render select boxes, inputs and text areas without templates; read the
rows a bulk action's list ticked (``chosen_ids``)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from devolve.core.concurrency import version_of
from devolve.core.i18n import lang_attribute

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.TextInput: "govuk-input",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.EmailInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
}


def apply_design_system(form: forms.BaseForm) -> forms.BaseForm:
    for field in form.fields.values():
        for widget_class, css_class in WIDGET_CLASSES.items():
            if type(field.widget) is widget_class:
                field.widget.attrs.setdefault("class", css_class)
                break
    return form


def chosen_ids(
    data: Any, name: str, *, nothing: "StrOrPromise", invalid: "StrOrPromise"
) -> list[int]:
    """The ids of the rows ticked in a list's ``choose`` column (``core.tables.choose_column``,
    each box posting its row's id as ``name``); ``nothing`` or ``invalid`` is the form's error
    when none is ticked or one is not an id."""
    raw = data.getlist(name) if hasattr(data, "getlist") else []
    if not raw:
        raise forms.ValidationError(nothing, code="nothing_chosen")
    if not all(str(value).isdigit() for value in raw):
        raise forms.ValidationError(invalid, code="invalid")
    return [int(value) for value in raw]


class DesignSystemForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        apply_design_system(self)


class VersionForm(forms.Form):
    """The version of the record an edit page was opened on (``devolve.core.concurrency``), sent
    back with the edit so the service can refuse a save over someone else's newer one.

    After a refused save the page shows the current version, so saving again is a decision taken
    with the other person's changes in view.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    @classmethod
    def for_record(cls, record: Any, data: Any = None) -> "VersionForm":
        return cls(data, initial={"version": version_of(record)}, prefix="record")

    def expected_version(self) -> str | None:
        """The version the editor started from; None when the page sent none."""
        if not self.is_bound:
            return None
        value = str(self.data.get(self.add_prefix("version"), "")).strip()
        return value or None

    def show_current(self, record: Any) -> None:
        """After a refusal: carry the current version, so saving again overwrites knowingly."""
        data = dict(self.data.items())
        data[self.add_prefix("version")] = version_of(record)
        self.data = data


# Widgets whose value is text a reader sees: a value in the other language gets its ``lang``.
TEXT_WIDGET_TYPES = {"text", "search", "email", "url", "tel"}
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# Select boxes drawn by Django's own templates, which ``render_select`` writes without them.
SELECT_TEMPLATES = {"django/forms/widgets/select.html"}
# Inputs whose template only includes Django's ``input.html``, and the text area, which
# ``render_input`` and ``render_textarea`` write without them.
INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "text", "hidden", "number", "email", "url", "password", "date", "datetime", "time",
        "search", "tel", "color",
    )
}  # fmt: skip
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attribute_text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` in Django's widget templates: the value as text, escaped
    unless it is already safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attributes(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: `` name="value"`` for each attribute, the bare name for True,
    nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_attribute_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget: dict[str, Any]) -> SafeString:
    """The ``<select>`` Django's ``select.html`` and ``select_option.html`` draw, written in
    Python: the templates render an include per option, half of a list page's time when its
    filter offers a few hundred choices (352 prefectures at national scale). An option whose
    label is in the language the page is not carries its ``lang``, as text fields do; otherwise
    the markup is the templates', character for character (the blank line after each option is
    the end of ``select_option.html``)."""
    context = Context()
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, group_choices, _group_index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, context)}">')
        for option in group_choices:
            attrs = option["attrs"]
            language = lang_attribute(option["label"])
            if language and "lang" not in attrs:
                attrs = {**attrs, "lang": language}
            parts.append(
                f'\n  <option value="{_attribute_text(option["value"])}"{_attributes(attrs)}>'
                f"{render_value_in_context(option['label'], context)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped as the templates do


def render_input(widget: dict[str, Any]) -> SafeString:
    """The ``<input>`` Django's ``input.html`` draws (and ``text.html``, ``hidden.html`` and the
    others that only include it), written in Python: a form of a few hundred fields (an area
    report's lines, seven fields each) spent most of its time in these includes. Character for
    character the template's markup."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_attribute_text(value)}"'
    return mark_safe(  # noqa: S308 — every value is escaped as the template does
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{shown}{_attributes(widget["attrs"])}>'
    )


def render_textarea(widget: dict[str, Any]) -> SafeString:
    """The ``<textarea>`` Django's ``textarea.html`` draws, written in Python (``render_input``);
    the line break after the opening tag is the template's."""
    value = widget["value"]
    text = render_value_in_context(value, Context()) if value else ""
    return mark_safe(  # noqa: S308 — every value is escaped as the template does
        f'<textarea name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>'
        f"\n{text}</textarea>"
    )


def _drawn_by_django(widget: dict[str, Any]) -> bool:
    """A select box whose box and options use Django's own templates (a widget with templates
    of its own is rendered by them)."""
    return widget.get("template_name") in SELECT_TEMPLATES and all(
        option.get("template_name") == OPTION_TEMPLATE
        for _group_name, group_choices, _group_index in widget.get("optgroups", ())
        for option in group_choices
    )


class LanguageMarkingRenderer(DjangoTemplates):
    """Django's form renderer, marking a text field whose value is in the language the page is
    not (what a user typed, in Chinese, on an English page) with that ``lang`` (``FORM_RENDERER``;
    core.i18n.mark_language does the same for text outside fields), and drawing select boxes
    in Python (``render_select``), options in the other language marked too, and inputs and
    text areas (``render_input``, ``render_textarea``). A widget with a template of its own is
    rendered by it."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if (
            template_name in SELECT_TEMPLATES
            and isinstance(widget, dict)
            and _drawn_by_django(widget)
        ):
            return render_select(widget)
        if isinstance(widget, dict) and (
            widget.get("type") in TEXT_WIDGET_TYPES
            or widget.get("template_name") == TEXTAREA_TEMPLATE
        ):
            language = lang_attribute(widget.get("value"))
            if language and "lang" not in widget["attrs"]:
                widget["attrs"] = {**widget["attrs"], "lang": language}
        if isinstance(widget, dict) and widget.get("template_name") == template_name:
            if template_name in INPUT_TEMPLATES:
                return render_input(widget)
            if template_name == TEXTAREA_TEMPLATE:
                return render_textarea(widget)
        return super().render(template_name, context, request)
