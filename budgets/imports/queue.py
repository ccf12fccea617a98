"""Queueing the import's background jobs without importing the task module.

``budgets.tasks`` is the thin layer around this package; the package must not
import it back (that was a cycle). The tasks are looked up by name in the
Celery app's registry, which autodiscovery fills; with no broker configured
(``CELERY_TASK_ALWAYS_EAGER``) ``delay`` runs them in-process as before.
"""

from __future__ import annotations

PROCESS = "budgets.tasks.import_batch_process"
COMMIT = "budgets.tasks.import_batch_commit"


def _task(name: str):
    from celery import current_app

    return current_app.tasks[name]


def enqueue_process(batch_id: int, *, commit: bool = False) -> None:
    if commit:
        _task(PROCESS).delay(batch_id, commit=True)
    else:
        _task(PROCESS).delay(batch_id)


def enqueue_commit(batch_id: int, user_id: int | None) -> None:
    _task(COMMIT).delay(batch_id, user_id)
