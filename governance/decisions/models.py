"""Owner decisions (DOMAIN §3): motions, frozen voting rolls, ballots."""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.storage import private_storage

from governance.voting.choices import Channel, SignatureMethod  # noqa: F401  (Channel: part of the models module's names)
from governance.voting.models import AbstractBallot, AbstractRollUnit, AbstractVotingRight
from governance.voting.tally import RULE_MAJORITY, RULE_THREE_QUARTERS, Rule


class MatterType(models.TextChoices):
    """Civil Code Art. 278, items 1–9."""

    RULES_OF_PROCEDURE = "rules_of_procedure", _("制定和修改业主大会议事规则")
    BYLAWS = "bylaws", _("制定和修改管理规约")
    COMMITTEE = "committee", _("选举业主委员会或者更换业主委员会成员")
    PROPERTY_COMPANY = "property_company", _("选聘和解聘物业服务企业或者其他管理人")
    FUND_USE = "fund_use", _("使用建筑物及其附属设施的维修资金")
    FUND_RAISE = "fund_raise", _("筹集建筑物及其附属设施的维修资金")
    REBUILD = "rebuild", _("改建、重建建筑物及其附属设施")
    COMMON_USE = "common_use", _("改变共有部分的用途或者利用共有部分从事经营活动")
    OTHER = "other", _("有关共有和共同管理权利的其他重大事项")


THREE_QUARTER_MATTERS = {MatterType.FUND_RAISE, MatterType.REBUILD, MatterType.COMMON_USE}


def default_rule(matter_type: str) -> Rule:
    return RULE_THREE_QUARTERS if matter_type in THREE_QUARTER_MATTERS else RULE_MAJORITY


def _approval_not_looser(mine, strict: bool, floor, floor_strict: bool) -> bool:
    return mine > floor or (mine == floor and (strict or not floor_strict))


def rule_not_looser(rule: Rule, legal: Rule) -> bool:
    """A community may make the rule stricter than the law (DOMAIN §3), never looser. Exact fractions."""
    return (
        rule.participation_area >= legal.participation_area
        and rule.participation_heads >= legal.participation_heads
        and _approval_not_looser(rule.approval_area, rule.approval_strict, legal.approval_area, legal.approval_strict)
        and _approval_not_looser(rule.approval_heads, rule.approval_strict, legal.approval_heads,
                                 legal.approval_strict)
    )


class MotionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING_REVIEW = "pending_review", _("待审核")
    PUBLISHED = "published", _("已发布")
    VOTING = "voting", _("表决中")
    CLOSED = "closed", _("已截止")
    ANNOUNCED = "announced", _("已公告")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("已驳回")


class Importance(models.TextChoices):
    NORMAL = "normal", _("一般")
    IMPORTANT = "important", _("重要")
    MAJOR = "major", _("重大")


class ScopeKind(models.TextChoices):
    COMMUNITY = "community", _("全体业主")
    BUILDINGS = "buildings", _("部分楼栋")
    UNITS = "units", _("部分房屋")


class Motion(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="motions",
                                  verbose_name=_("小区"))
    matter_type = models.CharField(_("事项类型"), max_length=30, choices=MatterType.choices)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    importance = models.CharField(_("重要程度"), max_length=20, choices=Importance.choices,
                                  default=Importance.NORMAL)
    status = models.CharField(_("状态"), max_length=20, choices=MotionStatus.choices, default=MotionStatus.DRAFT)
    scope_kind = models.CharField(_("表决范围"), max_length=20, choices=ScopeKind.choices,
                                  default=ScopeKind.COMMUNITY)
    scope_buildings = models.ManyToManyField("registry.Building", blank=True, related_name="+",
                                             verbose_name=_("范围内楼栋"))
    scope_units = models.ManyToManyField("registry.Unit", blank=True, related_name="+", verbose_name=_("范围内房屋"))
    opens_at = models.DateTimeField(_("表决开始"))
    closes_at = models.DateTimeField(_("表决截止"))
    signature_method = models.CharField(_("签名方式"), max_length=20, choices=SignatureMethod.choices,
                                        default=SignatureMethod.NONE)
    # The rule used is stored with the vote; it defaults from the matter type and may be made stricter.
    participation_area = models.CharField(_("参与面积比例"), max_length=20, default="2/3")
    participation_heads = models.CharField(_("参与人数比例"), max_length=20, default="2/3")
    approval_area = models.CharField(_("同意面积比例"), max_length=20, default="1/2")
    approval_heads = models.CharField(_("同意人数比例"), max_length=20, default="1/2")
    approval_strict = models.BooleanField(_("同意须“过”该比例"), default=True,
                                          help_text=_("勾选为“过半数”（不含本数），不勾选为“以上”（含本数）"))
    allow_change = models.BooleanField(_("截止前允许改票"), default=False)
    hide_running_results = models.BooleanField(_("截止前隐藏实时结果"), default=True)
    objection_days = models.PositiveSmallIntegerField(_("异议期（天）"), null=True, blank=True,
                                                      help_text=_("填写后先公示表决结果，异议期满再正式公告"))
    reminder_hours = models.CharField(
        _("提醒未投票业主（截止前小时数）"), max_length=60, default="48,4", blank=True,
        help_text=_("以逗号分隔，例如 48,4 表示截止前 48 小时和 4 小时各提醒一次；留空不提醒"),
    )
    reason = models.CharField(_("撤回/驳回理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    voting_opened_at = models.DateTimeField(_("开始表决时间"), null=True, blank=True)
    roll_area_cents = models.BigIntegerField(_("名册总面积（0.01㎡）"), null=True, blank=True, editable=False)
    roll_heads = models.PositiveIntegerField(_("名册总人数"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    interim_at = models.DateTimeField(_("结果公示时间"), null=True, blank=True)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    result = models.JSONField(_("表决结果"), null=True, blank=True)

    class Meta:
        verbose_name = _("议事事项")
        verbose_name_plural = _("议事事项")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="motion_window_ordered", condition=Q(closes_at__gt=models.F("opens_at")))]

    def __str__(self):
        return self.title

    @property
    def rule(self) -> Rule:
        return Rule.from_dict({
            "participation_area": self.participation_area, "participation_heads": self.participation_heads,
            "approval_area": self.approval_area, "approval_heads": self.approval_heads,
            "approval_strict": self.approval_strict,
        })

    def apply_rule(self, rule: Rule) -> None:
        for name, value in rule.to_dict().items():
            setattr(self, name, value)

    @staticmethod
    def fraction_label(value: str) -> str:
        f = Fraction(value)
        return f"{f.numerator}/{f.denominator}"


class MotionAttachment(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), storage=private_storage, upload_to="motions/%Y/%m/")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class VotingRight(AbstractVotingRight):
    """One person-group on the frozen roll: its units, their area, headcount 1."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="rights")
    persons = models.ManyToManyField("registry.Person", blank=True, related_name="voting_rights")

    class Meta:
        verbose_name = _("表决权")
        verbose_name_plural = _("表决权")
        constraints = [models.UniqueConstraint(fields=["motion", "key"], name="voting_right_unique_key")]


class RollUnit(AbstractRollUnit):
    right = models.ForeignKey(VotingRight, on_delete=models.CASCADE, related_name="roll_units")
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="roll_units")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "unit"], name="roll_unit_once_per_motion")]


class Choice(models.TextChoices):
    AGREE = "agree", _("同意")
    OPPOSE = "oppose", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Ballot(AbstractBallot):
    """One ballot per voting right — enforced by the database, not only by a check."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="ballots")
    right = models.OneToOneField(VotingRight, on_delete=models.CASCADE, related_name="ballot")
    choice = models.CharField(_("选项"), max_length=10, choices=Choice.choices)
    scan = models.FileField(_("纸质表决票扫描件"), storage=private_storage, upload_to="ballots/scans/%Y/%m/",
                            blank=True)
    signature = models.FileField(_("电子签名"), storage=private_storage, upload_to="ballots/signatures/%Y/%m/",
                                 blank=True)

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        indexes = [models.Index(fields=["motion", "void", "choice"])]

    def __str__(self):
        return f"{self.right} · {self.get_choice_display()}"


class RosterChangeNote(models.Model):
    """A roster change made after a roll was frozen: recorded, never applied to the roll."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="roster_notes")
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)


class JointMotionStatus(models.TextChoices):
    COLLECTING = "collecting", _("征集联署中")
    REACHED = "reached", _("已达联署比例")
    CONVERTED = "converted", _("已转为议事事项")
    CLOSED = "closed", _("已关闭")


class JointMotion(models.Model):
    """联名动议: an owner drafts a proposal; co-signers reaching the thresholds give the committee a to-do."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="joint_motions",
                                  verbose_name=_("小区"))
    matter_type = models.CharField(_("事项类型"), max_length=30, choices=MatterType.choices, default=MatterType.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=20, choices=JointMotionStatus.choices,
                              default=JointMotionStatus.COLLECTING)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("发起人"))
    area_threshold = models.CharField(_("面积比例"), max_length=20)
    heads_threshold = models.CharField(_("人数比例"), max_length=20)
    reached_at = models.DateTimeField(_("达到比例时间"), null=True, blank=True)
    respond_by = models.DateTimeField(_("答复期限"), null=True, blank=True)
    motion = models.OneToOneField(Motion, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="joint_motion", verbose_name=_("转为议事事项"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联名动议")
        verbose_name_plural = _("联名动议")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class JointSignature(models.Model):
    """One co-signature per voting right (the same headcount rules as a vote), never two."""

    joint_motion = models.ForeignKey(JointMotion, on_delete=models.CASCADE, related_name="signatures")
    right_key = models.CharField(max_length=40)
    area = models.DecimalField(max_digits=12, decimal_places=2)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联署")
        verbose_name_plural = _("联署")
        constraints = [models.UniqueConstraint(fields=["joint_motion", "right_key"], name="joint_signature_once")]


# --- reminders to non-voters (DOMAIN §3) --------------------------------------------------------------


class VoteReminder(models.Model):
    """One hour-mark of a motion's reminder schedule, done once: sent, or skipped because a later mark
    had already come when the scheduler ran (or the mark fell before the vote opened)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="vote_reminders",
                               verbose_name=_("议事事项"))
    hours_before = models.PositiveIntegerField(_("截止前小时数"))
    skipped = models.BooleanField(_("已跳过"), default=False)
    recipients = models.PositiveIntegerField(_("提醒人数"), default=0)
    message = models.ForeignKey("office.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
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
