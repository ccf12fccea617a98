"""Writes to the change record. Every service that changes data calls these."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .context import current_request_id, current_via
from .models import AuditAction, AuditRecord


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an empty file has no url: test the type
        return value.name or ""
    return value


def snapshot(instance: models.Model, *, m2m: bool = True) -> dict[str, Any]:
    """The recordable state of an instance: concrete fields (and m2m ids)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("created_at", "updated_at"):
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    if m2m and instance.pk:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(
                getattr(instance, field.name).values_list("pk", flat=True)
            )
    return data


def diff(before: dict | None, after: dict | None) -> dict[str, list]:
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return {
        k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)
    }


def _region_of(instance: models.Model | None) -> str:
    if instance is None:
        return ""
    for attr in ("region_id",):
        if getattr(instance, attr, None):
            return getattr(instance, attr)
    for parent in ("roadmap", "meeting", "budget_line", "intervention"):
        related = getattr(instance, parent, None)
        if related is not None and getattr(related, "region_id", None):
            return related.region_id
    return ""


def audit_record(
    *,
    user,
    action: str,
    instance: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    model_label: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    region_code: str | None = None,
    batch_id: int | None = None,
    extra: dict | None = None,
) -> AuditRecord:
    changes = diff(before, after) if action != AuditAction.BULK else {}
    if extra:
        changes.update(extra)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditRecord.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        model=model_label or (instance._meta.label if instance is not None else ""),
        object_id=str(object_id if object_id is not None else getattr(instance, "pk", "")),
        object_repr=(object_repr or (str(instance) if instance is not None else ""))[:255],
        region_code=region_code if region_code is not None else _region_of(instance),
        changes=changes,
        reason=reason or "",
        via=current_via(),
        batch_id=batch_id,
        request_id=current_request_id(),
    )


def audit_history(*, instance: models.Model):
    """The records of one object, newest first."""
    return AuditRecord.objects.filter(
        model=instance._meta.label, object_id=str(instance.pk)
    ).select_related("user")


def audited_save(
    *,
    user,
    instance: models.Model,
    m2m: dict[str, Any] | None = None,
    reason: str = "",
    before: dict | None = None,
) -> models.Model:
    """Validate, save (with many-to-many values) and record one object.

    The caller has already applied the access rule. ``before`` is the
    snapshot taken before the caller changed the instance (None on create).
    """
    from django.db import transaction

    creating = instance.pk is None or before is None
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        audit_record(
            user=user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            instance=instance,
            before=before,
            after=snapshot(instance),
            reason=reason,
        )
    return instance


def audited_delete(*, user, instance: models.Model, reason: str = "") -> None:
    from django.db import transaction

    with transaction.atomic():
        audit_record(
            user=user,
            action=AuditAction.DELETE,
            instance=instance,
            before=snapshot(instance),
            reason=reason,
        )
        instance.delete()
