"""Segmentation with jieba: what the index stores and what a query becomes."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from search.chinese import (
    SegmentedText,
    get_tokenizer,
    index_tokens,
    query_tokens,
    raw_tokens,
    segment,
    segment_value,
)
from search.index import ChineseAutocompleteField, ChineseSearchField
from tests.knowledge.helpers import FUND_TITLE, fund_article

ROOT = Path(__file__).resolve().parents[2]


def test_a_title_is_indexed_as_its_words_and_the_words_inside_them():
    tokens = segment(FUND_TITLE).split()
    assert tokens[:4] == ["小区", "维修基金", "使用", "办法"]  # precise words first, in reading order
    assert {"维修", "基金"} <= set(tokens)  # the dictionary words inside 维修基金


def test_the_index_holds_every_word_cut_for_search_would_give():
    text = "业主委员会应当在小区公告栏公示维修资金的使用情况，公示期不少于七日。"
    ours = set(index_tokens(text))
    theirs = {word for word in get_tokenizer().cut_for_search(text) if any(ch.isalnum() for ch in word)}
    assert theirs <= ours


def test_a_short_word_is_found_inside_a_longer_domain_word():
    assert "维修资金" in segment("专项维修资金").split()
    assert "公示" in segment("公示期").split()


def test_punctuation_is_dropped_and_full_width_digits_normalised():
    assert segment("公示期，不少于７天。") == "公示期 不少 于 7 天 公示"


def test_segment_is_idempotent_on_segmented_text():
    once = segment(FUND_TITLE)
    assert isinstance(once, SegmentedText)
    assert segment(once) is once


def test_query_words_are_precise_and_without_function_words():
    assert query_tokens("维修基金") == ["维修基金"]
    assert query_tokens("如何使用维修基金？") == ["使用", "维修基金"]
    assert query_tokens("的") == ["的"]  # nothing else left: kept
    assert raw_tokens("维修基金，公示期") == ["维修基金", "公示期"]


def test_segment_value_handles_stream_field_content_lists():
    assert segment_value(["维修基金", ["公示期"]]) == ["维修基金 维修 基金", ["公示期 公示"]]
    assert segment_value(None) is None


@pytest.mark.django_db
def test_chinese_search_fields_hand_segmented_text_to_the_backend():
    page = fund_article()
    assert ChineseSearchField("title").get_value(page) == "小区 维修基金 使用 办法 维修 基金"
    body = ChineseSearchField("body").get_value(page)
    assert isinstance(body, list) and "公示期" in body[0].split()
    assert ChineseAutocompleteField("body").get_value(page) == body


@pytest.mark.django_db
def test_the_index_entry_of_an_article_holds_segmented_text():
    from wagtail.search.models import IndexEntry

    page = fund_article()
    entry = IndexEntry.objects.get(content_type__model="articlepage", object_id=str(page.pk))
    if connection.vendor == "postgresql":
        title, body = entry.title_text, entry.body_text  # the tsvectors are built from these
    else:
        title, body = entry.title, entry.body
    assert "维修基金 使用 办法" in title
    assert "公示期" in body.split()


def test_jieba_loads_lazily_once_per_process():
    script = (
        "import sys, search.chinese as c\n"
        "assert 'jieba' not in sys.modules and not c.is_loaded()\n"
        "first = c.get_tokenizer(); c.segment('维修基金')\n"
        "assert c.is_loaded() and c.get_tokenizer() is first\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert "Building prefix dict" not in result.stderr  # jieba's own logging is silenced
