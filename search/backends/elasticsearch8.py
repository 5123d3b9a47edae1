"""Wagtail's Elasticsearch 8 backend for Chinese text.

    WAGTAILSEARCH_BACKENDS = {"default": {
        "BACKEND": "search.backends.elasticsearch8",
        "URLS": ["https://user:pass@es:9200"],
        "INDEX_PREFIX": "xiaoqu_",
        "ANALYZER": "jieba",   # or "ik" when the cluster has the IK analysis plugin
    }}

ANALYZER "jieba" (default; needs no plugin): the same segmentation as the database backend.
Chinese fields arrive pre-segmented (`search.index.ChineseSearchField`), queries are segmented
by `ChineseQueryMixin`, and the index's analyzers only split on spaces and punctuation
(`zh_tokens` pattern tokenizer, `cjk_width` + `lowercase`), so jieba's words stay whole. The
index-wide `default` / `default_search` analyzers apply this to every text field, `_all_text`
included; autocomplete edge n-grams are built from the same tokens and searched with them.

ANALYZER "ik": the index's `default` analyzer is `ik_max_word` (fine-grained, for indexing) and
`default_search` is `ik_smart` (coarse, for queries); edge n-grams are built from `ik_max_word`
tokens. Queries are still segmented by jieba first — harmless for IK, which splits on spaces.
"""

from __future__ import annotations

from modelsearch.backends.elasticsearch8 import (
    Elasticsearch8AutocompleteQueryCompiler,
    Elasticsearch8Mapping,
    Elasticsearch8SearchBackend,
    Elasticsearch8SearchQueryCompiler,
)
from modelsearch.utils import deep_update

from .base import ChineseQueryMixin

# Split on anything that is not a letter or a digit; Chinese runs (already segmented) stay whole.
TOKEN_PATTERN = "[^\\p{L}\\p{N}]+"

JIEBA_ANALYSIS = {
    "tokenizer": {"zh_tokens": {"type": "pattern", "pattern": TOKEN_PATTERN}},
    "analyzer": {
        "default": {"type": "custom", "tokenizer": "zh_tokens", "filter": ["cjk_width", "lowercase"]},
        "default_search": {"type": "custom", "tokenizer": "zh_tokens", "filter": ["cjk_width", "lowercase"]},
        "zh_search": {"type": "custom", "tokenizer": "zh_tokens", "filter": ["cjk_width", "lowercase"]},
        "edgengram_analyzer": {
            "type": "custom",
            "tokenizer": "zh_tokens",
            "filter": ["cjk_width", "lowercase", "edgengram"],
        },
        "ngram_analyzer": {
            "type": "custom",
            "tokenizer": "zh_tokens",
            "filter": ["cjk_width", "lowercase", "ngram"],
        },
    },
}

IK_ANALYSIS = {
    "analyzer": {
        "default": {"type": "custom", "tokenizer": "ik_max_word", "filter": ["lowercase"]},
        "default_search": {"type": "custom", "tokenizer": "ik_smart", "filter": ["lowercase"]},
        "zh_search": {"type": "custom", "tokenizer": "ik_smart", "filter": ["lowercase"]},
        "edgengram_analyzer": {
            "type": "custom",
            "tokenizer": "ik_max_word",
            "filter": ["lowercase", "edgengram"],
        },
        "ngram_analyzer": {"type": "custom", "tokenizer": "ik_max_word", "filter": ["lowercase", "ngram"]},
    },
}

ANALYSES = {"jieba": JIEBA_ANALYSIS, "ik": IK_ANALYSIS}


class ChineseElasticsearch8Mapping(Elasticsearch8Mapping):
    # Upstream searches edge n-grams with "standard", which cuts Chinese into single characters.
    edgengram_analyzer_config = {"analyzer": "edgengram_analyzer", "search_analyzer": "zh_search"}


class ChineseElasticsearch8SearchQueryCompiler(Elasticsearch8SearchQueryCompiler):
    mapping_class = ChineseElasticsearch8Mapping


class ChineseElasticsearch8AutocompleteQueryCompiler(Elasticsearch8AutocompleteQueryCompiler):
    mapping_class = ChineseElasticsearch8Mapping


class ChineseElasticsearch8SearchBackend(ChineseQueryMixin, Elasticsearch8SearchBackend):
    mapping_class = ChineseElasticsearch8Mapping
    query_compiler_class = ChineseElasticsearch8SearchQueryCompiler
    autocomplete_query_compiler_class = ChineseElasticsearch8AutocompleteQueryCompiler
    # Rows of other apps are analysed by the same analyzers as ours, so no raw fallback is needed;
    # and the autocomplete compiler accepts a bare PlainText only.
    keep_raw_query_default = False

    def __init__(self, params):
        params = dict(params)
        analyzer = params.pop("ANALYZER", "jieba") or "jieba"
        if analyzer not in ANALYSES:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"ANALYZER must be one of {sorted(ANALYSES)}, not {analyzer!r}")
        self.analyzer = analyzer
        super().__init__(params)
        # Our analysis first, then the project's INDEX_SETTINGS again so they still win.
        user_settings = params.get("INDEX_SETTINGS", {})
        self.settings = deep_update(self.settings, {"settings": {"analysis": ANALYSES[analyzer]}})
        self.settings = deep_update(self.settings, user_settings)

    @property
    def autocomplete_keep_raw(self) -> bool:
        return False


SearchBackend = ChineseElasticsearch8SearchBackend
