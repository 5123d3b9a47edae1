"""The knowledge pages: where articles live, what they show, what editors can put in them."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from knowledge.blocks import VideoLessonBlock
from knowledge.models import ArticlePage, KnowledgeSectionPage, TopicPackPage
from knowledge.services import ensure_knowledge_home, ensure_legal_aid_home
from tests.knowledge.helpers import FUND_TITLE, fund_article, make_document, publish_article

pytestmark = pytest.mark.django_db


def test_the_index_pages_are_created_once_under_the_site_root(site_root):
    home, legal = ensure_knowledge_home(), ensure_legal_aid_home()
    assert home.get_parent().specific == site_root and legal.get_parent().specific == site_root
    assert (home.title, home.url, legal.title, legal.url) == ("知识社区", "/knowledge/", "普法阵地", "/legal-aid/")
    assert ensure_knowledge_home() == home and ensure_legal_aid_home() == legal


def test_an_article_knows_its_section_from_where_it_lives(site_root):
    knowledge = publish_article("业主大会怎么开", section="knowledge")
    legal = publish_article("民法典第278条", section="legal", kind="law")
    assert (knowledge.section, legal.section) == ("knowledge", "legal")
    section_page = KnowledgeSectionPage(title="基础 · 法规政策", slug="basic-law", tier="basic", kind="law")
    ensure_knowledge_home().add_child(instance=section_page)
    nested = ArticlePage(title="专有部分是什么", slug="zhuanyou", kind="law")
    section_page.add_child(instance=nested)
    assert nested.section == "knowledge"


def test_the_article_page_renders_every_block(client, site_root):
    document = make_document("会议纪要模板", "minutes.txt", "会议纪要".encode())
    page = publish_article(
        "会议纪要怎么写",
        blocks=[
            {"type": "paragraph", "value": "<p>纪要要写清<b>表决结果</b>。</p>"},
            {"type": "law_article", "value": {"law_name": "中华人民共和国民法典", "article_number": "第二百七十八条",
                                              "text": "下列事项由业主共同决定。"}},
            {"type": "case_facts", "value": {"title": "纪要缺签字", "facts": "会议纪要没有委员签字。", "outcome": "决定被撤销。"}},
            {"type": "template_document", "value": {"title": "纪要模板", "document": document.pk, "description": "下载填写"}},
            {"type": "video_lesson", "value": {"title": "三分钟学会写纪要", "url": "https://video.example.org/1", "document": None,
                                               "duration": 3}},
        ],
        kind="template",
        tags=["会议纪要"],
    )
    html = client.get(page.url).content.decode()
    assert "<h1>会议纪要怎么写</h1>" in html
    assert "纪要要写清<b>表决结果</b>。" in html
    assert "<figcaption>《中华人民共和国民法典》第二百七十八条</figcaption>" in html
    assert "<h2>纪要缺签字</h2>" in html and "决定被撤销。" in html
    assert f'href="{document.url}" download' in html
    assert "三分钟学会写纪要</strong> <span class=\"muted\">3 分钟</span>" in html
    assert "#会议纪要" in html and "文档模板" in html


def test_index_pages_list_their_articles(client, site_root):
    fund_article()
    publish_article("民法典第278条", section="legal", kind="law")
    publish_article("电梯广告案例", section="legal", kind="case", tier="advanced")
    knowledge_html = client.get("/knowledge/").content.decode()
    legal_html = client.get("/legal-aid/").content.decode()
    assert FUND_TITLE in knowledge_html and "民法典第278条" not in knowledge_html
    law_part, case_part = legal_html.split("<h2>争议案例</h2>")
    assert "民法典第278条" in law_part and "电梯广告案例" in case_part


def test_a_topic_pack_links_articles_templates_cases_and_files(client, site_root):
    fund = fund_article()
    template = publish_article("表决票模板", kind="template")
    case = publish_article("电梯广告案例", section="legal", kind="case")
    draft = publish_article("未发布的文章")
    draft.unpublish()
    document = make_document("维修资金申请表", "form.txt", "申请表".encode())
    topic = TopicPackPage(
        title="专题：维修资金", slug="fund-topic",
        items=[("article", fund), ("article", draft), ("template", template), ("case", case), ("document", document)],
    )
    ensure_knowledge_home().add_child(instance=topic)
    topic.save_revision().publish()
    groups = TopicPackPage.objects.get(pk=topic.pk).grouped_items()
    assert [p.title for p in groups["article"]] == [FUND_TITLE]  # the unpublished one is left out
    assert [p.title for p in groups["template"]] == ["表决票模板"]
    assert [p.title for p in groups["case"]] == ["电梯广告案例"]
    assert groups["document"] == [document]
    html = client.get(topic.url).content.decode()
    assert FUND_TITLE in html and "表决票模板" in html and "电梯广告案例" in html and "维修资金申请表" in html
    assert "未发布的文章" not in html


def test_a_video_lesson_needs_a_url_or_a_file():
    block = VideoLessonBlock()
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(block.to_python({"title": "微课", "url": "", "document": None, "duration": 4}))
    assert "请填写视频地址或选择视频文件" in str(info.value.block_errors["url"])
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "微课", "url": "https://v.example.org/1", "document": None, "duration": 0}))
    assert block.clean(block.to_python({"title": "微课", "url": "https://v.example.org/1", "document": None, "duration": 4}))
