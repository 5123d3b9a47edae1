"""Per-community records behind the community pages, kept by the community's staff in the admin.

Bylaws (三项规约), the bulletin board (宣传栏), the archive (小区档案), feedback (意见反馈) and the
activation checklist (开启条件). Every write goes through `home.services` (or the scoped admin's
audited generic create/edit for the plain bulletin records).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.search import index

from portal.storage import private_storage


def _this_year() -> int:
    return timezone.localdate().year


# --- bylaws (三项规约) --------------------------------------------------------------------------


class BylawKind(models.TextChoices):
    RULES_OF_PROCEDURE = "rules_of_procedure", _("议事规则")
    WORKING_RULES = "working_rules", _("工作规则")
    MANAGEMENT_STATUTE = "management_statute", _("管理规约")


BYLAW_FULL_TITLES = {
    BylawKind.RULES_OF_PROCEDURE: _("业主大会议事规则"),
    BylawKind.WORKING_RULES: _("业主委员会工作规则"),
    BylawKind.MANAGEMENT_STATUTE: _("管理规约"),
}


class Bylaw(models.Model):
    """One of a community's three bylaws: an uploaded document (PDF or image), a text, or both."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="bylaws",
                                  verbose_name=_("小区"))
    kind = models.CharField(_("规约"), max_length=30, choices=BylawKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to="bylaws/%Y/", blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True, editable=False)
    body = RichTextField(_("正文"), blank=True)
    adopted_on = models.DateField(_("通过日期"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("更新人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("小区规约")
        verbose_name_plural = _("小区规约")
        ordering = ["community", "kind"]
        constraints = [models.UniqueConstraint(fields=["community", "kind"], name="home_bylaw_one_per_kind")]

    def __str__(self):
        return f"{self.community} · {self.get_kind_display()}"

    @property
    def full_title(self) -> str:
        return str(BYLAW_FULL_TITLES[self.kind])

    @property
    def has_text(self) -> bool:
        return bool(strip_tags(self.body or "").strip())

    @property
    def is_present(self) -> bool:
        return bool(self.file) or self.has_text


# --- bulletin board (宣传栏) -------------------------------------------------------------------


class BulletinType(models.Model):
    """A column of the bulletin board (e.g. 社区活动, 文明宣传). Without a community it is offered everywhere."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="bulletin_types", verbose_name=_("小区"),
                                  help_text=_("留空为全平台通用类别"))
    name = models.CharField(_("名称"), max_length=30)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("宣传栏类别")
        verbose_name_plural = _("宣传栏类别")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="home_bulletin_type_unique_name"),
            models.UniqueConstraint(fields=["name"], condition=Q(community__isnull=True),
                                    name="home_bulletin_type_unique_global_name"),
        ]

    def __str__(self):
        return self.name


class BulletinItem(models.Model):
    """One poster of the bulletin board."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="bulletin_items",
                                  verbose_name=_("小区"))
    type = models.ForeignKey(BulletinType, on_delete=models.PROTECT, related_name="items", verbose_name=_("类别"))
    title = models.CharField(_("标题"), max_length=100)
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("图片"))
    body = RichTextField(_("内容"), blank=True)
    date = models.DateField(_("日期"), default=datetime.date.today)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面"))
    published = models.BooleanField(_("展示"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("宣传栏内容")
        verbose_name_plural = _("宣传栏内容")
        ordering = ["sort_order", "-date", "-pk"]

    def __str__(self):
        return self.title


# --- archive (小区档案) ------------------------------------------------------------------------


class ArchiveCategory(models.TextChoices):
    MINUTES = "minutes", _("会议纪要")
    CONTRACT = "contract", _("合同")
    FINANCE = "finance", _("财务")
    BYLAWS = "bylaws", _("规约")
    NOTICE = "notice", _("公告")
    OTHER = "other", _("其他")


class ArchiveDocument(index.Indexed, models.Model):
    """A filed document of a community. Private to the community's members unless made public.

    The file is kept in private storage and served only by the checked view; the text of a PDF is
    extracted on upload so the archive can be searched (icontains now, the search backend later).
    """

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="archive_documents",
                                  verbose_name=_("小区"))
    title = models.CharField(_("标题"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=ArchiveCategory.choices,
                                default=ArchiveCategory.OTHER)
    year = models.PositiveSmallIntegerField(
        _("年份"), default=_this_year, validators=[MinValueValidator(1949), MaxValueValidator(2200)]
    )
    file = models.FileField(_("文件"), storage=private_storage, upload_to="archive/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=100, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True, editable=False)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0, editable=False)
    is_public = models.BooleanField(_("公开"), default=False, help_text=_("公开后非本小区成员也能查看"))
    extracted_text = models.TextField(_("提取的文字"), blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("extracted_text"),
        index.AutocompleteField("title"),
        index.FilterField("community"),
        index.FilterField("category"),
        index.FilterField("year"),
        index.FilterField("is_public"),
    ]

    class Meta:
        verbose_name = _("小区档案")
        verbose_name_plural = _("小区档案")
        ordering = ["-year", "category", "-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["community", "category", "year"])]

    def __str__(self):
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


# --- feedback (意见反馈) -----------------------------------------------------------------------


class FeedbackCategory(models.TextChoices):
    USAGE = "usage", _("使用问题")
    SUGGESTION = "suggestion", _("功能建议")
    COMMUNITY = "community", _("小区事务")
    OTHER = "other", _("其他")


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", _("待回复")
    REPLIED = "replied", _("已回复")


class Feedback(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="feedback",
                                  verbose_name=_("小区"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback",
                             verbose_name=_("提交人"))
    category = models.CharField(_("类别"), max_length=20, choices=FeedbackCategory.choices,
                                default=FeedbackCategory.SUGGESTION)
    content = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=20, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.PENDING)
    reply = models.TextField(_("回复"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("回复人"))
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("意见反馈")
        verbose_name_plural = _("意见反馈")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"]), models.Index(fields=["user", "community"])]

    def __str__(self):
        text = self.content.replace("\n", " ")
        return f"{self.get_category_display()} · {text[:30]}"


# --- activation checklist (开启条件) ---------------------------------------------------------


class ActivationChecklist(models.Model):
    """The two items of the activation checklist that staff tick by hand; the other two are computed
    (see `home.selectors.activation_status`)."""

    community = models.OneToOneField("registry.Community", on_delete=models.CASCADE,
                                     related_name="activation_checklist", verbose_name=_("小区"))
    nda_signed = models.BooleanField(_("保密协议已签署"), default=False)
    nda_signed_at = models.DateTimeField(_("保密协议签署登记时间"), null=True, blank=True)
    roster_authorized = models.BooleanField(_("名册使用已授权"), default=False)
    roster_authorized_at = models.DateTimeField(_("名册授权登记时间"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("更新人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("开启条件")
        verbose_name_plural = _("开启条件")
        ordering = ["community"]

    def __str__(self):
        return f"{self.community} · 开启条件"
