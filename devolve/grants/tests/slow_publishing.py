"""Publishing as it was before ADR 0049: a model object per grant, history row and event,
through Django's bulk helpers. Kept as the oracle that ``test_publishing`` compares the
SQL path with, row by row; not used by the application."""

import datetime
from collections.abc import Collection, Mapping

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from devolve.accounts.models import User
from devolve.core.actions import system_text
from devolve.core.actors import SystemActor, person
from devolve.core.events import record_event, record_events
from devolve.grants.models import Grant
from devolve.grants.publication import pair_key
from devolve.grants.services import BULK_BATCH_SIZE, _end_together, _start, check_publication
from devolve.matters.models import AnnualList
from devolve.matters.services import mark_annual_list_published


def _continue(grant: Grant, previous_grant: Grant) -> None:
    grant.previous_grant = previous_grant
    grant.status = previous_grant.status
    for field in (
        "effective_on",
        "handover_due_on",
        "handover_due_is_provisional",
        "handed_over_on",
        "supervision_filed_on",
        "supervision_document",
    ):
        setattr(grant, field, getattr(previous_grant, field))


@transaction.atomic
def publish_annual_list_slowly(
    *,
    annual_list: AnnualList,
    published_on: datetime.date,
    published_by: User | SystemActor,
    regrant_reasons: Mapping[str, str] | None = None,
    left_out: Collection[str] = (),
) -> AnnualList:
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
    )
    reasons = {key: text.strip() for key, text in (regrant_reasons or {}).items() if text.strip()}
    regrant_keys = {regrant.key for regrant in plan.regrants}
    mark_annual_list_published(
        annual_list=annual_list, published_on=published_on, published_by=published_by
    )
    reason = system_text("grant.edition_published", key=annual_list.key)
    new_grants: list[Grant] = []
    superseded: list[Grant] = []
    for planned in plan.continued:
        assert planned.previous_grant is not None
        previous_grant = Grant.objects.select_related("entry__matter", "zone").get(
            pk=planned.previous_grant.pk
        )
        grant = Grant(
            entry=planned.entry, zone=planned.zone, is_illustrative=planned.entry.is_illustrative
        )
        _continue(grant, previous_grant)
        superseded.append(previous_grant)
        new_grants.append(grant)
    regranted: list[Grant] = []
    for planned in plan.created:
        if planned.key in left_out:
            continue
        grant = Grant(
            entry=planned.entry, zone=planned.zone, is_illustrative=planned.entry.is_illustrative
        )
        _start(
            grant,
            annual_list=annual_list,
            mode_code=planned.entry.mode.code,
            published_on=published_on,
        )
        new_grants.append(grant)
        if planned.key in regrant_keys:
            regranted.append(grant)
    _end_together(superseded, "supersede", on=published_on, reason=reason, actor=published_by)
    bulk_create_with_history(
        new_grants,
        Grant,
        batch_size=BULK_BATCH_SIZE,
        default_user=person(published_by),
        default_change_reason=reason,
    )
    record_events(actor=published_by, action="grant.superseded", targets=superseded, reason=reason)
    for grant in regranted:
        why = reasons[pair_key(grant.entry, grant.zone)]
        record_event(actor=published_by, action="grant.regranted", target=grant, reason=why)
    dropped = system_text("grant.left_out_of_edition", key=annual_list.key)
    recalled = list(plan.ended)
    status = _end_together(recalled, "recall", on=published_on, reason=dropped, actor=published_by)
    record_events(actor=published_by, action=f"grant.{status}", targets=recalled, reason=dropped)
    record_event(
        actor=published_by,
        action="grants.created",
        target=annual_list,
        reason=reason,
        details={
            "grants": len(new_grants),
            "superseded": len(superseded),
            "recalled": len(plan.ended),
            "regranted": len(regranted),
            "left_out": sorted(left_out),
        },
    )
    return annual_list
