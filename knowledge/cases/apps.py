from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "knowledge.cases"
    label = "cases"
    verbose_name = _("案例投稿")

    def ready(self):
        from . import signals

        signals.connect()
