"""The production task path, really started: PostgreSQL + Redis-backed huey + a consumer process.

A separate process (the web side) sends a message with REDIS_URL set; its deliveries wait in the
Redis queue, untouched, until `manage.py run_huey` (the worker) takes the task and sends them.
Runs in the PostgreSQL pass of `make test` (the processes share the test database).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from governance.office.models import Delivery, DeliveryStatus, Message
from tests.factories import CommunityFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEND = """
from governance.office.services import message_send
from governance.registry.models import Community
from portal.accounts.models import User
community = Community.objects.get(pk={community})
users = list(User.objects.filter(pk__in={users}).order_by("pk"))
message = message_send(community=community, title="停水通知", body="明日 9:00-12:00 停水。", summary="明日上午停水",
                       recipients=users, channels=["sms"], actor=None, kind="system")
print(message.pk)
"""


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _env(redis_url: str, sms_file: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"HUEY_IMMEDIATE", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev", DEBUG="false", DATABASE_URL=_database_url(), REDIS_URL=redis_url,
        SMS_BACKEND="portal.accounts.sms.FileSMSSender", SMS_FILE_PATH=str(sms_file),
    )
    return env


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"等待超时：{what}")
        time.sleep(0.2)


def test_a_message_sent_by_the_web_process_is_delivered_by_the_huey_worker_through_redis(redis_url, tmp_path):
    from huey import RedisHuey

    # Given three residents with phones in a community
    community = CommunityFactory()
    users = [UserFactory() for _ in range(3)]
    sms_file = tmp_path / "sms.log"
    env = _env(redis_url, sms_file)
    queue = RedisHuey("xiaoqu", url=redis_url)
    queue.flush()

    # When the web side sends them an SMS message (REDIS_URL set: the task goes to Redis, not run inline)
    sent = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEND.format(community=community.pk, users=[u.pk for u in users])],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert sent.returncode == 0, sent.stderr[-2000:]
    message = Message.objects.get(pk=int(sent.stdout.strip().splitlines()[-1]))

    # Then one task waits in Redis and every delivery is still queued; nothing was sent
    assert queue.pending_count() == 1
    assert sorted(Delivery.objects.filter(message=message).values_list("status", flat=True)) == [DeliveryStatus.QUEUED] * 3
    assert not sms_file.exists()

    # When the worker process runs
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1", "--no-periodic"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        _wait_for(lambda: not Delivery.objects.filter(message=message).exclude(status=DeliveryStatus.SENT).exists(),
                  90, "worker 发送全部短信")
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()

    # Then every resident got exactly one SMS, the queue is empty and the deliveries say when they were sent
    lines = sms_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3, output[-2000:]
    for user in users:
        assert sum(user.phone in line for line in lines) == 1
    assert all("明日上午停水" in line for line in lines)
    assert queue.pending_count() == 0
    assert Delivery.objects.filter(message=message, sent_at__isnull=False).count() == 3
