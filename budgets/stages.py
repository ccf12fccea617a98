"""Budget stages (tahapan): murni, pergeseran ke-n, perubahan, pergeseran setelah
perubahan ke-n (DOMAIN.md 4).

Each stage is a complete snapshot of a year's budget. Stages are stored as
short codes whose **text order is their order in the year**, so the latest stage
of a pemda is simply the greatest code (``Max("stage")`` in SQL):

    murni < pergeseran-01 < ... < pergeseran-15 < perubahan
          < perubahan-pergeseran-01 < ... < perubahan-pergeseran-15

(``"murni" < "pergeseran"`` since m < p; ``"pergeseran" < "perubahan"`` since
g < u; a code is less than every code it is a prefix of; numbers are written
with two digits so that 10 sorts after 9.)
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

MAX_SHIFTS = 15

MURNI = "murni"
PERUBAHAN = "perubahan"


def shift_code(n: int, *, after_change: bool = False) -> str:
    prefix = "perubahan-pergeseran" if after_change else "pergeseran"
    return f"{prefix}-{n:02d}"


def _shift_label(n: int, after_change: bool) -> str:
    if after_change:
        return pgettext("stage", "Pergeseran setelah perubahan ke-%(n)d") % {"n": n}
    return pgettext("stage", "Pergeseran ke-%(n)d") % {"n": n}


_shift_label_lazy = lazy(_shift_label, str)


def _members():
    yield "MURNI", MURNI, _("Murni")
    for n in range(1, MAX_SHIFTS + 1):
        yield f"PERGESERAN_{n}", shift_code(n), _shift_label_lazy(n, False)
    yield "PERUBAHAN", PERUBAHAN, _("Perubahan")
    for n in range(1, MAX_SHIFTS + 1):
        yield (f"PERUBAHAN_PERGESERAN_{n}", shift_code(n, after_change=True),
               _shift_label_lazy(n, True))


Stage = models.TextChoices("Stage", [(name, (value, label)) for name, value, label in _members()])
Stage.__doc__ = "A budget stage; the codes sort in the order the stages follow each other."

STAGE_MAX_LENGTH = 24

_NUM = r"(?:ke\s*[-.]?\s*)?(\d{1,2})"
_TEXT_PATTERNS = (
    (re.compile(r"^(?:apbd\s+)?murni$|^penetapan(?:\s+apbd)?$|^apbd$|^dpa$"), None),
    (re.compile(rf"^pergeseran\s+(?:setelah\s+|sesudah\s+|pasca\s+)?(?:apbd\s+)?perubahan\s*{_NUM}$"),
     "after"),
    (re.compile(rf"^pergeseran\s+{_NUM}\s+(?:setelah\s+|sesudah\s+|pasca\s+)?perubahan$"),
     "after"),
    (re.compile(rf"^perubahan\s+pergeseran\s*{_NUM}$"), "after"),
    (re.compile(r"^(?:apbd\s+)?perubahan$|^apbd-?p$|^dppa$"), "change"),
    (re.compile(rf"^pergeseran\s*{_NUM}$"), "shift"),
    (re.compile(r"^pergeseran$"), "shift1"),
)


def parse_stage(text) -> str | None:
    """A stage code from how people and SIPD write it, or None if not a stage.

    Accepts the codes themselves and ``Murni``, ``Pergeseran 2``,
    ``Pergeseran ke-2``, ``Perubahan``, ``Pergeseran Perubahan 1``,
    ``Pergeseran setelah perubahan ke-1`` (any case, ``_``/``-`` as spaces).
    A bare ``pergeseran`` is the first one.
    """
    if text is None:
        return None
    raw = str(text).strip()
    if raw in Stage.values:
        return raw
    s = " ".join(re.sub(r"[_\s]+", " ", raw.lower()).split())
    s = re.sub(r"(?<=[a-z])-(?=[a-z\d])", " ", s).strip()
    s = re.sub(r"^tahap(?:an)?\s*:?\s*", "", s)
    for pattern, kind in _TEXT_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        if kind is None:
            return MURNI
        if kind == "change":
            return PERUBAHAN
        if kind == "shift1":
            return shift_code(1)
        n = int(m.group(1))
        if not 1 <= n <= MAX_SHIFTS:
            return None
        return shift_code(n, after_change=(kind == "after"))
    return None


def stage_label(code: str) -> str:
    """The stage's name for people (``Pergeseran ke-2``)."""
    try:
        return str(Stage(code).label)
    except ValueError:
        return str(code or "")
