from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("门户页面")

    def ready(self):
        from governance.registry.signals import community_created

        from .cache import connect_signals
        from .services import community_page_for_new_community

        connect_signals()
        community_created.connect(community_page_for_new_community, dispatch_uid="home.community_page")
