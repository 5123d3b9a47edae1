from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("门户页面")

    def ready(self):
        from .cache import connect_signals

        connect_signals()
