from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.core.history import HistoricalRecords
from devolve.core.runs import UNDER_WAY, BackgroundRun, run_constraints
from devolve.core.transitions import Lifecycle, move


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self) -> "GrantQuerySet":
        return self.filter(status__in=ACTIVE_STATUSES)


class GrantStatus(models.TextChoices):
    # Delegated: takes effect N days after publication.
    AWAITING_EFFECT = "awaiting_effect", _("Awaiting its effective date")
    # Entrusted (also in part, "both"): takes effect once the agreement is signed.
    AWAITING_AGREEMENT = "awaiting_agreement", _("Awaiting the entrustment agreement")
    EFFECTIVE = "effective", _("Effective")
    HANDED_OVER = "handed_over", _("Handed over")
    RECALLED = "recalled", _("Recalled")  # taken back (收回), with a reason
    SUPERSEDED = "superseded", _("Superseded by a later edition")


class Grant(models.Model):
    """One list entry carried into one pilot area (授权): the unit whose life the reform tracks.

    A delegated grant takes effect a set number of days after the edition is published; an
    entrusted one when its entrustment agreement is signed; a support matter runs from
    publication. Handover is due a set number of working days after it takes effect. A grant ends
    recalled (收回, with a reason) or superseded by the grant of a later edition.
    """

    Status = GrantStatus

    entry = models.ForeignKey(
        "matters.ListEntry",
        verbose_name=_("list entry"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("pilot area"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    previous_grant = models.OneToOneField(
        "self",
        verbose_name=_("continues"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_grant",
        help_text=_("The same matter's grant to the same area in the predecessor edition."),
    )
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    handover_due_on = models.DateField(_("handover due on"), null=True, blank=True)
    handover_due_is_provisional = models.BooleanField(
        _("handover date provisional"),
        default=False,
        help_text=_("Set when the official holiday calendar for that year was not yet published."),
    )
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    supervision_filed_on = models.DateField(
        _("supervision measures filed on"), null=True, blank=True
    )
    supervision_document = models.CharField(
        _("supervision filing document"), max_length=200, blank=True
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("Recalled or superseded on.")
    )
    end_reason = models.TextField(_("reason it ended"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["entry__annual_list", "entry__sequence", "zone__prefecture__code", "zone__slug"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        indexes = [
            # An edition's grid counts its grants by area and status from this index alone
            # (an index-only scan per entry), not by reading every grant of the programme.
            models.Index(fields=["entry", "zone", "status"], name="grant_entry_zone_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "zone"],
                name="grant_one_per_entry_and_area",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(status__in=GrantStatus.values),
                name="grant_status_is_known",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["effective", "handed_over"])
                | Q(effective_on__isnull=False),
                name="grant_effective_has_date",
                violation_error_message=_("An effective grant records the day it took effect."),
            ),
            models.CheckConstraint(
                condition=~Q(status="handed_over") | Q(handed_over_on__isnull=False),
                name="grant_handed_over_has_date",
            ),
            models.CheckConstraint(
                condition=Q(handed_over_on__isnull=True)
                | (Q(effective_on__isnull=False) & Q(handed_over_on__gte=F("effective_on"))),
                name="grant_handover_after_effect",
                violation_error_code="dates_out_of_order",
                violation_error_message=_("Handover cannot come before the grant takes effect."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["recalled", "superseded"]) | Q(ended_on__isnull=False),
                name="grant_ended_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.matter} → {self.zone}"

    def get_absolute_url(self) -> str:
        return reverse("dashboards:grant_detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


# Statuses in which the pilot area holds the power (or, for support, the commitment runs).
ACTIVE_STATUSES = frozenset(
    {
        Grant.Status.AWAITING_EFFECT,
        Grant.Status.AWAITING_AGREEMENT,
        Grant.Status.EFFECTIVE,
        Grant.Status.HANDED_OVER,
    }
)

GRANT_LIFECYCLE = Lifecycle(
    Grant.Status,
    [
        # The delegation's date comes (activate_due_grants) or the agreement is signed.
        move(
            "take_effect",
            _("Take effect"),
            sources=[Grant.Status.AWAITING_EFFECT, Grant.Status.AWAITING_AGREEMENT],
            target=Grant.Status.EFFECTIVE,
            automatic=True,
        ),
        move(
            "hand_over",
            _("Record handover"),
            sources=[Grant.Status.EFFECTIVE],
            target=Grant.Status.HANDED_OVER,
            roles=[User.Role.OFFICE, User.Role.DEPARTMENT, User.Role.PILOT_AREA],
        ),
        move(
            "recall",
            _("Recall"),
            sources=ACTIVE_STATUSES,
            target=Grant.Status.RECALLED,
            roles=[User.Role.OFFICE, User.Role.DEPARTMENT],
        ),
        # Publishing a later edition carries the grant into a new one.
        move(
            "supersede",
            _("Supersede"),
            sources=ACTIVE_STATUSES,
            target=Grant.Status.SUPERSEDED,
            automatic=True,
        ),
    ],
)


def initial_status(mode_code: str) -> GrantStatus:
    """Delegation waits for its date; entrustment (also in part, "both") waits for an agreement;
    a support matter runs from publication."""
    if mode_code == "delegate":
        return Grant.Status.AWAITING_EFFECT
    if mode_code in {"entrust", "both"}:
        return Grant.Status.AWAITING_AGREEMENT
    return Grant.Status.EFFECTIVE


class EntrustmentAgreement(models.Model):
    """The administrative entrustment letter (行政委托书) that makes an entrusted grant effective.

    It names the entrusting department and the entrusted body, the scope entrusted (acceptance,
    review, decision), and its term. A renewal is a new agreement that names the one it renews;
    it must be signed before the old one expires.
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="agreements"
    )
    number = models.CharField(_("agreement number"), max_length=100)
    entrusting_department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("entrusting department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entrusted_body = models.CharField(_("entrusted body"), max_length=200)
    covers_acceptance = models.BooleanField(_("acceptance (受理)"), default=True)
    covers_review = models.BooleanField(_("review (审查)"), default=True)
    covers_decision = models.BooleanField(_("decision (决定)"), default=True)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("term starts on"))
    ends_on = models.DateField(_("term ends on"))
    renews = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    document = models.CharField(_("document reference"), max_length=200, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["grant", "starts_on"]
        verbose_name = _("entrustment agreement")
        verbose_name_plural = _("entrustment agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], name="agreement_number_unique", violation_error_code="duplicate"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="agreement_ends_after_start",
                violation_error_code="dates_out_of_order",
                violation_error_message=_("An agreement's term ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(covers_acceptance=True)
                | Q(covers_review=True)
                | Q(covers_decision=True),
                name="agreement_entrusts_something",
                violation_error_code="empty_scope",
                violation_error_message=_(
                    "Entrust at least one of acceptance, review or decision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def scope_labels(self) -> list[str]:
        parts = [
            (self.covers_acceptance, _("acceptance")),
            (self.covers_review, _("review")),
            (self.covers_decision, _("decision")),
        ]
        return [str(label) for covered, label in parts if covered]


class HolidayNotice(models.Model):
    """The State Council's notice of one year's public holidays and adjusted working days
    (国务院办公厅关于某年部分节假日安排的通知), as the office records it.

    A recorded year decides working days ahead of the ``chinesecalendar`` package; a year known to
    neither is counted by the provisional rule (weekends and fixed-date holidays) and its dates
    are marked provisional until its notice is recorded, which recomputes them.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("document number"), max_length=100)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")
        constraints = [
            models.UniqueConstraint(
                fields=["year"], name="holiday_notice_year_unique", violation_error_code="duplicate"
            ),
            models.CheckConstraint(
                condition=~Q(document_number=""),
                name="holiday_notice_has_document_number",
                violation_error_code="document_number_required",
                violation_error_message=_("Give the notice's document number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.document_number}"


class HolidayNoticeDay(models.Model):
    """One day a holiday notice settles: a holiday, or a weekend day worked instead."""

    notice = models.ForeignKey(
        HolidayNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("day"))
    is_working_day = models.BooleanField(_("adjusted working day"), default=False)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday notice day")
        verbose_name_plural = _("holiday notice days")
        constraints = [
            models.UniqueConstraint(
                fields=["day"], name="holiday_notice_day_unique", violation_error_code="duplicate"
            ),
        ]

    def __str__(self) -> str:
        return self.day.isoformat()


class Publication(BackgroundRun):
    """The office's request to publish an approved edition, run in the background (ADR 0049).

    Publishing a national edition writes tens of thousands of grants: the page queues it and
    shows its progress (grants written of the grants to write) and its outcome. Publishing is
    one transaction, so a publication that failed left nothing published; its error says why.
    """

    DONE = "published"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    annual_list = models.ForeignKey(
        "matters.AnnualList",
        verbose_name=_("annual list"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    published_on = models.DateField(_("published on"))
    regrant_reasons = models.JSONField(
        _("reasons for re-grants"), default=dict, blank=True, help_text=_("By re-grant key.")
    )
    left_out = models.JSONField(_("re-grants left out"), default=list, blank=True)
    preview = models.CharField(
        _("preview fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("The plan the publisher confirmed; publishing a different one is refused."),
    )
    rows_total = models.PositiveIntegerField(_("grants to write"), default=0)
    rows_done = models.PositiveIntegerField(_("grants written"), default=0)
    history = HistoricalRecords(excluded_fields=["rows_done", "updated_at"])

    class Meta(BackgroundRun.Meta):
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            *run_constraints("publication", done="published"),
            models.UniqueConstraint(
                fields=["annual_list"],
                condition=UNDER_WAY,
                name="publication_one_under_way_per_edition",
                violation_error_code="already_queued",
                violation_error_message=_("This edition is being published already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.annual_list} · {self.published_on.isoformat()}"


class ActivationRun(BackgroundRun):
    """The office's request to make every grant due on a day effective, run in the background as
    publishing is (ADR 0049, ADR 0077).

    Activating a national day's due grants (tens of thousands) takes seconds: the API queues it
    and shows its progress (grants activated of the grants due) and its outcome. Activation is
    one transaction, so a run that failed activated nothing; its error says why. One run is
    under way at a time, whatever its day: a second request gets that run.
    """

    DONE = "activated"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Activating")
        ACTIVATED = "activated", _("Activated")
        FAILED = "failed", _("Failed")

    on = models.DateField(_("due on or before"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("grants due"), default=0)
    rows_done = models.PositiveIntegerField(_("grants activated"), default=0)
    history = HistoricalRecords(excluded_fields=["rows_done", "updated_at"])

    class Meta(BackgroundRun.Meta):
        verbose_name = _("activation run")
        verbose_name_plural = _("activation runs")
        constraints = [
            *run_constraints("activation_run", done="activated"),
            # One under way at all: an index on a constant, over the runs queued or running.
            models.UniqueConstraint(
                models.Value(1),
                condition=UNDER_WAY,
                name="activation_run_one_under_way",
                violation_error_code="already_queued",
                violation_error_message=_("Due grants are being activated already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on.isoformat()} · {self.get_status_display()}"
