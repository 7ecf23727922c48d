import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from devolve.core.api.bulk import record_ids
from devolve.core.api.fields import SlugRelatedField, StoredTextField
from devolve.grants.models import ActivationRun, EntrustmentAgreement, Grant, Publication
from devolve.grants.selectors import MatrixGrant
from devolve.matters.api.serializers import EntryMatterOutput
from devolve.matters.models import AuthorizationMode, Department, ListEntry
from devolve.regions.models import Zone


class GrantOutput(serializers.ModelSerializer[Grant]):
    annual_list = serializers.CharField(
        source="entry.annual_list.key", read_only=True, help_text="The edition's key."
    )
    sequence = serializers.IntegerField(source="entry.sequence", read_only=True)
    matter = EntryMatterOutput(source="entry.matter", read_only=True)
    end_reason = StoredTextField(help_text="Why the grant ended, in the request's language.")
    mode = SlugRelatedField[AuthorizationMode](
        source="entry.mode", slug_field="code", read_only=True
    )
    granting_department = SlugRelatedField[Department](
        source="entry.granting_department", slug_field="code", read_only=True
    )
    zone = SlugRelatedField[Zone](slug_field="slug", read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "annual_list",
            "entry",
            "sequence",
            "matter",
            "mode",
            "granting_department",
            "zone",
            "status",
            "previous_grant",
            "effective_on",
            "handover_due_on",
            "handover_due_is_provisional",
            "handed_over_on",
            "supervision_filed_on",
            "supervision_document",
            "ended_on",
            "end_reason",
            "is_illustrative",
        ]


class OwedGrantOutput(GrantOutput):
    overdue = serializers.SerializerMethodField()

    class Meta(GrantOutput.Meta):
        fields = [*GrantOutput.Meta.fields, "overdue"]

    def get_overdue(self, grant: Grant) -> bool:
        """Handover not recorded by its due date (the day the view was asked about)."""
        overdue: set[int] = self.context["overdue"]
        return grant.pk in overdue


class AgreementOutput(serializers.ModelSerializer[EntrustmentAgreement]):
    entrusting_department = SlugRelatedField[Department](slug_field="code", read_only=True)
    zone = SlugRelatedField[Zone](source="grant.zone", slug_field="slug", read_only=True)
    annual_list = serializers.CharField(source="grant.entry.annual_list.key", read_only=True)
    renews = SlugRelatedField[EntrustmentAgreement](
        slug_field="number", read_only=True, allow_null=True
    )

    class Meta:
        model = EntrustmentAgreement
        fields = [
            "id",
            "number",
            "grant",
            "annual_list",
            "zone",
            "entrusting_department",
            "entrusted_body",
            "covers_acceptance",
            "covers_review",
            "covers_decision",
            "signed_on",
            "starts_on",
            "ends_on",
            "renews",
            "document",
            "is_illustrative",
        ]


class AgreementInput(serializers.Serializer[EntrustmentAgreement]):
    number = serializers.CharField(max_length=100)
    signed_on = serializers.DateField()
    starts_on = serializers.DateField(help_text="The grant takes effect on this day.")
    ends_on = serializers.DateField()
    entrusted_body = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Default: the pilot area's management committee.",
    )
    covers_acceptance = serializers.BooleanField(required=False, default=True)
    covers_review = serializers.BooleanField(required=False, default=True)
    covers_decision = serializers.BooleanField(required=False, default=True)
    document = serializers.CharField(required=False, default="", allow_blank=True)
    renews = SlugRelatedField(
        slug_field="number",
        queryset=EntrustmentAgreement.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Number of the agreement this one renews (signed before it ends).",
    )


class HandoverInput(serializers.Serializer[Grant]):
    handed_over_on = serializers.DateField()


class BulkHandoverInput(serializers.Serializer[Grant]):
    grants = record_ids("The ids of the grants handed over.")
    handed_over_on = serializers.DateField(help_text="The day all of them were handed over.")


class SupervisionInput(serializers.Serializer[Grant]):
    filed_on = serializers.DateField()
    document = serializers.CharField(required=False, default="", allow_blank=True)


class RecallInput(serializers.Serializer[Grant]):
    recalled_on = serializers.DateField()
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class ActivationInput(serializers.Serializer[Grant]):
    on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: today."
    )


class ActivationRunOutput(serializers.ModelSerializer[ActivationRun]):
    """A queued activation of due grants and how far it has come, as a publication shows it."""

    percent = serializers.IntegerField(source="percent_done", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True)
    # Why it failed, in the request's language (stored as a code, ADR 0041).
    error_message = StoredTextField(source="error")

    class Meta:
        model = ActivationRun
        fields = [
            "id", "on", "status", "rows_done", "rows_total", "percent", "error_code",
            "error_message", "requested_by", "created_at", "finished_at",
        ]  # fmt: skip
        extra_kwargs = {
            "on": {"help_text": "Grants effective on or before this day are activated."},
            "rows_done": {"help_text": "Grants activated (per batch of 500)."},
            "rows_total": {"help_text": "Grants due (0 until the run starts)."},
        }


class PublishInput(serializers.Serializer[Grant]):
    published_on = serializers.DateField()
    preview = serializers.CharField(
        required=False,
        help_text="The fingerprint of the preview confirmed (publication-preview); publishing is "
        "refused as stale_preview when what it would do has changed since.",
    )
    regrant_reasons = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="Reason per re-grant key (matter key@area key) for granting again a power "
        "recalled from that area.",
    )
    left_out = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Re-grant keys to leave out: no grant is made for them.",
    )


class PublicationOutput(serializers.ModelSerializer[Publication]):
    """A queued publication and how far it has come, as the documents API shows a build."""

    edition = serializers.CharField(source="annual_list.key")
    percent = serializers.IntegerField(source="percent_done", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True)
    # Why it failed, in the request's language (stored as a code, ADR 0041).
    error_message = StoredTextField(source="error")
    edition_url = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "id", "edition", "status", "published_on", "rows_done", "rows_total", "percent",
            "error_code", "error_message", "requested_by", "created_at", "finished_at",
            "edition_url",
        ]  # fmt: skip

    def get_edition_url(self, publication: Publication) -> str:
        """The edition in the API: its status is ``published`` once the publication is."""
        return f"/api/v1/annual-lists/{publication.annual_list.key}/"


# Publication preview ----------------------------------------------------------------------------


class PlannedGrantOutput(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="matter key@area key")
    matter = serializers.CharField(source="entry.matter.key")
    matter_name = serializers.CharField(source="entry.matter")
    zone = serializers.CharField(source="zone.slug")
    zone_name = serializers.CharField(source="zone")
    continues_grant = serializers.IntegerField(source="previous_grant.pk", allow_null=True)


class EndedGrantOutput(serializers.Serializer[Any]):
    grant = serializers.IntegerField(source="pk")
    matter = serializers.CharField(source="entry.matter.key")
    matter_name = serializers.CharField(source="entry.matter")
    zone = serializers.CharField(source="zone.slug")
    zone_name = serializers.CharField(source="zone")


class RegrantOutput(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Give a reason for this key, or leave it out.")
    matter = serializers.CharField(source="entry.matter.key")
    matter_name = serializers.CharField(source="entry.matter")
    zone = serializers.CharField(source="zone.slug")
    zone_name = serializers.CharField(source="zone")
    recalled_grant = serializers.IntegerField(source="recalled.pk")
    recalled_on = serializers.DateField(source="recalled.ended_on")
    recall_reason = StoredTextField(source="recalled.end_reason")


class PreviewZoneOutput(serializers.Serializer[Any]):
    zone = serializers.CharField(source="slug")
    zone_name = serializers.CharField(source="*")


class PublicationPreviewOutput(serializers.Serializer[Any]):
    edition = serializers.CharField(source="annual_list.key")
    published_on = serializers.DateField()
    fingerprint = serializers.CharField(help_text="Send it back as ``preview`` when publishing.")
    created = PlannedGrantOutput(many=True)
    continued = PlannedGrantOutput(many=True)
    ended = EndedGrantOutput(many=True)
    joining = PreviewZoneOutput(many=True)
    leaving = PreviewZoneOutput(many=True)
    regrants = RegrantOutput(many=True)


# Take-up matrix ---------------------------------------------------------------------------------


class MatrixZoneOutput(serializers.ModelSerializer[Zone]):
    class Meta:
        model = Zone
        fields = ["slug", "name_zh", "name_en"]


class MatrixCellOutput(serializers.Serializer[Any]):
    """An entry in one pilot area: its grant, or nulls where the entry does not reach the area."""

    zone = serializers.CharField(source="zone.slug")
    grant = serializers.IntegerField(source="grant.pk", allow_null=True)
    status = serializers.ChoiceField(
        source="grant.status", choices=Grant.Status.choices, allow_null=True
    )
    effective_on = serializers.DateField(source="grant.effective_on", allow_null=True)
    handover_due_on = serializers.DateField(source="grant.handover_due_on", allow_null=True)


class MatrixRowOutput(serializers.ModelSerializer[ListEntry]):
    entry = serializers.IntegerField(source="pk", read_only=True)
    matter = EntryMatterOutput(read_only=True)
    mode = SlugRelatedField[AuthorizationMode](slug_field="code", read_only=True)
    granting_department = SlugRelatedField[Department](slug_field="code", read_only=True)
    cells = serializers.SerializerMethodField()

    class Meta:
        model = ListEntry
        fields = ["entry", "sequence", "matter", "mode", "granting_department", "cells"]

    @extend_schema_field(MatrixCellOutput(many=True))
    def get_cells(self, entry: ListEntry) -> list[dict[str, Any]]:
        """One cell per zone, in the order of ``zones``: what ``MatrixCellOutput`` writes, as
        plain values (a page has thousands of cells; a serializer each cost most of the page)."""
        zones: list[Zone] = self.context["zones"]
        cells: dict[tuple[int, int], MatrixGrant] = self.context["cells"]
        return [_cell(zone, cells.get((entry.pk, zone.pk))) for zone in zones]


def _cell(zone: Zone, grant: MatrixGrant | None) -> dict[str, Any]:
    if grant is None:
        return dict.fromkeys(("grant", "status", "effective_on", "handover_due_on"), None) | {
            "zone": zone.slug
        }
    return {
        "zone": zone.slug,
        "grant": grant.pk,
        "status": grant.status,
        "effective_on": _iso(grant.effective_on),
        "handover_due_on": _iso(grant.handover_due_on),
    }


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


class TakeUpPageOutput(serializers.Serializer[dict[str, Any]]):
    """A page of an edition's take-up matrix: the areas (columns) and the counts of the whole
    selection, and one numbered page of its entries (rows), 50 by default."""

    annual_list = serializers.CharField(source="annual_list.key")
    zones = MatrixZoneOutput(many=True)
    status_counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Grants shown, by status."
    )
    count = serializers.IntegerField(help_text="Rows (entries) on every page together.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    rows = MatrixRowOutput(many=True)
