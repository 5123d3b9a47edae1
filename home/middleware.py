"""Wagtail's unscoped report URLs refused to users whose page rights cover part of the tree only (see
`editorial.sees_whole_page_tree`); the reports menu hides them too (home.wagtail_hooks)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .editorial import sees_whole_page_tree

REPORTS_NAMESPACE = "wagtailadmin_reports"
# The page types report counts every page and names the last edited one of each type, whatever the user's
# rights. The other page reports (locked and aging pages, site history, workflows) are limited by Wagtail to
# the pages the user holds rights on (or may explore), so they stay open.
PAGE_TREE_REPORTS = frozenset({"page_types_usage"})


def is_page_tree_report(url_name: str) -> bool:
    return url_name.removesuffix("_results") in PAGE_TREE_REPORTS


class PageTreeReportsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or REPORTS_NAMESPACE not in match.namespaces or not is_page_tree_report(match.url_name):
            return None
        if not getattr(request.user, "is_authenticated", False):
            return None  # Wagtail sends anonymous visitors to sign in
        if not sees_whole_page_tree(request.user):
            raise PermissionDenied("只有可查看全部页面的管理员可以查看此报表。")
        return None
