"""The SIPD import service: upload -> parse -> validate -> preview (diff) -> commit,
and rollback. The web pages, the API, the management command and the Celery task
all call these functions; none of them writes budget data another way.

One concern a module, imported in this order (each only uses the ones above it;
``budgets.tasks`` wraps ``jobs`` and is never imported from here):

    common        refusal, error records, the plan
    faults        leases, resume, sweeper, twin-commit recheck, test pause points
    queue         queueing the tasks by name
    upload        storing the file as a batch
    parse         reading the file; region, year and stage checks; the kept parse
    refs          units, nomenclature, funding sources, accounts named by a file
    rekap         recap rows -> summed lines; the diff against the stored lines
    realisation   documents, their booking on the lines; the cash plan
    preview       the preview on the batch and its pages
    commit        one transaction under the scope lock
    rollback      restore what a batch changed
    jobs          claim / process / fail / discard a batch
    reports       the batch as JSON; the error workbook
"""

from .commit import import_batch_commit
from .common import (
    ImportRefused,
    Plan,
    errors_grouped,
    group_title,
    max_attempts,
    max_upload_bytes,
)
from .faults import import_batch_recover
from .jobs import (
    import_batch_claim,
    import_batch_discard,
    import_batch_mark_failed,
    import_batch_process,
)
from .parse import parsed_path
from .plan import plan_for
from .preview import preview_page
from .realisation import line_realisation_refresh, spread
from .reports import batch_report, error_workbook_path
from .rollback import import_batch_rollback
from .upload import (
    import_batch_create,
    importable_region_choices,
    region_for_import,
    sanitise_filename,
)

__all__ = [
    "ImportRefused",
    "Plan",
    "batch_report",
    "error_workbook_path",
    "errors_grouped",
    "group_title",
    "import_batch_claim",
    "import_batch_commit",
    "import_batch_create",
    "import_batch_discard",
    "import_batch_mark_failed",
    "import_batch_process",
    "import_batch_recover",
    "import_batch_rollback",
    "importable_region_choices",
    "line_realisation_refresh",
    "max_attempts",
    "max_upload_bytes",
    "parsed_path",
    "plan_for",
    "preview_page",
    "region_for_import",
    "sanitise_filename",
    "spread",
]
