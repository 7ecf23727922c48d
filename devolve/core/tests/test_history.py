"""``save_validated``, ``save_all_validated`` and ``loading_known_good_data``: inside the block
the database alone checks a model's constraints and that the rows its foreign keys name exist,
and nested transactions set no savepoints; outside, nothing changes."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from devolve.core.errors import DomainError
from devolve.core.history import (
    loading_known_good_data,
    save_all_validated,
    save_validated,
    update_all_validated,
)
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
    # None on SQLite too, whose backend would otherwise set one in any atomic block.
    assert inside is None
    assert after is not None


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


@pytest.mark.django_db
def test_a_set_of_rows_is_written_with_a_history_row_each() -> None:
    kept = _membership_of(ZoneFactory())
    save_validated(kept, actor=None, reason="joined")
    kept.is_illustrative = True
    added = [_membership_of(ZoneFactory()), _membership_of(ZoneFactory())]

    save_all_validated([kept, *added], actor=None, reason="set")

    assert all(membership.pk for membership in added)
    assert list(
        BatchMembership.history.filter(history_change_reason="set")
        .order_by("history_id")
        .values_list("id", "history_type", "history_user")
    ) == [(kept.pk, "~", None), (added[0].pk, "+", None), (added[1].pk, "+", None)]


@pytest.mark.django_db
def test_a_row_repeating_an_earlier_one_of_its_set_is_refused_and_nothing_is_written() -> None:
    """As it would be were the earlier row saved first."""
    zone = ZoneFactory()
    batch = BatchFactory()

    def twice() -> list[BatchMembership]:
        day = datetime.date(2023, 1, 1)
        return [BatchMembership(batch=batch, zone=zone, joined_on=day) for _ in range(2)]

    first, again = twice()
    save_validated(first, actor=None, reason="one")
    with pytest.raises(DomainError) as one_by_one:
        save_validated(again, actor=None, reason="one")
    first.delete()
    with pytest.raises(DomainError) as as_a_set, transaction.atomic():
        save_all_validated(twice(), actor=None, reason="set")

    assert (as_a_set.value.code, str(as_a_set.value.message), as_a_set.value.field) == (
        "duplicate",
        str(one_by_one.value.message),
        one_by_one.value.field,
    )
    assert BatchMembership.objects.filter(zone=zone).count() == 0


@pytest.mark.django_db
def test_a_set_is_refused_at_its_first_invalid_row_before_any_is_written() -> None:
    zone = ZoneFactory()
    invalid = _membership_of(Zone(pk=987_654))

    with pytest.raises(DomainError) as refusal, transaction.atomic():
        save_all_validated([_membership_of(zone), invalid], actor=None, reason="set")

    assert refusal.value.code == "invalid"
    assert BatchMembership.objects.filter(zone=zone).count() == 0


@pytest.mark.django_db
def test_a_set_of_changed_rows_is_updated_with_a_history_row_each_and_its_own_reason() -> None:
    memberships = [_membership_of(ZoneFactory()) for _ in range(3)]
    for membership in memberships:
        save_validated(membership, actor=None, reason="joined")
        membership.is_illustrative = True
    memberships[1].joined_on = datetime.date(2023, 2, 1)  # not among the fields: not written

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        update_all_validated(
            memberships,
            fields=["is_illustrative"],
            actor=None,
            reason=lambda membership: f"illustrative {membership.zone_id}",
        )

    assert (
        list(
            BatchMembership.objects.filter(pk__in=[m.pk for m in memberships])
            .order_by("pk")
            .values_list("is_illustrative", "joined_on")
        )
        == [(True, datetime.date(2023, 1, 1))] * 3
    )
    assert list(
        BatchMembership.history.filter(history_type="~")
        .order_by("history_id")
        .values_list("id", "history_change_reason", "is_illustrative")
    ) == [(m.pk, f"illustrative {m.zone_id}", True) for m in memberships]
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert len([sql for sql in writes if sql.startswith(("UPDATE", "INSERT"))]) == 2


@pytest.mark.django_db
def test_a_set_of_changed_rows_is_refused_at_its_first_invalid_row_before_any_is_written() -> None:
    memberships = [_membership_of(ZoneFactory()) for _ in range(2)]
    for membership in memberships:
        save_validated(membership, actor=None, reason="joined")
    memberships[0].is_illustrative = True
    memberships[1].zone_id = 987_654

    with pytest.raises(DomainError) as refusal, transaction.atomic():
        update_all_validated(
            memberships, fields=["is_illustrative", "zone"], actor=None, reason="x"
        )

    assert refusal.value.code == "invalid"
    assert not BatchMembership.objects.filter(is_illustrative=True).exists()
    assert not BatchMembership.history.filter(history_type="~").exists()
