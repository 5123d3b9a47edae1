"""Rate limits on sending SMS codes, per phone and per client IP.

Limits live in `settings.SMS_RATE_LIMITS` as (count, seconds) sliding windows. Counting
uses the default cache (Redis in production, so every worker shares the counts). A check
and its write happen under a short lock per key (`cache.add` is atomic on Redis and in the
local-memory cache), so two simultaneous requests cannot both take the last allowed SMS.

`sms_rate_check` counts one SMS (or refuses); `sms_rate_peek` only asks whether one
more would be refused, so a form can show the error before anything is written and
the count is taken when the SMS is really sent.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from governance.errors import DomainError, ErrorCode

from .sms import normalize_phone


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
    """The client's IP as allauth sees it (honours ALLAUTH_TRUSTED_PROXY_COUNT /
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER behind a proxy), else REMOTE_ADDR."""
    if request is None:
        return ""
    try:
        from allauth.core.internal.httpkit import get_client_ip

        ip = get_client_ip(request)
    except (ImportError, ImproperlyConfigured, ValueError):
        ip = None
    return ip or request.META.get("REMOTE_ADDR", "") or ""


def _ip_block(ip: str) -> str:
    """IPv6 clients get a whole /64 each (as in allauth), so rotating addresses does not evade the limit."""
    try:
        from allauth.core.internal.ratelimit import truncate_ip

        return truncate_ip(ip)
    except ImportError:
        return ip


def _windows(phone: str, ip: str) -> list[tuple[str, int, int, str]]:
    windows: list[tuple[str, int, int, str]] = []
    phone = normalize_phone(phone) or phone
    for count, seconds in settings.SMS_RATE_LIMITS.get("phone", []):
        windows.append((_key("phone", phone, seconds), count, seconds, "phone"))
    if ip:
        ip = _ip_block(ip)
        for count, seconds in settings.SMS_RATE_LIMITS.get("ip", []):
            windows.append((_key("ip", ip, seconds), count, seconds, "ip"))
    return windows


def _lock_keys(phone: str, ip: str) -> list[str]:
    """One lock per phone and one per network, whatever the number of windows."""
    keys = [_key("phone", normalize_phone(phone) or phone, 0)]
    if ip:
        keys.append(_key("ip", _ip_block(ip), 0))
    return keys


def _evaluate(phone: str, ip: str) -> tuple[float, list, dict]:
    """Return (now, windows, live stamps per key); raise RATE_LIMITED when a window is full."""
    now = time.time()
    windows = _windows(phone, ip)
    stamps = {key: [t for t in (cache.get(key) or []) if t > now - seconds] for key, _, seconds, _ in windows}
    refusals = []  # (wait, kind) for every full window: the longest wait is the true one
    for key, count, seconds, kind in windows:
        if len(stamps[key]) >= count:
            refusals.append((max(int(stamps[key][-count] + seconds - now) + 1, 1), kind))
    if refusals:
        wait, kind = max(refusals)
        who = "该手机号" if kind == "phone" else "您的网络"
        raise DomainError(ErrorCode.RATE_LIMITED, f"{who}获取验证码过于频繁，请 {_describe_wait(wait)}后再试。")
    return now, windows, stamps


LOCK_SECONDS = 5  # a lock outlives no crashed holder by more than this
LOCK_WAIT = 3.0  # how long a request waits for another one on the same phone or network


@contextmanager
def _locked(keys: list[str]):
    """Hold a cache lock on every key (taken in sorted order, so two requests never wait on each other)."""
    token = uuid.uuid4().hex
    taken: list[str] = []
    try:
        for key in sorted(set(keys)):
            lock = f"{key}:lock"  # key is a window-free name: smsrl:<kind>:0:<digest>
            deadline = time.monotonic() + LOCK_WAIT
            while not cache.add(lock, token, timeout=LOCK_SECONDS):
                if time.monotonic() > deadline:
                    raise DomainError(ErrorCode.RATE_LIMITED, "获取验证码的请求过多，请稍后再试。")
                time.sleep(0.01)
            taken.append(lock)
        yield
    finally:
        for lock in taken:
            if cache.get(lock) == token:
                cache.delete(lock)


def sms_rate_peek(*, phone: str, ip: str = "") -> None:
    """Raise RATE_LIMITED if one more SMS to this phone / from this IP would be refused. Counts nothing."""
    _evaluate(phone, ip)


def sms_rate_check(*, phone: str, ip: str = "") -> None:
    """Count one SMS for this phone and IP, or raise RATE_LIMITED with the wait in Chinese.

    Nothing is counted when a limit is already reached, so a refused request does not
    extend the wait.
    """
    with _locked(_lock_keys(phone, ip)):
        now, windows, stamps = _evaluate(phone, ip)
        for key, _, seconds, _ in windows:
            cache.set(key, stamps[key] + [now], timeout=seconds)

