"""Benchmark: Chinese search over 10,000 knowledge articles — median and p95 latency of 200 searches.

    python tests/benchmarks/bench_search.py [--articles 10000] [--searches 200] [--max-p95-ms 800]

Runs on a fresh SQLite file database in a temporary directory (migrated here), or, when
DATABASE_URL is set (e.g. postgres://…), on a throw-away test database created next to the one
it names, destroyed afterwards. Articles are bulk-inserted (pages and their rows in a few
statements), then indexed through the search backend in batches; each timed search does what
the search page does: count, first page of 10 results, highlighted snippets. Exits 1 when the
p95 latency is above --max-p95-ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

TOPICS = [
    "维修资金", "维修基金", "业主大会", "业主委员会", "物业服务企业", "管理规约", "议事规则", "公共收益", "电梯维修",
    "屋面防水", "外墙翻新", "地面车位", "地下车库", "垃圾分类", "消防通道", "装修管理", "物业费", "住改商",
    "绿化养护", "门禁系统", "监控设备", "充电桩", "宠物管理", "噪音扰民", "楼道堆物", "供水管网", "安全隐患",
]
VERBS = ["如何申请", "怎样表决", "谁来负责", "费用分摊", "使用程序", "常见纠纷", "公示要求", "办理流程", "注意事项", "法律依据"]
SENTENCES = [
    "方案要在小区公告栏公示，公示期不少于七日，期满后组织业主表决。",
    "参与表决的业主应当占专有部分面积和人数的三分之二以上。",
    "业主委员会应当定期公布收支情况，接受业主监督。",
    "物业服务企业利用共有部分经营的收入，扣除合理成本后归业主共有。",
    "遇到紧急情况，可以按照当地规定申请应急维修。",
    "表决结果应当及时公告，选票要保存备查。",
    "业主有权查阅会议记录、合同和账目。",
    "改变共有部分用途，应当经参与表决的业主四分之三以上同意。",
]
QUERIES = [
    "维修基金", "维修资金", "公示期", "业主大会", "电梯维修", "物业服务企业", "管理规约", "公共收益",
    "如何使用维修资金", "业主委员会 公示", "电梯 维修 费用分摊", "地下车库归谁", "住改商 纠纷", "装修管理注意事项",
    "应急维修", "三分之二", "充电桩安装", "火星基地", "量子计算", "小区维修基金使用办法",
]


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
    test_name = connection.creation._get_test_db_name()
    connection.creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    connection.close()
    connection.settings_dict["NAME"] = test_name
    call_command("migrate", verbosity=0, interactive=False)
    return lambda: connection.creation.destroy_test_db(original, verbosity=0)


def article_text(rng: random.Random, n: int) -> tuple[str, str, str]:
    topic = rng.choice(TOPICS)
    title = f"{topic}{rng.choice(VERBS)}（第{n}篇）"
    paragraphs = [rng.choice(SENTENCES) for _ in range(rng.randint(4, 9))]
    paragraphs.insert(rng.randint(0, len(paragraphs)), f"关于{topic}，{rng.choice(VERBS)}是业主最常问的问题之一。")
    return title, "<p>" + "</p><p>".join(paragraphs) + "</p>", topic


def bulk_create_articles(count: int, seed: int = 7) -> float:
    """Insert `count` live ArticlePages under 知识社区 in bulk; returns seconds taken."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page

    from knowledge.models import ArticlePage
    from knowledge.services import ensure_knowledge_home

    rng = random.Random(seed)
    started = time.perf_counter()
    parent = ensure_knowledge_home()
    content_type = ContentType.objects.get_for_model(ArticlePage)
    now = timezone.now()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def step(number: int) -> str:
        digits = ""
        while number:
            number, rest = divmod(number, 36)
            digits = alphabet[rest] + digits
        return digits.rjust(Page.steplen, "0")

    rows, details = [], []
    for n in range(1, count + 1):
        if n == 1:
            title, body, topic = "小区维修基金使用办法", "<p>" + SENTENCES[0] + "</p>", "维修资金"
        else:
            title, body, topic = article_text(rng, n)
        slug = f"a{n}"
        rows.append(Page(
            title=title, draft_title=title, slug=slug, content_type=content_type, locale_id=parent.locale_id,
            path=parent.path + step(n), depth=parent.depth + 1, numchild=0, url_path=f"{parent.url_path}{slug}/",
            live=True, has_unpublished_changes=False, first_published_at=now, last_published_at=now,
        ))
        details.append((rng.choice(["basic", "advanced", "expert"]), rng.choice(["law", "guide", "case", "template"]),
                        f"{topic}要点", json.dumps([{"type": "paragraph", "value": body, "id": str(uuid.uuid4())}],
                                                   ensure_ascii=False)))
    with transaction.atomic():
        created = Page.objects.bulk_create(rows, batch_size=1000)
        created_ids = [row.pk for row in created]
        if None in created_ids:  # a database without RETURNING: look the ids up by path
            ids = dict(Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).values_list("path", "id"))
            created_ids = [ids[row.path] for row in rows]
        table = ArticlePage._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (page_ptr_id, tier, kind, section, summary, body) VALUES (%s, %s, %s, %s, %s, %s)",
                [(pk, tier, kind, "knowledge", summary, body) for pk, (tier, kind, summary, body) in zip(created_ids, details)],
            )
        Page.objects.filter(pk=parent.pk).update(numchild=count)
    return time.perf_counter() - started


def build_index(batch: int = 500) -> float:
    from wagtail.search.backends import get_search_backend

    from knowledge.models import ArticlePage

    started = time.perf_counter()
    backend = get_search_backend()
    ids = list(ArticlePage.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        objs = list(ArticlePage.get_indexed_objects().filter(pk__in=ids[start:start + batch]))
        backend.add_bulk(ArticlePage, objs)
    for index in backend.all_indexes():
        if hasattr(index, "_refresh_title_norms"):  # the database backends' BM25 title weights
            index._refresh_title_norms(full=True)
        else:
            index.refresh()
    return time.perf_counter() - started


def timed_searches(total: int, seed: int = 11) -> tuple[list[float], dict]:
    from knowledge.search.selectors import hit_for, search_knowledge

    rng = random.Random(seed)
    timings, counts = [], {}
    search_knowledge("预热")[0:10]  # load jieba and warm the connection
    for i in range(total):
        q = QUERIES[i % len(QUERIES)] if i < len(QUERIES) else rng.choice(QUERIES)
        started = time.perf_counter()
        results = search_knowledge(q)
        count = results.count()
        hits = [hit_for(obj, q) for obj in results[0:10]]
        timings.append(time.perf_counter() - started)
        counts[q] = (count, hits[0].title if hits else None)
    return timings, counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--max-p95-ms", type=float, default=800.0)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="search-bench-") as directory:
        cleanup = prepare_database(Path(directory))
        try:
            from django.db import connection

            from home.services import ensure_site_root
            from knowledge.models import ArticlePage

            ensure_site_root()
            insert = bulk_create_articles(args.articles)
            assert ArticlePage.objects.live().count() == args.articles
            index = build_index()
            timings, counts = timed_searches(args.searches)

            ms = sorted(t * 1000 for t in timings)
            median = statistics.median(ms)
            p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
            print(f"数据库：{connection.vendor}；文章 {args.articles} 篇；搜索 {len(ms)} 次（{len(set(counts))} 种查询）")
            print(f"批量写入：{insert:.2f} s；建立索引（含分词）：{index:.2f} s")
            print(f"搜索耗时（计数 + 首页 10 条 + 摘录高亮）：中位数 {median:.1f} ms，p95 {p95:.1f} ms，最慢 {ms[-1]:.1f} ms")
            for q in ("维修基金", "公示期", "如何使用维修资金", "火星基地"):
                if q in counts:
                    print(f"  “{q}”：{counts[q][0]} 条，第一条《{counts[q][1]}》")
            if counts.get("维修基金", (0, None))[0] == 0 or counts.get("火星基地", (1, None))[0] != 0:
                print("失败：搜索结果不对。", file=sys.stderr)
                return 2
            if p95 > args.max_p95_ms:
                print(f"失败：p95 {p95:.1f} ms 超过 {args.max_p95_ms:g} ms。", file=sys.stderr)
                return 1
            print(f"通过：p95 不超过 {args.max_p95_ms:g} ms。")
            return 0
        finally:
            cleanup()


if __name__ == "__main__":
    sys.exit(main())
