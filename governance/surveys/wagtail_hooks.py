"""Surveys admin registration: the "问卷调查" menu (surveys with their results screen, templates)."""

from wagtail import hooks

from .admin_views import SurveysMenuGroup

# Built at import so the scoped permission policies are registered before anything asks for them.
surveys_menu = SurveysMenuGroup()


@hooks.register("register_admin_viewset")
def register_surveys_viewsets():
    return surveys_menu
