from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from devolve.core.actions import action_label, render_text
from devolve.core.i18n import in_current_language


class AuditEvent(models.Model):
    """A business action someone took, with the reason they gave.

    Row history (django-simple-history) records what changed in each table; an audit event records
    the verb ("zone registered", "pilot area joined batch 2") so the office and auditors can read
    the programme's story in one place. Events are append-only.
    """

    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        help_text=_("Empty for changes made by the system (migrations, seed commands)."),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80)
    target_id = models.CharField(_("target id"), max_length=64)
    # The target's name when the event was recorded, in Chinese (the site's language; events
    # recorded before target_label_en was kept hold it in the language of the run), and in
    # English when that differs: names do not follow a later rename, and each reader gets theirs.
    target_label = models.CharField(_("target"), max_length=255)
    target_label_en = models.CharField(_("target (English)"), max_length=255, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_event_target_idx"),
            # The change log's order (ADR 0073): a page reads from where it starts and stops.
            models.Index(fields=["occurred_at", "id"], name="audit_event_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.target_text}"

    @property
    def action_label(self) -> str:
        """The action in words, in the active language (the code when no app names it)."""
        return action_label(self.action)

    @property
    def target_text(self) -> str:
        """The target's name as recorded, in the active language where both were kept."""
        return in_current_language(zh=self.target_label, en=self.target_label_en)

    @property
    def reason_text(self) -> str:
        """The reason in words: a sentence the system wrote in the active language, typed text
        as it was typed."""
        return render_text(self.reason)
