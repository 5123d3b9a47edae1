"""Registry admin registration: the "小区登记" menu, the scoped choosers and the roster screens."""

from wagtail import hooks

from .admin_audit import audit_viewset
from .admin_memberships import membership_viewset
from .admin_views import PersonChooserViewSet, RegistryMenuGroup, UnitChooserViewSet, roster_urls

# Built at import so the scoped permission policies are registered before anything asks for them.
registry_menu = RegistryMenuGroup()
choosers = [UnitChooserViewSet(), PersonChooserViewSet()]


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return [registry_menu, *choosers, membership_viewset, audit_viewset]


@hooks.register("register_admin_urls")
def register_roster_admin_urls():
    return roster_urls()
