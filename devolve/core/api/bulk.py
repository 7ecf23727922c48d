"""What a bulk action's endpoint answers (``devolve.core.bulk``): how many records it changed, or,
refused, 400 with ``code`` ``bulk_refused`` and each refused record's id, label, code and reason
(nothing was changed). ``BULK_RESPONSES`` documents both in the schema."""

from typing import Any

from rest_framework import serializers

# The most records one request may name: a whole level (a prefecture's reports of a cycle) fits.
BULK_MAX_RECORDS = 1000


def record_ids(help_text: str) -> serializers.ListField:
    """The ids of the records to act on (each counted once)."""
    return serializers.ListField(
        # Ids are 64-bit (BigAutoField): a larger number names no record and no database takes it.
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=BULK_MAX_RECORDS,
        help_text=help_text,
    )


class BulkDoneOutput(serializers.Serializer[object]):
    done = serializers.IntegerField(help_text="How many records were changed (all of them).")


class RefusalOutput(serializers.Serializer[object]):
    id = serializers.CharField(help_text="The refused record's id, as sent.")
    # The metaclass takes declared fields off the class: this does not replace Field.label.
    label = serializers.CharField(help_text="The record, named for people.")  # type: ignore[assignment]
    code = serializers.CharField(
        help_text="Why, as a stable code: not_found, not_allowed, illegal_transition, …"
    )
    detail = serializers.CharField(help_text="Why, for people, in the request's language.")


class BulkRefusedOutput(serializers.Serializer[object]):
    code = serializers.CharField(help_text="bulk_refused (or another error's code).")
    # A refusal says why in a sentence; a malformed request (``invalid``) names each field's
    # problems, as every other endpoint's 400 does.
    detail = serializers.JSONField(
        help_text="Why, for people: a sentence, or each field's problems by the field's name."
    )
    refusals = RefusalOutput(many=True, required=False)


BULK_RESPONSES: dict[int, Any] = {200: BulkDoneOutput, 400: BulkRefusedOutput}
