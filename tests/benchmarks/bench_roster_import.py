"""Benchmark: importing a 10,000-unit roster must take at most 3× openpyxl's plain read of the same file.

    python tests/benchmarks/bench_roster_import.py [--units 10000] [--max-ratio 3]

Runs on a fresh SQLite file database in a temporary directory (migrated here), or, when
DATABASE_URL is set (e.g. postgres://…), on a throw-away test database created next to the
one it names (Django's `test_<name>`), destroyed afterwards. Exits 1 when the ratio is too high.
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


def build_roster(path: Path, units: int) -> None:
    """A realistic roster: 20 buildings × 4 entrances × floors × 2 rooms; co-owners, ID numbers, mixed types."""
    from openpyxl import Workbook

    from governance.registry.roster.columns import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("业主名册")
    sheet.append(list(COLUMNS))
    for n in range(units):
        building, rest = divmod(n, 500)
        entrance, rest = divmod(rest, 125)
        floor, room = divmod(rest, 4)
        room_no = (floor + 1) * 100 + room + 1
        developer = n % 97 == 0
        co_owners = n % 3 == 0 and not developer
        sheet.append([
            f"{building + 1}栋",
            entrance + 1 if n % 2 else str(entrance + 1),  # numbers as numbers and as text
            floor + 1,
            room_no if n % 2 else str(room_no),
            round(60 + (n % 900) / 10 + 0.25, 2) if n % 2 else f"{60 + (n % 900) / 10 + 0.25:.2f}",
            ("住宅", "商业", "办公", "车位", "其他")[n % 5] if n % 7 == 0 else "住宅",
            None if developer else f"业主{n}",
            None if developer else (13000000000 + n if n % 2 else f"{13000000000 + n}"),
            None if developer or n % 4 else f"3701021990{n % 10000:04d}{n % 9000 + 1000:04d}",
            f"共有人{n}、配偶{n}" if co_owners else None,
            f"{15000000000 + n}；{16000000000 + n}" if co_owners else None,
            "是" if developer else "否",
        ])
    workbook.save(path)


def time_plain_read(path: Path) -> float:
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        for value in row:
            if value is not None:
                cells += 1
    workbook.close()
    elapsed = time.perf_counter() - started
    assert cells > 0
    return elapsed


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
    # A throw-away database next to the one DATABASE_URL names (Django's test_<name>), migrated
    # like production (no syncdb of apps that have no migrations yet), dropped afterwards.
    original = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    connection.creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    connection.close()
    connection.settings_dict["NAME"] = test_name
    call_command("migrate", verbosity=0, interactive=False)
    return lambda: connection.creation.destroy_test_db(original, verbosity=0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--max-ratio", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the fastest counts")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="roster-bench-") as directory:
        tmp = Path(directory)
        cleanup = prepare_database(tmp)
        try:
            from django.db import connection

            from governance.registry.models import Ownership, Unit
            from governance.registry.roster import roster_import
            from governance.registry.services import community_create

            path = tmp / "roster.xlsx"
            build_roster(path, args.units)
            time_plain_read(path)  # warm the OS cache and imports
            read = min(time_plain_read(path) for _ in range(max(args.repeat, 1)))

            # The same best-of-N for the import: each run fills a fresh community (a first import,
            # the one that writes the most).
            first = None
            for run in range(max(args.repeat, 1)):
                community = community_create(
                    code=f"bench{run}", name=f"基准小区{run}", street_name="基准街道", committee_name="基准居委会"
                )
                started = time.perf_counter()
                report = roster_import(community=community, source=path, actor=None, dry_run=False)
                elapsed = time.perf_counter() - started
                if not report.ok:
                    for problem in report.errors[:20]:
                        print(problem, file=sys.stderr)
                    return 2
                assert Unit.objects.filter(community=community).count() == args.units
                first = elapsed if first is None else min(first, elapsed)

            started = time.perf_counter()
            again = roster_import(community=community, source=path, actor=None, dry_run=False)
            second = time.perf_counter() - started
            assert again.counts["units"]["unchanged"] == args.units and not again.changed

            ratio = first / read
            links = Ownership.objects.filter(unit__community=community).count()
            print(f"数据库：{connection.vendor}；房屋 {args.units} 套，产权关系 {links} 条（各取 {args.repeat} 次中最快）")
            print(f"openpyxl 只读遍历：{read:.3f} s")
            print(f"完整导入（解析+校验+写入，首次）：{first:.3f} s  倍数 {ratio:.2f}×")
            print(f"重新导入（无变化）：{second:.3f} s  倍数 {second / read:.2f}×")
            if ratio > args.max_ratio:
                print(f"失败：导入耗时是读取的 {ratio:.2f} 倍，超过 {args.max_ratio:g} 倍。", file=sys.stderr)
                return 1
            print(f"通过：不超过 {args.max_ratio:g} 倍。")
            return 0
        finally:
            cleanup()


if __name__ == "__main__":
    sys.exit(main())
