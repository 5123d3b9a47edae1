"""Surveys (问卷调查, DOMAIN §3) and the satisfaction evaluation that reuses them (§5).

A template (问卷模板) holds reusable questions; a survey copies them when it is created, so
editing a template never changes a survey already out. One answer per person or per unit is
enforced by conditional unique constraints on `Response`, keyed by the response's own copy of
the survey's `answer_per` (a constraint's condition can only read its own row).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PublisherKind(models.TextChoices):
    STREET = "street", _("街道")
    RESIDENTS_COMMITTEE = "rc", _("居委会")
    OWNERS_COMMITTEE = "committee", _("业委会")
    PROPERTY = "property", _("物业")


class Audience(models.TextChoices):
    OWNERS = "owners", _("业主")
    ALL_RESIDENTS = "all_residents", _("全体住户（业主和租户）")


class ScopeKind(models.TextChoices):
    COMMUNITY = "community", _("全小区")
    BUILDINGS = "buildings", _("部分楼栋")


class AnswerPer(models.TextChoices):
    PERSON = "person", _("每人一份")
    UNIT = "unit", _("每户一份")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已截止")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("文本")
    RATING = "rating", _("评分（1–5分）")
    NUMBER = "number", _("数字")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
RATING_MIN, RATING_MAX = 1, 5


class SurveyTemplate(models.Model):
    """Reusable questions. `community` empty means a platform-wide template (maintained by superusers)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="survey_templates", verbose_name=_("小区"),
                                  help_text=_("留空为全平台通用模板"))
    title = models.CharField(_("模板名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问卷模板")
        verbose_name_plural = _("问卷模板")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class Survey(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="surveys",
                                  verbose_name=_("小区"))
    template = models.ForeignKey(SurveyTemplate, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="surveys", verbose_name=_("来源模板"))
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    publisher_kind = models.CharField(_("发布单位"), max_length=20, choices=PublisherKind.choices)
    publisher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("发布人"))
    audience = models.CharField(_("调查对象"), max_length=20, choices=Audience.choices, default=Audience.OWNERS)
    scope_kind = models.CharField(_("调查范围"), max_length=20, choices=ScopeKind.choices,
                                  default=ScopeKind.COMMUNITY)
    scope_buildings = models.ManyToManyField("registry.Building", blank=True, related_name="+",
                                             verbose_name=_("范围内楼栋"))
    answer_per = models.CharField(_("作答方式"), max_length=10, choices=AnswerPer.choices, default=AnswerPer.PERSON)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("问卷调查")
        verbose_name_plural = _("问卷调查")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="survey_window_ordered", condition=Q(closes_at__gt=models.F("opens_at")),
                                   violation_error_message=_("截止时间必须晚于开始时间。")),
        ]
        indexes = [models.Index(fields=["community", "status"]), models.Index(fields=["status", "closes_at"])]

    def __str__(self):
        return self.title


class Question(models.Model):
    """A question of exactly one survey or one template; `order` is its number (第N题), from 1."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, null=True, blank=True, related_name="questions")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="questions")
    order = models.PositiveSmallIntegerField(_("题号"))
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=500)
    required = models.BooleanField(_("必答"), default=True)
    min_value = models.DecimalField(_("最小值"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("最大值"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="question_survey_xor_template",
                condition=Q(survey__isnull=False, template__isnull=True) | Q(survey__isnull=True,
                                                                             template__isnull=False),
            ),
            models.UniqueConstraint(fields=["survey", "order"], condition=Q(survey__isnull=False),
                                    name="question_order_unique_in_survey"),
            models.UniqueConstraint(fields=["template", "order"], condition=Q(template__isnull=False),
                                    name="question_order_unique_in_template"),
        ]

    def __str__(self):
        return f"第{self.order}题 {self.text}"

    @property
    def number(self) -> int:
        return self.order

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("顺序"))
    text = models.CharField(_("选项"), max_length=200)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "order"], name="option_order_unique")]

    def __str__(self):
        return self.text


class Response(models.Model):
    """One submitted questionnaire (答卷). `per` copies the survey's `answer_per` for the constraints."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_responses",
                             verbose_name=_("答卷人"))
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("房屋"))
    per = models.CharField(_("作答方式"), max_length=10, choices=AnswerPer.choices)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], condition=Q(per=AnswerPer.PERSON),
                                    name="survey_response_one_per_person"),
            models.UniqueConstraint(fields=["survey", "unit"], condition=Q(per=AnswerPer.UNIT),
                                    name="survey_response_one_per_unit"),
            models.CheckConstraint(name="survey_response_unit_when_per_unit",
                                   condition=Q(per=AnswerPer.PERSON) | Q(unit__isnull=False)),
        ]

    def __str__(self):
        return f"{self.survey} · {self.user}"


class Answer(models.Model):
    """The answer to one question: chosen options (single/multiple), text, or a number (rating/number)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    options = models.ManyToManyField(Option, blank=True, related_name="answers")
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]
