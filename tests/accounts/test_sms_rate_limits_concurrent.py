"""SMS limits hold when requests arrive at the same instant: the check and the count are one step.

On Redis (production: every worker shares the counts) and on the local-memory cache (`make run`).
"""

from collections import Counter

import pytest

from governance.errors import ErrorCode
from portal.accounts import ratelimit
from portal.accounts.ratelimit import sms_rate_check
from tests.concurrency import run_threads

PHONE = "13912345678"


def _outcomes(calls):
    outcomes = run_threads(calls)
    assert not [o for o in outcomes if o[0] == "crash"], outcomes
    return Counter("ok" if o[0] == "ok" else o[1] for o in outcomes)


def _same_phone_at_once(settings, n):
    settings.SMS_RATE_LIMITS = {"phone": [(1, 60)], "ip": []}
    return _outcomes([lambda: sms_rate_check(phone=PHONE, ip="") for _ in range(n)])


def _same_network_at_once(settings, n, allowed):
    settings.SMS_RATE_LIMITS = {"phone": [(1, 60)], "ip": [(allowed, 3600)]}
    return _outcomes([lambda i=i: sms_rate_check(phone=f"1391234{i:04d}", ip="203.0.113.7") for i in range(n)])


@pytest.mark.redis
class TestOnRedis:
    def test_eight_requests_for_one_phone_at_once_send_exactly_one_code(self, redis_cache, settings):
        # Given the shared Redis cache and a limit of one code per phone per minute
        # When eight requests for the same phone arrive together
        outcomes = _same_phone_at_once(settings, 8)
        # Then exactly one is counted and the other seven are refused
        assert outcomes == {"ok": 1, ErrorCode.RATE_LIMITED: 7}

    def test_twelve_phones_from_one_network_at_once_get_exactly_the_network_limit(self, redis_cache, settings):
        outcomes = _same_network_at_once(settings, 12, allowed=5)
        assert outcomes == {"ok": 5, ErrorCode.RATE_LIMITED: 7}

    def test_no_lock_is_left_behind(self, redis_cache, redis_url, settings):
        import redis

        _same_phone_at_once(settings, 4)
        keys = [k.decode() for k in redis.Redis.from_url(redis_url).keys("*")]
        assert keys and not [k for k in keys if k.endswith(":lock")], keys

    def test_a_lock_held_too_long_refuses_politely_instead_of_counting_twice(self, redis_cache, settings, monkeypatch):
        # Given another worker holds the phone's lock (and never lets go within the wait)
        settings.SMS_RATE_LIMITS = {"phone": [(5, 60)], "ip": []}
        monkeypatch.setattr(ratelimit, "LOCK_WAIT", 0.05)
        lock = f"{ratelimit._lock_keys(PHONE, '')[0]}:lock"
        redis_cache.add(lock, "someone-else", timeout=5)
        # When a request comes in, then it is refused with a Chinese message and nothing is counted
        with pytest.raises(ratelimit.DomainError) as refused:
            sms_rate_check(phone=PHONE, ip="")
        assert refused.value.code == ErrorCode.RATE_LIMITED
        assert refused.value.message == "获取验证码的请求过多，请稍后再试。"
        assert redis_cache.get(ratelimit._key("phone", PHONE, 60)) is None
        assert redis_cache.get(lock) == "someone-else"  # another holder's lock is not released


class TestOnLocalMemory:
    def test_eight_requests_for_one_phone_at_once_send_exactly_one_code(self, settings):
        assert _same_phone_at_once(settings, 8) == {"ok": 1, ErrorCode.RATE_LIMITED: 7}

    def test_twelve_phones_from_one_network_at_once_get_exactly_the_network_limit(self, settings):
        assert _same_network_at_once(settings, 12, allowed=5) == {"ok": 5, ErrorCode.RATE_LIMITED: 7}
