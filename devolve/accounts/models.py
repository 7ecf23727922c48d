import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from devolve.core.history import HistoricalRecords


class User(AbstractUser):
    """Someone who signs in: reform office staff, a department or prefecture officer, a pilot area's
    management committee, an evaluator or an auditor.

    The role fixes what kind of work the person does; the scope fields fix where. A department user
    works on its department's matters, a prefecture user on its prefecture, a pilot area user on its
    zone. The database refuses a scoped role without its scope, and a scope on a role that has none.
    """

    class Role(models.TextChoices):
        OFFICE = "office", _("Reform office")
        DEPARTMENT = "department", _("Provincial department")
        PREFECTURE = "prefecture", _("Prefecture government")
        PILOT_AREA = "pilot_area", _("Pilot area management committee")
        EVALUATOR = "evaluator", _("Evaluator")
        AUDITOR = "auditor", _("Auditor")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "matters.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Required for provincial department users; their scope."),
    )
    prefecture = models.ForeignKey(
        "regions.Division",
        verbose_name=_("prefecture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        limit_choices_to={"level": "prefecture"},
        help_text=_("Required for prefecture users; their scope."),
    )
    zone = models.ForeignKey(
        "regions.Zone",
        verbose_name=_("pilot area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Required for pilot area users; their scope."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="department", department__isnull=False)
                | (~Q(role="department") & Q(department__isnull=True)),
                name="user_department_scope_matches_role",
                violation_error_code="scope_mismatch",
                violation_error_message=_(
                    "A department user needs a department; other roles have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role="prefecture", prefecture__isnull=False)
                | (~Q(role="prefecture") & Q(prefecture__isnull=True)),
                name="user_prefecture_scope_matches_role",
                violation_error_code="scope_mismatch",
                violation_error_message=_(
                    "A prefecture user needs a prefecture; other roles have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role="pilot_area", zone__isnull=False)
                | (~Q(role="pilot_area") & Q(zone__isnull=True)),
                name="user_zone_scope_matches_role",
                violation_error_code="scope_mismatch",
                violation_error_message=_("A pilot area user needs a zone; other roles have none."),
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "office",
                        "department",
                        "prefecture",
                        "pilot_area",
                        "evaluator",
                        "auditor",
                    ]
                ),
                name="user_role_is_known",
            ),
        ]

    @property
    def is_office(self) -> bool:
        return self.role == self.Role.OFFICE

    @property
    def is_auditor(self) -> bool:
        return self.role == self.Role.AUDITOR

    @property
    def may_use_second_factor(self) -> bool:
        """Whether the role may set up two-step verification (``DEVOLVE_SECOND_FACTOR_ROLES``)."""
        return self.role in settings.DEVOLVE_SECOND_FACTOR_ROLES

    @property
    def scope_label(self) -> str:
        scope = self.department or self.prefecture or self.zone
        return str(scope) if scope else ""


class ApiToken(models.Model):
    """A credential a script sends in ``Authorization: Token <secret>`` to act as one user
    through the API. Only the secret's SHA-256 and its first characters (to tell tokens apart)
    are stored; the secret is shown once, when the token is issued. A token works until it
    expires or is revoked, whichever comes first, and never for an account that signs in with a
    second factor (ADR 0037)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “nightly export”.")
    )
    prefix = models.CharField(
        _("prefix"), max_length=8, help_text=_("The secret's first characters, to recognise it.")
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
                violation_error_message=_("A token expires after it is issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def label(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def hash_of(secret: str) -> str:
        """The stored form of ``secret``. A plain SHA-256 suffices: the secret is 32 random
        bytes, not a password a person chose, so there is nothing to guess it from."""
        return hashlib.sha256(secret.encode()).hexdigest()
