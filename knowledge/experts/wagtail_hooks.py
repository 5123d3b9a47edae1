"""Experts admin registration: the "专家顾问" menu (profiles as snippets, slots, bookings read-only), for
editors and superusers only."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet

from .admin_views import BookingViewSet, ExpertProfileViewSet, ExpertSlotViewSet


class ExpertsMenuGroup(ViewSetGroup):
    menu_label = _("专家顾问")
    menu_icon = "user"
    menu_name = "experts"
    menu_order = 340
    items = (ExpertProfileViewSet, ExpertSlotViewSet, BookingViewSet)


register_snippet(ExpertsMenuGroup)
