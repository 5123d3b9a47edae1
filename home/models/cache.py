"""The tokens the community home's cache keys are made of (see `home.cache`)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class HomeCacheToken(models.Model):
    """One token per scope ("site", or "community:<pk>"), replaced in the transaction of every write that
    changes a part of the community home that is cached. Kept in the database, not in the cache, so that
    every worker process sees a write as soon as it commits, and a rolled-back write takes its new token
    with it."""

    scope = models.CharField(_("范围"), max_length=40, primary_key=True)
    token = models.UUIDField(_("令牌"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("主页缓存令牌")
        verbose_name_plural = _("主页缓存令牌")

    def __str__(self):
        return f"{self.scope}: {self.token}"
