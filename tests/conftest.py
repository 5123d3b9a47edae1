import os
from pathlib import Path

import pytest

from tests.browser_fixtures import ARTIFACTS, browser, phone_page  # noqa: F401  (shared Playwright fixtures)
from tests.redis_server import REDIS_SERVER, redis_cache, redis_url  # noqa: F401  (throwaway Redis)

# Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
REPORT = Path(__file__).resolve().parent.parent / ".test-report" / "skipped"


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium and Redis tests Debian's redis-server: skipped with a reason
    outside CI, required (so failing) in CI.
    PostgreSQL-only tests are skipped on the SQLite pass; the PostgreSQL pass runs them."""
    have_chromium = os.path.exists(CHROMIUM)
    skip_browser = not have_chromium and not (_truthy("CI") or _truthy("REQUIRE_BROWSER"))
    browser_items = [item for item in items if "browser" in item.keywords]
    if skip_browser and browser_items:
        reason = f"未找到浏览器 {CHROMIUM}（apt-get install chromium）"
        REPORT.parent.mkdir(exist_ok=True)
        with REPORT.open("a", encoding="utf-8") as fh:
            fh.write(f"browser: {len(browser_items)} 个浏览器测试被跳过：{reason}\n")
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=reason))
    redis_items = [item for item in items if "redis" in item.keywords]
    if redis_items and not os.path.exists(REDIS_SERVER) and not (_truthy("CI") or _truthy("REQUIRE_REDIS")):
        reason = f"未找到 {REDIS_SERVER}（apt-get install redis-server）"
        REPORT.parent.mkdir(exist_ok=True)
        with REPORT.open("a", encoding="utf-8") as fh:
            fh.write(f"redis: {len(redis_items)} 个 Redis 测试被跳过：{reason}\n")
        for item in redis_items:
            item.add_marker(pytest.mark.skip(reason=reason))
    if not _on_postgres():
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(pytest.mark.skip(reason="只在 PostgreSQL 上运行（make test 的第二轮）"))


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
