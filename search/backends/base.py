"""The query side of Chinese search: segment query objects before a backend compiles them.

`ChineseQueryMixin` goes in front of any modelsearch backend class. `search()` and
`autocomplete()` turn a string into `PlainText` (with the backend's default operator) and
rewrite the query tree: `PlainText` / `Phrase` get their text segmented, `And` / `Or` / `Not`
/ `Boost` are rewritten recursively, `MatchAll` and `Fuzzy` pass unchanged.

With `keep_raw` (the database backends' default) a leaf whose segmentation differs from the
raw text becomes `Or(segmented, raw)`: rows indexed without segmentation (pages and documents
of other apps whose search fields are plain `SearchField`s) are still found by their whole
token, exactly as before the wrapper.
"""

from __future__ import annotations

from modelsearch.backends.base import EmptySearchResults
from modelsearch.query import MATCH_ALL, And, Boost, Not, Or, Phrase, PlainText, SearchQuery

from ..chinese import query_tokens, raw_tokens


def _leaf_variants(text: str, keep_raw: bool) -> tuple[str, str | None]:
    segmented = " ".join(query_tokens(text))
    raw = " ".join(raw_tokens(text))
    if not segmented:
        segmented = raw
    if not keep_raw or not raw or raw == segmented:
        return segmented, None
    return segmented, raw


def segment_search_query(query: SearchQuery, *, keep_raw: bool = False) -> SearchQuery:
    """Return `query` with the text of every PlainText / Phrase segmented (see module docstring)."""
    if isinstance(query, PlainText):
        segmented, raw = _leaf_variants(query.query_string, keep_raw)
        if not segmented:
            return query
        new = PlainText(segmented, operator=query.operator, boost=query.boost)
        if raw is None:
            return new
        return Or([new, PlainText(raw, operator=query.operator, boost=query.boost)])
    if isinstance(query, Phrase):
        segmented, raw = _leaf_variants(query.query_string, keep_raw)
        if not segmented:
            return query
        new = Phrase(segmented)
        return new if raw is None else Or([new, Phrase(raw)])
    if isinstance(query, And):
        return And([segment_search_query(sub, keep_raw=keep_raw) for sub in query.subqueries])
    if isinstance(query, Or):
        return Or([segment_search_query(sub, keep_raw=keep_raw) for sub in query.subqueries])
    if isinstance(query, Not):
        return Not(segment_search_query(query.subquery, keep_raw=keep_raw))
    if isinstance(query, Boost):
        return Boost(segment_search_query(query.subquery, keep_raw=keep_raw), query.boost)
    return query  # MatchAll, Fuzzy (trigram similarity works on the raw text) and unknown classes


class ChineseQueryMixin:
    """Put before a modelsearch backend class: segments queries on their way in.

    Backend option `KEEP_RAW_QUERY` (default `keep_raw_query_default`) — see module docstring."""

    keep_raw_query_default = True

    def __init__(self, params):
        params = dict(params)
        self.keep_raw_query = bool(params.pop("KEEP_RAW_QUERY", self.keep_raw_query_default))
        super().__init__(params)

    def prepare_query(self, query, operator, compiler_class, *, keep_raw: bool | None = None):
        """The query object the wrapped backend receives; None when nothing searchable is left."""
        keep_raw = self.keep_raw_query if keep_raw is None else keep_raw
        if isinstance(query, str):
            if not query.strip():
                return None
            if not query_tokens(query) and not raw_tokens(query):
                return None
            query = PlainText(query, operator=operator or compiler_class.DEFAULT_OPERATOR)
        if query is None:  # deprecated upstream spelling of MATCH_ALL
            return MATCH_ALL
        return segment_search_query(query, keep_raw=keep_raw)

    def search(self, query, model_or_queryset, fields=None, operator=None, order_by_relevance=True):
        prepared = self.prepare_query(query, operator, self.query_compiler_class)
        if prepared is None:
            return EmptySearchResults()
        return super().search(
            prepared, model_or_queryset, fields=fields, operator=operator, order_by_relevance=order_by_relevance
        )

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, order_by_relevance=True):
        prepared = self.prepare_query(
            query, operator, self.autocomplete_query_compiler_class, keep_raw=self.autocomplete_keep_raw
        )
        if prepared is None:
            return EmptySearchResults()
        return super().autocomplete(
            prepared, model_or_queryset, fields=fields, operator=operator, order_by_relevance=order_by_relevance
        )

    @property
    def autocomplete_keep_raw(self) -> bool:
        return self.keep_raw_query
