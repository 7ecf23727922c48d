from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.core.history import HistoricalRecords
from devolve.core.transitions import Lifecycle, move


class DemandWindow(models.Model):
    """The period in which a batch's pilot areas file demand items for a year's list (需求清单)."""

    year = models.PositiveSmallIntegerField(_("year of the list"))
    batch = models.ForeignKey(
        "regions.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="demand_windows",
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(
        _("closes on"), help_text=_("Last day on which demands are accepted.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "batch__number"]
        verbose_name = _("demand window")
        verbose_name_plural = _("demand windows")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "batch"],
                name="demand_window_one_per_year_and_batch",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="demand_window_closes_after_opening",
                violation_error_code="dates_out_of_order",
                violation_error_message=_("A demand window closes on or after the day it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.batch}"


class DemandItem(models.Model):
    """A matter a pilot area asks for (需求事项), or one a department offers unasked (拟赋权事项).

    The competent department answers it; the reform office decides. An accepted item becomes a
    draft list entry that keeps its link to the demand.
    """

    class Origin(models.TextChoices):
        AREA_DEMAND = "demand", _("Demand from a pilot area")
        DEPARTMENT_OFFER = "offer", _("Offer from a department")

    class Kind(models.TextChoices):
        POWER = "power", _("Power")
        SUPPORT = "support", _("Support matter")

    class Response(models.TextChoices):
        AGREE = "agree", _("Agree")
        AGREE_IN_PART = "agree_in_part", _("Agree in part")
        DECLINE = "decline", _("Decline (legal reason)")
        NEEDS_HIGHER_AUTHORIZATION = (
            "needs_higher",
            _("Needs a change of law or a higher authorization"),
        )

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ANSWERED = "answered", _("Answered by the department")
        ACCEPTED = "accepted", _("Accepted by the office")
        REJECTED = "rejected", _("Not accepted by the office")

    window = models.ForeignKey(
        DemandWindow,
        verbose_name=_("demand window"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    origin = models.CharField(
        _("origin"), max_length=8, choices=Origin.choices, default=Origin.AREA_DEMAND
    )
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("pilot area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demand_items",
        help_text=_("The pilot area asking; empty for a department's offer."),
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demand_items",
        help_text=_("A catalogue matter, or empty with a description."),
    )
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("competent department"),
        on_delete=models.PROTECT,
        related_name="demand_items",
    )
    justification = models.TextField(_("justification"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    response = models.CharField(
        _("department's answer"), max_length=14, choices=Response.choices, blank=True
    )
    response_reason = models.TextField(_("reason given by the department"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason for the office's decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["window", "department__code", "pk"]
        verbose_name = _("demand item")
        verbose_name_plural = _("demand items")
        constraints = [
            models.CheckConstraint(
                condition=Q(matter__isnull=False) | ~Q(description=""),
                name="demand_item_names_a_matter_or_describes_one",
                violation_error_code="matter_or_description_required",
                violation_error_message=_(
                    "Choose a catalogue matter or describe the matter asked for."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(origin="demand") & Q(zone__isnull=False))
                | (Q(origin="offer") & Q(zone__isnull=True)),
                name="demand_item_origin_matches_zone",
                violation_error_code="zone_mismatch",
                violation_error_message=_(
                    "A demand comes from a pilot area; an offer from no area."
                ),
            ),
            # Two offers of one matter in one window would reach the office as two list entries.
            models.UniqueConstraint(
                fields=["window", "matter"],
                condition=Q(origin="offer"),
                name="demand_item_one_offer_per_matter_and_window",
                violation_error_code="duplicate",
                violation_error_message=_("This matter has already been offered in this window."),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | ~Q(response=""),
                name="demand_item_answered_has_response",
                violation_error_message=_("An answered item records the department's answer."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.matter) if self.matter_id else self.description[:80]


DEMAND_ITEM_LIFECYCLE = Lifecycle(
    DemandItem.Status,
    [
        # The department may revise its answer until the office decides.
        move(
            "answer",
            _("Answer"),
            sources=[DemandItem.Status.SUBMITTED, DemandItem.Status.ANSWERED],
            target=DemandItem.Status.ANSWERED,
            roles=[User.Role.OFFICE, User.Role.DEPARTMENT],
        ),
        move(
            "accept",
            _("Accept into a draft edition"),
            sources=[DemandItem.Status.ANSWERED],
            target=DemandItem.Status.ACCEPTED,
            roles=[User.Role.OFFICE],
        ),
        move(
            "reject",
            _("Do not accept"),
            sources=[DemandItem.Status.ANSWERED],
            target=DemandItem.Status.REJECTED,
            roles=[User.Role.OFFICE],
        ),
    ],
)
