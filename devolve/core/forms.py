"""Give Django form widgets the design system's classes, and the ``lang`` of the text they hold,
so templates stay plain; read the rows a bulk action's list ticked (``chosen_ids``)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import DjangoTemplates

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


class LanguageMarkingRenderer(DjangoTemplates):
    """Django's form renderer, marking a text field whose value is in the language the page is
    not (what a user typed, in Chinese, on an English page) with that ``lang`` (``FORM_RENDERER``;
    core.i18n.mark_language does the same for text outside fields)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and (
            widget.get("type") in TEXT_WIDGET_TYPES
            or widget.get("template_name") == TEXTAREA_TEMPLATE
        ):
            language = lang_attribute(widget.get("value"))
            if language and "lang" not in widget["attrs"]:
                widget["attrs"] = {**widget["attrs"], "lang": language}
        return super().render(template_name, context, request)
