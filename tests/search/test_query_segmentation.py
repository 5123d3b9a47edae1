"""The backend wrapper segments query objects before the backend compiles them."""

import pytest
from modelsearch.backends.base import EmptySearchResults
from wagtail.search.backends import get_search_backend
from wagtail.search.query import MATCH_ALL, And, Boost, Fuzzy, Not, Or, Phrase, PlainText

from knowledge.models import ArticlePage
from search.backends.base import ChineseQueryMixin, segment_search_query


def test_plain_text_is_segmented_keeping_operator_and_boost():
    query = segment_search_query(PlainText("维修基金使用办法", operator="or", boost=2))
    assert repr(query) == "<PlainText '维修基金 使用 办法' operator='or' boost=2>"


def test_phrase_is_segmented():
    assert repr(segment_search_query(Phrase("维修基金使用办法"))) == "<Phrase '维修基金 使用 办法'>"


def test_and_or_not_boost_are_rewritten_recursively():
    query = And([PlainText("公示期"), Or([Phrase("业主大会"), Not(PlainText("电梯广告"))]), Boost(PlainText("维修资金"), 3)])
    assert repr(segment_search_query(query)) == (
        "<And <PlainText '公示期' operator='and' boost=1> "
        "<Or <Phrase '业主大会'> <Not <PlainText '电梯 广告' operator='and' boost=1>>> "
        "<Boost <PlainText '维修资金' operator='and' boost=1> boost=3>>"
    )


def test_match_all_and_fuzzy_pass_unchanged():
    fuzzy = Fuzzy("维修基金")
    assert segment_search_query(MATCH_ALL) is MATCH_ALL
    assert segment_search_query(fuzzy) is fuzzy


def test_with_keep_raw_a_leaf_also_matches_its_unsegmented_form():
    query = segment_search_query(PlainText("阳光花园"), keep_raw=True)
    assert repr(query) == (
        "<Or <PlainText '阳光 花园' operator='and' boost=1> <PlainText '阳光花园' operator='and' boost=1>>"
    )
    # nothing to add when segmenting changes nothing
    assert repr(segment_search_query(PlainText("公示期"), keep_raw=True)) == "<PlainText '公示期' operator='and' boost=1>"


@pytest.mark.django_db
def test_the_default_backend_is_the_chinese_wrapper():
    backend = get_search_backend()
    assert isinstance(backend, ChineseQueryMixin)
    assert backend.keep_raw_query is True


@pytest.mark.django_db
def test_a_string_query_reaches_the_compiler_segmented():
    backend = get_search_backend()
    results = backend.search("电梯广告收入", ArticlePage)
    assert repr(results.query_compiler.query) == (
        "<Or <PlainText '电梯 广告 收入' operator='and' boost=1> <PlainText '电梯广告收入' operator='and' boost=1>>"
    )
    results = backend.autocomplete("维修基", ArticlePage)
    assert repr(results.query_compiler.query) == (
        "<Or <PlainText '维修 基' operator='and' boost=1> <PlainText '维修基' operator='and' boost=1>>"
    )


@pytest.mark.django_db
def test_a_query_object_reaches_the_compiler_segmented():
    backend = get_search_backend(KEEP_RAW_QUERY=False)
    results = backend.search(And([Phrase("业主大会议事规则"), Not(PlainText("电梯广告"))]), ArticlePage)
    assert repr(results.query_compiler.query) == (
        "<And <Phrase '业主大会 议事规则'> <Not <PlainText '电梯 广告' operator='and' boost=1>>>"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   ", "，。！"])
def test_a_query_without_words_finds_nothing(query):
    assert isinstance(get_search_backend().search(query, ArticlePage), EmptySearchResults)
