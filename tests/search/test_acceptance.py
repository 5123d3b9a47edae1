"""Acceptance: Chinese words find Chinese articles, on SQLite and on PostgreSQL alike.

Given the article 《小区维修基金使用办法》 whose body talks about the 公示期 (but whose title
does not), searching "维修基金" or "公示期" finds it — through the model API, the search page
and Wagtail's generic Page search."""

import pytest
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Phrase

from knowledge.models import ArticlePage
from tests.knowledge.helpers import FUND_TITLE, fund_article, publish_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(site_root):
    fund = fund_article()
    other = publish_article("电梯广告收入归谁", "<p>电梯轿厢广告的收益，扣除合理成本后归全体业主。</p>", section="legal", kind="case")
    return fund, other


@pytest.mark.parametrize("query", ["维修基金", "公示期", "维修资金", "基金", "小区维修基金使用办法", "维修基金 公示期"])
def test_chinese_words_find_the_fund_article(articles, query):
    fund, _other = articles
    assert list(ArticlePage.objects.live().search(query)) == [fund]


def test_a_body_only_word_finds_it_and_the_title_does_not_contain_it(articles):
    fund, _ = articles
    assert "公示期" not in fund.title
    assert [page.specific for page in Page.objects.live().search("公示期")] == [fund]


def test_the_search_page_lists_it(client, articles):
    html = client.get("/search/", {"q": "维修基金"}).content.decode()
    assert f">{FUND_TITLE}</a>" in html
    assert "电梯广告收入归谁" not in html


def test_other_words_do_not_find_it(articles):
    _, other = articles
    assert list(ArticlePage.objects.live().search("电梯广告")) == [other]
    assert list(ArticlePage.objects.live().search("停车位")) == []


def test_phrases_and_prefixes_work_on_segmented_text(articles):
    fund, _ = articles
    assert list(ArticlePage.objects.live().search(Phrase("维修基金使用办法"))) == [fund]
    assert list(ArticlePage.objects.live().search(Phrase("办法使用"))) == []
    assert list(ArticlePage.objects.live().autocomplete("维修基")) == [fund]
    assert list(ArticlePage.objects.live().autocomplete("公示")) == [fund]


def test_pages_indexed_without_segmentation_are_still_found_by_their_whole_title(site_root):
    """Pages of other apps keep Wagtail's plain title field: the raw query still finds them."""
    site_root.add_child(instance=Page(title="阳光花园", slug="sunny"))
    assert [page.title for page in Page.objects.search("阳光花园")] == ["阳光花园"]
    without_raw = get_search_backend(KEEP_RAW_QUERY=False)
    assert list(without_raw.search("阳光花园", Page)) == []  # why the raw fallback exists


def test_rebuilding_the_index_keeps_chinese_search_working(articles):
    from io import StringIO

    from django.core.management import call_command

    fund, _ = articles
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    assert list(ArticlePage.objects.live().search("维修基金")) == [fund]
    assert list(ArticlePage.objects.live().search("公示期")) == [fund]
