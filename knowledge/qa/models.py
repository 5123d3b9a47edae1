"""业委会问答: questions asked by committee members of any community, answers from committee members and
experts, one accepted answer per question, and reports that moderators review.

Writes go through `services`; who may do what is in `permissions`; the lists are read through `selectors`.
A question is indexed for Chinese search (title, body and the text of its visible answers); hidden questions
are not in the index (`get_indexed_objects`) and the services remove them when they are hidden.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from search.index import ChineseAutocompleteField, ChineseSearchField

TITLE_MIN = 5
TITLE_MAX = 120
QUESTION_BODY_MAX = 5000
ANSWER_MIN = 2
ANSWER_MAX = 5000
REPORT_NOTE_MAX = 500
HIDDEN_REASON_MAX = 200


class PostStatus(models.TextChoices):
    VISIBLE = "visible", _("显示")
    HIDDEN = "hidden", _("已隐藏")


class ReportReason(models.TextChoices):
    AD = "ad", _("广告")
    ABUSE = "abuse", _("人身攻击")
    PRIVACY = "privacy", _("泄露隐私")
    FALSE_INFO = "false_info", _("不实信息")
    OTHER = "other", _("其他")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")


class ReportResolution(models.TextChoices):
    HIDDEN = "hidden", _("已隐藏")
    DISMISSED = "dismissed", _("已驳回")


class Post(models.Model):
    """What questions and answers share: author, body, visibility and moderation."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_%(class)ss",
                               verbose_name=_("作者"))
    body = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PostStatus.choices, default=PostStatus.VISIBLE,
                              db_index=True)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=HIDDEN_REASON_MAX, blank=True)
    hidden_at = models.DateTimeField(_("隐藏时间"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("隐藏人"))
    pending_review = models.BooleanField(
        _("待审核"), default=False, help_text=_("被多人举报后自动隐藏，等待管理员处理"))
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    @property
    def is_visible(self) -> bool:
        return self.status == PostStatus.VISIBLE

    @property
    def is_hidden(self) -> bool:
        return self.status == PostStatus.HIDDEN


class QuestionQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def visible(self):
        return self.filter(status=PostStatus.VISIBLE)


def visible_answers_prefetch(to_attr: str | None = None) -> Prefetch:
    queryset = Answer.objects.filter(status=PostStatus.VISIBLE).order_by("created_at", "pk")
    return Prefetch("answers", queryset=queryset, to_attr=to_attr)


class Question(index.Indexed, Post):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="qa_questions",
                                  verbose_name=_("来自小区"), help_text=_("提问人所在业委会的小区"))
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    accepted_answer = models.ForeignKey("Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                        verbose_name=_("采纳的回答"))
    solved = models.BooleanField(_("已解决"), default=False, db_index=True,
                                 help_text=_("有被采纳且仍显示的回答"))
    answer_count = models.PositiveIntegerField(_("回答数"), default=0, help_text=_("显示中的回答"))
    last_activity_at = models.DateTimeField(_("最后活动时间"), default=timezone.now, db_index=True)

    objects = QuestionQuerySet.as_manager()

    search_fields = [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("body"),
        ChineseSearchField("answers_text"),
        ChineseAutocompleteField("title"),
        index.FilterField("status"),
        index.FilterField("solved"),
        index.FilterField("community"),
        index.FilterField("author"),
        index.FilterField("last_activity_at"),
    ]

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-last_activity_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("qa:detail", args=[self.pk])

    @property
    def shown_accepted_answer_id(self) -> int | None:
        """The accepted answer while it is shown; a hidden accepted answer does not count."""
        return self.accepted_answer_id if self.solved else None

    def answers_text(self) -> str:
        """The text of the visible answers, indexed with the question."""
        answers = getattr(self, "visible_answers_for_index", None)
        if answers is None:
            answers = self.answers.filter(status=PostStatus.VISIBLE).order_by("created_at", "pk")
        return "\n".join(answer.body for answer in answers)

    @classmethod
    def get_indexed_objects(cls):
        return (super().get_indexed_objects().filter(status=PostStatus.VISIBLE)
                .prefetch_related(visible_answers_prefetch("visible_answers_for_index")))


class Answer(Post):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("问题"))

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text[:40] + ("…" if len(text) > 40 else "")

    def get_absolute_url(self) -> str:
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"


class Report(models.Model):
    """A user's report of one question or one answer. One per reporter per post."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_reports",
                                 verbose_name=_("举报人"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
                                 verbose_name=_("被举报的问题"))
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
                               verbose_name=_("被举报的回答"))
    reason = models.CharField(_("举报原因"), max_length=20, choices=ReportReason.choices)
    note = models.TextField(_("补充说明"), blank=True, max_length=REPORT_NOTE_MAX)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN,
                              db_index=True)
    resolution = models.CharField(_("处理结果"), max_length=10, choices=ReportResolution.choices, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("处理人"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("举报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["status", "-created_at", "-pk"]  # "open" sorts before "resolved"
        constraints = [
            models.CheckConstraint(
                name="qa_report_exactly_one_post",
                condition=(Q(question__isnull=False, answer__isnull=True) | Q(question__isnull=True, answer__isnull=False)),
            ),
            models.CheckConstraint(
                name="qa_report_resolution_matches_status",
                condition=(Q(status=ReportStatus.OPEN, resolution="")
                           | Q(status=ReportStatus.RESOLVED, resolution__in=ReportResolution.values)),
            ),
            models.UniqueConstraint(fields=["reporter", "question"], condition=Q(question__isnull=False),
                                    name="qa_report_once_per_question"),
            models.UniqueConstraint(fields=["reporter", "answer"], condition=Q(answer__isnull=False),
                                    name="qa_report_once_per_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.post}"

    @property
    def post(self):
        return self.question if self.question_id else self.answer

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN
