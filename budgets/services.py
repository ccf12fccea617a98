"""Writes to budget data. Every write path (pages, API, admin, import, commands)
comes through here, so the access rule, validation and the change record are
applied once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record, snapshot
from regions import access

from .codes import account_group, ancestors, canonical_code, level_of
from .models import (
    Account,
    BudgetLine,
    FundingSource,
    LineOrigin,
    NameSource,
    Nomenclature,
    Tag,
    TagSource,
    Unit,
)
from .summary import budget_summary_refresh

LINE_FIELDS = (
    "fiscal_year",
    "stage",
    "unit",
    "sub_unit",
    "sub_kegiatan",
    "funding_source",
    "account",
    "pagu",
    "realisasi",
)


# --- reference data -------------------------------------------------------


def _typed_code(level: str, code: str, field: str) -> str:
    """A code typed by hand, checked and normalised by the importer's own rule."""
    from .importers import render
    from .importers.codes import normalize_code

    result = normalize_code(level, (code or "").strip())
    if result.error or not result.value:
        params = dict(result.params or {}, row="", column=field, value=code)
        text_id, text_en = render(result.error or "required_value_empty", **params)
        text = text_en if (get_language() or "id").startswith("en") else text_id
        # The importer's sentence names a row and column; a form names its field.
        raise ValidationError({field: re.sub(r"^(Baris|Row) [^:]*: ", "", text)})
    return result.value


def nomenclature_ensure(*, fiscal_year: int, code: str, name: str) -> Nomenclature:
    """An existing code of that year, or a new one marked as typed by hand (its
    ancestors named by their code) that the next SIPD import of the year names.

    A stored entry keeps its name: what one coordinator types never renames
    what every region reads.
    """
    code = _typed_code("sub_kegiatan", code, "sub_kegiatan_code")
    level = level_of(code)
    if level is None:
        raise ValidationError({"code": _("Kode nomenklatur %(code)s tidak sah.") % {"code": code}})
    parent = None
    for parent_level, parent_code in ancestors(code):
        parent, _created = Nomenclature.objects.get_or_create(
            fiscal_year=fiscal_year,
            level=parent_level,
            code=parent_code,
            defaults={"name": parent_code, "parent": parent, "name_source": NameSource.MANUAL},
        )
    node, created = Nomenclature.objects.get_or_create(
        fiscal_year=fiscal_year,
        level=level,
        code=code,
        defaults={"name": name or code, "parent": parent, "name_source": NameSource.MANUAL},
    )
    if created:
        node.full_clean()
    return node


def account_ensure(*, code: str, name: str) -> Account:
    """An existing account, or a new one marked as typed by hand (see above)."""
    code = _typed_code("rekening", code, "account_code")
    account, created = Account.objects.get_or_create(
        code=code, defaults={"name": name or code, "group": account_group(code),
                             "canonical_code": canonical_code(code),
                             "name_source": NameSource.MANUAL}
    )
    return account


def funding_source_ensure(*, code: str, name: str) -> FundingSource:
    code = _typed_code("sumber_dana", code, "funding_source")
    source, _created = FundingSource.objects.get_or_create(
        code=code, defaults={"name": name or code, "canonical_code": canonical_code(code),
                             "name_source": NameSource.MANUAL}
    )
    return source


# --- budget lines written by hand -----------------------------------------


def _ensure_unlocked(region_code: str | None, fiscal_year: int | None) -> None:
    """Refuse changes to a kab/kota year a quarterly submission locks."""
    from roadmap.locks import ensure_year_unlocked

    ensure_year_unlocked(region_code, fiscal_year)


def _check_line_scope(*, user, line: BudgetLine) -> None:
    access.ensure_can_change(user, line.region_id)
    _ensure_unlocked(line.region_id, line.fiscal_year)
    for unit in (line.unit, line.sub_unit):
        if unit is not None and unit.region_id != line.region_id:
            raise PermissionDenied(
                _("Unit %(unit)s bukan milik wilayah %(region)s.")
                % {"unit": unit, "region": line.region_id}
            )


def budget_line_create(*, user, region_code: str, reason: str = "", **data) -> BudgetLine:
    """Record a line by hand (e.g. a program SIPD does not carry yet)."""
    line = BudgetLine(
        region_id=region_code,
        origin=LineOrigin.MANUAL,
        entered_by=user if getattr(user, "is_authenticated", False) else None,
        **{k: v for k, v in data.items() if k in LINE_FIELDS},
    )
    _check_line_scope(user=user, line=line)
    line.full_clean()
    with transaction.atomic():
        line.save()
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            instance=line,
            after=snapshot(line, m2m=False),
            reason=reason,
        )
        budget_summary_refresh()
    return line


def budget_line_update(*, user, line: BudgetLine, reason: str = "", **data) -> BudgetLine:
    _check_line_scope(user=user, line=line)
    before = snapshot(line, m2m=False)
    for key, value in data.items():
        if key in LINE_FIELDS:
            setattr(line, key, value)
    _check_line_scope(user=user, line=line)
    line.full_clean()
    with transaction.atomic():
        line.save()
        audit_record(
            user=user,
            action=AuditAction.UPDATE,
            instance=line,
            before=before,
            after=snapshot(line, m2m=False),
            reason=reason,
        )
        budget_summary_refresh()
    return line


def budget_line_delete(*, user, line: BudgetLine, reason: str = "") -> None:
    _check_line_scope(user=user, line=line)
    before = snapshot(line, m2m=False)
    with transaction.atomic():
        audit_record(
            user=user,
            action=AuditAction.DELETE,
            instance=line,
            before=before,
            reason=reason,
        )
        line.delete()
        budget_summary_refresh()


# --- tags --------------------------------------------------------------------


def line_classification_refresh(*, line_ids: Iterable[int]) -> None:
    """Set each line's effective pillar/strategy from its tags.

    A hand tag wins over an imported one (it is recorded with a reason), an
    imported tag wins over a rule; within a source the newest tag counts.
    """
    order = {TagSource.PERSON: 0, TagSource.IMPORT: 1, TagSource.RULE: 2}
    line_ids = list(line_ids)
    best: dict[int, dict] = {}
    tags = (
        Tag.objects.filter(budget_line_id__in=line_ids)
        .exclude(pillar__isnull=True, strategy__isnull=True)
        .order_by("-created_at", "-id")
        .values("budget_line_id", "source", "pillar_id", "strategy_id")
    )
    for tag in tags:
        current = best.setdefault(tag["budget_line_id"], {})
        for fk in ("pillar_id", "strategy_id"):
            if tag[fk] is None:
                continue
            rank = order[tag["source"]]
            if fk not in current or rank < current[fk][0]:
                current[fk] = (rank, tag[fk])
    lines = list(BudgetLine.objects.filter(pk__in=line_ids).only("id", "pillar", "strategy"))
    for line in lines:
        chosen = best.get(line.pk, {})
        line.pillar_id = chosen.get("pillar_id", (None, None))[1]
        line.strategy_id = chosen.get("strategy_id", (None, None))[1]
    BudgetLine.objects.bulk_update(lines, ["pillar", "strategy"], batch_size=1000)
    # The lines trigger marked their scopes dirty; rebuild those summary rows.
    budget_summary_refresh()


def budget_lines_tag(
    *,
    user,
    lines,
    pillar=None,
    strategy=None,
    reason: str,
    basis: str | None = None,
) -> int:
    """Tag one or many lines by hand to a pillar and/or strategy, with a reason.

    Imported tags stay as they are; the hand tag is a separate record that
    becomes the line's effective classification. Returns the number tagged.
    """
    if pillar is None and strategy is None:
        raise ValidationError(_("Pilih pilar atau strategi untuk penandaan."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Alasan penandaan wajib diisi.")})
    lines = list(lines.only("id", "region_id", "fiscal_year") if hasattr(lines, "only") else lines)
    for line in lines:
        access.ensure_can_change(user, line.region_id)
    for region_code, fiscal_year in {(line.region_id, line.fiscal_year) for line in lines}:
        _ensure_unlocked(region_code, fiscal_year)
    if not lines:
        return 0
    extra = {"basis": basis} if basis else {}
    with transaction.atomic():
        Tag.objects.bulk_create(
            [
                Tag(
                    budget_line_id=line.pk,
                    pillar=pillar,
                    strategy=strategy,
                    source=TagSource.PERSON,
                    reason=reason.strip(),
                    created_by=user,
                    **extra,
                )
                for line in lines
            ],
            batch_size=1000,
        )
        line_classification_refresh(line_ids=[line.pk for line in lines])
        regions = sorted({line.region_id for line in lines})
        audit_record(
            user=user,
            action=AuditAction.BULK,
            model_label="budgets.Tag",
            object_repr=_("%(n)d baris ditandai") % {"n": len(lines)},
            region_code=regions[0] if len(regions) == 1 else "",
            reason=reason,
            extra={
                "lines": [line.pk for line in lines][:5000],
                "pillar": getattr(pillar, "code", None),
                "strategy": getattr(strategy, "code", None),
            },
        )
    return len(lines)


def tag_delete(*, user, tag: Tag, reason: str = "") -> None:
    """Remove a hand tag; imported tags are removed only by rolling back their import."""
    line = tag.budget_line
    if tag.source != TagSource.PERSON:
        raise ValidationError(
            _("Tag hasil impor hanya hilang bila impornya dibatalkan.")
        )
    access.ensure_can_change(user, line.region_id if line else None)
    if line is not None:
        _ensure_unlocked(line.region_id, line.fiscal_year)
    before = snapshot(tag, m2m=False)
    with transaction.atomic():
        audit_record(
            user=user, action=AuditAction.DELETE, instance=tag, before=before,
            reason=reason, region_code=line.region_id if line else "",
        )
        tag.delete()
        if line is not None:
            line_classification_refresh(line_ids=[line.pk])


def unit_ensure(
    *, region_code: str, code: str, name: str, kind: str, parent: Unit | None = None
) -> Unit:
    unit, created = Unit.objects.get_or_create(
        region_id=region_code,
        code=code,
        defaults={"name": name, "kind": kind, "parent": parent},
    )
    if created:
        unit.full_clean()
    return unit


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
