"""Questions of 业委会问答 in Chinese search, on SQLite and PostgreSQL alike: the model API, the search page (问答
section, snippets with <mark>, links to /qa/<id>/), autocomplete, re-indexing when answers change, and the
Elasticsearch mapping of the Question model."""

import re

import pytest
from wagtail.search.backends import get_search_backend

from knowledge.qa.models import Question
from knowledge.qa.moderation import post_hide, post_restore
from knowledge.qa.services import answer_post, question_ask
from tests.factories import CommunityFactory, MembershipFactory, UserFactory
from tests.knowledge.helpers import FUND_TITLE, fund_article

pytestmark = pytest.mark.django_db

FUND_QUESTION = "小区维修基金怎么申请使用？"


@pytest.fixture
def people(db):
    community = CommunityFactory(code="xingfu", name="幸福家园")
    asker = UserFactory(phone="13900002001", display_name="陈委员")
    answerer = UserFactory(phone="13900002002", display_name="周主任")
    editor = UserFactory(phone="13900002003", display_name="林编辑")
    MembershipFactory(user=asker, role="committee_member", community=community)
    MembershipFactory(user=answerer, role="committee_member", community=CommunityFactory(code="hepan", name="河畔花园"))
    MembershipFactory(user=editor, role="editor", community=None)
    return {"community": community, "asker": asker, "answerer": answerer, "editor": editor}


@pytest.fixture
def fund_question(people):
    return question_ask(author=people["asker"], community=people["community"], title=FUND_QUESTION,
                        body="3栋电梯用了十五年，想动用专项资金大修。")


@pytest.fixture
def parking_question(people):
    return question_ask(author=people["asker"], community=people["community"], title="地面停车位收费标准怎么定？")


def titles(html):
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)


@pytest.mark.parametrize("query", ["维修基金", "基金", "申请", "维修基金 申请", "电梯"])
def test_chinese_words_find_the_question(fund_question, parking_question, query):
    assert list(Question.objects.visible().search(query)) == [fund_question]


def test_a_word_only_in_an_answer_finds_its_question(people, fund_question, parking_question):
    assert list(Question.objects.search("表决名册")) == []
    answer_post(question=parking_question, author=people["answerer"],
                body="我们是先做业主问卷，再把收费方案和表决名册一起交业主大会表决。")
    assert "表决名册" not in parking_question.title + parking_question.body
    assert list(Question.objects.search("表决名册")) == [parking_question]
    assert list(Question.objects.search("问卷")) == [parking_question]


def test_a_hidden_answer_no_longer_finds_its_question_and_a_restored_one_does(people, parking_question):
    answer = answer_post(question=parking_question, author=people["answerer"], body="可以参考周边小区的收费公示。")
    assert list(Question.objects.search("收费公示")) == [parking_question]
    post_hide(post=answer, actor=people["editor"], reason="不实信息")
    assert list(Question.objects.search("收费公示")) == []
    assert list(Question.objects.search("停车位")) == [parking_question]  # the question itself is still found
    post_restore(post=answer, actor=people["editor"])
    assert list(Question.objects.search("收费公示")) == [parking_question]


def test_hidden_questions_are_never_found(people, fund_question):
    post_hide(post=fund_question, actor=people["editor"], reason="重复提问")
    assert list(Question.objects.search("维修基金")) == []
    assert list(Question.objects.autocomplete("维修")) == []
    backend = get_search_backend()
    assert list(backend.search("维修基金", Question)) == []  # out of the index, not merely filtered
    post_restore(post=fund_question, actor=people["editor"])
    assert list(Question.objects.search("维修基金")) == [fund_question]


def test_rebuilding_the_index_keeps_answers_and_leaves_hidden_questions_out(people, fund_question, parking_question):
    from io import StringIO

    from django.core.management import call_command

    answer_post(question=parking_question, author=people["answerer"], body="我们按车位数量和地段分档收费。")
    post_hide(post=fund_question, actor=people["editor"], reason="重复提问")
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    assert list(Question.objects.search("分档")) == [parking_question]
    assert list(Question.objects.search("维修基金")) == []


# --- the search page and autocomplete ----------------------------------------------------------------------


def test_the_search_page_lists_questions_after_articles_with_a_marked_snippet(client, site_root, people, fund_question):
    fund_article()
    answer_post(question=fund_question, author=people["answerer"], body="先找有资质的单位做维修基金使用方案，公示七天。")
    html = client.get("/search/", {"q": "维修基金"}).content.decode()
    assert titles(html) == [FUND_TITLE, FUND_QUESTION]
    assert f'<h2><a href="/qa/{fund_question.pk}/">{FUND_QUESTION}</a></h2>' in html
    assert 'data-type="question"' in html and "来自 幸福家园" in html and "1 个回答" in html
    assert "先找有资质的单位做<mark>维修基金</mark>使用方案" in html


def test_the_qa_section_lists_questions_only(client, site_root, fund_question, parking_question):
    fund_article()
    html = client.get("/search/", {"q": "维修基金", "section": "qa"}).content.decode()
    assert titles(html) == [FUND_QUESTION]
    assert '<option value="qa" selected>问答</option>' in html
    everything = client.get("/search/", {"section": "qa"}).content.decode()  # no words: newest activity first
    assert titles(everything) == ["地面停车位收费标准怎么定？", FUND_QUESTION]
    assert titles(client.get("/search/", {"q": "维修基金", "section": "knowledge"}).content.decode()) == [FUND_TITLE]
    assert titles(client.get("/search/", {"q": "维修基金", "tier": "basic"}).content.decode()) == [FUND_TITLE]
    assert titles(client.get("/search/", {"q": "维修基金", "section": "qa", "tier": "basic"}).content.decode()) == []


def test_hidden_questions_never_reach_the_page(client, site_root, people, fund_question):
    post_hide(post=fund_question, actor=people["editor"], reason="重复提问")
    assert FUND_QUESTION not in client.get("/search/", {"q": "维修基金"}).content.decode()
    assert FUND_QUESTION not in client.get("/search/", {"section": "qa"}).content.decode()


def test_autocomplete_suggests_questions(client, site_root, fund_question):
    data = client.get("/search/autocomplete/", {"q": "维修基"}).json()
    assert data["results"] == [
        {"type": "question", "title": FUND_QUESTION, "url": f"/qa/{fund_question.pk}/", "kind": "问答"}]


def test_the_graphql_knowledge_search_keeps_to_articles_and_documents(site_root, fund_question):
    from knowledge.search.selectors import search_knowledge

    fund_article()
    assert [obj.title for obj in search_knowledge("维修基金")[0:10]] == [FUND_TITLE]


# --- Elasticsearch: the request bodies, without a server -------------------------------------------------------


ES = {"URLS": ["http://es.invalid:9200"], "INDEX_PREFIX": "xiaoqu_"}


@pytest.fixture
def es_backend():
    return get_search_backend("search.backends.elasticsearch8", **ES)


def test_the_question_mapping(es_backend):
    mapping = es_backend.mapping_class(Question).get_mapping()["properties"]
    assert mapping["title"] == {"type": "text", "copy_to": ["_all_text", "_all_text_boost_2_0"]}
    assert mapping["body"] == {"type": "text", "copy_to": "_all_text"}
    assert mapping["answers_text"] == {"type": "text", "copy_to": "_all_text"}
    assert mapping["title_edgengrams"] == {
        "type": "text", "analyzer": "edgengram_analyzer", "search_analyzer": "zh_search"}
    assert mapping["status_filter"] == {"type": "keyword"}
    assert mapping["solved_filter"] == {"type": "boolean"}
    assert mapping["community_id_filter"] == {"type": "long"}


def test_the_document_sent_for_a_question_is_segmented_with_its_visible_answers(es_backend, people, fund_question):
    answer_post(question=fund_question, author=people["answerer"], body="先出维修方案，再组织业主表决。")
    hidden = answer_post(question=fund_question, author=people["answerer"], body="加我微信代办审批。")
    post_hide(post=hidden, actor=people["editor"], reason="广告")
    question = Question.get_indexed_objects().get(pk=fund_question.pk)
    document = es_backend.mapping_class(Question).get_document(question)
    assert document["title"].split()[:4] == ["小区", "维修基金", "怎么", "申请"]
    assert "表决" in document["answers_text"].split()
    assert "微信" not in document["answers_text"].split()
    assert document["status_filter"] == "visible"


def test_the_question_search_body_carries_the_segmented_query_and_the_filters(es_backend):
    results = es_backend.search("维修基金申请", Question.objects.filter(status="visible", solved=False))
    assert results.query_compiler.get_query() == {
        "bool": {
            "must": {"multi_match": {"query": "维修基金 申请", "fields": ["_all_text", "_all_text_boost_2_0^2.0"]}},
            "filter": [
                {"match": {"_django_content_type": "qa.Question"}},
                {"bool": {"must": [
                    {"term": {"solved_filter": False}},
                    {"term": {"status_filter": "visible"}},
                ]}},
            ],
        }
    }
