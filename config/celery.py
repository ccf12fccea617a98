"""Celery application.

Configured from Django settings under the ``CELERY_`` namespace. With no broker
configured (the embedded default) tasks run in-process, eagerly.

The request id of the web request that starts a task travels with it: it is
put in the message headers when the task is published and set in
``audit.context`` while the task runs, so the task's log lines and audit
records carry the same id as the request's.
"""

import os
from contextlib import ExitStack

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tkpkd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "tkpkd_request_id"
_contexts: dict[str, ExitStack] = {}


@setup_logging.connect
def _use_django_logging(**kwargs):
    """Keep Django's LOGGING (JSON lines) in workers instead of Celery's own."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@before_task_publish.connect
def _attach_request_id(headers=None, **kwargs):
    from audit.context import current_request_id

    request_id = current_request_id()
    if headers is not None and request_id and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


def _request_id_of(task) -> str:
    request = getattr(task, "request", None)
    if request is None:
        return ""
    value = getattr(request, REQUEST_ID_HEADER, None)
    if not value:
        headers = getattr(request, "headers", None) or {}
        value = headers.get(REQUEST_ID_HEADER)
    return str(value or "")[:64]


@task_prerun.connect
def _enter_request_context(task_id=None, task=None, **kwargs):
    from audit.context import audit_via, current_request_id, current_via

    request_id = _request_id_of(task)
    if not request_id or not task_id or current_request_id() == request_id:
        return  # eager run inside the request: the context is already there
    stack = ExitStack()
    stack.enter_context(audit_via(current_via(), request_id))
    _contexts[task_id] = stack


@task_postrun.connect
def _leave_request_context(task_id=None, **kwargs):
    stack = _contexts.pop(task_id, None)
    if stack is not None:
        stack.close()
