import datetime
from collections.abc import Callable
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devolve.accounts.models import User
from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language
from devolve.core.transitions import Lifecycle, move


class AnnualListQuerySet(models.QuerySet["AnnualList"]):
    def published(self) -> "AnnualListQuerySet":
        return self.filter(status__in=[AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED])

    def for_year(self, year: int) -> "AnnualListQuerySet":
        return self.filter(year=year)


def key_of_edition(year: int, batch_number: int, edition: int) -> str:
    """An edition's public key (``AnnualList.key``) from its year, batch number and edition."""
    suffix = f"/e{edition}" if edition > 1 else ""
    return f"{year}/batch-{batch_number}{suffix}"


class AnnualList(models.Model):
    """One edition of the annual list of provincial matters for a batch (年度清单).

    An edition moves draft → in review → approved → published, and becomes superseded when a later
    edition derived from it is published. A published edition never changes: a correction, or the
    next year's list, is a new edition that names this one as its predecessor. The day counts that
    decide when grants take effect are stored on the edition, so its grants can be recomputed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.ForeignKey(
        "regions.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="annual_lists",
    )
    edition = models.PositiveSmallIntegerField(
        _("edition"), default=1, help_text=_("1 for the year's list; 2, 3 … for corrections.")
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
        help_text=_("The edition this one was derived from."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    approving_meeting_zh = models.CharField(
        _("approving meeting (Chinese)"), max_length=200, blank=True
    )
    approving_meeting_en = models.CharField(
        _("approving meeting (English)"), max_length=250, blank=True
    )
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 川改办〔2024〕3号")
    )
    issuing_authority_zh = models.CharField(
        _("issuing authority (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_(
            "发文机关: the body in whose name the notice publishing the edition is issued, as it "
            "heads the document."
        ),
    )
    addressees_zh = models.CharField(
        _("addressees (Chinese)"),
        max_length=300,
        blank=True,
        help_text=_("主送机关: the bodies the notice is addressed to."),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    delegation_effective_days = models.PositiveSmallIntegerField(
        _("days until delegation takes effect"),
        default=30,
        help_text=_("Delegated matters take effect this many days after publication."),
    )
    handover_working_days = models.PositiveSmallIntegerField(
        _("working days for handover"),
        default=30,
        help_text=_("Handover is due this many working days after a grant takes effect."),
    )
    renewal_warning_days = models.PositiveSmallIntegerField(
        _("days of warning before an agreement expires"), default=15
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    objects = AnnualListQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "batch__number", "-edition"]
        verbose_name = _("annual list")
        verbose_name_plural = _("annual lists")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "batch", "edition"],
                name="annual_list_unique_edition",
                violation_error_code="duplicate",
                violation_error_message=_(
                    "This batch already has this edition of the year's list."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="annual_list_year_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "published", "superseded"])
                | Q(approved_on__isnull=False),
                name="annual_list_approved_has_date",
                violation_error_message=_("An approved edition needs its approval date."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "superseded"])
                | Q(published_on__isnull=False),
                name="annual_list_published_has_date",
                violation_error_message=_("A published edition needs its publication date."),
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | Q(approved_on__isnull=True)
                | Q(published_on__gte=models.F("approved_on")),
                name="annual_list_published_after_approval",
                violation_error_message=_("An edition cannot be published before it is approved."),
            ),
        ]

    def __str__(self) -> str:
        title = in_current_language(zh=self.title_zh, en=self.title_en)
        if title:
            return title
        # An untitled edition still reads as a list's name, never as bare numbers.
        names = {"year": self.year, "batch": self.batch, "edition": self.edition}
        if self.edition > 1:
            return str(_("%(year)s list, %(batch)s, edition %(edition)s") % names)
        return str(_("%(year)s list, %(batch)s") % names)

    def get_absolute_url(self) -> str:
        return reverse(
            "portal:annual_list_detail",
            kwargs={"year": self.year, "batch": self.batch.number, "edition": self.edition},
        )

    @property
    def key(self) -> str:
        """Stable public key, e.g. ``2024/batch-1`` (``2024/batch-1/e2`` for a correction)."""
        return key_of_edition(self.year, self.batch.number, self.edition)

    # Properties an API list reads from columns (devolve.core.api.rows): name → (the columns,
    # what makes the value of them).
    row_properties: ClassVar[dict[str, tuple[tuple[str, ...], Callable[..., str]]]] = {
        "key": (("year", "batch__number", "edition"), key_of_edition)
    }

    @property
    def is_editable(self) -> bool:
        """Entries change only in a draft: review reads what will be approved."""
        return self.status == self.Status.DRAFT

    @property
    def is_derivable(self) -> bool:
        """The next edition starts from the edition in force, never from an unfinished one."""
        return self.status == self.Status.PUBLISHED

    def delegation_effective_on(self) -> datetime.date | None:
        if self.published_on is None:
            return None
        return self.published_on + datetime.timedelta(days=self.delegation_effective_days)


_OFFICE = [User.Role.OFFICE]

ANNUAL_LIST_LIFECYCLE = Lifecycle(
    AnnualList.Status,
    [
        move(
            "submit",
            _("Submit for review"),
            sources=[AnnualList.Status.DRAFT],
            target=AnnualList.Status.IN_REVIEW,
            roles=_OFFICE,
        ),
        move(
            "return",
            _("Return to draft"),
            sources=[AnnualList.Status.IN_REVIEW],
            target=AnnualList.Status.DRAFT,
            roles=_OFFICE,
        ),
        move(
            "approve",
            _("Approve"),
            sources=[AnnualList.Status.IN_REVIEW],
            target=AnnualList.Status.APPROVED,
            roles=_OFFICE,
        ),
        move(
            "publish",
            _("Publish"),
            sources=[AnnualList.Status.APPROVED],
            target=AnnualList.Status.PUBLISHED,
            roles=_OFFICE,
        ),
        # Publishing the successor supersedes the predecessor in the same transaction.
        move(
            "supersede",
            _("Supersede"),
            sources=[AnnualList.Status.PUBLISHED],
            target=AnnualList.Status.SUPERSEDED,
            automatic=True,
        ),
    ],
)


class ListEntry(models.Model):
    """One matter in one edition (清单条目): how it is granted, by whom, to which pilot areas, and
    how it changed from the predecessor edition and why.

    The matter carries the identity across editions. A withdrawn entry stays in the edition that
    withdrew it, marked ``withdrawn``, so the list says what was taken away and why; it grants
    nothing.
    """

    class Change(models.TextChoices):
        ADDED = "added", _("Added")
        KEPT = "kept", _("Kept")
        MODIFIED = "modified", _("Modified")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SPLIT = "split", _("Split")
        MERGED = "merged", _("Merged")

    annual_list = models.ForeignKey(
        AnnualList, verbose_name=_("annual list"), on_delete=models.PROTECT, related_name="entries"
    )
    sequence = models.PositiveIntegerField(
        _("no."), help_text=_("序号: the row number in the list.")
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    mode = models.ForeignKey(
        "matters.AuthorizationMode",
        verbose_name=_("mode"),
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    granting_department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("granting department"),
        on_delete=models.PROTECT,
        related_name="granted_entries",
    )
    supervising_department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("supervising department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_entries",
    )
    all_areas = models.BooleanField(
        _("all pilot areas of the batch"),
        default=True,
        help_text=_("Otherwise only the receiving areas listed."),
    )
    receiving_areas = models.ManyToManyField(
        "regions.Zone", verbose_name=_("receiving areas"), blank=True, related_name="list_entries"
    )
    conditions = models.TextField(_("conditions"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    effective_on = models.DateField(
        _("effective on"),
        null=True,
        blank=True,
        help_text=_(
            "生效日期, where the list gives this entry a date of its own; left empty, the "
            "entry takes effect as the edition's rules say."
        ),
    )
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        help_text=_(
            "终止日期, where the list ends this entry on a date (e.g. a fixed-term entrustment)."
        ),
    )
    change = models.CharField(
        _("change"), max_length=10, choices=Change.choices, default=Change.ADDED
    )
    change_reason = models.TextField(_("reason for the change"), blank=True)
    changed_fields = models.JSONField(
        _("changed fields"),
        default=dict,
        blank=True,
        help_text=_("For a modified entry: field → [before, after]."),
    )
    predecessor_entries = models.ManyToManyField(
        "self",
        verbose_name=_("derived from"),
        symmetrical=False,
        blank=True,
        related_name="successor_entries",
        help_text=_("Entries of the predecessor edition this one continues, splits or merges."),
    )
    demand_item = models.ForeignKey(
        "matters.DemandItem",
        verbose_name=_("demand item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="list_entries",
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords(m2m_fields=[receiving_areas])

    class Meta:
        ordering = ["annual_list", "sequence"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["annual_list", "matter"],
                name="list_entry_one_per_matter",
                violation_error_code="duplicate",
                violation_error_message=_("This matter is already in the edition."),
            ),
            models.UniqueConstraint(
                fields=["annual_list", "sequence"],
                name="list_entry_unique_sequence",
                violation_error_code="duplicate",
                violation_error_message=_("Another entry already has this number."),
            ),
            models.CheckConstraint(
                condition=Q(
                    change__in=["added", "kept", "modified", "withdrawn", "split", "merged"]
                ),
                name="list_entry_change_is_known",
            ),
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gt=models.F("effective_on")),
                name="list_entry_ends_after_effective",
                violation_error_code="ends_before_effective",
                violation_error_message=_("An entry ends after the day it takes effect."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.matter}"

    @property
    def is_withdrawn(self) -> bool:
        return self.change == self.Change.WITHDRAWN


class ListEntrySubItem(models.Model):
    """A sub-item of a "delegate and entrust" entry with its own mode (既下放又委托)."""

    entry = models.ForeignKey(
        ListEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="sub_items"
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("sub-item"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.ForeignKey(
        "matters.AuthorizationMode",
        verbose_name=_("mode"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "matter__code"]
        verbose_name = _("sub-item of an entry")
        verbose_name_plural = _("sub-items of entries")
        constraints = [
            models.UniqueConstraint(fields=["entry", "matter"], name="list_entry_sub_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} / {self.matter}"
