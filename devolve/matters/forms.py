"""HTML input for the catalogue, annual list editions, list imports and the demand list. The
services decide what is allowed; these forms only turn input into their arguments."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from devolve.core.forms import DesignSystemForm
from devolve.core.i18n import headings_with_glosses, marked_hint
from devolve.matters.list_workbook import COLUMNS, ColumnKey
from devolve.matters.models import (
    AnnualList,
    AuthorizationMode,
    DemandItem,
    DemandWindow,
    Department,
    ListEntry,
    Matter,
    MatterType,
)
from devolve.regions.models import Batch, Zone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MatterForm(DesignSystemForm):
    code = forms.CharField(label=_("Matter code"), max_length=64, required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Matter.Kind.choices)
    matter_type = forms.ModelChoiceField(
        label=_("Matter type"),
        queryset=MatterType.objects.order_by("sort_order"),
        required=False,
        empty_label=_("None (support matter)"),
    )
    competent_department = forms.ModelChoiceField(
        label=_("Competent department"),
        queryset=Department.objects.order_by("code"),
        empty_label=_("Choose a department"),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_matter(cls, matter: Matter, data: object = None) -> "MatterForm":
        initial = {
            "code": matter.code,
            "name_zh": matter.name_zh,
            "name_en": matter.name_en,
            "kind": matter.kind,
            "matter_type": matter.matter_type,
            "competent_department": matter.competent_department,
            "legal_basis": matter.legal_basis,
        }
        return cls(data, initial=initial)


# Annual list editions ---------------------------------------------------------------------------
# Each form's cleaned data are the keyword arguments of the one service its page calls; the
# services decide what is allowed, so reasons and document numbers are optional here and a missing
# one comes back from the service beside its field.


def _date_field(label: "StrOrPromise", *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _text_area(label: "StrOrPromise", *, rows: int = 2, help_text: "StrOrPromise" = "") -> Any:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AnnualListForm(DesignSystemForm):
    """Start an empty draft edition (``create_annual_list``)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    batch = forms.ModelChoiceField(
        label=_("Batch"),
        queryset=Batch.objects.order_by("number"),
        to_field_name="number",
        empty_label=_("Choose a batch"),
    )
    edition = forms.IntegerField(
        label=_("Edition"),
        min_value=1,
        initial=1,
        help_text=_("1 for the year's list; 2, 3 … for corrections."),
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)
    delegation_effective_days = forms.IntegerField(
        label=_("Days until delegation takes effect"), min_value=0, initial=30
    )
    handover_working_days = forms.IntegerField(
        label=_("Working days for handover"), min_value=0, initial=30
    )
    renewal_warning_days = forms.IntegerField(
        label=_("Days of warning before an agreement expires"), min_value=0, initial=15
    )


class AnnualListDeriveForm(DesignSystemForm):
    """A new draft carrying the published edition forward (``derive_annual_list``); the title
    starts from the predecessor's with the year moved on."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    edition = forms.IntegerField(
        label=_("Edition"),
        min_value=1,
        initial=1,
        help_text=_("1 for next year's list; a higher number for a correction of the same year."),
    )
    title_zh = forms.CharField(
        label=_("Title (Chinese)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to take the predecessor's title with the year moved on."),
    )
    title_en = forms.CharField(
        label=_("Title (English)"),
        max_length=250,
        required=False,
        help_text=_("Leave empty to take the predecessor's title with the year moved on."),
    )

    @classmethod
    def after(cls, predecessor: AnnualList, data: Any = None) -> "AnnualListDeriveForm":
        return cls(data, initial={"year": predecessor.year + 1, "edition": 1})


class AnnualListTitleForm(DesignSystemForm):
    """A draft edition's titles (``retitle_annual_list``)."""

    title_zh = forms.CharField(
        label=_("Title (Chinese)"),
        max_length=200,
        required=False,
        help_text=marked_hint(
            _("As the list is published, e.g. {title}."), title="2025年度第一批集成授权事项清单"
        ),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=250, required=False)

    @classmethod
    def for_edition(cls, annual_list: AnnualList, data: Any = None) -> "AnnualListTitleForm":
        initial = {"title_zh": annual_list.title_zh, "title_en": annual_list.title_en}
        return cls(data, initial=initial)


class _EntryFieldsForm(DesignSystemForm):
    """The fields an entry's add and change forms share; receiving areas are the batch's."""

    mode = forms.ModelChoiceField(
        label=_("Mode"),
        queryset=AuthorizationMode.objects.order_by("sort_order"),
        empty_label=_("Choose a mode"),
    )
    granting_department = forms.ModelChoiceField(
        label=_("Granting department"),
        queryset=Department.objects.order_by("code"),
        empty_label=_("Choose a department"),
    )
    supervising_department = forms.ModelChoiceField(
        label=_("Supervising department"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("None"),
    )
    receiving_areas = forms.ModelMultipleChoiceField(
        label=_("Receiving pilot areas"),
        queryset=Zone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty for all pilot areas of the batch."),
    )
    conditions = _text_area(_("Conditions"))
    notes = _text_area(_("Notes"))
    effective_on = _date_field(
        marked_hint(_("Effective on ({term})"), term="生效日期"), required=False
    )
    ends_on = _date_field(marked_hint(_("Ends on ({term})"), term="终止日期"), required=False)

    def __init__(self, data: Any = None, *, annual_list: AnnualList, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        areas = self.fields["receiving_areas"]
        assert isinstance(areas, forms.ModelMultipleChoiceField)  # noqa: S101 — declared above
        areas.queryset = (
            Zone.objects.filter(memberships__batch_id=annual_list.batch_id)
            .distinct()
            .order_by("prefecture__code", "slug")
        )


class ListEntryForm(_EntryFieldsForm):
    """Add a matter to a draft edition (``add_list_entry``)."""

    field_order = ["matter", "mode"]
    matter = forms.ModelChoiceField(
        label=_("Matter"),
        queryset=Matter.objects.select_related("competent_department").order_by(
            "competent_department__code", "code", "pk"
        ),
        empty_label=_("Choose a matter"),
    )
    change_reason = _text_area(_("Reason for adding it"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # No box ticked means every pilot area of the batch, which the service spells None.
        cleaned["receiving_areas"] = list(cleaned.get("receiving_areas") or []) or None
        return cleaned


class ListEntryUpdateForm(_EntryFieldsForm):
    """Change an entry of a draft edition (``update_list_entry``)."""

    reason = _text_area(
        _("Reason for the change"),
        help_text=_("Required when the entry differs from last edition's."),
    )

    @classmethod
    def for_entry(cls, entry: ListEntry, data: Any = None) -> "ListEntryUpdateForm":
        initial = {
            "mode": entry.mode_id,
            "granting_department": entry.granting_department_id,
            "supervising_department": entry.supervising_department_id,
            "receiving_areas": [area.pk for area in entry.receiving_areas.all()],
            "conditions": entry.conditions,
            "notes": entry.notes,
            "effective_on": entry.effective_on,
            "ends_on": entry.ends_on,
        }
        return cls(data, annual_list=entry.annual_list, initial=initial)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # An empty list tells the service "every pilot area of the batch".
        cleaned["receiving_areas"] = list(cleaned.get("receiving_areas") or [])
        return cleaned


class ReasonForm(DesignSystemForm):
    """The reason for withdrawing an entry, removing one or returning an edition to draft."""

    reason = _text_area(_("Reason"), rows=3)


class AnnualListApproveForm(DesignSystemForm):
    """The approving meeting's decision (``approve_annual_list``)."""

    approving_meeting_zh = forms.CharField(
        label=_("Approving meeting (Chinese)"), max_length=200, required=False
    )
    approving_meeting_en = forms.CharField(
        label=_("Approving meeting (English)"), max_length=250, required=False
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        help_text=marked_hint(_("e.g. {number}"), number="川改办〔2024〕3号"),
    )
    issuing_authority_zh = forms.CharField(
        label=_("Issuing authority (Chinese)"),
        max_length=200,
        required=False,
        help_text=marked_hint(
            _("The issuing authority ({term}), as it heads the notice that publishes the edition."),
            term="发文机关",
        ),
    )
    addressees_zh = forms.CharField(
        label=_("Addressees (Chinese)"),
        max_length=300,
        required=False,
        help_text=marked_hint(
            _("The addressees ({term}): the bodies the notice is addressed to."), term="主送机关"
        ),
    )
    approved_on = _date_field(_("Approved on"))


# Demand list ------------------------------------------------------------------------------------


class DemandWindowForm(DesignSystemForm):
    """Open the period in which a batch's pilot areas file demands (``open_demand_window``)."""

    year = forms.IntegerField(label=_("Year of the list"), min_value=2000, max_value=2100)
    batch = forms.ModelChoiceField(
        label=_("Batch"),
        queryset=Batch.objects.order_by("number"),
        to_field_name="number",
        empty_label=_("Choose a batch"),
    )
    opens_on = _date_field(_("Opens on"))
    closes_on = _date_field(_("Closes on"))


class DemandItemForm(DesignSystemForm):
    """A pilot area's demand (``file_demand_item``). A pilot area files for itself, so the zone
    field is only offered to someone filing on an area's behalf (the office)."""

    window = forms.ModelChoiceField(
        label=_("Demand window"),
        queryset=DemandWindow.objects.select_related("batch").order_by("-year", "batch__number"),
        empty_label=_("Choose a demand window"),
    )
    zone = forms.ModelChoiceField(
        label=_("Pilot area"),
        queryset=Zone.objects.order_by("prefecture__code", "slug"),
        to_field_name="slug",
        empty_label=_("Choose a pilot area"),
    )
    matter = forms.ModelChoiceField(
        label=_("Catalogue matter"),
        queryset=Matter.objects.order_by("competent_department__code", "code", "pk"),
        required=False,
        empty_label=_("Not in the catalogue (describe it below)"),
    )
    description = _text_area(_("Description of the matter"), rows=3)
    kind = forms.ChoiceField(label=_("Power or support"), choices=DemandItem.Kind.choices)
    department = forms.ModelChoiceField(
        label=_("Competent department"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("The catalogue matter's department"),
    )
    justification = _text_area(_("Justification"), rows=4)

    def __init__(self, data: Any = None, *, zone: Zone | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fixed_zone = zone
        if zone is not None:
            del self.fields["zone"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.fixed_zone is not None:
            cleaned["zone"] = self.fixed_zone
        matter = cleaned.get("matter")
        if cleaned.get("department") is None:
            if matter is None:
                self.add_error(
                    "department",
                    _("Choose the competent department, or a catalogue matter."),
                )
            else:
                cleaned["department"] = matter.competent_department
        return cleaned


class DemandOfferForm(DesignSystemForm):
    """A department offers one of its matters unasked (``offer_matter``)."""

    window = forms.ModelChoiceField(
        label=_("Demand window"),
        queryset=DemandWindow.objects.select_related("batch").order_by("-year", "batch__number"),
        empty_label=_("Choose a demand window"),
    )
    matter = forms.ModelChoiceField(
        label=_("Matter"), queryset=Matter.objects.none(), empty_label=_("Choose a matter")
    )
    justification = _text_area(_("Justification"), rows=4)

    def __init__(self, data: Any = None, *, matters: QuerySet[Matter], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["matter"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
        field.queryset = matters


class DemandAnswerForm(DesignSystemForm):
    """The competent department's answer (``answer_demand_item``)."""

    response = forms.ChoiceField(
        label=_("Answer"), choices=DemandItem.Response.choices, widget=forms.RadioSelect
    )
    reason = _text_area(
        _("Reason"),
        rows=3,
        help_text=_("Required unless you agree; for a refusal, give the legal basis."),
    )


class DemandDecisionForm(DesignSystemForm):
    """The office accepts an item into a draft edition or rejects it (``decide_demand_item``)."""

    ACCEPT, REJECT = "accept", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept into a draft edition")), (REJECT, _("Do not accept"))],
        widget=forms.RadioSelect,
    )
    annual_list = forms.ModelChoiceField(
        label=_("Draft edition"),
        queryset=AnnualList.objects.none(),
        required=False,
        empty_label=_("Choose a draft edition"),
    )
    mode = forms.ModelChoiceField(
        label=_("Mode"),
        queryset=AuthorizationMode.objects.order_by("sort_order"),
        required=False,
        empty_label=_("Delegate a power, support a support matter"),
    )
    reason = _text_area(_("Reason"), rows=3, help_text=_("Required when not accepting."))

    def __init__(self, data: Any = None, *, item: DemandItem, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["annual_list"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
        field.queryset = AnnualList.objects.select_related("batch").filter(
            batch_id=item.window.batch_id, status=AnnualList.Status.DRAFT
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["accept"] = cleaned.pop("decision", None) == self.ACCEPT
        return cleaned


# The columns the import hint names: the ones every published list has.
WORKBOOK_HINT_COLUMNS = (
    ColumnKey.SEQUENCE,
    ColumnKey.MATTER_NAME,
    ColumnKey.MATTER_CODE,
    ColumnKey.MATTER_TYPE,
    ColumnKey.DEPARTMENT,
    ColumnKey.LEGAL_BASIS,
    ColumnKey.MODE,
    ColumnKey.RECEIVING_AREAS,
)


class ListImportForm(DesignSystemForm):
    workbook = forms.FileField(
        label=_("Workbook (.xlsx), CSV file or an edition's JSON export"),
        help_text=marked_hint(
            _(
                "The list as published: a header row ({headings} …) and one row per matter. A "
                "title row above it is fine."
            ),
            headings=lambda: headings_with_glosses(
                (column.header_zh, column.header_en)
                for column in COLUMNS
                if column.key in WORKBOOK_HINT_COLUMNS
            ),
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".xlsx,.csv,.json"}
        ),
    )


class ListImportApplyForm(DesignSystemForm):
    reason = forms.CharField(
        label=_("Reason for the changes"),
        required=False,
        help_text=_("Required when the workbook changes entries, e.g. the decision."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
