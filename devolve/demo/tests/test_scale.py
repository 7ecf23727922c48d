from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum

from devolve.core.models import AuditEvent
from devolve.demo.scale import SOURCE, ScaleOptions, generate_scale
from devolve.grants.models import Grant
from devolve.indicators.models import Observation
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.regions.models import Batch, BatchMembership, Division, Zone
from devolve.reporting.models import AreaReport, UsageLine

SMALL = ScaleOptions(
    provinces=3,
    zones=40,
    pilot_areas=12,
    departments=5,
    entries=30,
    grants=120,
    usage_rows=300,
    observations=400,
    seed=7,
    batch_size=50,
)


class _Undo(Exception):
    pass


def _fingerprint() -> tuple[object, ...]:
    return (
        list(Zone.objects.order_by("slug").values_list("slug", "kind", "level", "established_on")),
        list(Matter.objects.order_by("code", "key").values_list("key", "kind", "matter_type")),
        list(
            Grant.objects.order_by("entry__matter__key", "zone__slug").values_list(
                "status", "handed_over_on"
            )
        ),
        UsageLine.objects.aggregate(Sum("cases_received"), Sum("cases_completed")),
        str(Observation.objects.aggregate(Sum("value"))["value__sum"]),
    )


@pytest.mark.django_db
def test_writes_the_sizes_asked_for_labelled_simulated_with_progress() -> None:
    arguments = [
        f"--{name.replace('_', '-')}={getattr(SMALL, name)}"
        for name in (
            "provinces", "zones", "pilot_areas", "departments", "entries", "grants",
            "usage_rows", "observations", "seed", "batch_size",
        )
    ]  # fmt: skip
    out = StringIO()

    call_command("generate_scale", *arguments, stdout=out)

    assert f"usage lines: {SMALL.usage_rows:,} / {SMALL.usage_rows:,} (100%)" in out.getvalue()
    simulated_zones = Zone.objects.filter(source=SOURCE)
    assert simulated_zones.count() == SMALL.zones
    assert BatchMembership.objects.filter(zone__in=simulated_zones).count() == SMALL.pilot_areas
    assert Batch.objects.filter(source=SOURCE).count() == SMALL.batches == 3
    assert ListEntry.objects.filter(annual_list__source=SOURCE).count() == SMALL.entries
    # Every entry reaches every area of its batch: 10 entries x 4 areas in each of 3 batches.
    assert Grant.objects.filter(is_illustrative=True).count() == SMALL.grants
    assert UsageLine.objects.filter(is_illustrative=True).count() == SMALL.usage_rows
    assert (
        Observation.objects.filter(is_simulated=True, source=SOURCE).count() == SMALL.observations
    )
    assert Division.objects.filter(level="province").count() == SMALL.provinces
    # History rows in proportion: one creation row per generated row.
    assert Grant.history.filter(history_type="+").count() == SMALL.grants
    assert UsageLine.history.count() == SMALL.usage_rows
    published = AnnualList.objects.filter(source=SOURCE, status=AnnualList.Status.PUBLISHED)
    assert published.count() == 3
    assert AuditEvent.objects.filter(action="zone.registered").count() == SMALL.zones
    accepted = AreaReport.objects.filter(status=AreaReport.Status.ACCEPTED)
    assert (
        AuditEvent.objects.filter(action="reporting.area_report.accepted").count()
        == accepted.count()
    )
    # Only delegated grants in effect report use, as the reporting service asks of areas.
    reporting = UsageLine.objects.exclude(grant__entry__mode__code="delegate")
    assert reporting.count() == 0
    with pytest.raises(CommandError, match="already"):
        call_command("generate_scale", *arguments, stdout=StringIO())


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows() -> None:
    def generated() -> tuple[object, ...]:
        try:
            with transaction.atomic():
                generate_scale(SMALL, progress=lambda label, done, total: None)
                fingerprint = _fingerprint()
                raise _Undo
        except _Undo:
            pass
        return fingerprint

    assert generated() == generated()
