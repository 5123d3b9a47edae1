"""Choice lists shared by every kind of vote."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureMethod(models.TextChoices):
    NONE = "none", _("无需签名")
    HANDWRITTEN = "handwritten", _("手写电子签名")
    FACE = "face", _("电子签名 + 人脸核验")


class Channel(models.TextChoices):
    ONLINE = "online", _("线上")
    PAPER = "paper", _("线下补录")
