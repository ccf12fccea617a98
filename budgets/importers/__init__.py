"""ORM-free reader/parser of SIPD spreadsheet exports (see SIPD_IMPORT.md).

    from budgets.importers import parse_file, ParseResult, CellError, FileRejected
    result = parse_file(path, limits=Limits(), in_child=True)

No Django import anywhere in this package: it runs in a forked child process.
"""

from .amounts import AmountError, format_amount, parse_amount
from .codes import canonical_account_code, canonical_funding_code
from .dates import parse_date
from .error_workbook import ERROR_COLUMN, write_error_workbook
from .messages import CATALOG, render, rupiah
from .reader import load_parsed, parse_file, store_parsed
from .redact import redact_personal_columns
from .types import (
    CellError,
    FileRejected,
    Limits,
    ParseResult,
    RakRow,
    RealisasiRow,
    RekapRow,
)

__all__ = [
    "CATALOG",
    "ERROR_COLUMN",
    "AmountError",
    "CellError",
    "FileRejected",
    "Limits",
    "ParseResult",
    "RakRow",
    "RealisasiRow",
    "RekapRow",
    "canonical_account_code",
    "canonical_funding_code",
    "format_amount",
    "load_parsed",
    "parse_amount",
    "parse_date",
    "parse_file",
    "redact_personal_columns",
    "render",
    "rupiah",
    "store_parsed",
    "write_error_workbook",
]
