"""Rate limits on sending SMS codes, per phone and per client IP.

Limits live in `settings.SMS_RATE_LIMITS` as (count, seconds) windows. Counting uses the
default cache (Redis in production, so every worker shares the counts).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from governance.errors import DomainError, ErrorCode


def _key(kind: str, value: str, seconds: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:24]
    return f"smsrl:{kind}:{seconds}:{digest}"


def _describe_wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{(seconds + 59) // 60} 分钟"
    return f"{(seconds + 3599) // 3600} 小时"


def client_ip(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""


def sms_rate_check(*, phone: str, ip: str = "") -> None:
    """Count one SMS for this phone and IP, or raise RATE_LIMITED with the wait in Chinese.

    Nothing is counted when a limit is already reached, so a refused request does not
    extend the wait.
    """
    now = time.time()
    windows: list[tuple[str, int, int, str]] = []
    for count, seconds in settings.SMS_RATE_LIMITS.get("phone", []):
        windows.append((_key("phone", phone, seconds), count, seconds, "phone"))
    if ip:
        for count, seconds in settings.SMS_RATE_LIMITS.get("ip", []):
            windows.append((_key("ip", ip, seconds), count, seconds, "ip"))
    stamps = {key: [t for t in (cache.get(key) or []) if t > now - seconds] for key, _, seconds, _ in windows}
    for key, count, seconds, kind in windows:
        if len(stamps[key]) >= count:
            wait = int(stamps[key][0] + seconds - now) + 1
            who = "该手机号" if kind == "phone" else "您的网络"
            raise DomainError(
                ErrorCode.RATE_LIMITED, f"{who}获取验证码过于频繁，请 {_describe_wait(wait)}后再试。"
            )
    for key, _, seconds, _ in windows:
        cache.set(key, stamps[key] + [now], timeout=seconds)
