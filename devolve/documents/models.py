from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from devolve.core.history import HistoricalRecords


class DocumentKind(models.TextChoices):
    LIST_NOTICE = "list", _("Notice publishing a list")
    RESULTS_NOTICE = "results", _("Notice of performance results")
    BRIEFING = "briefing", _("Briefing report")


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


class DocumentLanguage(models.TextChoices):
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")


class GeneratedDocument(models.Model):
    """A document built from stored data (a list notice, a results notice or a briefing report).

    Requested by a person, command or page, then built by a background task that records its
    progress step by step; it ends done (with the file) or failed (with the refusal's code and
    message). It names the subject it was built for and the day its data was read as of, so the
    same request gives the same text and numbers again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    subject_key = models.CharField(
        _("subject"),
        max_length=40,
        help_text=_(
            "The edition (2024/batch-1), the year (2024) or the period (2024-01-01..2024-06-30)."
        ),
    )
    file_format = models.CharField(_("format"), max_length=4, choices=DocumentFormat.choices)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=DocumentLanguage.choices,
        default=DocumentLanguage.CHINESE,
    )
    as_of = models.DateField(_("data as of"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    steps_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    current_step = models.CharField(_("current step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    fonts = models.CharField(_("fonts used"), max_length=400, blank=True)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("What the document could not fill in, if anything.")
    )
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(steps_done__lte=F("steps_total")),
                name="generated_document_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""),
                name="generated_document_done_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error_code=""),
                name="generated_document_failure_has_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject_key} · {self.file_format.upper()}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.steps_total:
            return 0
        return min(100, self.steps_done * 100 // self.steps_total)
