"""The abstract records every kind of vote keeps: a right on the frozen roll, its units, its ballot.

Concrete models (decisions' `VotingRight`/`RollUnit`/`Ballot`, elections' `ElectionRight`/`ElectionRollUnit`/
`ElectionBallot`, and fund co-signing next) add the vote they belong to, the right's persons and the files.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Channel


class AbstractVotingRight(models.Model):
    """One person-group on a frozen roll: its units, their area (also as exact cents), headcount 1."""

    key = models.CharField(_("表决权键"), max_length=40)
    label = models.CharField(_("表决权人"), max_length=200)
    area = models.DecimalField(_("专有面积"), max_digits=12, decimal_places=2)
    area_cents = models.BigIntegerField(_("专有面积（0.01㎡）"), help_text=_("面积的整数形式，计票时精确求和"))
    is_developer = models.BooleanField(_("开发商"), default=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label


class AbstractRollUnit(models.Model):
    """A unit on a frozen roll, with the label and area it had when the roll was frozen."""

    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=80)
    area = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        abstract = True


class AbstractBallot(models.Model):
    """How a right's one ballot was cast, entered, changed or voided (what it says is the concrete model's)."""

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("投票人"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    face_reference = models.CharField(_("人脸核验凭证"), max_length=100, blank=True)
    void = models.BooleanField(_("废票"), default=False)
    void_reason = models.CharField(_("废票理由"), max_length=200, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("认定人"))
    revision = models.PositiveIntegerField(_("修改次数"), default=0)
    cast_at = models.DateTimeField(_("投票时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        abstract = True
