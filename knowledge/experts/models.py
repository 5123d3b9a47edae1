"""专家预约: expert profiles (专家顾问), their bookable time slots (时段) and the committees' bookings (预约).

An expert is listed and bookable only while the profile is published (Wagtail's `live`: editors keep
profiles as draft-state snippets with revisions) and the user holds an active Role.EXPERT membership.
A slot holds at most one pending-or-confirmed booking: a conditional unique constraint backs the lock the
booking service takes on the slot row.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
SPECIALTY_SPLIT = re.compile(r"[，,、;；\s]+")


class SlotMode(models.TextChoices):
    VIDEO = "video", _("线上视频")
    PHONE = "phone", _("电话")
    ONSITE = "onsite", _("现场")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("已婉拒")
    CANCELLED = "cancelled", _("已取消")


#: The statuses that hold a slot (at most one such booking per slot).
HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


def local_span(starts_at, ends_at) -> str:
    """'11月3日 14:00–15:00' in Asia/Shanghai time (the end date is repeated when the span crosses midnight)."""
    start, end = starts_at.astimezone(LOCAL_TZ), ends_at.astimezone(LOCAL_TZ)
    text = f"{start.month}月{start.day}日 {start:%H:%M}–"
    if end.date() != start.date():
        text += f"{end.month}月{end.day}日 "
    return text + f"{end:%H:%M}"


class ExpertProfile(LockableMixin, DraftStateMixin, RevisionMixin, models.Model):
    """专家顾问的公开资料：编辑在后台维护（草稿、发布、版本、锁定）。"""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile",
                                verbose_name=_("专家账号"),
                                help_text=_("须为持有“专家顾问”角色的用户（角色由平台管理员授予）"))
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职称"), max_length=50, help_text=_("如 律师、高级工程师、注册会计师"))
    organisation = models.CharField(_("所在单位"), max_length=100)
    specialties = models.CharField(_("擅长领域"), max_length=200, help_text=_("多个领域用顿号或逗号分隔"))
    bio = models.TextField(_("个人简介"), max_length=4000, blank=True)
    photo = models.ForeignKey("wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("照片"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="expert_profile")

    class Meta:
        verbose_name = _("专家资料")
        verbose_name_plural = _("专家资料")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name

    @property
    def revisions(self):
        return self._revisions

    @property
    def published(self) -> bool:
        """Published = live (the snippet's draft state)."""
        return self.live

    @property
    def specialty_list(self) -> list[str]:
        return [part for part in SPECIALTY_SPLIT.split(self.specialties or "") if part]


class ExpertSlot(models.Model):
    """专家开放的一个咨询时段。取消后不再可约（记录保留）。"""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="slots",
                               verbose_name=_("专家"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    mode = models.CharField(_("方式"), max_length=10, choices=SlotMode.choices, default=SlotMode.VIDEO)
    place = models.CharField(_("地点或说明"), max_length=200, blank=True,
                             help_text=_("现场咨询填写地点；线上或电话可填写说明"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("取消人"))

    class Meta:
        verbose_name = _("专家时段")
        verbose_name_plural = _("专家时段")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(name="experts_slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at")),
                                  violation_error_message=_("结束时间须晚于开始时间。")),
        ]
        indexes = [models.Index(fields=["expert", "starts_at"])]

    def __str__(self):
        return f"{self.expert.name} · {self.span}"

    @property
    def span(self) -> str:
        return local_span(self.starts_at, self.ends_at)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Booking(models.Model):
    """业委会对专家时段的一次预约。"""

    slot = models.ForeignKey(ExpertSlot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("时段"))
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="expert_bookings",
                                  verbose_name=_("小区"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="expert_bookings", verbose_name=_("预约人"))
    topic = models.CharField(_("咨询主题"), max_length=100)
    details = models.TextField(_("问题说明"), max_length=2000, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    expert_note = models.TextField(_("专家留言"), max_length=500, blank=True)
    meeting_info = models.TextField(_("会面信息"), max_length=500, blank=True,
                                    help_text=_("确认时由专家填写，如会议链接、电话或见面地点"))
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("取消人"))

    class Meta:
        verbose_name = _("专家预约")
        verbose_name_plural = _("专家预约")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["slot"], condition=Q(status__in=["pending", "confirmed"]),
                                    name="experts_one_holding_booking_per_slot"),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self):
        return f"{self.topic}（{self.get_status_display()}）"

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING_STATUSES
