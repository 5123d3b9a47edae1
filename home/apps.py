from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("门户页面")

    def ready(self):
        from governance.registry.signals import community_created
        from portal.accounts.signals import memberships_changed

        from .cache import connect_signals
        from .editorial import groups_follow_roles
        from .services import community_page_for_new_community

        connect_signals()
        community_created.connect(community_page_for_new_community, dispatch_uid="home.community_page")
        memberships_changed.connect(groups_follow_roles, dispatch_uid="home.editorial_groups")
