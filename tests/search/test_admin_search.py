"""Wagtail's admin page search (autocomplete over the index) finds body text of articles."""

import pytest

from tests.knowledge.helpers import FUND_TITLE, fund_article, publish_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser, site_root):
    client.force_login(superuser)
    return client


def admin_search(client, q):
    response = client.get("/admin/pages/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_admin_search_finds_an_article_by_a_word_only_in_its_body(admin_client):
    fund_article()
    publish_article("电梯广告收入归谁", "<p>广告收益归业主。</p>", section="legal", kind="case")
    html = admin_search(admin_client, "公示期")
    assert FUND_TITLE in html
    assert "电梯广告收入归谁" not in html


def test_admin_search_understands_chinese_titles_and_prefixes(admin_client):
    fund_article()
    assert FUND_TITLE in admin_search(admin_client, "维修基金")
    assert FUND_TITLE in admin_search(admin_client, "维修基")


def test_admin_search_results_endpoint_finds_body_text(admin_client):
    fund_article()
    response = admin_client.get("/admin/pages/search/results/", {"q": "公示期"})
    assert response.status_code == 200
    assert FUND_TITLE in response.content.decode()
