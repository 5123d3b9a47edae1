"""案例投稿: a user's account of a case or a dispute in their community, which becomes a draft knowledge
article (knowledge.ArticlePage) and goes through Wagtail's moderation workflow before it is published.

The status of a submission is never stored: it follows from its page and the page's workflow state
(see `selectors.case_status`). `withdrawn_at` records the submitter's own withdrawal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

TITLE_MIN = 5
TITLE_MAX = 80
SECTION_MAX = 3000
LESSONS_MAX = 2000


class CaseKind(models.TextChoices):
    """The article kind the submission becomes (values of knowledge.models.Kind)."""

    CASE = "case", _("案例")
    DISPUTE = "dispute", _("争议处理")


class CaseStatus(models.TextChoices):
    """Derived from the page and its workflow state; never a column."""

    IN_REVIEW = "in_review", _("审核中")
    CHANGES_REQUESTED = "changes_requested", _("退回修改")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class CaseSubmission(models.Model):
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_submissions", verbose_name=_("投稿人"),
    )
    community = models.ForeignKey(
        "registry.Community", on_delete=models.SET_NULL, null=True, blank=True, related_name="case_submissions",
        verbose_name=_("小区"), help_text=_("投稿人所在的小区之一；用于站内消息"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices, default=CaseKind.CASE)
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    background = models.TextField(_("背景"), max_length=SECTION_MAX)
    dispute = models.TextField(_("争议焦点"), max_length=SECTION_MAX)
    handling = models.TextField(_("处理经过"), max_length=SECTION_MAX)
    outcome = models.TextField(_("结果"), max_length=SECTION_MAX)
    lessons = models.TextField(_("启示"), max_length=LESSONS_MAX, blank=True)
    page = models.OneToOneField(
        "knowledge.ArticlePage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("文章页面"),
    )
    created_at = models.DateTimeField(_("投稿时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    published_notified_at = models.DateTimeField(
        _("发布通知时间"), null=True, blank=True, editable=False,
        help_text=_("已把“已发布”告知投稿人（或因没有小区而无需告知）的时间；只为不重复通知，不代表状态"),
    )

    class Meta:
        verbose_name = _("案例投稿")
        verbose_name_plural = _("案例投稿")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["submitted_by", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def review(self):
        """The derived status and the reviewer's comment (see `selectors.case_review`)."""
        from .selectors import case_review

        return case_review(self)
