"""Benchmark: a message to 10,000 recipients — writing the deliveries, then sending the in-site channel.

    python tests/benchmarks/bench_message_fanout.py [--recipients 10000] [--max-create 5] [--max-send 20]

Runs on a fresh SQLite file database in a temporary directory (migrated here), or, when
DATABASE_URL is set (e.g. postgres://…), on a throw-away test database created next to the
one it names (Django's `test_<name>`), destroyed afterwards. Prints the figures; exits 1 when
`message_send` (row creation) or the in-site sending takes longer than its limit in seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


def prepare_database(tmp: Path):
    """Point Django at a scratch database and migrate it. Returns a cleanup callable."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
        return lambda: None
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(original, verbosity=0)


def create_users(count: int) -> list:
    from portal.accounts.models import User

    User.objects.bulk_create(
        [User(username=f"bench{n}", phone=f"{13000000000 + n}", password="!") for n in range(count)],
        batch_size=2000,
    )
    return list(User.objects.filter(username__startswith="bench").order_by("pk"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--max-create", type=float, default=5.0, help="seconds allowed for message_send")
    parser.add_argument("--max-send", type=float, default=20.0, help="seconds allowed for sending in-site")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fanout-bench-") as directory:
        cleanup = prepare_database(Path(directory))
        try:
            from django.db import connection, transaction

            from governance.office import selectors, services
            from governance.office.models import Delivery
            from governance.registry.services import community_create

            community = community_create(code="bench", name="基准小区", street_name="基准街道",
                                         committee_name="基准居委会")
            started = time.perf_counter()
            users = create_users(args.recipients)
            made_users = time.perf_counter() - started

            enqueued = []
            started = time.perf_counter()
            with transaction.atomic():
                message = services.message_send(
                    community=community, title="停水通知", body="因管道检修，6月1日 9:00–17:00 停水，请提前储水。",
                    recipients=users, channels=["insite"], actor=None,
                )
                # Measure the writing alone: keep the sending task the commit would enqueue for later.
                connection.run_on_commit, enqueued[:] = [], connection.run_on_commit
            create = time.perf_counter() - started
            rows = Delivery.objects.filter(message=message).count()
            assert rows == args.recipients, rows
            assert len(enqueued) == 1

            started = time.perf_counter()
            totals = services.deliveries_send(message=message, channel="insite")
            send = time.perf_counter() - started
            assert totals == {"sent": args.recipients, "failed": 0}, totals
            again = services.deliveries_send(message=message, channel="insite")
            assert again == {"sent": 0, "failed": 0}, again
            assert selectors.inbox_unread_count(users[-1]) == 1

            print(f"数据库：{connection.vendor}；接收人 {args.recipients} 位（建用户 {made_users:.2f} s）")
            print(f"message_send（写入消息与 {rows} 条送达记录）：{create:.3f} s  "
                  f"（{rows / create:,.0f} 条/秒）")
            print(f"站内消息发送（分批认领、发送、记录）：{send:.3f} s  （{rows / send:,.0f} 条/秒）")
            failed = []
            if create > args.max_create:
                failed.append(f"写入耗时 {create:.2f} s，超过 {args.max_create:g} s")
            if send > args.max_send:
                failed.append(f"发送耗时 {send:.2f} s，超过 {args.max_send:g} s")
            if failed:
                print("失败：" + "；".join(failed), file=sys.stderr)
                return 1
            print(f"通过：写入不超过 {args.max_create:g} s，发送不超过 {args.max_send:g} s。")
            return 0
        finally:
            cleanup()


if __name__ == "__main__":
    sys.exit(main())
