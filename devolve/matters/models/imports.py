from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from devolve.core.history import HistoricalRecords


class ListImport(models.Model):
    """An official list workbook uploaded into a draft edition (清单导入).

    The workbook is first checked in a dry run that writes nothing and records what it would add
    and change, and every error by row and column; the office then applies it, in one
    transaction. Large workbooks run as background tasks, so the record also carries their
    progress. The uploaded file of an applied import is kept as evidence of what was imported,
    for ``DEVOLVE_UPLOAD_RETENTION_DAYS``; a refused import's file is deleted at once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DRY_RUN_READY = "dry_run_ready", _("Checked, ready to apply")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    annual_list = models.ForeignKey(
        "matters.AnnualList",
        verbose_name=_("annual list"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    workbook = models.FileField(
        _("workbook"),
        upload_to="list-imports/%Y/%m/",
        blank=True,
        help_text=_(
            "Deleted once the import is refused; an applied import's file is kept for the "
            "retention period."
        ),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(
        _("rows"), default=0, help_text=_("Rows in the workbook; estimated until it is read.")
    )
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    summary = models.JSONField(
        _("plan"),
        default=dict,
        blank=True,
        help_text=_("Counts and rows of what the import adds and changes."),
    )
    errors = models.JSONField(
        _("errors"), default=list, blank=True, help_text=_("Each error with its row and column.")
    )
    reason = models.TextField(_("reason for the changes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # The plan and its errors can run to hundreds of kilobytes; history keeps the status trail.
    history = HistoricalRecords(excluded_fields=["summary", "errors"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("list import")
        verbose_name_plural = _("list imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "dry_run_ready", "applied", "failed"]),
                name="list_import_status_is_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="list_import_applied_has_time",
                violation_error_message=_("An applied import records when it was applied."),
            ),
            models.CheckConstraint(
                condition=Q(rows_total__gte=F("rows_done")) | Q(rows_total=0),
                name="list_import_progress_within_total",
                violation_error_message=_("An import cannot have done more rows than it has."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} → {self.annual_list}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DRY_RUN_READY, self.Status.APPLIED, self.Status.FAILED}

    @property
    def status_label(self) -> str:
        """The status as the page tags it: a checked import with errors is not "ready"."""
        if self.status == self.Status.DRY_RUN_READY and self.errors:
            return str(_("Checked, has errors"))
        return str(self.get_status_display())

    @property
    def can_apply(self) -> bool:
        return self.status == self.Status.DRY_RUN_READY and not self.errors

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
