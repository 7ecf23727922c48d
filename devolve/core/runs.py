"""What every background job's record has (ADR 0049, ADR 0072, ADR 0077): who asked, how far it
has come (``rows_done`` of ``rows_total``, written by ``core.progress.progress_writer``), why it
failed (``error_code`` and a stored sentence, ADR 0041) and when it was asked and finished.

A concrete run adds its ``status`` (with ``QUEUED``, ``RUNNING``, a done status and ``FAILED``)
and names ``DONE`` (the status it reaches when it succeeds), its subject and its constraints:
``run_constraints`` and a partial unique constraint over ``UNDER_WAY``.
"""

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devolve.core.actions import system_text
from devolve.core.actors import SYSTEM, SystemActor
from devolve.core.errors import DomainError
from devolve.core.history import save_validated
from devolve.core.progress import ProgressCallback, progress_writer

UNDER_WAY = Q(status__in=["queued", "running"])
"""The runs queued or running: a concrete run's partial unique constraint (one under way per
subject) and its selector read them."""


def run_constraints(prefix: str, *, done: str) -> list[models.BaseConstraint]:
    """The checks every run's table has, named ``<prefix>_…``: its status is one of the four
    (``done`` being its done status), its progress stays within its total, and a failed run
    says why."""
    return [
        models.CheckConstraint(
            condition=Q(status__in=["queued", "running", done, "failed"]),
            name=f"{prefix}_status_is_known",
        ),
        models.CheckConstraint(
            condition=Q(rows_total__gte=F("rows_done")) | Q(rows_total=0),
            name=f"{prefix}_progress_within_total",
        ),
        models.CheckConstraint(
            condition=~Q(status="failed") | ~Q(error=""), name=f"{prefix}_failure_has_error"
        ),
    ]


class BackgroundRun(models.Model):
    """A job the office asked for, run in the background with its progress and outcome."""

    DONE: str = "done"  # the concrete model's status once the job succeeded
    FAILED: str = "failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_finished(self) -> bool:
        return getattr(self, "status", None) in {self.DONE, self.FAILED}

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if getattr(self, "status", None) == self.DONE else 0
        return min(100, self.rows_done * 100 // self.rows_total)


def run_job[R: BackgroundRun, A, T](
    run: R,
    work: Callable[[A | SystemActor, ProgressCallback], T],
    *,
    texts: str,
    on_done: Callable[[R, T], None] | None = None,
) -> R:
    """Run a queued ``run``'s job (a task's body): mark it running, call ``work(actor,
    report)`` (one transaction of its own, all or nothing) with a progress callback, and store
    the outcome: ``run.DONE`` with its count (after ``on_done(run, what work returned)`` has
    set what else the run keeps, e.g. a scoring run's result), or ``FAILED`` with the refusal's
    code and stored sentence (``<texts>.refused_with_code``) or ``crashed``. The sentences
    ``<texts>.started``, ``.finished``, ``.failed`` and ``.crashed`` are the history's reasons.
    Safe to run again: a run no longer queued is left as it is."""
    if run.status != "queued":  # type: ignore[attr-defined]
        return run
    requester: models.Model | SystemActor = run.requested_by or SYSTEM
    run.status = "running"  # type: ignore[attr-defined]
    save_validated(run, actor=requester, reason=system_text(f"{texts}.started"))
    reported = [0, 0]  # the last (done, total): SQLite records none inside the transaction
    try:
        with progress_writer(run) as write:

            def report(done: int, total: int) -> None:
                reported[:] = [done, total]
                write(done, total)

            # The user model is the project's (``A``, accounts.User), which core cannot import.
            outcome = work(cast("A | SystemActor", requester), report)
    except DomainError as error:
        # Stored as a sentence code, read in each reader's language (ADR 0041); a refusal made
        # without a stored form is named by its code, never in the language the task ran in.
        text = error.text or system_text(f"{texts}.refused_with_code", code=error.code)
        return _failed(run, reported, code=error.code, text=text, texts=texts)
    except Exception:
        _failed(run, reported, code="crashed", text=system_text(f"{texts}.crashed"), texts=texts)
        raise
    if on_done is not None:
        on_done(run, outcome)
    run.status = run.DONE  # type: ignore[attr-defined]
    run.rows_done = run.rows_total = reported[1]
    run.finished_at = timezone.now()
    save_validated(run, actor=requester, reason=system_text(f"{texts}.finished"))
    return run


def _failed[R: BackgroundRun](
    run: R, reported: list[int], *, code: str, text: str, texts: str
) -> R:
    """Nothing of the job was written (its transaction rolled back): say why (``text``, a stored
    sentence) and how far it had come."""
    run.rows_done, run.rows_total = reported
    run.status = run.FAILED  # type: ignore[attr-defined]
    run.error_code = code
    run.error = text
    run.finished_at = timezone.now()
    save_validated(
        run, actor=run.requested_by or SYSTEM, reason=system_text(f"{texts}.failed", code=code)
    )
    return run
