"""Give Django form widgets the design system's classes, so templates stay plain."""

from django import forms

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


class DesignSystemForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        apply_design_system(self)
