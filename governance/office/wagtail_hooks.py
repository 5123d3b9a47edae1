"""Office admin registration: 通知阅读统计 (per-notice delivery and read figures, the unread list), and the
fan-out of a notice when the page editor publishes it."""

from wagtail import hooks

from .models import NoticePage
from .notices.admin_views import NoticeStatsViewSet
from .notices.services import notice_published

# Built at import so its scoped permission policy is registered before anything asks for it.
notice_stats_viewset = NoticeStatsViewSet()


@hooks.register("register_admin_viewset")
def register_notice_stats_viewset():
    return notice_stats_viewset


@hooks.register("after_publish_page")
def fan_out_published_notice(request, page):
    """The editor's 发布. (Workflow approval and scheduled publishing reach the same service through the
    `page_published` signal connected in models.py; the fan-out is done once however often it is asked.)"""
    specific = page.specific
    if isinstance(specific, NoticePage):
        notice_published(specific)
