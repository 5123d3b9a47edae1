"""Elections admin registration: the "选举与筹备组" menu (terms, rounds, candidate review, preparatory groups)."""

from wagtail import hooks

from .admin_views import ElectionsMenuGroup

# Built at import so the scoped permission policies are registered before anything asks for them.
elections_menu = ElectionsMenuGroup()


@hooks.register("register_admin_viewset")
def register_elections_viewsets():
    return elections_menu
