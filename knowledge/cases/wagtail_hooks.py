"""案例投稿 in the Wagtail admin: a read-only list for editors with each submission's status and a link to
its page in the page editor. Approving or requesting changes happens there, with Wagtail's own workflow
actions (the default "Moderators approval" workflow); nothing here writes.

Editors (an active 内容编辑 role) and superusers see every submission; anyone else sees none and gets a
404 on every URL. The viewset reuses `governance.registry.admin_scoping`'s read-only viewset, with a policy that
answers "every submission" for editors instead of a set of communities (a submission need not name one).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn

from governance.registry.models import Community
from governance.registry.admin_scoping import (
    ALL,
    CommunityScopedPermissionPolicy,
    ReadOnlyScopedModelViewSet,
    ScopedInspectView,
)

from . import permissions, selectors
from .models import CaseSubmission


def _no_communities(user):
    """Unused by `CaseEditorsPolicy` (which answers per user), but marks "view" as switched on."""
    return Community.objects.none()


class CaseEditorsPolicy(CommunityScopedPermissionPolicy):
    """"view" for editors and superusers (every submission); nothing for anyone else; no writes at all."""

    def community_ids(self, user, action: str):
        if self.scopes.get(action) is None:
            return frozenset()
        return ALL if permissions.is_case_editor(user) else frozenset()


def _status(submission) -> str:
    return submission.review.label


def _page_link(submission):
    if not submission.page_id:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("wagtailadmin_pages:edit", args=[submission.page_id]),
                       _("编辑页面"))


class CaseInspectView(ScopedInspectView):
    def get_status_display_value(self):
        review = self.object.review
        return f"{review.label}（{review.comment}）" if review.comment else review.label

    def get_page_display_value(self):
        return _page_link(self.object)

    def get_submitted_by_display_value(self):
        return str(self.object.submitted_by)  # display name or masked phone


class CaseSubmissionViewSet(ReadOnlyScopedModelViewSet):
    model = CaseSubmission
    name = "case_submissions"
    url_prefix = "cases/submissions"
    icon = "doc-full-inverse"
    menu_label = _("案例投稿")
    menu_order = 330
    add_to_admin_menu = True
    community_path = "community"
    scopes = {"view": _no_communities}
    policy_class = CaseEditorsPolicy
    inspect_view_class = CaseInspectView
    ordering = ["-created_at", "-pk"]
    list_display = [
        TitleColumn("title", label=_("标题"), url_name="case_submissions:inspect"),
        Column("status", label=_("状态"), accessor=_status),
        Column("kind", label=_("类型"), accessor="get_kind_display"),
        Column("submitted_by", label=_("投稿人"), accessor=lambda s: str(s.submitted_by)),
        Column("community", label=_("小区"), accessor=lambda s: s.community.name if s.community else "—"),
        DateColumn("created_at", label=_("投稿时间")),
        Column("page", label=_("文章页面"), accessor=_page_link),
    ]
    search_fields = ["title"]
    inspect_view_fields = ["title", "status", "kind", "submitted_by", "community", "background", "dispute",
                           "handling", "outcome", "lessons", "page", "created_at", "updated_at", "withdrawn_at"]
    inspect_field_labels = {"status": _("状态")}

    def get_scoped_queryset(self, queryset, request):
        return selectors.with_review(queryset).select_related("submitted_by")


case_submission_viewset = CaseSubmissionViewSet()  # built at import: registers its policy early


@hooks.register("register_admin_viewset")
def register_case_submission_viewset():
    return case_submission_viewset
