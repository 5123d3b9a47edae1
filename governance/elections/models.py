"""Committee elections (业委会选举) and preparatory groups (筹备组), DOMAIN §3.

A term (选届) holds election rounds (选举). A round has a registration window, a voting window,
the rule it is counted by (stored with it, as for motions), a signature method and a frozen roll
built with the same headcount rules as a motion's. Each voting right casts at most one ballot
(a database constraint) selecting at most `seats` approved candidates.

A preparatory group is opened by the street office; its applicants are the candidates of an
election round of kind "preparatory", so registration, review, the vote and the count are the
same machinery; the street then confirms the members (PreparatoryMember rows).
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.voting.choices import Channel, SignatureMethod
from governance.voting.models import AbstractBallot, AbstractRollUnit, AbstractVotingRight
from governance.voting.tally import RULE_MAJORITY, Rule
from portal.storage import private_storage

__all__ = [
    "Candidate", "CandidateStatus", "Channel", "ElectionBallot", "ElectionKind", "ElectionRight", "ElectionRollUnit",
    "ElectionRosterChangeNote",
    "ElectionRound", "ElectionSelection", "PreparatoryGroup", "PreparatoryMember", "RoundStatus", "SignatureMethod",
    "Term", "default_election_rule",
]


def default_election_rule() -> Rule:
    """Civil Code Art. 278 item 3: 2/3 quorum, more than 1/2 of the participating area and heads."""
    return RULE_MAJORITY


class Term(models.Model):
    """选届: one committee term of a community."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="election_terms",
                                  verbose_name=_("小区"))
    name = models.CharField(_("届次名称"), max_length=100, help_text=_("如 第二届业主委员会"))
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期结束"))
    seats = models.PositiveSmallIntegerField(_("委员名额"), validators=[MinValueValidator(1)])
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选届")
        verbose_name_plural = _("选届")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="term_period_ordered", condition=Q(ends_on__gt=F("starts_on")),
                                   violation_error_message=_("任期结束日期必须晚于开始日期。")),
            models.CheckConstraint(name="term_seats_positive", condition=Q(seats__gte=1),
                                   violation_error_message=_("委员名额至少为 1 人。")),
        ]

    def __str__(self):
        return f"{self.community} · {self.name}"


class ElectionKind(models.TextChoices):
    COMMITTEE = "committee", _("业委会选举")
    PREPARATORY = "preparatory", _("筹备组推选")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REGISTRATION = "registration", _("报名中")
    REVIEW = "review", _("资格审查")
    VOTING = "voting", _("投票中")
    CLOSED = "closed", _("已截止")
    ANNOUNCED = "announced", _("已公告")


class ElectionRound(models.Model):
    """选举: one round of an election (or of a preparatory group's vote)."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="election_rounds",
                                  verbose_name=_("小区"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds",
                             verbose_name=_("选届"))
    kind = models.CharField(_("类型"), max_length=20, choices=ElectionKind.choices, default=ElectionKind.COMMITTEE)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    seats = models.PositiveSmallIntegerField(_("应选人数"), validators=[MinValueValidator(1)])
    registration_opens_at = models.DateTimeField(_("报名开始"))
    registration_closes_at = models.DateTimeField(_("报名截止"))
    voting_opens_at = models.DateTimeField(_("投票开始"))
    voting_closes_at = models.DateTimeField(_("投票截止"))
    signature_method = models.CharField(_("签名方式"), max_length=20, choices=SignatureMethod.choices,
                                        default=SignatureMethod.NONE)
    # The rule used is stored with the round, as for motions (item 3 by default, may be made stricter).
    participation_area = models.CharField(_("参与面积比例"), max_length=20, default="2/3")
    participation_heads = models.CharField(_("参与人数比例"), max_length=20, default="2/3")
    approval_area = models.CharField(_("当选面积比例"), max_length=20, default="1/2")
    approval_heads = models.CharField(_("当选人数比例"), max_length=20, default="1/2")
    approval_strict = models.BooleanField(_("当选须“过”该比例"), default=True,
                                          help_text=_("勾选为“过半数”（不含本数），不勾选为“以上”（含本数）"))
    allow_change = models.BooleanField(_("截止前允许改票"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    result = models.JSONField(_("选举结果"), null=True, blank=True)
    tie_resolution = models.JSONField(_("并列处理"), null=True, blank=True,
                                      help_text=_("名额线上票数并列时，按议事规则（决选或抽签）确定的当选人及依据"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    voting_opened_at = models.DateTimeField(_("开始投票时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    members_made_at = models.DateTimeField(_("设为委员时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("选举")
        verbose_name_plural = _("选举")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="round_registration_ordered",
                                   condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                                   violation_error_message=_("报名截止时间必须晚于报名开始时间。")),
            models.CheckConstraint(name="round_voting_ordered", condition=Q(voting_closes_at__gt=F("voting_opens_at")),
                                   violation_error_message=_("投票截止时间必须晚于投票开始时间。")),
            models.CheckConstraint(name="round_voting_after_registration",
                                   condition=Q(voting_opens_at__gte=F("registration_closes_at")),
                                   violation_error_message=_("投票开始时间不能早于报名截止时间。")),
            models.CheckConstraint(name="round_committee_has_term",
                                   condition=Q(kind="preparatory") | Q(term__isnull=False),
                                   violation_error_message=_("业委会选举必须属于一个选届。")),
            models.CheckConstraint(name="round_seats_positive", condition=Q(seats__gte=1),
                                   violation_error_message=_("应选人数至少为 1 人。")),
        ]

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

    @property
    def is_preparatory(self) -> bool:
        return self.kind == ElectionKind.PREPARATORY


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("正式候选人")
    REJECTED = "rejected", _("未通过审核")


class Candidate(models.Model):
    """A candidate (or a preparatory-group applicant). Only approved candidates can be selected."""

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="candidates",
                              verbose_name=_("选举"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="candidacies", verbose_name=_("名册人员"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="candidacies", verbose_name=_("账户"))
    name = models.CharField(_("姓名"), max_length=50)
    statement = models.TextField(_("参选陈述"), blank=True)
    signature = models.FileField(_("申请签名"), storage=private_storage, upload_to="elections/signatures/%Y/%m/",
                                 blank=True)
    status = models.CharField(_("审核状态"), max_length=20, choices=CandidateStatus.choices,
                              default=CandidateStatus.PENDING)
    reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    registered_at = models.DateTimeField(_("报名时间"))

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["round", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], condition=Q(user__isnull=False),
                                    name="candidate_once_per_round_user"),
            models.UniqueConstraint(fields=["round", "person"], condition=Q(person__isnull=False),
                                    name="candidate_once_per_round_person"),
        ]

    def __str__(self):
        return f"{self.name}（{self.round}）"

    @property
    def label(self) -> str:
        """How a candidate is written in exports: unique even when two candidates share a name."""
        return f"{self.name}（#{self.pk}）"


class ElectionRight(AbstractVotingRight):
    """One person-group on a round's frozen roll: its units, their area, headcount 1."""

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="rights")
    persons = models.ManyToManyField("registry.Person", blank=True, related_name="election_rights")

    class Meta:
        verbose_name = _("选举表决权")
        verbose_name_plural = _("选举表决权")
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="election_right_unique_key")]


class ElectionRollUnit(AbstractRollUnit):
    right = models.ForeignKey(ElectionRight, on_delete=models.CASCADE, related_name="roll_units")
    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="roll_units")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="election_roll_unit_once")]


class ElectionRosterChangeNote(models.Model):
    """A roster change made after an election roll was frozen: recorded, never applied to the roll."""

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="roster_notes")
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)


class ElectionBallot(AbstractBallot):
    """One ballot per voting right — enforced by the database (OneToOne), not only by a check."""

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="ballots")
    right = models.OneToOneField(ElectionRight, on_delete=models.CASCADE, related_name="ballot")
    selections = models.ManyToManyField(Candidate, through="ElectionSelection", related_name="ballots",
                                        verbose_name=_("所选候选人"))
    scan = models.FileField(_("纸质选票扫描件"), storage=private_storage, upload_to="elections/scans/%Y/%m/",
                            blank=True)
    signature = models.FileField(_("电子签名"), storage=private_storage,
                                 upload_to="elections/ballot-signatures/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        indexes = [models.Index(fields=["round", "void"])]

    def __str__(self):
        return f"{self.right} · {self.get_channel_display()}"


class ElectionSelection(models.Model):
    ballot = models.ForeignKey(ElectionBallot, on_delete=models.CASCADE, related_name="selection_rows")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="selection_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "candidate"], name="election_selection_once")]


class PreparatoryGroup(models.Model):
    """筹备组: opened by the street office; applicants are the candidates of its own round."""

    community = models.ForeignKey("registry.Community", on_delete=models.PROTECT, related_name="preparatory_groups",
                                  verbose_name=_("小区"))
    round = models.OneToOneField(ElectionRound, on_delete=models.PROTECT, related_name="preparatory_group",
                                 verbose_name=_("推选"))
    name = models.CharField(_("名称"), max_length=100)
    seats = models.PositiveSmallIntegerField(_("成员名额"), validators=[MinValueValidator(1)])
    leader_phone = models.CharField(_("组长电话"), max_length=30, blank=True)
    phone_public = models.BooleanField(_("公开组长电话"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("筹备组")
        verbose_name_plural = _("筹备组")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name


class PreparatoryMember(models.Model):
    group = models.ForeignKey(PreparatoryGroup, on_delete=models.CASCADE, related_name="members",
                              verbose_name=_("筹备组"))
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="preparatory_member",
                                     verbose_name=_("候选人"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("名册人员"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("账户"))
    name = models.CharField(_("姓名"), max_length=50)
    is_leader = models.BooleanField(_("组长"), default=False)
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("筹备组成员")
        verbose_name_plural = _("筹备组成员")
        ordering = ["group", "-is_leader", "pk"]

    def __str__(self):
        return f"{self.group} · {self.name}"
