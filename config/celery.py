"""Celery application.

Configured from Django settings under the ``CELERY_`` namespace. With no broker
configured (the embedded default) tasks run in-process, eagerly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tkpkd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
