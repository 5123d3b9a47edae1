"""The Elasticsearch 8 wrapper, without a server: index settings, mappings, documents and the
query bodies it would send, built with the backend's own mapping and query compiler classes;
one round trip goes through a fake client."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Phrase, PlainText

from knowledge.models import ArticlePage, DocumentText
from search.backends.elasticsearch8 import ChineseElasticsearch8SearchBackend
from tests.knowledge.helpers import fund_article

ROOT = Path(__file__).resolve().parents[2]
ES = {"BACKEND": "search.backends.elasticsearch8", "URLS": ["http://es.invalid:9200"], "INDEX_PREFIX": "xiaoqu_"}


@pytest.fixture
def backend():
    return get_search_backend(ES["BACKEND"], **{k: v for k, v in ES.items() if k != "BACKEND"})


def test_settings_switch_to_the_wrapper_when_elasticsearch_url_is_set(monkeypatch):
    monkeypatch.setenv("ELASTICSEARCH_URL", "https://elastic:secret@es.example:9200")
    monkeypatch.setenv("ELASTICSEARCH_INDEX", "xq")
    config = runpy.run_path(str(ROOT / "portal" / "settings" / "base.py"))["WAGTAILSEARCH_BACKENDS"]["default"]
    assert config == {
        "BACKEND": "search.backends.elasticsearch8",
        "URLS": ["https://elastic:secret@es.example:9200"],
        "INDEX_PREFIX": "xq_",
        "TIMEOUT": 5,
        "ANALYZER": "jieba",
    }
    monkeypatch.delenv("ELASTICSEARCH_URL")
    config = runpy.run_path(str(ROOT / "portal" / "settings" / "base.py"))["WAGTAILSEARCH_BACKENDS"]["default"]
    assert config["BACKEND"] == "search.backends.database"


def test_the_index_keeps_segmented_tokens_whole(backend):
    assert isinstance(backend, ChineseElasticsearch8SearchBackend)
    analysis = backend.settings["settings"]["analysis"]
    assert analysis["tokenizer"]["zh_tokens"] == {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}
    assert analysis["analyzer"]["default"] == {"type": "custom", "tokenizer": "zh_tokens", "filter": ["cjk_width", "lowercase"]}
    assert analysis["analyzer"]["default_search"]["tokenizer"] == "zh_tokens"
    assert analysis["analyzer"]["edgengram_analyzer"]["tokenizer"] == "zh_tokens"
    assert analysis["filter"]["edgengram"] == {"type": "edge_ngram", "min_gram": 1, "max_gram": 15}  # upstream's, kept


def test_the_ik_analyzer_option_maps_to_ik_max_word_and_ik_smart():
    backend = get_search_backend(ES["BACKEND"], URLS=ES["URLS"], ANALYZER="ik")
    analyzers = backend.settings["settings"]["analysis"]["analyzer"]
    assert analyzers["default"]["tokenizer"] == "ik_max_word"
    assert analyzers["default_search"]["tokenizer"] == "ik_smart"
    assert analyzers["edgengram_analyzer"]["tokenizer"] == "ik_max_word"
    with pytest.raises(ImproperlyConfigured):
        get_search_backend(ES["BACKEND"], URLS=ES["URLS"], ANALYZER="smartcn")


def test_index_settings_from_the_project_still_win():
    backend = get_search_backend(
        ES["BACKEND"], URLS=ES["URLS"], INDEX_SETTINGS={"settings": {"index": {"number_of_shards": 3}}}
    )
    assert backend.settings["settings"]["index"] == {"max_ngram_diff": 12, "number_of_shards": 3}
    assert "zh_tokens" in backend.settings["settings"]["analysis"]["tokenizer"]


def test_the_article_mapping(backend):
    mapping = backend.mapping_class(ArticlePage).get_mapping()["properties"]
    assert mapping["title"] == {"type": "text", "copy_to": ["_all_text", "_all_text_boost_2_0"]}
    assert mapping["knowledge_articlepage__body"] == {"type": "text", "copy_to": "_all_text"}
    assert mapping["knowledge_articlepage__body_edgengrams"] == {
        "type": "text", "analyzer": "edgengram_analyzer", "search_analyzer": "zh_search",
    }
    assert mapping["_edgengrams"]["search_analyzer"] == "zh_search"
    assert mapping["knowledge_articlepage__tier_filter"] == {"type": "keyword"}
    assert mapping["knowledge_articlepage__section_filter"] == {"type": "keyword"}
    assert mapping["knowledge_articlepage__tags"]["type"] == "nested"


@pytest.mark.django_db
def test_the_document_sent_for_an_article_is_segmented(backend, site_root):
    page = fund_article()
    document = backend.mapping_class(ArticlePage).get_document(page)
    assert document["title"] == "小区 维修基金 使用 办法 维修 基金"
    assert "公示期" in document["knowledge_articlepage__body"][0].split()
    assert document["knowledge_articlepage__tier_filter"] == "basic"
    assert document["knowledge_articlepage__tags"] == [{"name": "维修资金 维修 资金", "name_edgengrams": "维修资金 维修 资金"}]
    assert document["_django_content_type"][:2] == ["knowledge.ArticlePage", "wagtailcore.Page"]


@pytest.mark.django_db
def test_the_search_body_carries_the_segmented_query(backend):
    results = backend.search("维修基金使用办法", ArticlePage.objects.filter(live=True, tier="basic"))
    assert results.query_compiler.get_query() == {
        "bool": {
            "must": {
                "multi_match": {
                    "query": "维修基金 使用 办法",
                    "fields": ["_all_text", "_all_text_boost_2_0^2.0"],
                }
            },
            "filter": [
                {"match": {"_django_content_type": "knowledge.ArticlePage"}},
                {"bool": {"must": [
                    {"term": {"live_filter": True}},
                    {"term": {"knowledge_articlepage__tier_filter": "basic"}},
                ]}},
            ],
        }
    }


@pytest.mark.django_db
def test_phrase_and_autocomplete_bodies(backend):
    phrase = backend.search(Phrase("业主大会议事规则"), ArticlePage).query_compiler.get_query()
    assert phrase["bool"]["must"]["multi_match"] == {
        "query": "业主大会 议事规则", "fields": ["_all_text", "_all_text_boost_2_0^2.0"], "type": "phrase",
    }
    auto = backend.autocomplete("维修基", ArticlePage).query_compiler.get_query()
    assert auto["bool"]["must"] == {"match": {"_edgengrams": {"query": "维修 基"}}}
    anded = backend.search(PlainText("电梯广告", operator="and"), ArticlePage).query_compiler.get_query()
    assert anded["bool"]["must"]["multi_match"]["query"] == "电梯 广告"
    assert anded["bool"]["must"]["multi_match"]["operator"] == "and"


class FakeIndices:
    def __init__(self, calls):
        self.calls = calls

    def create(self, **kwargs):
        self.calls.append(("indices.create", kwargs))

    def put_mapping(self, **kwargs):
        self.calls.append(("indices.put_mapping", kwargs))

    def refresh(self, **kwargs):
        self.calls.append(("indices.refresh", kwargs))


class FakeElasticsearch:
    """Stands in for the elasticsearch client: records calls, answers searches with given pks."""

    def __init__(self, hits=()):
        self.calls = []
        self.hits = list(hits)
        self.indices = FakeIndices(self.calls)

    def index(self, **kwargs):
        self.calls.append(("index", kwargs))

    def search(self, **kwargs):
        self.calls.append(("search", kwargs))
        return {"hits": {"hits": [{"_score": 1.0, "fields": {"pk": [str(pk)]}} for pk in self.hits]}}


@pytest.mark.django_db
def test_a_round_trip_through_a_fake_client(backend, site_root):
    page = fund_article()
    fake = FakeElasticsearch(hits=[page.pk])
    backend.es = fake

    backend.get_index_for_model(ArticlePage).put()
    backend.add(page)
    found = list(backend.search("维修基金", ArticlePage.objects.all()))

    assert found == [page]
    create = fake.calls[0]
    assert create[0] == "indices.create" and create[1]["index"] == "xiaoqu_wagtailcore_page"
    assert create[1]["settings"]["analysis"]["analyzer"]["default"]["tokenizer"] == "zh_tokens"
    indexed = next(kwargs for name, kwargs in fake.calls if name == "index")
    assert indexed["index"] == "xiaoqu_wagtailcore_page" and indexed["id"] == str(page.pk)
    assert indexed["document"]["title"] == "小区 维修基金 使用 办法 维修 基金"
    sent = next(kwargs for name, kwargs in fake.calls if name == "search")
    assert sent["index"] == "xiaoqu_wagtailcore_page"
    assert sent["query"]["bool"]["must"]["multi_match"]["query"] == "维修基金"


def test_document_text_maps_its_title_and_text(backend):
    mapping = backend.mapping_class(DocumentText).get_mapping()["properties"]
    assert mapping["title"] == {"type": "text", "copy_to": ["_all_text", "_all_text_boost_2_0"]}
    assert mapping["text"] == {"type": "text", "copy_to": "_all_text"}
