"""GraphQL `KnowledgeQuery`: sections, articles (filtered, paged), one article, Chinese search.

Executed against a schema built here from KnowledgeQuery alone, so the tests do not depend on
how portal/api.py assembles the root query."""

import graphene
import pytest
from django.test import RequestFactory

from knowledge.models import KnowledgeSectionPage
from knowledge.schema import KnowledgeQuery
from knowledge.services import ensure_knowledge_home
from tests.knowledge.helpers import FUND_TITLE, fund_article, publish_article

pytestmark = pytest.mark.django_db


class Query(KnowledgeQuery, graphene.ObjectType):
    pass


SCHEMA = graphene.Schema(query=Query)


def run(query: str, **variables) -> dict:
    request = RequestFactory().get("/graphql/", HTTP_HOST="localhost")
    result = SCHEMA.execute(query, variable_values=variables, context_value=request)
    assert result.errors is None, result.errors
    return result.data


@pytest.fixture
def content(site_root):
    fund = fund_article()
    law = publish_article("民法典第281条解读", "<p>维修资金属于业主共有。</p>", section="legal", kind="law", tags=["民法典", "维修资金"])
    case = publish_article("争议案例：电梯广告", "<p>广告收益归业主。</p>", section="legal", kind="case", tier="advanced")
    section = KnowledgeSectionPage(title="基础 · 运作指南", slug="basic-guide", tier="basic", kind="guide", intro="<p>怎么办事</p>")
    ensure_knowledge_home().add_child(instance=section)
    section.save_revision().publish()
    return {"fund": fund, "law": law, "case": case, "section": section}


def test_knowledge_sections(content):
    data = run("{ knowledgeSections { id title tier kind url intro } }")
    assert data["knowledgeSections"] == [
        {"id": str(content["section"].pk), "title": "基础 · 运作指南", "tier": "BASIC", "kind": "GUIDE",
         "url": "/knowledge/basic-guide/", "intro": "怎么办事"}
    ]


def test_articles_filtered_and_paged(content, django_assert_num_queries):
    query = """query($section: KnowledgeArea, $tier: KnowledgeTier, $kind: KnowledgeKind, $first: Int, $offset: Int) {
      articles(section: $section, tier: $tier, kind: $kind, first: $first, offset: $offset) { title area tier kind tags }
    }"""
    assert [a["title"] for a in run(query, section="LEGAL")["articles"]] == ["争议案例：电梯广告", "民法典第281条解读"]
    assert run(query, tier="ADVANCED")["articles"] == [
        {"title": "争议案例：电梯广告", "area": "LEGAL", "tier": "ADVANCED", "kind": "CASE", "tags": []}
    ]
    assert run(query, kind="LAW")["articles"][0]["tags"] == ["民法典", "维修资金"]
    assert [a["title"] for a in run(query, first=1, offset=1)["articles"]] == ["民法典第281条解读"]
    # view restrictions (for .public()), the pages, their tags — for one article or many
    with django_assert_num_queries(3):
        assert len(run(query, first=1)["articles"]) == 1
    with django_assert_num_queries(3):
        assert len(run(query)["articles"]) == 3


def test_one_article(content):
    query = "query($id: ID!) { article(id: $id) { title url summary bodyText bodyHtml tags } }"
    data = run(query, id=str(content["fund"].pk))["article"]
    assert data["title"] == FUND_TITLE and data["url"] == content["fund"].url
    assert "公示期不少于七日" in data["bodyText"] and "<p>使用维修资金前" in data["bodyHtml"]
    assert data["tags"] == ["维修资金"]
    content["case"].unpublish()
    assert run(query, id=str(content["case"].pk))["article"] is None
    assert run(query, id="nonsense")["article"] is None


def test_search_knowledge(content):
    query = "query($q: String!, $first: Int) { searchKnowledge(q: $q, first: $first) { type title snippet url tier kind } }"
    hits = run(query, q="维修基金")["searchKnowledge"]
    assert hits[0]["title"] == FUND_TITLE and hits[0]["type"] == "article"
    assert (hits[0]["tier"], hits[0]["kind"], hits[0]["url"]) == ("BASIC", "GUIDE", content["fund"].url)
    body_hits = run(query, q="公示期")["searchKnowledge"]
    assert [h["title"] for h in body_hits] == [FUND_TITLE]
    assert "<mark>公示期</mark>" in body_hits[0]["snippet"]
    assert len(run(query, q="维修资金", first=1)["searchKnowledge"]) == 1
    assert run(query, q="  ")["searchKnowledge"] == []
