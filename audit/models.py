from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Dibuat")
    UPDATE = "update", _("Diubah")
    DELETE = "delete", _("Dihapus")
    BULK = "bulk", _("Perubahan massal")
    STATE = "state", _("Perubahan status")


class AuditRecord(models.Model):
    """One recorded change: who, when, what (before and after), why, and through what.

    Written only by ``audit.services``; never edited or deleted from the
    application (the admin is read-only).
    """

    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pengguna"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=8, choices=AuditAction.choices)
    model = models.CharField(_("jenis data"), max_length=80)
    object_id = models.CharField(_("id data"), max_length=64, blank=True)
    object_repr = models.CharField(_("data"), max_length=255, blank=True)
    region_code = models.CharField(_("wilayah"), max_length=13, blank=True, db_index=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    via = models.CharField(_("melalui"), max_length=12, blank=True)
    batch_id = models.BigIntegerField(_("batch impor"), null=True, blank=True)
    request_id = models.CharField(_("id permintaan"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("riwayat perubahan")
        verbose_name_plural = _("riwayat perubahan")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.model}"
