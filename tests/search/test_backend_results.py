"""Search results behave like Wagtail's on both databases: relevance, explicit ordering, Not,
facets, scores, counting and slicing. On SQLite the wrapper reads FTS5 its own (faster) way."""

import pytest
from django.db import connection
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Not, PlainText

from knowledge.models import ArticlePage
from tests.knowledge.helpers import publish_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site_root):
    body_only = publish_article("业主大会怎么开", "<p>会议前要把电梯维修方案公示。</p>")
    in_title = publish_article("电梯维修费用怎么分摊", "<p>按专有部分面积比例分摊。</p>", kind="law", section="legal")
    other = publish_article("垃圾分类指南", "<p>干垃圾、湿垃圾分开投放。</p>")
    return {"body_only": body_only, "in_title": in_title, "other": other}


def test_a_title_match_ranks_above_a_body_match(pages):
    assert list(ArticlePage.objects.live().search("电梯维修")) == [pages["in_title"], pages["body_only"]]


def test_explicit_ordering_is_kept_when_not_ordering_by_relevance(pages):
    results = ArticlePage.objects.live().order_by("title").search("电梯维修", order_by_relevance=False)
    assert [page.title for page in results] == sorted([pages["in_title"].title, pages["body_only"].title])


def test_not_excludes_the_matches(pages):
    results = ArticlePage.objects.live().search(Not(PlainText("电梯")))
    assert set(results) == {pages["other"]}


def test_counting_and_slicing_agree(pages):
    results = ArticlePage.objects.live().search("维修 垃圾", operator="or")
    assert results.count() == 3
    assert list(results[1:]) == list(results)[1:]
    assert results[1:].count() == 2 and results[0:1].count() == 1


def test_scores_can_be_annotated(pages):
    results = list(ArticlePage.objects.live().search("电梯维修").annotate_score("_score"))
    assert [type(page._score) for page in results] == [float, float]


def test_facets_count_the_matches(pages):
    assert dict(ArticlePage.objects.live().search("电梯维修").facet("kind")) == {"law": 1, "guide": 1}


def test_a_search_is_at_most_three_queries_whatever_the_number_of_hits(pages, django_assert_max_num_queries):
    from search.backends.base import ChineseQueryMixin

    backend = get_search_backend()
    assert isinstance(backend, ChineseQueryMixin)
    if connection.vendor == "sqlite":  # (the module only imports where SQLite's FTS model exists)
        from search.backends.sqlite import ChineseSQLiteSearchBackend

        assert isinstance(backend, ChineseSQLiteSearchBackend)  # FTS5 read with the FTS table outermost
    for n in range(10):
        publish_article(f"电梯维修问答{n}", "<p>电梯维修。</p>")
    results = ArticlePage.objects.live().search("电梯维修")
    with django_assert_max_num_queries(3):  # SQLite: scores, matching rows, the page; PostgreSQL: count, page
        assert results.count() == 12
        assert len(list(results[0:10])) == 10
