from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction
from django.db.models import Sum

from devolve.core.errors import DomainError
from devolve.core.models import AuditEvent
from devolve.demo.scale import SOURCE, ScaleOptions, generate_scale
from devolve.demo.testing import DEMO_DAY
from devolve.grants.models import Grant
from devolve.indicators.models import Observation
from devolve.indicators.selectors import get_headline_comparison, list_growth_indicators
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


# Enough usage lines for 50 quarters, so the batches start in December 2011, before 2015.
LONG = ScaleOptions(
    provinces=1,
    zones=10,
    pilot_areas=4,
    departments=2,
    entries=10,
    grants=20,
    usage_rows=600,
    observations=1000,
    seed=7,
    batch_size=100,
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
    out, err = StringIO(), StringIO()

    call_command("generate_scale", *arguments, stdout=out, stderr=err)

    assert f"usage lines: {SMALL.usage_rows:,} / {SMALL.usage_rows:,} (100%)" in err.getvalue()
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
def test_the_batches_first_treated_years_have_observations_for_the_economy_headlines() -> None:
    # The batches used to start years before the observations did, so on the national set every
    # headline of the economy page was empty and measuring it measured nothing.
    generate_scale(LONG, progress=lambda label, done, total: None)

    batches = Batch.objects.filter(source=SOURCE)
    assert [batch.starts_on.year for batch in batches] == [2011, 2011]
    for indicator in list_growth_indicators():
        comparison = get_headline_comparison(indicator=indicator, as_of=DEMO_DAY)
        for batch in batches:
            headline = comparison.headlines[batch.number]
            assert headline.year == 2012
            assert headline.pilot_mean is not None, (indicator.code, batch.number)
            assert headline.province is not None, (indicator.code, batch.number)
            assert headline.row.simulated
        # Years before the reform to compare with, as in the demo.
        assert min(comparison.years) == 2009
        assert comparison.pre_reform_gap(batch_number=batches[0].number) is not None


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


def _every_row() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, as comparable across two runs whose keys differ (sequences do
    not roll back): a key (a foreign key, an audit event's target) becomes the position of the
    row it names in its table; times of writing (every date-time field) are left out."""
    positions: dict[type[models.Model], dict[object, int]] = {}

    def position(model: type[models.Model], key: object) -> object:
        if key is None:
            return None
        if model not in positions:
            keys = model._default_manager.order_by("pk").values_list("pk", flat=True)
            positions[model] = {value: index for index, value in enumerate(keys)}
        return positions[model][key]

    tables: dict[str, list[tuple[object, ...]]] = {}
    for model in apps.get_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and not isinstance(field, models.DateTimeField)
        ]
        names = [field.attname for field in fields]
        rows = []
        for values in model._default_manager.order_by("pk").values_list(*names):
            row: dict[str, object] = dict(zip(names, values, strict=True))
            for field in fields:
                if field.is_relation and field.related_model is not None:
                    row[field.attname] = position(field.related_model, row[field.attname])
            if "history_type" in row and "id" in row:  # a history row names its row by id
                row["id"] = position(model.instance_type, row["id"])
            if model._meta.label == "core.AuditEvent":
                target = apps.get_model(str(row["target_type"]))
                row["target_id"] = position(target, int(str(row["target_id"])))
            rows.append(tuple(row.values()))
        if rows:
            tables[model._meta.label] = rows
    return tables


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.django_db
def test_copy_writes_the_same_rows_as_the_orm() -> None:
    def generated(*, copy: bool) -> dict[str, list[tuple[object, ...]]]:
        try:
            with transaction.atomic():
                generate_scale(SMALL, progress=lambda label, done, total: None, copy=copy)
                rows = _every_row()
                raise _Undo
        except _Undo:
            pass
        return rows

    by_copy = generated(copy=True)
    by_orm = generated(copy=False)

    assert by_copy.keys() == by_orm.keys()
    for table, rows in by_orm.items():
        assert by_copy[table] == rows, table
    assert len(by_copy["reporting.UsageLine"]) == SMALL.usage_rows
    assert len(by_copy["reporting.HistoricalUsageLine"]) == SMALL.usage_rows
    assert len(by_copy["grants.HistoricalGrant"]) == SMALL.grants
    assert len(by_copy["indicators.HistoricalObservation"]) == SMALL.observations


@pytest.mark.django_db
def test_copy_is_refused_outside_postgresql() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    with pytest.raises(DomainError, match="COPY"):
        generate_scale(SMALL, progress=lambda label, done, total: None, copy=True)
