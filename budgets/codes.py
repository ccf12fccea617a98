"""Formats of the Kepmendagri nomenclature codes (DOMAIN.md section 3).

Shared by the model validation, forms and the API. The SIPD file parser has
its own copy of the rules in ``budgets.importers`` because it must not import
Django.
"""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# SIPD writes X / X.XX for the "non urusan" supporting programmes shared by every
# bidang (X.XX.01 Program Penunjang Urusan Pemerintahan Daerah).
_UB = r"(?:\d\.\d{2}|X\.XX)"
URUSAN_RE = r"^(?:\d|X)$"
BIDANG_RE = rf"^{_UB}$"
PROGRAM_RE = rf"^{_UB}\.\d{{2}}$"
KEGIATAN_RE = rf"^{_UB}\.\d{{2}}\.\d\.\d{{2}}$"
# Sub kegiatan numbers had 2 digits before 2021 and 4 since: accept both.
SUB_KEGIATAN_RE = rf"^{_UB}\.\d{{2}}\.\d\.\d{{2}}\.\d{{2,4}}$"
UNIT_CODE_RE = r"^\d+(\.\d+){7}$"
ACCOUNT_RE = r"^\d+(\.\d+){0,7}$"

LEVEL_VALIDATORS = {
    "urusan": RegexValidator(URUSAN_RE, _("Kode urusan berformat U, mis. 1.")),
    "bidang": RegexValidator(BIDANG_RE, _("Kode bidang urusan berformat U.BB, mis. 1.06.")),
    "program": RegexValidator(PROGRAM_RE, _("Kode program berformat U.BB.PP, mis. 1.06.05.")),
    "kegiatan": RegexValidator(
        KEGIATAN_RE, _("Kode kegiatan berformat U.BB.PP.L.KK, mis. 1.06.05.2.02.")
    ),
    "sub_kegiatan": RegexValidator(
        SUB_KEGIATAN_RE,
        _("Kode sub kegiatan berformat U.BB.PP.L.KK.SSSS, mis. 1.06.05.2.02.0001."),
    ),
}

_LEVEL_PATTERNS = [
    ("sub_kegiatan", re.compile(SUB_KEGIATAN_RE)),
    ("kegiatan", re.compile(KEGIATAN_RE)),
    ("program", re.compile(PROGRAM_RE)),
    ("bidang", re.compile(BIDANG_RE)),
    ("urusan", re.compile(URUSAN_RE)),
]


def level_of(code: str) -> str | None:
    """The nomenclature level a well-formed code belongs to, or None."""
    for level, pattern in _LEVEL_PATTERNS:
        if pattern.match(code):
            return level
    return None


def ancestors(code: str) -> list[tuple[str, str]]:
    """(level, code) pairs from urusan down to the code's parent.

    ``1.06.05.2.02.0001`` -> urusan 1, bidang 1.06, program 1.06.05,
    kegiatan 1.06.05.2.02.
    """
    parts = code.split(".")
    out = []
    for level, n in (("urusan", 1), ("bidang", 2), ("program", 3), ("kegiatan", 5)):
        if len(parts) > n:
            out.append((level, ".".join(parts[:n])))
    return out


def account_group(code: str) -> str:
    """The first three levels of an account code: ``5.1.06.01.01.0001`` -> ``5.1.06``."""
    return ".".join(code.split(".")[:3])


def canonical_code(code: str) -> str:
    """A code with each part's leading zeros dropped, for comparing years: SIPD
    widened account parts in 2026 (``5.1.02.03.03.0001`` and
    ``5.1.02.03.003.00001`` are one account). The parser's rule
    (``budgets.importers.codes.canonical_account_code``) is the one rule; the
    code as written stays what a line shows."""
    from .importers.codes import canonical_account_code

    return canonical_account_code(code or "")
