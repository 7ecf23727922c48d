import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devolve.core.history import HistoricalRecords
from devolve.core.i18n import in_current_language
from devolve.regions import rules


def _field_error(field: str, message: str, *, code: str) -> ValidationError:
    # A dict of messages drops ``code``; wrap each message so services can report the code.
    return ValidationError({field: ValidationError(message, code=code)})


class Division(models.Model):
    """An administrative division in GB/T 2260: a province, a prefecture-level city or autonomous
    prefecture, or a county-level unit.

    Divisions are reference data loaded by data migrations; zones and prefecture users point at
    prefecture-level divisions.
    """

    class Level(models.TextChoices):
        PROVINCE = rules.PROVINCE, _("Province")
        PREFECTURE = rules.PREFECTURE, _("Prefecture")
        COUNTY = rules.COUNTY, _("County")

    code = models.CharField(
        _("code"), max_length=6, unique=True, help_text=_("Six-digit GB/T 2260 code, e.g. 510100.")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[1-8][0-9]{5}$"),
                name="division_code_is_six_digits",
                violation_error_message=_("A division code has six digits and starts with 1–8."),
            ),
            models.CheckConstraint(
                condition=(Q(level="province") & Q(code__endswith="0000") & Q(parent__isnull=True))
                | (
                    Q(level="prefecture")
                    & Q(code__endswith="00")
                    & ~Q(code__endswith="0000")
                    & Q(parent__isnull=False)
                )
                | (Q(level="county") & ~Q(code__endswith="00") & Q(parent__isnull=False)),
                name="division_level_matches_code",
                violation_error_message=_("The division's level does not match its code."),
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)

    def clean(self) -> None:
        level = rules.division_level_for_code(self.code)
        if level is None:
            raise _field_error(
                "code",
                _("%(code)s is not a valid GB/T 2260 code.") % {"code": self.code},
                code="invalid_division_code",
            )
        if level != self.level:
            raise _field_error(
                "level",
                _("Code %(code)s denotes a %(level)s.")
                % {"code": self.code, "level": self.Level(level).label},
                code="wrong_level",
            )
        parent_code = rules.parent_code_for(self.code)
        if parent_code and (self.parent is None or self.parent.code != parent_code):
            raise _field_error(
                "parent",
                _("The parent of %(code)s must be division %(parent)s.")
                % {"code": self.code, "parent": parent_code},
                code="wrong_parent",
            )


class ZoneQuerySet(models.QuerySet["Zone"]):
    def pilot_areas_on(self, on: datetime.date) -> "ZoneQuerySet":
        # One subquery: two filter() calls on the relation would join it twice and match a zone
        # whose earlier membership started before ``on`` and later one ends after it.
        active = BatchMembership.objects.active_on(on).filter(zone=OuterRef("pk"))
        return self.filter(Exists(active))


class Zone(models.Model):
    """A new area or development zone (新区/开发区) run by a management committee.

    Zones exist whether or not they are pilots: candidates for selection and comparison units for
    evaluation are zones too. A zone becomes a pilot area by joining a batch.
    """

    class Kind(models.TextChoices):
        NEW_AREA = "new_area", _("New area")
        ETDZ = "etdz", _("Economic and technological development zone")
        HIGH_TECH_ZONE = "high_tech_zone", _("High-tech zone")
        INDUSTRIAL_PARK = "industrial_park", _("Industrial park")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")

    slug = models.SlugField(
        _("key"), max_length=60, unique=True, help_text=_("Stable key used in public addresses.")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(
        _("level"),
        max_length=12,
        choices=Level.choices,
        blank=True,
        help_text=_("Leave empty when the level is not confirmed by a source."),
    )
    prefecture = models.ForeignKey(
        Division,
        verbose_name=_("prefecture"),
        on_delete=models.PROTECT,
        related_name="zones",
        limit_choices_to={"level": Division.Level.PREFECTURE},
    )
    management_committee_zh = models.CharField(
        _("management committee (Chinese)"), max_length=150, blank=True
    )
    management_committee_en = models.CharField(
        _("management committee (English)"), max_length=200, blank=True
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Set when any value of this record was invented for the demo."),
    )
    source = models.TextField(_("source"), blank=True, help_text=_("Where the facts come from."))
    history = HistoricalRecords()

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["prefecture__code", "slug"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["new_area", "etdz", "high_tech_zone", "industrial_park"]),
                name="zone_kind_is_known",
            ),
            models.CheckConstraint(
                condition=Q(level__in=["", "national", "provincial"]), name="zone_level_is_known"
            ),
        ]

    def __str__(self) -> str:
        return in_current_language(zh=self.name_zh, en=self.name_en)

    def get_absolute_url(self) -> str:
        return reverse("portal:zone_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.prefecture_id and self.prefecture.level != Division.Level.PREFECTURE:
            raise _field_error(
                "prefecture",
                _("%(division)s is not a prefecture-level division.")
                % {"division": self.prefecture.code},
                code="not_a_prefecture",
            )


class Batch(models.Model):
    """A cohort of pilot areas approved together (第一批, 第二批).

    The approving meeting and dates come from the decision; members join through memberships.
    """

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    approving_meeting_zh = models.CharField(
        _("approving meeting (Chinese)"), max_length=200, blank=True
    )
    approving_meeting_en = models.CharField(
        _("approving meeting (English)"), max_length=250, blank=True
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    starts_on = models.DateField(
        _("starts on"), help_text=_("First day of the pilot for this batch.")
    )
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Set when a date was invented for the demo.")
    )
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="batch_number_positive",
                violation_error_message=_("Batch numbers start at 1."),
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | Q(announced_on__isnull=True)
                | Q(announced_on__gte=F("approved_on")),
                name="batch_announced_after_approval",
                violation_error_message=_("A batch cannot be announced before it is approved."),
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(starts_on__gte=F("approved_on")),
                name="batch_starts_after_approval",
                violation_error_message=_("A batch cannot start before it is approved."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Batch %(number)s") % {"number": self.number})

    def get_absolute_url(self) -> str:
        return reverse("portal:batch_detail", kwargs={"number": self.number})


class BatchMembershipQuerySet(models.QuerySet["BatchMembership"]):
    def active_on(self, on: datetime.date) -> "BatchMembershipQuerySet":
        return self.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


class BatchMembership(models.Model):
    """A zone's time in a batch: from the day it joined until the day it left (open while it stays).

    Memberships of one zone never overlap; leaving records the date and the reason.
    """

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="memberships"
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_("First day the zone is no longer a pilot area."),
    )
    left_reason = models.TextField(_("reason for leaving"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords()

    objects = BatchMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["batch__number", "zone__prefecture__code", "zone__slug"]
        verbose_name = _("batch membership")
        verbose_name_plural = _("batch memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "batch", "joined_on"], name="batch_membership_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=F("joined_on")),
                name="batch_membership_leaves_after_joining",
                violation_error_message=_("A zone must leave a batch after the day it joined."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} — {self.batch}"

    def is_active_on(self, on: datetime.date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)
