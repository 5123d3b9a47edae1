"""The public search page: highlighted snippets, filters, pagination, documents, autocomplete."""

import re

import pytest

from knowledge.documents import index_document_text
from tests.knowledge.helpers import FUND_TITLE, cjk_pdf_bytes, fund_article, make_document, publish_article

pytestmark = pytest.mark.django_db


def results(html: str) -> list[str]:
    """Titles of the listed results, in order."""
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)


def get(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def library(site_root):
    fund = fund_article()
    law = publish_article(
        "民法典第281条：维修资金归业主共有", "<p>维修资金属于业主共有，使用前要经过公示期和业主表决。</p>",
        section="legal", kind="law",
    )
    case = publish_article(
        "争议案例：未经表决动用维修资金", "<p>业委会没有公示也没有表决，就动用了维修资金。</p>",
        section="legal", tier="advanced", kind="case",
    )
    return {"fund": fund, "law": law, "case": case}


def test_each_result_shows_its_title_and_a_snippet_with_the_match_marked(client, library):
    html = get(client, q="公示期")
    assert results(html) == [FUND_TITLE, "民法典第281条：维修资金归业主共有"]
    assert "方案要在公告栏公示，<mark>公示期</mark>不少于七日" in html
    assert "“公示期”共找到 2 条结果" in html


def test_text_in_titles_and_snippets_is_escaped(client, site_root):
    publish_article("<b>加粗</b>的标题", "<p>&lt;script&gt;alert(1)&lt;/script&gt; 公示期</p>")
    html = get(client, q="公示期")
    assert "&lt;b&gt;加粗&lt;/b&gt;的标题" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; <mark>公示期</mark>" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"section": "knowledge"}, [FUND_TITLE]),
        ({"section": "legal"}, ["民法典第281条：维修资金归业主共有", "争议案例：未经表决动用维修资金"]),
        ({"tier": "advanced"}, ["争议案例：未经表决动用维修资金"]),
        ({"kind": "law"}, ["民法典第281条：维修资金归业主共有"]),
        ({"section": "legal", "kind": "guide"}, []),
        ({"section": "nonsense", "tier": "x"}, None),  # invalid values are ignored
    ],
)
def test_filters_narrow_the_results(client, library, params, expected):
    html = get(client, q="维修资金", **params)
    found = results(html)
    if expected is None:
        assert sorted(found) == sorted([FUND_TITLE, "民法典第281条：维修资金归业主共有", "争议案例：未经表决动用维修资金"])
    else:
        assert sorted(found) == sorted(expected)


def test_filters_without_words_list_the_filtered_articles(client, library):
    html = get(client, section="legal")
    assert sorted(results(html)) == sorted(["民法典第281条：维修资金归业主共有", "争议案例：未经表决动用维修资金"])
    assert "共 2 篇" in html


def test_no_words_and_no_filters_shows_the_prompt(client, library):
    html = get(client)
    assert results(html) == [] and "输入关键词" in html


def test_nothing_found_says_so(client, library):
    assert "没有找到相关内容" in get(client, q="停车位")


def test_results_are_paginated_keeping_the_query_and_filters(client, site_root):
    for n in range(1, 24):
        publish_article(f"维修资金问答{n:02d}", f"<p>第{n}个关于维修资金的问题。</p>")
    first = get(client, q="维修资金", community="alpha")
    assert len(results(first)) == 10
    assert "第 1 / 3 页" in first
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "page=2" in next_link and "community=alpha" in next_link and "q=" in next_link
    last = get(client, q="维修资金", community="alpha", page=3)
    assert len(results(last)) == 3 and 'rel="prev"' in last and 'rel="next"' not in last
    assert get(client, q="维修资金", page=99).count("<h2><a") == 3  # out of range: the last page
    everything = results(first) + results(get(client, q="维修资金", page=2)) + results(last)
    assert len(set(everything)) == 23


def test_pdf_documents_are_searched_by_their_text(client, library):
    document = make_document("电梯改造方案", "dianti.pdf", cjk_pdf_bytes("电梯更新改造方案", "方案公示期不少于七日，请业主提出意见。"))
    index_document_text(document)
    html = get(client, q="公示期")
    assert results(html) == [FUND_TITLE, "民法典第281条：维修资金归业主共有", "电梯改造方案"]
    assert 'data-type="document"' in html and "方案<mark>公示期</mark>不少于七日" in html
    assert "电梯改造方案" not in get(client, q="公示期", tier="basic")  # documents have no tier


def test_autocomplete_suggests_titles_as_json(client, library):
    response = client.get("/search/autocomplete/", {"q": "维修基"})
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["query"] == "维修基"
    assert data["results"][0] == {"type": "article", "title": FUND_TITLE, "url": library["fund"].url, "kind": "运作指南"}
    assert client.get("/search/autocomplete/", {"q": " "}).json() == {"query": "", "results": []}


def test_the_page_wires_the_autocomplete_script(client, library):
    html = get(client, q="维修")
    assert 'data-autocomplete-url="/search/autocomplete/"' in html
    assert '<script src="/static/search/autocomplete.js" defer></script>' in html


@pytest.mark.parametrize("q", ['"', "'", "\\", "*", "^维修", "NOT", "OR 维修", "-公示", '维修"基金', "title:维修", "{title body}", "维修 AND", "（）", "x" * 300])
def test_odd_input_never_breaks_the_page(client, library, q):
    assert client.get("/search/", {"q": q}).status_code == 200
    assert client.get("/search/autocomplete/", {"q": q}).status_code == 200
