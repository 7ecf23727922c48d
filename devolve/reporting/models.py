"""Tables of the reporting app: cycles, the reports expected in each, their lines, the approval
steps taken on them, and the reminders sent about them."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language
from devolve.core.transitions import Lifecycle, move
from devolve.reporting.rules import period_label


class ReportingCycle(models.Model):
    """One reporting period of an edition (报送周期): the months it covers, the day entry opens,
    the day reports are due, and the day entry locks (after which only the office can reopen one
    area's report, with a reason)."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    annual_list = models.ForeignKey(
        "matters.AnnualList",
        verbose_name=_("annual list"),
        on_delete=models.PROTECT,
        related_name="reporting_cycles",
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    sequence = models.PositiveSmallIntegerField(_("period no."))
    period_start = models.DateField(_("period starts on"))
    period_end = models.DateField(_("period ends on"))
    opens_on = models.DateField(_("entry opens on"))
    due_on = models.DateField(_("due on"))
    locks_on = models.DateField(_("entry locks on"))
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["annual_list", "period_start"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["annual_list", "period_start"],
                name="reporting_cycle_one_per_period",
                violation_error_code="duplicate",
                violation_error_message=_("The edition already has a cycle for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="reporting_cycle_ends_after_start",
                violation_error_code="dates_out_of_order",
                violation_error_message=_("A period ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")) & Q(locks_on__gte=F("due_on")),
                name="reporting_cycle_dates_in_order",
                violation_error_code="dates_out_of_order",
                violation_error_message=_(
                    "Entry opens, then reports fall due, then entry locks, in that order."
                ),
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["monthly", "quarterly"]),
                name="reporting_cycle_frequency_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return period_label(
            frequency=self.frequency, sequence=self.sequence, period_start=self.period_start
        )


class ReportStatus(models.TextChoices):
    """Where a report stands; area and department reports share these statuses."""

    DRAFT = "draft", _("Being filled in")  # expected, being filled in by the area (department)
    SUBMITTED = "submitted", _("Submitted")  # waiting for the prefecture (department: the office)
    REVIEWED = "reviewed", _("Reviewed by the prefecture")  # forwarded to the office
    ACCEPTED = "accepted", _("Accepted")  # locked, feeds dashboards and assessments
    RETURNED = "returned", _("Returned")  # sent back with a reason, to be fixed and resubmitted


# Statuses in which the reporter may still change the figures.
EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
_STATUS_VALUES = ReportStatus.values


class AreaReport(models.Model):
    """A pilot area's usage report for one cycle (办件量报送): one line per grant it holds.

    It climbs area → prefecture → office; any level may return it with a reason. Once accepted it
    is locked, and only then do its figures reach dashboards, assessments and the public.
    """

    Status = ReportStatus

    cycle = models.ForeignKey(
        ReportingCycle,
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="area_reports",
    )
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("pilot area"),
        on_delete=models.PROTECT,
        related_name="area_reports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    first_submitted_on = models.DateField(
        _("first submitted on"),
        null=True,
        blank=True,
        help_text=_("Timeliness counts the first submission against the due date."),
    )
    submitted_on = models.DateField(_("last submitted on"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    return_reason = models.TextField(
        _("reason for return"), blank=True, help_text=_("The latest return's reason.")
    )
    reopened_until = models.DateField(
        _("reopened until"),
        null=True,
        blank=True,
        help_text=_("Set when the office reopens the report after the lock."),
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()
    # Rows that are part of the report's content, for its version (devolve.core.concurrency).
    concurrency_parts: ClassVar[tuple[str, ...]] = ("lines",)

    class Meta:
        ordering = ["cycle", "zone__prefecture__code", "zone__slug"]
        verbose_name = _("area report")
        verbose_name_plural = _("area reports")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "zone"],
                name="area_report_one_per_cycle_and_area",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(status__in=_STATUS_VALUES), name="area_report_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(first_submitted_on__isnull=False),
                name="area_report_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_on__isnull=False),
                name="area_report_accepted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="area_report_returned_has_reason",
                violation_error_code="reason_required",
                violation_error_message=_("A returned report says why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.cycle.label}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:area_report_detail", kwargs={"pk": self.pk})


class UsageLine(models.Model):
    """One grant's use in one period (办件量): cases received and completed, average handling
    days against the promised limit, problems met and help needed. ``flags`` keeps the codes of
    the checks that flagged the line (``reporting.rules``)."""

    report = models.ForeignKey(
        AreaReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="lines"
    )
    grant = models.ForeignKey(
        "grants.Grant",
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        related_name="usage_lines",
    )
    cases_received = models.IntegerField(_("cases received"), default=0)
    cases_completed = models.IntegerField(_("cases completed"), default=0)
    average_handling_days = models.DecimalField(
        _("average handling days"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised limit (days)"),
        null=True,
        blank=True,
        help_text=_("The handling time the area promises for the matter (承诺时限)."),
    )
    problems = models.TextField(_("problems met"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "grant__entry__sequence"]
        verbose_name = _("usage line")
        verbose_name_plural = _("usage lines")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "grant"],
                name="usage_line_one_per_grant",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(cases_received__gte=0) & Q(cases_completed__gte=0),
                name="usage_line_counts_not_negative",
                violation_error_code="negative_count",
                violation_error_message=_("Counts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(average_handling_days__isnull=True) | Q(average_handling_days__gte=0),
                name="usage_line_days_not_negative",
                violation_error_code="negative_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.grant.entry.matter}"


class GrantZeroRun(models.Model):
    """A grant's longest run of consecutive accepted periods without a case received, and the
    day the run's last period ended (of equal runs the latest), as ``assessments.rules``'
    ``zero_use_run`` counts it over the grant's accepted usage lines; grants with no such period
    have no row. Derived, never edited: written for a report's grants by the services that
    accept, return or reopen it (``reporting.services.zero_runs``), so the zero-use flags read
    it instead of counting every accepted line. ``annual_list`` is the edition of the run's
    cycles (a grant reports only in its own edition's cycles)."""

    grant = models.OneToOneField(
        "grants.Grant",
        verbose_name=_("grant"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    annual_list = models.ForeignKey(
        "matters.AnnualList",
        verbose_name=_("annual list"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the index below leads with it
    )
    length = models.PositiveIntegerField(_("periods without a case"))
    ends_on = models.DateField(_("run ends on"))

    class Meta:
        verbose_name = _("zero-use run")
        verbose_name_plural = _("zero-use runs")
        indexes = [
            # The flags: an edition's runs at least as long as its threshold.
            models.Index(fields=["annual_list", "length"], name="zero_run_edition_length"),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id}: {self.length} → {self.ends_on:%Y-%m-%d}"


class DepartmentReport(models.Model):
    """A granting department's report for one cycle: the help it gave the pilot areas (guidance,
    system accounts and seals handed over, staff trained, inspections) and the progress of the
    support matters it is responsible for. The department submits; the office accepts or returns.
    """

    Status = ReportStatus

    cycle = models.ForeignKey(
        ReportingCycle,
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="department_reports",
    )
    department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    guidance_sessions = models.PositiveIntegerField(_("guidance sessions given"), default=0)
    system_accounts_handed_over = models.PositiveIntegerField(
        _("system accounts handed over"), default=0
    )
    seals_handed_over = models.PositiveIntegerField(_("seals handed over"), default=0)
    staff_trained = models.PositiveIntegerField(_("staff trained"), default=0)
    inspections_done = models.PositiveIntegerField(_("inspections done"), default=0)
    narrative = models.TextField(_("narrative"), blank=True)
    first_submitted_on = models.DateField(_("first submitted on"), null=True, blank=True)
    submitted_on = models.DateField(_("last submitted on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()
    # Rows that are part of the report's content, for its version (devolve.core.concurrency).
    concurrency_parts: ClassVar[tuple[str, ...]] = ("support_progress",)

    class Meta:
        ordering = ["cycle", "department__code"]
        verbose_name = _("department report")
        verbose_name_plural = _("department reports")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "department"],
                name="department_report_one_per_cycle",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(status__in=_STATUS_VALUES) & ~Q(status="reviewed"),
                name="department_report_status_is_known",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(first_submitted_on__isnull=False),
                name="department_report_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="department_report_returned_has_reason",
                violation_error_code="reason_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.cycle.label}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:department_report_detail", kwargs={"pk": self.pk})


class SupportProgress(models.Model):
    """The progress of one support matter (支持事项) in one cycle, reported by its responsible
    department inside that department's report."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OVERDUE = "overdue", _("Overdue")

    report = models.ForeignKey(
        DepartmentReport,
        verbose_name=_("department report"),
        on_delete=models.CASCADE,
        related_name="support_progress",
    )
    entry = models.ForeignKey(
        "matters.ListEntry",
        verbose_name=_("support matter"),
        on_delete=models.PROTECT,
        related_name="support_progress",
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    milestone = models.CharField(_("milestone reached"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ON_TRACK
    )
    narrative = models.TextField(_("narrative"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "entry__sequence"]
        verbose_name = _("support matter progress")
        verbose_name_plural = _("support matter progress")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "entry"],
                name="support_progress_one_per_entry",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100),
                name="support_progress_percent_range",
                violation_error_code="invalid_percent",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["on_track", "at_risk", "overdue"]),
                name="support_progress_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.entry.matter}"


class ApprovalStep(models.Model):
    """One step taken on a report (submitted, reviewed, accepted, returned, reopened), with who
    took it and why: the history shown beside the report."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed and forwarded")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        REOPENED = "reopened", _("Reopened after the lock")

    area_report = models.ForeignKey(
        AreaReport,
        verbose_name=_("area report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="steps",
    )
    department_report = models.ForeignKey(
        DepartmentReport,
        verbose_name=_("department report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="steps",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_on = models.DateField(_("on"))
    taken_at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_at", "pk"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(area_report__isnull=False, department_report__isnull=True)
                | Q(area_report__isnull=True, department_report__isnull=False),
                name="approval_step_one_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.taken_on:%Y-%m-%d}"


class ReportingNotice(models.Model):
    """An in-app notice to one person about a report due, overdue or reopened after the lock.
    ``key`` names the reminder (e.g. ``due:area:3``), so the same reminder never reaches the same
    person twice; the e-mail is sent with the notice when it is created."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        REOPENED = "reopened", _("Reopened")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reporting_notices",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("reminder key"), max_length=80)
    cycle = models.ForeignKey(
        ReportingCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+"
    )
    subject_label = models.CharField(
        _("about"), max_length=200, help_text=_("The pilot area or department that owes it.")
    )
    # The names it had when the notice was sent, so the notice reads in the reader's language and
    # still names what it named then. ``subject_label`` (the name in the sender's language) is
    # the fallback for notices sent before both were kept whose report is gone.
    subject_name_zh = models.CharField(_("about (Chinese)"), max_length=200, blank=True)
    subject_name_en = models.CharField(_("about (English)"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reporting notice")
        verbose_name_plural = _("reporting notices")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="reporting_notice_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def subject(self) -> str:
        """Who owes the report, named in the active language."""
        return (
            in_current_language(zh=self.subject_name_zh, en=self.subject_name_en)
            or self.subject_label
        )

    @property
    def text(self) -> str:
        """The notice in the active language, its date as the language writes dates."""
        values = {
            "who": self.subject,
            "cycle": self.cycle.label,
            "due": formats.date_format(self.due_on, "DATE_FORMAT"),
        }
        if self.kind == self.Kind.OVERDUE:
            return _("The %(cycle)s report of %(who)s was due on %(due)s and is overdue.") % values
        if self.kind == self.Kind.REOPENED:
            return (
                _(
                    "The %(cycle)s report of %(who)s is reopened until %(due)s: fill it in and "
                    "submit it by then."
                )
                % values
            )
        return _("The %(cycle)s report of %(who)s is due on %(due)s.") % values


# Area reports climb three levels: area → prefecture → office. The prefecture returns what it has
# not yet forwarded; the office returns what is waiting for either of them.
AREA_REPORT_LIFECYCLE = Lifecycle(
    ReportStatus,
    [
        move(
            "submit",
            _("Submit"),
            sources=[ReportStatus.DRAFT, ReportStatus.RETURNED],
            target=ReportStatus.SUBMITTED,
            roles=[User.Role.PILOT_AREA],
        ),
        move(
            "review",
            _("Forward to the office"),
            sources=[ReportStatus.SUBMITTED],
            target=ReportStatus.REVIEWED,
            roles=[User.Role.PREFECTURE],
        ),
        move(
            "accept",
            _("Accept"),
            sources=[ReportStatus.REVIEWED],
            target=ReportStatus.ACCEPTED,
            roles=[User.Role.OFFICE],
        ),
        move(
            "return",
            _("Return"),
            sources=[ReportStatus.SUBMITTED],
            target=ReportStatus.RETURNED,
            roles=[User.Role.PREFECTURE],
        ),
        move(
            "return",
            _("Return"),
            sources=[ReportStatus.SUBMITTED, ReportStatus.REVIEWED],
            target=ReportStatus.RETURNED,
            roles=[User.Role.OFFICE],
        ),
    ],
)

# Department reports go straight to the office.
DEPARTMENT_REPORT_LIFECYCLE = Lifecycle(
    ReportStatus,
    [
        move(
            "submit",
            _("Submit"),
            sources=[ReportStatus.DRAFT, ReportStatus.RETURNED],
            target=ReportStatus.SUBMITTED,
            roles=[User.Role.DEPARTMENT],
        ),
        move(
            "accept",
            _("Accept"),
            sources=[ReportStatus.SUBMITTED],
            target=ReportStatus.ACCEPTED,
            roles=[User.Role.OFFICE],
        ),
        move(
            "return",
            _("Return"),
            sources=[ReportStatus.SUBMITTED],
            target=ReportStatus.RETURNED,
            roles=[User.Role.OFFICE],
        ),
    ],
)
