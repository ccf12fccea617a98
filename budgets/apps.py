from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Anggaran")

    def ready(self):
        # The import package queues its jobs by task name (budgets.imports.queue);
        # the name is only in Celery's registry once budgets.tasks is imported.
        # Autodiscovery does that in a worker only, so a web or command process
        # that queues an upload registers the tasks here.
        from . import tasks  # noqa: F401
