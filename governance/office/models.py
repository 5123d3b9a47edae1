"""Messages and their per-recipient deliveries, to-dos, vote-reminder marks (DOMAIN §6, §3).

A `Message` is written once; a `Delivery` is one recipient on one channel. The in-site inbox
is simply the deliveries of channel "insite" (`read_at` marks them read), so the portal,
GraphQL and the mini-program list the same rows.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.signals import page_published

from portal.accounts.models import Role

from .notices.forms import NoticePageForm


class ChannelName(models.TextChoices):
    INSITE = "insite", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    WECHAT = "wechat", _("微信订阅消息")


class MessageKind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    VOTE_REMINDER = "vote_reminder", _("投票提醒")
    TODO = "todo", _("待办提醒")
    SYSTEM = "system", _("系统消息")


class Message(models.Model):
    """What is said once, to many. Its deliveries say to whom, how, and whether it arrived and was read."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="messages",
                                  verbose_name=_("小区"))
    kind = models.CharField(_("类型"), max_length=30, choices=MessageKind.choices, default=MessageKind.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("摘要"), max_length=200, blank=True,
                               help_text=_("短信和微信订阅消息使用的短文本；留空时使用标题"))
    body = models.TextField(_("正文"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, help_text=_("站内路径，如 /votes/12/"))
    # The record this message is about (a notice page, a motion, a to-do …), by model label and id.
    source_type = models.CharField(_("来源类型"), max_length=100, blank=True)
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("发送人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source_type", "source_id"]), models.Index(fields=["community", "kind"])]

    def __str__(self):
        return self.title

    @property
    def short_text(self) -> str:
        return self.summary or self.title


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One recipient on one channel. Claimed (queued → sending) before it is handed to the channel, so it
    is handed over at most once however often the sending task runs."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("消息"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries",
                                  verbose_name=_("接收人"))
    channel = models.CharField(_("渠道"), max_length=16, choices=ChannelName.choices)
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.QUEUED)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField(_("失败原因"), blank=True)
    reference = models.CharField(_("渠道回执"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient", "channel"], name="delivery_once_per_channel"),
        ]
        indexes = [
            models.Index(fields=["message", "channel", "status"]),
            models.Index(fields=["recipient", "channel", "status", "read_at"]),
            models.Index(fields=["status", "channel"]),
        ]

    def __str__(self):
        return f"{self.message} → {self.recipient} · {self.get_channel_display()} · {self.get_status_display()}"


class WeChatOpenID(models.Model):
    """The mini-program openid of a user: where WeChat subscription messages go."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wechat_openid",
                                verbose_name=_("用户"))
    openid = models.CharField(_("openid"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("绑定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("微信绑定")
        verbose_name_plural = _("微信绑定")

    def __str__(self):
        return f"{self.user} · {self.openid[:6]}…"


# --- to-dos (智能待办) --------------------------------------------------------------------------------


class TodoTag(models.TextChoices):
    MOTION = "motion", _("动议")
    SEAL = "seal", _("用印")
    APPROVAL = "approval", _("审批")
    WORK_ORDER = "work_order", _("工单")
    PATROL = "patrol", _("巡检")
    JOINT_MOTION = "joint_motion", _("联名")
    ELECTION = "election", _("选举")
    OTHER = "other", _("其他")


class TodoStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", _("待审核")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class Todo(models.Model):
    """Work waiting for a person (`assignee`) or for whoever holds a role in the community (`assignee_role`)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="todos",
                                  verbose_name=_("小区"))
    tag = models.CharField(_("标签"), max_length=20, choices=TodoTag.choices, default=TodoTag.OTHER)
    title = models.CharField(_("事项"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=TodoStatus.choices, default=TodoStatus.IN_PROGRESS)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="todos", verbose_name=_("办理人"))
    assignee_role = models.CharField(_("办理角色"), max_length=32, blank=True, null=True, choices=Role.choices)
    link_type = models.CharField(_("关联类型"), max_length=100, blank=True)
    link_id = models.CharField(_("关联编号"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("完成人"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待办")
        verbose_name_plural = _("待办")
        ordering = ["status", "due_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="todo_has_assignee_or_role",
                                   condition=Q(assignee__isnull=False) | Q(assignee_role__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "reminded_at", "due_at"]),
            models.Index(fields=["link_type", "link_id"]),
        ]

    def __str__(self):
        return self.title

    def linked_object(self):
        """The record this to-do is about, or None (deleted, or no link)."""
        if not self.link_type or not self.link_id:
            return None
        try:
            model = apps.get_model(self.link_type)
        except (LookupError, ValueError):
            return None
        return model._default_manager.filter(pk=self.link_id).first()


# --- notices (通知公告, DOMAIN §6) -------------------------------------------------------------------
#
# A notice is a Wagtail page under a community's home. Publishing it (the editor's 发布, a workflow's
# final approval, a scheduled publish) fans out once: one `Message` with one `Delivery` per recipient
# per channel (`NoticeDispatch` records that it happened). Reading it on the portal or through GraphQL
# sets `Delivery.read_at`; a "must confirm" notice also takes an explicit `NoticeConfirmation`. After
# `second_reminder_hours` the still-unread recipients get one reminder (`NoticeReminder`).
# The logic lives in `governance.office.notices`.


def default_second_reminder_hours() -> int:
    """settings.NOTICE_SECOND_REMINDER_HOURS, 24 when unset."""
    return int(getattr(settings, "NOTICE_SECOND_REMINDER_HOURS", 24))


def default_notice_channels() -> list[str]:
    return [ChannelName.INSITE]


class NoticeAudience(models.TextChoices):
    OWNERS = "owners", _("仅业主")
    ALL_RESIDENTS = "all_residents", _("全体住户（业主和租户）")


class NoticeScope(models.TextChoices):
    COMMUNITY = "community", _("全小区")
    BUILDINGS = "buildings", _("部分楼栋")


class NoticePage(Page):
    """通知公告: published under a community's home, read by its members, delivered to its audience."""

    is_notice = True  # the community home lists these in its 通知公告 section

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  editable=False, related_name="notice_pages", verbose_name=_("小区"),
                                  help_text=_("由所在的小区主页决定"))
    summary = models.CharField(_("摘要"), max_length=200, blank=True,
                               help_text=_("短信和微信订阅消息使用的短文本；留空时使用标题"))
    body = RichTextField(_("正文"))
    audience = models.CharField(_("通知对象"), max_length=20, choices=NoticeAudience.choices,
                                default=NoticeAudience.ALL_RESIDENTS)
    scope_kind = models.CharField(_("通知范围"), max_length=20, choices=NoticeScope.choices,
                                  default=NoticeScope.COMMUNITY)
    scope_buildings = ParentalManyToManyField("registry.Building", blank=True, related_name="+",
                                              verbose_name=_("范围内楼栋"))
    channels = models.JSONField(_("发送渠道"), default=default_notice_channels)
    must_confirm = models.BooleanField(_("须确认"), default=False,
                                       help_text=_("勾选后，接收人须点击“我已阅读并确认”"))
    second_reminder_hours = models.PositiveIntegerField(
        _("二次提醒（小时）"), default=default_second_reminder_hours,
        help_text=_("发布后经过这么多小时仍未阅读的接收人会收到一次提醒；0 表示不提醒"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([
            FieldPanel("audience"),
            FieldPanel("scope_kind"),
            FieldPanel("scope_buildings", widget=forms.CheckboxSelectMultiple),
        ], heading=_("发送对象")),
        MultiFieldPanel([
            FieldPanel("channels"),
            FieldPanel("must_confirm"),
            FieldPanel("second_reminder_hours"),
        ], heading=_("发送方式")),
    ]
    parent_page_types = ["home.CommunityPage"]
    subpage_types: list[str] = []
    base_form_class = NoticePageForm
    template = "office/notice_page.html"

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")

    # the community comes from the tree, never from input ----------------------------------------------

    def _community_id_from_tree(self):
        page = self.community_page if self.path else None
        return getattr(page, "community_id", None)

    def clean(self):
        super().clean()
        community_id = self._community_id_from_tree()
        if community_id is not None:
            self.community_id = community_id
        from .channels import channel_names

        known = channel_names()
        if not self.channels or not isinstance(self.channels, list) or any(c not in known for c in self.channels):
            raise ValidationError({"channels": _("请至少选择一个有效的发送渠道。")})
        if self.scope_kind == NoticeScope.BUILDINGS and self.community_id is not None:
            buildings = list(self.scope_buildings.all())
            if not buildings:
                raise ValidationError({"scope_buildings": _("请选择至少一栋楼。")})
            if any(building.community_id != self.community_id for building in buildings):
                raise ValidationError({"scope_buildings": _("只能选择本小区的楼栋。")})

    def save(self, *args, **kwargs):
        community_id = self._community_id_from_tree()
        if community_id is not None:
            self.community_id = community_id
        return super().save(*args, **kwargs)

    # reading and confirming on the portal (governance.office.notices.views) ----------------------------

    def serve(self, request, *args, **kwargs):
        from .notices.views import notice_serve

        return notice_serve(self, request)

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context.update({"page": self, "self": self, "preview": True})
        return context

    def get_preview_template(self, request, mode_name):
        return self.template

    @cached_property
    def community_page(self):
        """The community's home page this notice is under (its parent, by `parent_page_types`)."""
        parent = self.get_parent()
        return parent.specific if parent is not None else None


class NoticeDispatch(models.Model):
    """The fan-out of one notice, done once (one row per notice): its message and how many it reached."""

    notice = models.OneToOneField(NoticePage, on_delete=models.CASCADE, related_name="dispatch",
                                  verbose_name=_("通知公告"))
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("小区"))
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("消息"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    dispatched_at = models.DateTimeField(_("发送时间"))

    class Meta:
        verbose_name = _("通知阅读统计")
        verbose_name_plural = _("通知阅读统计")
        ordering = ["-dispatched_at", "-pk"]

    def __str__(self):
        return self.notice.title


class NoticeReminder(models.Model):
    """The one second reminder of a notice to its still-unread recipients (unique per notice)."""

    notice = models.OneToOneField(NoticePage, on_delete=models.CASCADE, related_name="second_reminder",
                                  verbose_name=_("通知公告"))
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("消息"))
    recipients = models.PositiveIntegerField(_("提醒人数"), default=0)
    sent_at = models.DateTimeField(_("提醒时间"))

    class Meta:
        verbose_name = _("通知二次提醒")
        verbose_name_plural = _("通知二次提醒")

    def __str__(self):
        return f"{self.notice.title} · 二次提醒"


class NoticeConfirmation(models.Model):
    """A recipient's 我已阅读并确认 of a "must confirm" notice. Once per recipient."""

    notice = models.ForeignKey(NoticePage, on_delete=models.CASCADE, related_name="confirmations",
                               verbose_name=_("通知公告"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("通知确认")
        verbose_name_plural = _("通知确认")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_confirm_once")]

    def __str__(self):
        return f"{self.notice.title} · {self.user}"


def _notice_published(sender, instance, **kwargs):
    """Every way a notice goes live (editor, workflow approval, scheduled publish, code) sends this signal."""
    from .notices.services import notice_published

    notice_published(instance)


page_published.connect(_notice_published, sender=NoticePage, dispatch_uid="office_notice_published")
