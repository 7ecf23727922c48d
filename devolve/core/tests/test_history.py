"""``save_validated`` and ``loading_known_good_data``: inside the block the database alone checks
a model's constraints and that the rows its foreign keys name exist, and nested transactions set
no savepoints; outside, nothing changes."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from devolve.core.errors import DomainError
from devolve.core.history import loading_known_good_data, save_validated
from devolve.regions.models import Batch, BatchMembership, Zone
from devolve.regions.tests.factories import BatchFactory, ZoneFactory


def _batch_numbered_zero() -> Batch:
    return Batch(number=0, starts_on=datetime.date(2023, 1, 1))


@pytest.mark.django_db
def test_a_constraint_is_refused_with_its_code_by_default() -> None:
    with pytest.raises(DomainError):
        save_validated(_batch_numbered_zero(), actor=None, reason="test")


@pytest.mark.django_db
def test_loading_known_good_data_leaves_constraints_to_the_database() -> None:
    with CaptureQueriesContext(connection) as queries, loading_known_good_data():
        save_validated(Batch(number=7, starts_on=datetime.date(2023, 1, 1)), actor=None, reason="")
    # One INSERT (and its history row): no query checks the constraints first.
    assert not [query for query in queries if "_check" in query["sql"]]
    with pytest.raises(IntegrityError), transaction.atomic(), loading_known_good_data():
        save_validated(_batch_numbered_zero(), actor=None, reason="test")


def _membership_of(zone: Zone) -> BatchMembership:
    return BatchMembership(batch=BatchFactory(), zone=zone, joined_on=datetime.date(2023, 1, 1))


@pytest.mark.django_db
def test_a_key_naming_no_row_is_refused_with_its_code_by_default() -> None:
    with pytest.raises(DomainError) as refusal:
        save_validated(_membership_of(Zone(pk=987_654)), actor=None, reason="test")
    assert refusal.value.code == "invalid"


@pytest.mark.django_db
def test_loading_known_good_data_leaves_the_rows_keys_name_to_the_database() -> None:
    zone = ZoneFactory()
    with CaptureQueriesContext(connection) as queries, loading_known_good_data():
        save_validated(_membership_of(zone), actor=None, reason="")
    zones = connection.ops.quote_name(Zone._meta.db_table)
    assert [query["sql"] for query in queries if f"FROM {zones}" in query["sql"]] == []

    with transaction.atomic():
        with loading_known_good_data():
            save_validated(_membership_of(Zone(pk=987_654)), actor=None, reason="")
        # The key's constraint is deferred: checked at commit, or when asked.
        with pytest.raises(IntegrityError):
            connection.check_constraints()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_loading_known_good_data_still_requires_a_key() -> None:
    membership = _membership_of(ZoneFactory())
    membership.zone_id = None
    with pytest.raises(DomainError) as refusal, loading_known_good_data():
        save_validated(membership, actor=None, reason="")
    assert refusal.value.code == "invalid"


@pytest.mark.django_db
def test_loading_known_good_data_sets_no_savepoints_and_then_restores_them() -> None:
    with loading_known_good_data(), transaction.atomic():
        inside = connection.savepoint_ids[-1]
        assert connection.features.uses_savepoints is False
    with transaction.atomic():
        after = connection.savepoint_ids[-1]
    assert "uses_savepoints" not in vars(connection.features)
    assert after is not None
    # SQLite decides by itself (its savepoints are cheap: no round trip to a server).
    assert (inside is None) is (connection.vendor == "postgresql")


@pytest.mark.django_db
def test_an_override_of_savepoints_made_before_is_kept() -> None:
    connection.features.uses_savepoints = True
    try:
        with loading_known_good_data():
            assert connection.features.uses_savepoints is False
        assert vars(connection.features)["uses_savepoints"] is True
    finally:
        del connection.features.uses_savepoints


@pytest.mark.django_db
def test_the_history_manager_class_is_made_once_and_each_manager_keeps_its_row() -> None:
    first = Batch.objects.create(number=8, starts_on=datetime.date(2023, 1, 1))
    second = Batch.objects.create(number=9, starts_on=datetime.date(2023, 1, 1))

    assert type(first.history) is type(second.history) is type(Batch.history)
    assert [row.number for row in first.history.all()] == [8]
    assert [row.number for row in second.history.all()] == [9]
    assert Batch.history.count() == 2
