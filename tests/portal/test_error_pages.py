"""What a person sees when something goes wrong (DEBUG off): Chinese 404 and 403 pages in the portal's frame,
a standalone 500 page that needs neither a request nor the database, and the home page's own title."""

import pytest
from django.template import engines
from django.test import override_settings

from home.services import ensure_site_root
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]


@override_settings(DEBUG=False)
def test_a_missing_page_is_a_chinese_404_in_the_portal_frame(client):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>页面不存在 · 小区治理</title>" in html
    assert 'data-testid="error-404"' in html and 'class="site-header"' in html
    assert 'href="/accounts/login/?next=/no-such-page/"' in html  # a visitor may sign in and try again


@override_settings(DEBUG=False)
def test_a_forbidden_action_is_a_chinese_403_in_the_portal_frame(client):
    client.force_login(UserFactory())

    response = client.get("/_test/forbidden/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "<title>没有权限 · 小区治理</title>" in html
    assert 'data-testid="error-403"' in html and 'class="site-header"' in html


@override_settings(DEBUG=False)
def test_a_server_error_is_a_chinese_500_page(client):
    client.raise_request_exception = False

    response = client.get("/_test/broken/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "<title>服务器出错了 · 小区治理</title>" in html and "服务器出错了" in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    template = engines["django"].get_template("500.html")
    with django_assert_num_queries(0):
        html = template.render()
    assert "服务器出错了" in html and "{%" not in html and "<style>" in html


def test_the_home_page_title_names_the_site_once(client):
    ensure_site_root()

    html = client.get("/").content.decode()

    assert "<title>小区治理</title>" in html
    assert "小区治理 · 小区治理" not in html
