"""Every change in a grant's life, one service per business verb.

Each checks the actor and the grant's lifecycle (``grants.models.GRANT_LIFECYCLE``), locks the
grant, writes history with the actor and reason, and records an audit event. Errors
(``DomainError.code``): ``not_allowed``, ``illegal_transition``, ``dates_out_of_order``,
``reason_required``, ``not_entrusted``, ``duplicate``, ``invalid``, ``not_yet_due``, the
holiday-notice codes of ``rules.holiday_notice_problems``, and for handovers recorded in bulk
``bulk_refused`` (with each grant's refusal) and ``nothing_chosen``.
"""

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devolve.accounts.models import User
from devolve.accounts.permissions import is_office
from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM, SystemActor, is_system, person
from devolve.core.bulk import act_on_chosen
from devolve.core.errors import DomainError, NotAllowed, refusal
from devolve.core.events import record_event, record_events, record_events_in_sql
from devolve.core.history import save_validated, write_history_in_sql
from devolve.core.progress import ProgressCallback
from devolve.core.runs import run_job
from devolve.grants import calendar, rules, selectors
from devolve.grants.models import (
    ACTIVE_STATUSES,
    GRANT_LIFECYCLE,
    ActivationRun,
    EntrustmentAgreement,
    Grant,
    HolidayNotice,
    HolidayNoticeDay,
    Publication,
    initial_status,
)
from devolve.grants.permissions import can_manage_grant, can_record_handover
from devolve.grants.publication import PlannedGrant, PublicationPlan, plan_publication
from devolve.grants.tasks import run_activation as run_activation_task
from devolve.grants.tasks import run_publication as run_publication_task
from devolve.matters.models import AnnualList, ListEntry, Matter
from devolve.matters.services import check_annual_list_publishable, mark_annual_list_published
from devolve.regions.models import Zone

# Rows per statement in bulk writes: Django's bulk_update sends one CASE branch per row, and one
# statement for a whole edition grows with the data (PostgreSQL's JIT then compiles it for
# minutes); batches keep every statement the same size and the work linear in rows.
BULK_BATCH_SIZE = 500


def _move(grant: Grant, name: str, actor: User | SystemActor) -> None:
    GRANT_LIFECYCLE.apply(grant, name, actor)


def _grant_lineage(grant: Grant) -> set[int]:
    """This grant and the grants of earlier editions it continues (an agreement may predate the
    current edition and be renewed under it)."""
    lineage: set[int] = set()
    current: Grant | None = grant
    while current is not None and current.pk not in lineage:
        lineage.add(current.pk)
        current = current.previous_grant
    return lineage


def _lock(grant: Grant) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("entry", "entry__annual_list", "entry__mode", "zone")
        .get(pk=grant.pk)
    )


def _set_handover_due(grant: Grant, working_days: calendar.WorkingDayCalendar) -> None:
    """Handover falls due a set number of working days after the grant takes effect;
    provisional when a year it spans has no official schedule."""
    assert grant.effective_on is not None  # noqa: S101 — set by the caller
    grant.handover_due_on, grant.handover_due_is_provisional = _handover_due(
        grant.effective_on, grant.entry.annual_list.handover_working_days, working_days
    )


def _set_effective(
    grant: Grant, on: datetime.date, working_days: calendar.WorkingDayCalendar
) -> None:
    _move(grant, "take_effect", SYSTEM)
    grant.effective_on = on
    if grant.entry.mode.code != "support":
        _set_handover_due(grant, working_days)


def check_publication(
    *,
    annual_list: AnnualList,
    published_on: datetime.date,
    published_by: User | SystemActor,
    regrant_reasons: Mapping[str, str] | None = None,
    left_out: Collection[str] = (),
    preview: str | None = None,
) -> PublicationPlan:
    """What publishing ``annual_list`` would do, refused as ``publish_annual_list`` refuses it
    before writing anything (who publishes, a stale preview, a re-grant without a reason).
    Returns the plan; writes nothing."""
    if not is_system(published_by) and not is_office(published_by):
        raise NotAllowed(_("Only the reform office publishes annual lists."))
    plan = plan_publication(annual_list, published_on=published_on)
    if preview is not None and preview != plan.fingerprint:
        raise refusal("publication.stale_preview", "stale_preview")
    reasons = _reasons(regrant_reasons)
    regrant_keys = {regrant.key for regrant in plan.regrants}
    unknown = (set(reasons) | set(left_out)) - regrant_keys
    if unknown:
        raise refusal("publication.not_regranted", "stale_preview", keys="、".join(sorted(unknown)))
    unexplained = [
        regrant
        for regrant in plan.regrants
        if regrant.key not in reasons and regrant.key not in left_out
    ]
    if unexplained:
        raise DomainError(
            "regrant_reason_required",
            _(
                "%(pairs)s were recalled from these areas; give a reason to grant each again, "
                "or leave it out."
            )
            % {
                "pairs": "、".join(
                    f"{regrant.entry.matter} → {regrant.zone}" for regrant in unexplained
                )
            },
        )
    return plan


def _reasons(regrant_reasons: Mapping[str, str] | None) -> dict[str, str]:
    return {key: text.strip() for key, text in (regrant_reasons or {}).items() if text.strip()}


@transaction.atomic
def publish_annual_list(
    *,
    annual_list: AnnualList,
    published_on: datetime.date,
    published_by: User | SystemActor,
    regrant_reasons: Mapping[str, str] | None = None,
    left_out: Collection[str] = (),
    preview: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> AnnualList:
    """Publish an approved edition and carry each live entry into each receiving area, as
    ``publication.plan_publication`` previews it.

    A grant of the predecessor edition for the same matter and area continues into the new grant
    (status and dates carried over, the old one superseded). A predecessor grant whose matter or
    area is no longer in the list is recalled with the edition as the reason. A new grant of a
    power last recalled from that area (a re-grant) needs a reason in ``regrant_reasons`` or its
    key in ``left_out`` (then no grant is made). ``preview`` is the fingerprint of the preview the
    publisher confirmed: a different plan now is refused. Errors: ``not_allowed``, ``four_eyes``,
    ``illegal_transition``, ``stale_preview``, ``regrant_reason_required``, ``dates_out_of_order``,
    ``wrong_predecessor``.

    The grants are written in SQL, ``BULK_BATCH_SIZE`` at a time (ADR 0049): the new grants by
    ``INSERT`` (a continued grant copied from its predecessor's row by ``INSERT … SELECT``), the
    superseded ones by ``UPDATE``, each batch's history rows by ``INSERT … SELECT`` from the rows
    just written, and the audit events from a list of values, so the work is linear in grants and
    no statement grows with the edition. ``on_progress(done, total)`` is called after each batch
    with the grants written (new, superseded and recalled) of all there are to write.
    """
    if not is_system(published_by) and not is_office(published_by):
        raise NotAllowed(_("Only the reform office publishes annual lists."))
    annual_list = (
        AnnualList.objects.select_for_update(of=("self",))
        .select_related("batch", "predecessor")
        .get(pk=annual_list.pk)
    )
    plan = check_publication(
        annual_list=annual_list,
        published_on=published_on,
        published_by=published_by,
        regrant_reasons=regrant_reasons,
        left_out=left_out,
        preview=preview,
    )
    reasons = _reasons(regrant_reasons)
    regrant_keys = {regrant.key for regrant in plan.regrants}
    mark_annual_list_published(
        annual_list=annual_list, published_on=published_on, published_by=published_by
    )
    reason = system_text("grant.edition_published", key=annual_list.key)
    continued = list(plan.continued)
    created = [planned for planned in plan.created if planned.key not in left_out]
    recalled = list(plan.ended)
    progress = _Progress(on_progress, total=2 * len(continued) + len(created) + len(recalled))
    labels = _PairLabels()
    for batch in _batches(continued):
        _insert_continued(batch)
        progress.advance(len(batch))
    for batch in _batches(created):
        _insert_created(batch, annual_list=annual_list, published_on=published_on)
        progress.advance(len(batch))
    write_history_in_sql(
        Grant,
        where=f"t.entry_id IN (SELECT id FROM {_ENTRY_TABLE} WHERE annual_list_id = %s)",  # noqa: S608
        params=[annual_list.pk],
        history_type="+",
        actor=person(published_by),
        reason=reason,
    )
    for batch in _batches(continued):
        _supersede(batch, on=published_on, reason=reason, actor=published_by, labels=labels)
        progress.advance(len(batch))
    regranted = [planned for planned in created if planned.key in regrant_keys]
    new_ids = _grant_ids(
        annual_list, [(planned.entry.pk, planned.zone.pk) for planned in regranted]
    )
    for planned in regranted:
        grant = Grant(
            pk=new_ids[(planned.entry.pk, planned.zone.pk)], entry=planned.entry, zone=planned.zone
        )
        record_event(
            actor=published_by, action="grant.regranted", target=grant, reason=reasons[planned.key]
        )
    dropped = system_text("grant.left_out_of_edition", key=annual_list.key)
    status = _end_together(recalled, "recall", on=published_on, reason=dropped, actor=published_by)
    record_events(actor=published_by, action=f"grant.{status}", targets=recalled, reason=dropped)
    progress.advance(len(recalled))
    record_event(
        actor=published_by,
        action="grants.created",
        target=annual_list,
        reason=reason,
        details={
            "grants": len(continued) + len(created),
            "superseded": len(continued),
            "recalled": len(recalled),
            "regranted": len(regranted),
            "left_out": sorted(left_out),
        },
    )
    return annual_list


@transaction.atomic
def queue_publication(
    *,
    annual_list: AnnualList,
    published_on: datetime.date,
    published_by: User | SystemActor,
    regrant_reasons: Mapping[str, str] | None = None,
    left_out: Collection[str] = (),
    preview: str | None = None,
    under_way_is_enough: bool = False,
) -> Publication:
    """Queue the publication of an approved edition as a background task (after commit), once
    it passes every check ``publish_annual_list`` makes before writing; the task
    (``run_publication``) publishes it. Errors: those of ``publish_annual_list``, and
    ``already_queued`` while a publication of the edition is queued or running, unless
    ``under_way_is_enough`` (the API's publish, which is idempotent): then that publication is
    returned as it is, whatever this request asked, once the publisher is allowed to publish."""
    if not is_system(published_by) and not is_office(published_by):
        raise NotAllowed(_("Only the reform office publishes annual lists."))
    annual_list = (
        AnnualList.objects.select_for_update(of=("self",))
        .select_related("batch", "predecessor")
        .get(pk=annual_list.pk)
    )
    if under_way_is_enough:
        under_way = selectors.publication_under_way(annual_list=annual_list)
        if under_way is not None:
            return under_way
    check_annual_list_publishable(
        annual_list=annual_list, published_on=published_on, published_by=published_by
    )
    plan = check_publication(
        annual_list=annual_list,
        published_on=published_on,
        published_by=published_by,
        regrant_reasons=regrant_reasons,
        left_out=left_out,
        preview=preview,
    )
    publication = Publication(
        annual_list=annual_list,
        published_on=published_on,
        regrant_reasons=_reasons(regrant_reasons),
        left_out=sorted(left_out),
        preview=preview or plan.fingerprint,
        requested_by=person(published_by),
    )
    save_validated(publication, actor=published_by, reason=system_text("publication.queued"))
    transaction.on_commit(lambda: run_publication_task.enqueue(publication_id=publication.pk))
    return publication


def run_publication(*, publication: Publication) -> Publication:
    """Publish a queued publication's edition in one transaction (a task's body), recording its
    progress as it goes and its outcome: published, or failed with the error, nothing of it
    written. Safe to run again: a publication no longer queued is left as it is."""
    publication = Publication.objects.select_related("annual_list", "requested_by").get(
        pk=publication.pk
    )

    def publish(actor: User | SystemActor, report: ProgressCallback) -> AnnualList:
        return publish_annual_list(
            annual_list=publication.annual_list,
            published_on=publication.published_on,
            published_by=actor,
            regrant_reasons=publication.regrant_reasons,
            left_out=publication.left_out,
            preview=publication.preview,
            on_progress=report,
        )

    return run_job(publication, publish, texts="publication")


class _Progress:
    def __init__(self, report: ProgressCallback | None, *, total: int) -> None:
        self.report, self.total, self.done = report, total, 0
        if report is not None:
            report(0, total)

    def advance(self, rows: int) -> None:
        self.done += rows
        if self.report is not None and rows:
            self.report(self.done, self.total)


def _batches[T](rows: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), BULK_BATCH_SIZE):
        yield rows[start : start + BULK_BATCH_SIZE]


class _PairLabels:
    """What ``core.events.target_labels`` gives a grant (``matter → area`` in Chinese and in
    English), worked out once per matter and area instead of once per grant."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, int], tuple[str, str]] = {}

    def _name(self, thing: Matter | Zone) -> tuple[str, str]:
        key = (type(thing).__name__, thing.pk)
        if key not in self.names:
            with translation.override("zh-hans"):
                chinese = str(thing)
            with translation.override("en"):
                english = str(thing)
            self.names[key] = (chinese, english)
        return self.names[key]

    def of(self, entry: ListEntry, zone: Zone) -> tuple[str, str]:
        matter_zh, matter_en = self._name(entry.matter)
        zone_zh, zone_en = self._name(zone)
        chinese = f"{matter_zh} → {zone_zh}"[:255]
        english = f"{matter_en} → {zone_en}"[:255]
        return chinese, "" if english == chinese else english

    def load(self, *, matter_ids: Collection[int], zone_ids: Collection[int]) -> None:
        """Read the names of these matters and areas, ``BULK_BATCH_SIZE`` ids a query, for
        ``of_ids``; those read already are not read again."""
        for model, ids in ((Matter, matter_ids), (Zone, zone_ids)):
            wanted = sorted(pk for pk in ids if (model.__name__, pk) not in self.names)
            for batch in _batches(wanted):
                for thing in model.objects.filter(pk__in=batch):
                    self._name(thing)

    def of_ids(self, matter_id: int, zone_id: int) -> tuple[str, str]:
        """``of`` for a matter and an area read by ``load``."""
        matter_zh, matter_en = self.names[("Matter", matter_id)]
        zone_zh, zone_en = self.names[("Zone", zone_id)]
        chinese = f"{matter_zh} → {zone_zh}"[:255]
        english = f"{matter_en} → {zone_en}"[:255]
        return chinese, "" if english == chinese else english


_GRANT_TABLE = Grant._meta.db_table
_ENTRY_TABLE = ListEntry._meta.db_table
# The columns a new grant is written with, in this order.
_NEW_GRANT_COLUMNS = (
    "entry_id, zone_id, status, previous_grant_id, effective_on, handover_due_on, "
    "handover_due_is_provisional, handed_over_on, supervision_filed_on, supervision_document, "
    "ended_on, end_reason, is_illustrative"
)


def _insert_continued(batch: Sequence[PlannedGrant]) -> None:
    """New grants that take over where their predecessors stand: status, dates and filing
    copied from the predecessor's row (``_continue`` of one grant, in SQL)."""
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
    params: list[Any] = []
    for ordinal, planned in enumerate(batch):
        assert planned.previous_grant is not None  # noqa: S101 — continued grants have one
        params += [
            ordinal,
            planned.entry.pk,
            planned.zone.pk,
            planned.previous_grant.pk,
            planned.entry.is_illustrative,
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            # A list of values names its columns column1, column2 … in both databases: the
            # ordinal, entry, zone, predecessor and whether it is illustrative.
            f"INSERT INTO {_GRANT_TABLE} ({_NEW_GRANT_COLUMNS}) "  # noqa: S608
            "SELECT v.column2, v.column3, p.status, p.id, p.effective_on, p.handover_due_on, "
            "p.handover_due_is_provisional, p.handed_over_on, p.supervision_filed_on, "
            f"p.supervision_document, NULL, '', v.column5 FROM (VALUES {values}) v "
            f"JOIN {_GRANT_TABLE} p ON p.id = v.column4 ORDER BY v.column1",
            params,
        )
        if cursor.rowcount != len(batch):  # a predecessor gone since the plan was made
            raise refusal("publication.stale_preview", "stale_preview")


def _insert_created(
    batch: Sequence[PlannedGrant], *, annual_list: AnnualList, published_on: datetime.date
) -> None:
    """New grants of pairs no grant continues, each starting as ``_start`` says."""
    date = Grant._meta.get_field("effective_on")
    values = ", ".join(
        ["(%s, %s, %s, NULL, %s, NULL, %s, NULL, NULL, '', NULL, '', %s)"] * len(batch)
    )
    params: list[Any] = []
    starts: dict[int, tuple[str, object]] = {}
    for planned in batch:
        entry = planned.entry
        if entry.pk not in starts:  # the same for every area of an entry
            grant = Grant(entry=entry, zone=planned.zone)
            _start(
                grant, annual_list=annual_list, mode_code=entry.mode.code, published_on=published_on
            )
            starts[entry.pk] = (
                grant.status,
                date.get_db_prep_value(grant.effective_on, connection),
            )
        status, effective_on = starts[entry.pk]
        params += [entry.pk, planned.zone.pk, status, effective_on, False, entry.is_illustrative]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_GRANT_TABLE} ({_NEW_GRANT_COLUMNS}) VALUES {values}",  # noqa: S608
            params,
        )


def _supersede(
    batch: Sequence[PlannedGrant],
    *,
    on: datetime.date,
    reason: str,
    actor: User | SystemActor,
    labels: _PairLabels,
) -> None:
    """End the predecessors of continued grants (the lifecycle's ``supersede``, checked for
    each), with their history rows and ``grant.superseded`` events."""
    previous = [planned.previous_grant for planned in batch if planned.previous_grant is not None]
    status = ""
    for grant in previous:
        status = GRANT_LIFECYCLE.apply(grant, "supersede", actor).target
    ids = [grant.pk for grant in previous]
    updated = Grant.objects.filter(pk__in=ids, status__in=ACTIVE_STATUSES).update(
        status=status, ended_on=on, end_reason=reason
    )
    if updated != len(ids):  # a predecessor ended since the plan was made
        raise refusal("publication.stale_preview", "stale_preview")
    write_history_in_sql(
        Grant,
        where="t.id IN (" + ", ".join(["%s"] * len(ids)) + ")",
        params=ids,
        history_type="~",
        actor=person(actor),
        reason=reason,
    )
    record_events_in_sql(
        actor=person(actor),
        action="grant.superseded",
        target_model=Grant,
        targets=(
            (planned.previous_grant.pk, *labels.of(planned.entry, planned.zone))
            for planned in batch
            if planned.previous_grant is not None
        ),
        reason=reason,
    )


def _grant_ids(annual_list: AnnualList, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The ids of the edition's grants of a few (entry, zone) pairs."""
    if not pairs:
        return {}
    wanted = set(pairs)
    ids: dict[tuple[int, int], int] = {}
    entries = sorted({entry for entry, _zone in pairs})
    for start in range(0, len(entries), BULK_BATCH_SIZE):
        chunk = entries[start : start + BULK_BATCH_SIZE]
        for pk, entry_id, zone_id in Grant.objects.filter(entry_id__in=chunk).values_list(
            "pk", "entry_id", "zone_id"
        ):
            if (entry_id, zone_id) in wanted:
                ids[(entry_id, zone_id)] = pk
    return ids


def _start(
    grant: Grant, *, annual_list: AnnualList, mode_code: str, published_on: datetime.date
) -> None:
    """A new grant's status and date: an entry's own effective date (生效日期) rules where the list
    gives one; else a delegation takes effect as the edition says and a support matter runs from
    publication. An entrusted grant waits for its agreement either way."""
    status = initial_status(mode_code)
    own_date = grant.entry.effective_on
    if status == Grant.Status.EFFECTIVE and own_date is not None and own_date > published_on:
        status = Grant.Status.AWAITING_EFFECT  # support dated later: activate_due_grants starts it
    grant.status = status
    if status == Grant.Status.EFFECTIVE:  # support: runs from publication
        grant.effective_on = published_on
    elif status == Grant.Status.AWAITING_EFFECT:
        grant.effective_on = own_date or annual_list.delegation_effective_on()


def _end_together(
    grants: list[Grant], name: str, *, on: datetime.date, reason: str, actor: User | SystemActor
) -> str:
    """End ``grants`` by the lifecycle move ``name`` (each checked), all on one day for one
    reason: one ``UPDATE … WHERE id IN`` per ``BULK_BATCH_SIZE`` grants, every grant getting the
    same values, and their history rows inserted in batches (an ``UPDATE`` alone writes no
    history). Returns the status they reach. The caller records the events."""
    status = ""
    for grant in grants:
        status = GRANT_LIFECYCLE.apply(grant, name, actor).target
        grant.ended_on = on
        grant.end_reason = reason
    for start in range(0, len(grants), BULK_BATCH_SIZE):
        batch = grants[start : start + BULK_BATCH_SIZE]
        Grant.objects.filter(pk__in=[grant.pk for grant in batch]).update(
            status=status, ended_on=on, end_reason=reason
        )
    Grant.history.bulk_history_create(
        grants,
        update=True,
        batch_size=BULK_BATCH_SIZE,
        default_user=person(actor),
        default_change_reason=reason,
    )
    return status


def _end(
    grant: Grant, name: str, *, on: datetime.date, reason: str, actor: User | SystemActor
) -> None:
    status = GRANT_LIFECYCLE.apply(grant, name, actor).target
    grant.ended_on = on
    grant.end_reason = reason
    save_validated(grant, actor=actor, reason=reason)
    record_event(actor=actor, action=f"grant.{status}", target=grant, reason=reason)


@transaction.atomic
def queue_activation(*, on: datetime.date, requested_by: User | SystemActor) -> ActivationRun:
    """Queue the activation of the grants due on or before ``on`` as a background task (after
    commit), once the actor may activate (the reform office; ``not_allowed``). One run is under
    way at a time: while one is queued or running, it is returned as it is (the request is
    idempotent). Concurrent requests meet at the partial unique constraint: the one that loses
    gets the run under way."""
    _require_activator(requested_by)
    under_way = selectors.activation_under_way()
    if under_way is not None:
        return under_way
    run = ActivationRun(on=on, requested_by=person(requested_by))
    try:
        with transaction.atomic():
            save_validated(run, actor=requested_by, reason=system_text("activation_run.queued"))
    except (IntegrityError, ValidationError, DomainError):
        # The other request's run committed first: met at the index (IntegrityError) or, when
        # already visible, by the constraint's validation (a DomainError from save_validated).
        under_way = selectors.activation_under_way()
        if under_way is None:
            raise
        return under_way
    transaction.on_commit(lambda: run_activation_task.enqueue(activation_run_id=run.pk))
    return run


def run_activation(*, activation_run: ActivationRun) -> ActivationRun:
    """Activate a queued run's due grants in one transaction (a task's body), recording its
    progress per batch and its outcome: activated, or failed with the error, nothing of it
    written. Safe to run again: a run no longer queued is left as it is."""
    run = ActivationRun.objects.select_related("requested_by").get(pk=activation_run.pk)
    return run_job(
        run,
        lambda _actor, report: activate_due_grants(
            on=run.on, activated_by=run.requested_by or SYSTEM, on_progress=report
        ),
        texts="activation_run",
    )


def _require_activator(actor: User | SystemActor | None) -> None:
    if not is_system(actor) and not is_office(actor):
        raise NotAllowed(_("Only the reform office activates due grants."))


@transaction.atomic
def activate_due_grants(
    *,
    on: datetime.date,
    activated_by: User | SystemActor,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Make every delegated grant whose effective date has come effective; returns how many.

    Run daily (``devolve activate_grants``); running it twice changes nothing more. The due
    grants are read as values, not model objects; grants that reach the same values (one
    effective day and handover period: one edition's grants mostly) are updated by one
    ``UPDATE … WHERE id IN`` per ``BULK_BATCH_SIZE`` grants, with their history rows
    (``core.history.write_history_in_sql``) and ``grant.effective`` events
    (``core.events.record_events_in_sql``) likewise, so the statements grow with the distinct
    days, never with the grants, and none grows with them. ``on_progress(done, total)`` is told
    after every batch (``run_activation`` records it for the API).
    """
    _require_activator(activated_by)
    due = list(
        Grant.objects.select_for_update(of=("self",))
        .filter(status=Grant.Status.AWAITING_EFFECT, effective_on__lte=on)
        .order_by("pk")
        .values_list(
            "pk",
            "effective_on",
            "entry__annual_list__handover_working_days",
            "entry__mode__code",
            "entry__matter_id",
            "zone_id",
        )
    )
    if not due:
        return 0
    done = 0
    if on_progress is not None:
        on_progress(0, len(due))
    # Every due grant makes the same move: the lifecycle checks it once.
    status = GRANT_LIFECYCLE.check("take_effect", Grant.Status.AWAITING_EFFECT, SYSTEM).target
    working_days = calendar.WorkingDayCalendar.load()
    groups: dict[tuple[datetime.date, int, bool], list[tuple[int, int, int]]] = defaultdict(list)
    for pk, effective_on, days, mode_code, matter_id, zone_id in due:
        assert effective_on is not None  # noqa: S101 — due grants are those with a date on or before today
        groups[(effective_on, days, mode_code == "support")].append((pk, matter_id, zone_id))
    labels = _PairLabels()
    labels.load(matter_ids={row[4] for row in due}, zone_ids={row[5] for row in due})
    reason = system_text("grant.effective")
    for (effective_on, days, is_support), grants in groups.items():
        values: dict[str, Any] = {"status": status}
        if not is_support:  # a support matter has nothing to hand over
            handover_due_on, provisional = _handover_due(effective_on, days, working_days)
            values |= {
                "handover_due_on": handover_due_on,
                "handover_due_is_provisional": provisional,
            }
        for batch in _batches(grants):
            ids = [pk for pk, _matter, _zone in batch]
            Grant.objects.filter(pk__in=ids).update(**values)
            _history_of(ids, actor=activated_by, reason=reason)
            record_events_in_sql(
                actor=person(activated_by),
                action="grant.effective",
                target_model=Grant,
                targets=((pk, *labels.of_ids(matter, zone)) for pk, matter, zone in batch),
                details={"effective_on": effective_on.isoformat()},
            )
            done += len(batch)
            if on_progress is not None:
                on_progress(done, len(due))
    return len(due)


def _handover_due(
    effective_on: datetime.date, days: int, working_days: calendar.WorkingDayCalendar
) -> tuple[datetime.date, bool]:
    """The handover due day of a grant effective on ``effective_on`` with ``days`` working days
    to hand over, and whether it is provisional (a year it spans has no official schedule)."""
    due_on = rules.add_working_days(effective_on, days, is_working_day=working_days.is_working_day)
    return due_on, not working_days.span_is_official(
        effective_on + datetime.timedelta(days=1), due_on
    )


def _history_of(ids: Sequence[int], *, actor: User | SystemActor, reason: str) -> None:
    """History rows (changed) for a batch of grants just updated in SQL."""
    write_history_in_sql(
        Grant,
        where="t.id IN (" + ", ".join(["%s"] * len(ids)) + ")",
        params=list(ids),
        history_type="~",
        actor=person(actor),
        reason=reason,
    )


@transaction.atomic
def sign_entrustment_agreement(
    *,
    grant: Grant,
    number: str,
    signed_on: datetime.date,
    starts_on: datetime.date,
    ends_on: datetime.date,
    signed_by: User | SystemActor,
    entrusted_body: str = "",
    covers_acceptance: bool = True,
    covers_review: bool = True,
    covers_decision: bool = True,
    document: str = "",
    renews: EntrustmentAgreement | None = None,
) -> EntrustmentAgreement:
    """Record the entrustment agreement; a grant awaiting it takes effect on the term's start.

    A renewal (``renews``) must be signed before the agreement it renews ends.
    """
    grant = _lock(grant)
    if not is_system(signed_by) and not can_manage_grant(signed_by, grant):
        raise NotAllowed(_("Only the office or the granting department records agreements."))
    if grant.entry.mode.code not in {"entrust", "both"}:
        raise DomainError(
            "not_entrusted", _("Only an entrusted matter needs an entrustment agreement.")
        )
    if not grant.is_active:
        raise DomainError("illegal_transition", _("This grant has ended; it takes no agreement."))
    if starts_on < signed_on:
        raise DomainError(
            "dates_out_of_order", _("The term starts on or after signing."), field="starts_on"
        )
    published_on = grant.entry.annual_list.published_on
    if published_on is not None and starts_on < published_on:
        raise DomainError(
            "dates_out_of_order",
            _("The term cannot start before the list was published (%(date)s).")
            % {"date": published_on.isoformat()},
            field="starts_on",
        )
    if renews is not None and (
        renews.grant_id not in _grant_lineage(grant) or signed_on > renews.ends_on
    ):
        raise DomainError(
            "late_renewal",
            _("A renewal is signed for the same grant before the old term ends."),
            field="renews",
        )
    agreement = EntrustmentAgreement(
        grant=grant,
        number=number,
        entrusting_department=grant.entry.granting_department,
        entrusted_body=entrusted_body or grant.zone.management_committee_zh or str(grant.zone),
        covers_acceptance=covers_acceptance,
        covers_review=covers_review,
        covers_decision=covers_decision,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        renews=renews,
        document=document,
        is_illustrative=grant.is_illustrative,
    )
    save_validated(agreement, actor=signed_by, reason=system_text("agreement.signed"))
    record_event(
        actor=signed_by,
        action="agreement.signed",
        target=agreement,
        details={"grant": grant.pk, "renews": renews.number if renews else None},
    )
    if grant.status == Grant.Status.AWAITING_AGREEMENT:
        _set_effective(grant, starts_on, calendar.WorkingDayCalendar.load())
        save_validated(
            grant, actor=signed_by, reason=system_text("grant.agreement_signed", number=number)
        )
        record_event(
            actor=signed_by,
            action="grant.effective",
            target=grant,
            details={"effective_on": starts_on.isoformat(), "agreement": number},
        )
    return agreement


@transaction.atomic
def record_handover(
    *, grant: Grant, handed_over_on: datetime.date, recorded_by: User | SystemActor
) -> Grant:
    """Files, systems, seals and cases handed over (交接)."""
    grant = _lock(grant)
    if not is_system(recorded_by) and not can_record_handover(recorded_by, grant):
        raise NotAllowed(_("You may record handover only for grants you give or receive."))
    if grant.entry.mode.code == "support":
        raise DomainError("illegal_transition", _("A support matter has nothing to hand over."))
    if grant.effective_on is not None and handed_over_on < grant.effective_on:
        raise DomainError(
            "dates_out_of_order",
            _("Handover comes on or after the day the grant takes effect."),
            field="handed_over_on",
        )
    _move(grant, "hand_over", recorded_by)
    grant.handed_over_on = handed_over_on
    save_validated(grant, actor=recorded_by, reason=system_text("grant.handed_over"))
    record_event(
        actor=recorded_by,
        action="grant.handed_over",
        target=grant,
        details={"handed_over_on": handed_over_on.isoformat()},
    )
    return grant


def record_handovers(
    *, grant_ids: Sequence[int], handed_over_on: datetime.date, recorded_by: User
) -> int:
    """Record one handover day for several grants at once, each through ``record_handover``
    (same checks, same audit event), all in one transaction (``core.bulk.act_on_chosen``).

    A grant the actor may not see counts as refused (``not_found``), like one not awaiting
    handover (``illegal_transition``), one the actor neither gives nor receives (``not_allowed``)
    or one that took effect after the day (``dates_out_of_order``). Raises ``BulkRefused``
    listing every refusal, and changes nothing, unless all succeed; a grant chosen twice counts
    once. Returns how many grants were handed over.
    """
    return act_on_chosen(
        selectors.list_grants_visible_to(user=recorded_by),
        grant_ids,
        lambda grant: record_handover(
            grant=grant, handed_over_on=handed_over_on, recorded_by=recorded_by
        ),
        label=lambda pk: _("Grant %(id)s") % {"id": pk},
        not_found=_("No such grant among those you may see."),
    )


@transaction.atomic
def file_supervision_measures(
    *, grant: Grant, filed_on: datetime.date, document: str, filed_by: User | SystemActor
) -> Grant:
    """Record the in-process and post-process supervision measures filed (事中事后监管措施备案)."""
    grant = _lock(grant)
    if not is_system(filed_by) and not can_record_handover(filed_by, grant):
        raise NotAllowed(_("You may file measures only for grants you give or receive."))
    if not grant.is_active:
        raise DomainError("illegal_transition", _("This grant has ended."))
    if not document.strip():
        raise DomainError("document_required", _("Name the filed document."), field="document")
    grant.supervision_filed_on = filed_on
    grant.supervision_document = document
    save_validated(grant, actor=filed_by, reason=system_text("grant.supervision_filed"))
    record_event(
        actor=filed_by,
        action="grant.supervision_filed",
        target=grant,
        details={"document": document},
    )
    return grant


@transaction.atomic
def recall_grant(
    *, grant: Grant, recalled_on: datetime.date, reason: str, recalled_by: User | SystemActor
) -> Grant:
    """Take the power back from the pilot area (收回), for example after an audit finding."""
    grant = _lock(grant)
    if not is_system(recalled_by) and not can_manage_grant(recalled_by, grant):
        raise NotAllowed(_("Only the office or the granting department recalls a grant."))
    if not reason.strip():
        raise DomainError("reason_required", _("Give the reason for the recall."), field="reason")
    took_effect = grant.status in {Grant.Status.EFFECTIVE, Grant.Status.HANDED_OVER}
    if took_effect and grant.effective_on is not None and recalled_on < grant.effective_on:
        raise DomainError(
            "dates_out_of_order",
            _("A recall comes after the grant took effect."),
            field="recalled_on",
        )
    published_on = grant.entry.annual_list.published_on
    if published_on is not None and recalled_on < published_on:
        raise DomainError(
            "dates_out_of_order",
            _("A recall comes after the list was published."),
            field="recalled_on",
        )
    _end(grant, "recall", on=recalled_on, reason=reason, actor=recalled_by)
    return grant


@transaction.atomic
def record_holiday_notice(
    *,
    year: int,
    document_number: str,
    holidays: Sequence[tuple[datetime.date, datetime.date]],
    working_days: Sequence[datetime.date],
    recorded_by: User | SystemActor,
    issued_on: datetime.date | None = None,
    source: str = "",
) -> HolidayNotice:
    """Record the State Council's holiday notice for ``year``: ``holidays`` as first and last
    days, ``working_days`` the weekend days worked instead. The year then counts from the
    notice, ahead of the package; every active grant whose handover date was provisional is
    recomputed, with one ``grant.handover_due_recomputed`` event for each date that changed.

    Raises ``DomainError`` with the first of ``rules.holiday_notice_problems`` (nothing written),
    or ``duplicate`` when the year has a notice already.
    """
    if not is_system(recorded_by) and not is_office(recorded_by):
        raise NotAllowed(_("Only the reform office records holiday notices."))
    problems = rules.holiday_notice_problems(
        year=year,
        document_number=document_number,
        holidays=list(holidays),
        working_days=list(working_days),
    )
    if problems:
        raise DomainError(problems[0], HOLIDAY_NOTICE_PROBLEMS[problems[0]])
    if HolidayNotice.objects.filter(year=year).exists():
        raise DomainError("duplicate", _("That year's holiday notice is recorded already."))
    notice = HolidayNotice(
        year=year, document_number=document_number.strip(), issued_on=issued_on, source=source
    )
    save_validated(notice, actor=recorded_by, reason=system_text("holiday_notice.recorded"))
    HolidayNoticeDay.objects.bulk_create(
        [
            HolidayNoticeDay(notice=notice, day=starts_on + datetime.timedelta(days=offset))
            for starts_on, ends_on in holidays
            for offset in range((ends_on - starts_on).days + 1)
        ]
        + [HolidayNoticeDay(notice=notice, day=day, is_working_day=True) for day in working_days]
    )
    record_event(
        actor=recorded_by,
        action="holiday_notice.recorded",
        target=notice,
        details={"year": year, "document_number": notice.document_number},
    )
    _recompute_provisional_handovers(recorded_by)
    return notice


def _recompute_provisional_handovers(actor: User | SystemActor) -> None:
    """Count again every active grant's provisional handover date with the calendar as it now
    stands: grants that reach the same values (one effective day, period and old date) are
    updated together, ``BULK_BATCH_SIZE`` at a time, with a history row each and, where the
    date moved, one ``grant.handover_due_recomputed`` event each (set-based, as
    ``activate_due_grants``). A grant whose date and flag stay as they were is left alone."""
    working_days = calendar.WorkingDayCalendar.load()
    provisional = list(
        Grant.objects.active()
        .select_for_update(of=("self",))
        .filter(handover_due_is_provisional=True, effective_on__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "effective_on",
            "handover_due_on",
            "entry__annual_list__handover_working_days",
            "entry__matter_id",
            "zone_id",
        )
    )
    groups: dict[tuple[datetime.date, int, datetime.date | None], list[tuple[int, int, int]]] = (
        defaultdict(list)
    )
    for pk, effective_on, was, days, matter_id, zone_id in provisional:
        assert effective_on is not None  # noqa: S101 — filtered on effective_on__isnull=False
        groups[(effective_on, days, was)].append((pk, matter_id, zone_id))
    labels = _PairLabels()
    reason = system_text("holiday_notice.recorded")
    for (effective_on, days, was), grants in groups.items():
        due_on, still_provisional = _handover_due(effective_on, days, working_days)
        if (due_on, still_provisional) == (was, True):
            continue
        moved = due_on != was
        if moved:
            labels.load(
                matter_ids={matter for _pk, matter, _zone in grants},
                zone_ids={zone for _pk, _matter, zone in grants},
            )
        for batch in _batches(grants):
            ids = [pk for pk, _matter, _zone in batch]
            Grant.objects.filter(pk__in=ids).update(
                handover_due_on=due_on, handover_due_is_provisional=still_provisional
            )
            _history_of(ids, actor=actor, reason=reason)
            if moved:
                record_events_in_sql(
                    actor=person(actor),
                    action="grant.handover_due_recomputed",
                    target_model=Grant,
                    targets=((pk, *labels.of_ids(matter, zone)) for pk, matter, zone in batch),
                    details={
                        "from": was.isoformat() if was else None,
                        "to": due_on.isoformat(),
                        "provisional": still_provisional,
                    },
                )


HOLIDAY_NOTICE_PROBLEMS = {
    "document_number_required": gettext_lazy("Give the notice's document number."),
    "no_holidays": gettext_lazy("A holiday notice names at least one holiday."),
    "wrong_year": gettext_lazy("Every day of the notice falls in its year."),
    "dates_out_of_order": gettext_lazy("A holiday ends on or after the day it starts."),
    "overlapping_holidays": gettext_lazy("The notice's holidays overlap each other."),
    "duplicate_working_day": gettext_lazy("An adjusted working day is named twice."),
    "working_day_in_holiday": gettext_lazy("A day cannot be both a holiday and a working day."),
    "working_day_not_weekend": gettext_lazy("An adjusted working day is a Saturday or Sunday."),
}
