import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. Outside CI they are skipped with a reason; in CI they must run."""
    have_chromium = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)
    if have_chromium:
        return
    reason = f"未找到浏览器 {CHROMIUM}（apt-get install chromium）"
    if _truthy("CI") or _truthy("REQUIRE_BROWSER"):
        return  # in CI a missing browser must fail the browser tests, not skip them
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _sms_outbox():
    from portal.accounts.sms import MemorySMSSender

    MemorySMSSender.outbox.clear()
    yield MemorySMSSender.outbox
    MemorySMSSender.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms_outbox(_sms_outbox):
    return _sms_outbox
