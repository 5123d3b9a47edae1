"""Owner decisions admin registration: the "业主共同决定" menu (motions and the approval queue)."""

from wagtail import hooks

from .admin_views import DecisionsMenuGroup

# Built at import so the scoped permission policy for Motion is registered before anything asks for it.
decisions_menu = DecisionsMenuGroup()


@hooks.register("register_admin_viewset")
def register_decisions_viewsets():
    return decisions_menu
