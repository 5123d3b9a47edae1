"""Search fields whose indexed value is jieba-segmented text.

Use them instead of `index.SearchField` / `index.AutocompleteField` for Chinese content. They
work with every backend (the value handed to the backend is plain space-separated tokens), and
the query side is segmented by the backend wrappers in `search.backends`.
"""

from __future__ import annotations

from wagtail.models import Page
from wagtail.search import index

from .chinese import segment_value


class ChineseSearchField(index.SearchField):
    """A full-text field whose value is indexed as segmented text ("维修 基金 维修基金 …")."""

    def get_value(self, obj):
        return segment_value(super().get_value(obj))


class ChineseAutocompleteField(index.AutocompleteField):
    """An autocomplete (prefix) field whose value is indexed as segmented text."""

    def get_value(self, obj):
        return segment_value(super().get_value(obj))


def chinese_page_search_fields(*extra) -> list:
    """Page.search_fields plus the title indexed as segmented text, plus `extra`.

    Wagtail's own `SearchField("title")` stays (its system check wants Page.search_fields kept, and
    the whole unsegmented title is a harmless extra token); the segmented title is what Chinese
    queries match. On Elasticsearch both map to the same `title` column and the segmented value,
    listed last, is the one stored."""
    return [
        *Page.search_fields,
        ChineseSearchField("title", boost=2),
        ChineseAutocompleteField("title"),
        *extra,
    ]
