"""The one access rule of the portal.

Every path (pages, API, admin, exports, imports, background tasks, commands
acting for a user) asks this module which regions a user may read, change or
import into. Nothing else decides.

- Admin (role ``admin`` or a superuser): reads and changes everything.
- Koordinator: reads and changes their scope region and everything under it.
- Staf Data: reads their scope and imports SIPD files into it.
- Pejabat: reads their scope.
- A user without a scope (or inactive, or anonymous) sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Role

ALL = "*"


@dataclass(frozen=True)
class Access:
    """What one user may do, resolved once per request (cached on the user)."""

    role: str | None
    region_code: str | None
    is_admin: bool

    @property
    def read_root(self) -> str | None:
        if self.is_admin:
            return ALL
        return self.region_code

    @property
    def change_root(self) -> str | None:
        if self.is_admin:
            return ALL
        if self.role == Role.KOORDINATOR:
            return self.region_code
        return None

    @property
    def import_root(self) -> str | None:
        if self.is_admin:
            return ALL
        if self.role in (Role.STAF_DATA, Role.KOORDINATOR):
            return self.region_code
        return None


_NOBODY = Access(role=None, region_code=None, is_admin=False)


def access_for(user) -> Access:
    """Resolve (and cache on the user object) what this user may do."""
    if user is None or not getattr(user, "is_authenticated", False):
        return _NOBODY
    if not user.is_active:
        return _NOBODY
    cached = getattr(user, "_tkpkd_access", None)
    if cached is not None:
        return cached
    scope = _scope_or_none(user)
    if user.is_superuser:
        access = Access(
            role=Role.ADMIN, region_code=scope.region_id if scope else None, is_admin=True
        )
    elif scope is None:
        access = _NOBODY
    else:
        access = Access(
            role=scope.role,
            region_code=scope.region_id,
            is_admin=scope.role == Role.ADMIN,
        )
    user._tkpkd_access = access
    return access


def _scope_or_none(user):
    from .models import UserScope

    try:
        return user.scope
    except UserScope.DoesNotExist:
        return None


def covers(root: str | None, code: str | None) -> bool:
    """True when ``code`` is ``root`` or lies under it in the region tree."""
    if root is None or not code:
        return False
    if root == ALL:
        return True
    return code == root or code.startswith(root + ".")


def _q(root: str | None, field: str) -> Q:
    if root is None:
        return Q(pk__in=[])
    if root == ALL:
        return Q()
    return Q(**{f"{field}": root}) | Q(**{f"{field}__startswith": root + "."})


def readable_q(user, *, field: str = "region__code") -> Q:
    """A filter that keeps only rows whose region the user may read.

    ``field`` names the region code path from the filtered model, for example
    ``"region__code"`` or ``"roadmap__region__code"``.
    """
    return _q(access_for(user).read_root, field)


def changeable_q(user, *, field: str = "region__code") -> Q:
    return _q(access_for(user).change_root, field)


def importable_q(user, *, field: str = "region__code") -> Q:
    return _q(access_for(user).import_root, field)


def can_read(user, region_code: str | None) -> bool:
    return covers(access_for(user).read_root, region_code)


def can_change(user, region_code: str | None) -> bool:
    return covers(access_for(user).change_root, region_code)


def can_import(user, region_code: str | None) -> bool:
    return covers(access_for(user).import_root, region_code)


def can_change_anything(user) -> bool:
    return access_for(user).change_root is not None


def can_import_anything(user) -> bool:
    return access_for(user).import_root is not None


def is_admin(user) -> bool:
    return access_for(user).is_admin


def ensure_can_change(user, region_code: str | None) -> None:
    """Raise ``PermissionDenied`` unless the user may change this region."""
    if not can_change(user, region_code):
        raise PermissionDenied(
            _("Anda tidak berwenang mengubah data wilayah %(code)s.")
            % {"code": region_code or "-"}
        )


def ensure_can_import(user, region_code: str | None) -> None:
    if not can_import(user, region_code):
        raise PermissionDenied(
            _("Anda tidak berwenang mengimpor data untuk wilayah %(code)s.")
            % {"code": region_code or "-"}
        )


def readable_regions(user):
    from .models import Region

    return Region.objects.filter(readable_q(user, field="code"))


def changeable_regions(user):
    from .models import Region

    return Region.objects.filter(changeable_q(user, field="code"))


def importable_regions(user):
    from .models import Region

    return Region.objects.filter(importable_q(user, field="code"))
