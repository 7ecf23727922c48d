import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from devolve.core.tables import GOVUK_TABLE_ATTRS
from devolve.core.templatetags.devolve import localized
from devolve.matters.models import Matter


class MatterTable(tables.Table):
    code = tables.Column(verbose_name=_("Matter code"), empty_values=())
    name = tables.Column(verbose_name=_("Matter"), accessor="name_zh")
    kind = tables.Column(verbose_name=_("Kind"))
    matter_type = tables.Column(verbose_name=_("Matter type"), empty_values=())
    competent_department = tables.Column(verbose_name=_("Competent department"))

    class Meta:
        model = Matter
        fields = ("code", "name", "kind", "matter_type", "competent_department")
        attrs = GOVUK_TABLE_ATTRS
        row_attrs = {"class": "govuk-table__row"}
        orderable = False

    def render_code(self, record: Matter) -> str:
        return record.code or "—"

    def render_name(self, record: Matter) -> str:
        indent = "↳ " if record.parent_id else ""
        marker = (
            format_html(
                ' <strong class="govuk-tag govuk-tag--yellow">{}</strong>', _("illustrative")
            )
            if record.is_illustrative
            else ""
        )
        return format_html("{}{}{}", indent, localized(record, "name"), marker)

    def render_matter_type(self, record: Matter) -> str:
        return localized(record.matter_type, "name") if record.matter_type else "—"

    def render_competent_department(self, record: Matter) -> str:
        return localized(record.competent_department, "name")
