"""Benchmark: the community home's median render time against a bare Wagtail page on the same server.

    python tests/benchmarks/bench_home_render.py [--requests 200] [--max-ratio 2]

Seeds the demo into a scratch database (SQLite file, or DATABASE_URL), adds a bare
`wagtail.models.Page` (Wagtail's own minimal template) beside the community pages, serves
both from one gunicorn on 127.0.0.1 and times sequential GETs of each, anonymous and signed
in as the demo owner, in interleaved rounds (one request of each kind per round) so that the
machine's load falls on both pages alike. Goal: the community home's median at most 2× the bare
page's.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from tests.benchmarks._server import database_url, gunicorn, session_for  # noqa: E402
from tests.benchmarks.bench_roster_import import prepare_database  # noqa: E402


def fetch(conn: http.client.HTTPConnection, path: str, cookie: str) -> float:
    """One GET, timed from sending the request to the last byte of the body."""
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200 or not body:
        raise SystemExit(f"{path} 返回 {response.status}")
    return elapsed


def interleaved_timings(port: int, cases: list[tuple[str, str]], count: int) -> list[list[float]]:
    """`count` timed GETs of each (path, cookie) case, taken in rounds — one request of every case per
    round, the order reversed every other round — so that a change in the machine's load during the run
    falls on the pages alike instead of on whichever was measured at that time. The first 10 rounds warm
    the worker and are not counted."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    result: list[list[float]] = [[] for _ in cases]
    for i in range(count + 10):
        order = list(enumerate(cases))
        if i % 2:
            order.reverse()
        for index, (path, cookie) in order:
            elapsed = fetch(conn, path, cookie)
            if i >= 10:
                result[index].append(elapsed)
    conn.close()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--max-ratio", type=float, default=2.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="home-bench-") as directory:
        cleanup = prepare_database(Path(directory))
        try:
            from django.conf import settings
            from django.db import connection
            from wagtail.models import Page

            from home.models import HomePage
            from portal.accounts.models import User
            from portal.demo import seed_demo

            seed_demo()
            home = HomePage.objects.get()
            home.add_child(instance=Page(title="空白页", slug="bare"))
            cookie = f"{settings.SESSION_COOKIE_NAME}={session_for(User.objects.get(username='13900000001'))}"
            url = database_url(connection)
            connection.close()
            cases = (("空白 Wagtail 页面", "/bare/", ""), ("小区主页（匿名）", "/demo/", ""),
                     ("空白 Wagtail 页面（登录）", "/bare/", cookie), ("小区主页（业主登录）", "/demo/", cookie))
            with gunicorn(url, workers=1, threads=1) as port:
                measured = interleaved_timings(port, [(path, who) for _label, path, who in cases], args.requests)
            rows = [(label, statistics.median(values), sorted(values)[int(len(values) * 0.95) - 1])
                    for (label, _path, _who), values in zip(cases, measured)]
            print(f"数据库：{connection.vendor}；每个页面 {args.requests} 次顺序请求，四种请求轮流进行"
                  f"（gunicorn 1 进程 1 线程）")
            for label, median, p95 in rows:
                print(f"{label}：中位数 {median * 1000:.1f} ms，P95 {p95 * 1000:.1f} ms")
            anonymous = rows[1][1] / rows[0][1]
            signed_in = rows[3][1] / rows[2][1]
            print(f"倍数：匿名 {anonymous:.2f}×，登录 {signed_in:.2f}×（目标 ≤ {args.max_ratio:g}×）")
        finally:
            cleanup()
    if max(anonymous, signed_in) > args.max_ratio:
        print(f"失败：小区主页中位数超过空白页面的 {args.max_ratio:g} 倍。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
