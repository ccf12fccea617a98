from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Inti portal")

    def ready(self):
        from .forms import install_id_bounds

        install_id_bounds()
