from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.masking import mask_phone


class User(AbstractUser):
    """A person who signs in. The mobile phone is the sign-in identifier for everyone but `admin`."""

    phone = models.CharField(_("手机号"), max_length=20, unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    display_name = models.CharField(_("显示名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        if self.display_name:
            return self.display_name
        if self.phone:
            return mask_phone(self.phone)
        return self.username

    def get_full_name(self) -> str:
        """What Wagtail's admin shows for a user (page owner, revision author, workflow requester, logs):
        the display name or the masked phone, never the raw number that phone sign-ups use as username."""
        full = super().get_full_name()
        if self.display_name or full:
            return self.display_name or full
        return mask_phone(self.phone) if self.phone else self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Role(models.TextChoices):
    COMMITTEE_MEMBER = "committee_member", _("业委会委员")
    COMMITTEE_SECRETARY = "committee_secretary", _("执行秘书")
    PROPERTY_STAFF = "property_staff", _("物业人员")
    RC_STAFF = "rc_staff", _("居委会工作人员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    EDITOR = "editor", _("内容编辑")
    EXPERT = "expert", _("专家顾问")


class PropertyTeam(models.TextChoices):
    MANAGER = "manager", _("项目经理")
    SERVICE = "service", _("客服")
    DISPATCH = "dispatch", _("调度")
    REPAIR = "repair", _("维修")
    CLEANING = "cleaning", _("保洁")
    SECURITY = "security", _("秩序")


class Membership(models.Model):
    """A staff role held by a user in one scope: a community, a residents' committee or a street.

    Owner, co-owner and tenant roles are not stored here: they follow from verified
    ownerships and residencies in the registry (see `governance.registry.roles`).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("小区"),
    )
    residents_committee = models.ForeignKey(
        "registry.ResidentsCommittee", on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("居委会"),
    )
    street = models.ForeignKey(
        "registry.Street", on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("街道"),
    )
    team = models.CharField(_("物业班组"), max_length=20, choices=PropertyTeam.choices, blank=True)
    title = models.CharField(_("职务"), max_length=30, blank=True, help_text=_("如 主任、副主任、委员"))
    active = models.BooleanField(_("有效"), default=True)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色成员")
        verbose_name_plural = _("角色成员")
        constraints = [
            models.CheckConstraint(
                name="membership_exactly_one_scope_or_global",
                condition=(
                    Q(community__isnull=False, residents_committee__isnull=True, street__isnull=True)
                    | Q(community__isnull=True, residents_committee__isnull=False, street__isnull=True)
                    | Q(community__isnull=True, residents_committee__isnull=True, street__isnull=False)
                    | Q(community__isnull=True, residents_committee__isnull=True, street__isnull=True,
                        role__in=["editor", "expert"])
                ),
            ),
        ]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self):
        scope = self.community or self.residents_committee or self.street or _("全平台")
        return f"{self.user} · {self.get_role_display()} · {scope}"
