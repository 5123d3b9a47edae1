"""Community pages admin registration: the "小区主页" menu and the motion chooser of disclosures."""

from wagtail import hooks

from .admin_views import HomeMenuGroup
from .choosers import motion_chooser_viewset

# Built at import so the scoped permission policies are registered before anything asks for them.
home_menu = HomeMenuGroup()


@hooks.register("register_admin_viewset")
def register_home_viewsets():
    return [home_menu, motion_chooser_viewset]
