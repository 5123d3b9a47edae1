"""Community pages admin registration: the "小区主页" menu, the motion chooser of disclosures, and the reports
menu without the reports that list the whole page tree for users whose page rights cover part of it."""

from wagtail import hooks

from .admin_views import HomeMenuGroup
from .choosers import motion_chooser_viewset
from .editorial import sees_whole_page_tree

# Built at import so the scoped permission policies are registered before anything asks for them.
home_menu = HomeMenuGroup()


@hooks.register("register_admin_viewset")
def register_home_viewsets():
    return [home_menu, motion_chooser_viewset]


#: The reports menu items (their `name`) that list pages from the whole tree (see home.middleware).
PAGE_TREE_REPORT_ITEMS = frozenset({"page-types-usage"})


@hooks.register("construct_reports_menu")
def hide_page_tree_reports(request, menu_items):
    if not sees_whole_page_tree(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in PAGE_TREE_REPORT_ITEMS]
