"""Benchmarks for owner decisions (issue: motions, rolls, ballots, tally).

    python tests/benchmarks/bench_decisions.py [--units 10000] [--ballots 8000] [--http-ballots 400]

1. Freezing a 10,000-unit roll (motion_open): target under 2 s.
2. The tally of that roll with 8,000 ballots (selectors.motion_result: two queries + the exact
   engine) against one raw SQL aggregate over the same ballots: target at most 3×.
3. Ballots cast per second over HTTP: a real gunicorn server on 127.0.0.1 with the same
   database, distinct signed-in owners posting to /votes/<id>/cast/ from 4 client threads.

SQLite file database in a temporary directory, or DATABASE_URL (PostgreSQL). Exits 1 on a missed target.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from tests.benchmarks._server import database_url, gunicorn, session_for  # noqa: E402
from tests.benchmarks.bench_roster_import import build_roster, prepare_database  # noqa: E402


def best_of(fn, repeat=25):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return min(timings)


def http_cast_rate(motion, count: int, db_url: str) -> float:
    """Start gunicorn on loopback and cast `count` ballots from distinct signed-in owners."""
    from django.conf import settings
    from django.db import connection

    from governance.decisions.models import Ballot, VotingRight
    from governance.registry.models import Ownership, Person
    from portal.accounts.models import User

    taken = set(Ballot.objects.filter(motion=motion).values_list("right_id", flat=True))
    rights = list(VotingRight.objects.filter(motion=motion, is_developer=False).exclude(pk__in=taken)
                  .order_by("pk")[:count])
    jobs = []
    for right in rights:
        person = Person.objects.filter(voting_rights=right).order_by("pk").first()
        user = User.objects.create(username=f"bench{person.pk}", phone=person.phone, phone_verified=True)
        Person.objects.filter(pk=person.pk).update(user=user)
        Ownership.objects.filter(person=person).update(verified=True)
        jobs.append((session_for(user), right.pk))
    connection.close()

    with gunicorn(db_url) as port:
        csrf = "b" * 32
        statuses: list[int] = []
        lock = threading.Lock()
        queue = list(jobs)

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                with lock:
                    if not queue:
                        break
                    session_key, right_id = queue.pop()
                body = urlencode({"right": right_id, "choice": "agree"})
                conn.request("POST", f"/votes/{motion.pk}/cast/", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf,
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; csrftoken={csrf}",
                    "Referer": f"http://127.0.0.1:{port}/", "Host": f"127.0.0.1:{port}"})
                response = conn.getresponse()
                response.read()
                with lock:
                    statuses.append(response.status)
            conn.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    cast = Ballot.objects.filter(motion=motion, right_id__in=[r for _, r in jobs]).count()
    if cast != len(jobs) or any(s != 302 for s in statuses):
        raise SystemExit(f"HTTP 投票失败：{cast}/{len(jobs)} 张入库，状态码 {sorted(set(statuses))}")
    return len(jobs) / elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--ballots", type=int, default=8_000)
    parser.add_argument("--http-ballots", type=int, default=400)
    args = parser.parse_args(argv)
    failures = []
    with tempfile.TemporaryDirectory(prefix="decisions-bench-") as directory:
        tmp = Path(directory)
        cleanup = prepare_database(tmp)
        try:
            from datetime import timedelta

            from django.db import connection
            from django.utils import timezone

            from governance.decisions import selectors, services
            from governance.decisions.models import Ballot, MatterType, VotingRight
            from governance.registry.roster import roster_import
            from governance.registry.services import community_create
            from portal.accounts.models import Role, User
            from governance.registry.memberships import membership_grant

            path = tmp / "roster.xlsx"
            build_roster(path, args.units)
            community = community_create(code="bench", name="基准小区", street_name="基准街道", committee_name="基准居委会")
            report = roster_import(community=community, source=path, actor=None, dry_run=False)
            assert report.ok
            chair = User.objects.create(username="chair", phone="19900000000")
            membership_grant(user=chair, role=Role.COMMITTEE_MEMBER, community=community)
            now = timezone.now()
            motion = services.motion_create(community=community, actor=chair, matter_type=MatterType.OTHER,
                                            title="基准表决", content="基准", opens_at=now - timedelta(hours=1),
                                            closes_at=now + timedelta(days=7))
            services.motion_submit(motion=motion, actor=chair)
            started = time.perf_counter()
            services.motion_open(motion=motion, actor=chair)
            freeze = time.perf_counter() - started
            rights = list(VotingRight.objects.filter(motion=motion).order_by("pk").values_list("pk", flat=True))
            choices = ["agree", "agree", "oppose", "abstain"]
            Ballot.objects.bulk_create(
                [Ballot(motion=motion, right_id=pk, choice=choices[i % 4], void=i % 50 == 0, cast_at=now,
                        updated_at=now) for i, pk in enumerate(rights[: args.ballots])], batch_size=2000)

            engine = best_of(lambda: selectors.motion_result(motion))
            sql = (
                "SELECT b.choice, b.void, SUM(r.area), COUNT(*) FROM decisions_ballot b "
                "JOIN decisions_votingright r ON r.id = b.right_id WHERE b.motion_id = %s GROUP BY b.choice, b.void"
            )

            def raw():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [motion.pk])
                    return cursor.fetchall()

            raw_time = best_of(raw)
            result = selectors.motion_result(motion)
            ratio = engine / raw_time
            print(f"数据库：{connection.vendor}；房屋 {args.units} 套，表决权 {len(rights)} 个，选票 {args.ballots} 张")
            print(f"冻结表决名册（motion_open）：{freeze:.3f} s（目标 < 2 s）")
            print(f"计票引擎：{engine * 1000:.1f} ms；原始 SQL 聚合：{raw_time * 1000:.1f} ms；倍数 {ratio:.2f}×（目标 ≤ 3×）")
            print(f"结果：{result.verdict_label}，参与 {result.participating.heads} 人 / {result.participating.area} ㎡")
            if freeze >= 2:
                failures.append("冻结名册超过 2 秒")
            if ratio > 3:
                failures.append("计票超过原始聚合的 3 倍")
            if args.http_ballots:
                rate = http_cast_rate(motion, args.http_ballots, database_url(connection))
                print(f"HTTP 投票吞吐：{rate:.1f} 张/秒（gunicorn 2 进程 × 4 线程，4 个并发客户端，{args.http_ballots} 张）")
        finally:
            cleanup()
    for failure in failures:
        print(f"失败：{failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
