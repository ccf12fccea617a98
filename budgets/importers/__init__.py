"""ORM-free reader/parser of SIPD spreadsheet exports (see SIPD_IMPORT.md).

    from budgets.importers import parse_file, ParseResult, CellError, FileRejected
    result = parse_file(path, limits=Limits(), in_child=True)

No Django import anywhere in this package: it runs in a forked child process.
"""

from .amounts import AmountError, format_amount, parse_amount
from .error_workbook import ERROR_COLUMN, write_error_workbook
from .messages import CATALOG, render, rupiah
from .reader import load_parsed, parse_file
from .types import CellError, FileRejected, Limits, ParseResult, RealisasiRow, RekapRow

__all__ = [
    "CATALOG",
    "ERROR_COLUMN",
    "AmountError",
    "CellError",
    "FileRejected",
    "Limits",
    "ParseResult",
    "RealisasiRow",
    "RekapRow",
    "format_amount",
    "load_parsed",
    "parse_amount",
    "parse_file",
    "render",
    "rupiah",
    "write_error_workbook",
]
