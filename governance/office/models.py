"""Messages and their per-recipient deliveries, to-dos, vote-reminder marks (DOMAIN §6, §3).

A `Message` is written once; a `Delivery` is one recipient on one channel. The in-site inbox
is simply the deliveries of channel "insite" (`read_at` marks them read), so the portal,
GraphQL and the mini-program list the same rows.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role


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


# --- reminders to non-voters (DOMAIN §3) --------------------------------------------------------------


class VoteReminder(models.Model):
    """One hour-mark of a motion's reminder schedule, done once: sent, or skipped because a later mark
    had already come when the scheduler ran (or the mark fell before the vote opened)."""

    motion = models.ForeignKey("decisions.Motion", on_delete=models.CASCADE, related_name="vote_reminders",
                               verbose_name=_("议事事项"))
    hours_before = models.PositiveIntegerField(_("截止前小时数"))
    skipped = models.BooleanField(_("已跳过"), default=False)
    recipients = models.PositiveIntegerField(_("提醒人数"), default=0)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("消息"))
    sent_at = models.DateTimeField(_("处理时间"))

    class Meta:
        verbose_name = _("投票提醒")
        verbose_name_plural = _("投票提醒")
        ordering = ["motion", "-hours_before"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "hours_before"], name="vote_reminder_once_per_mark"),
        ]

    def __str__(self):
        return f"{self.motion} · 截止前 {self.hours_before} 小时"
