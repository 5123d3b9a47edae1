"""Chinese word segmentation for search, with jieba.

SQLite FTS5 (unicode61) and PostgreSQL's `simple` configuration split text on spaces and
punctuation only, so a run of Chinese characters is one token: without help "维修基金" does
not find "小区维修基金使用办法". We segment on both sides:

* index side, `segment(text)`: the words of jieba's precise mode in reading order, then every
  dictionary word found inside a longer word (what `jieba.cut_for_search` adds, extended from
  2–3 characters to any length, so "维修资金" is also found inside "专项维修资金"). Keeping the
  precise words first and contiguous lets phrase queries match.
* query side, `query_tokens(text)`: jieba's precise mode, punctuation and a few function words
  dropped. Every precise word of a query is either a precise word or a sub-word of the text,
  so an AND of the query words finds it.

jieba costs ~0.8 s and ~80 MB when its dictionary loads: one tokenizer per process, built
lazily on first use (thread-safe), with the domain dictionary in `search/dict/xiaoqu.txt`.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

USER_DICT = Path(__file__).resolve().parent / "dict" / "xiaoqu.txt"

# Dropped from queries (never from the index) unless the query has nothing else.
QUERY_STOP_WORDS = frozenset(
    "的 了 和 与 及 或 是 在 吗 呢 啊 吧 之 其 把 被 对 从 向 就 都 也 还 又 请问 怎么 怎样 如何 什么 哪些 是否".split()
)

MAX_COMPOUND_CHARS = 16

_lock = threading.Lock()
_tokenizer = None


class SegmentedText(str):
    """A string that is already segmented: space-separated tokens, safe to index as is."""


def get_tokenizer():
    """The process-wide jieba tokenizer with the domain dictionary, loaded on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                if USER_DICT.exists():
                    tokenizer.load_userdict(str(USER_DICT))
                _tokenizer = tokenizer
    return _tokenizer


def is_loaded() -> bool:
    return _tokenizer is not None


def normalize(text: str) -> str:
    """Full-width letters and digits to half-width (NFKC), so "７天" and "7天" index alike."""
    return unicodedata.normalize("NFKC", text)


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def precise_words(text: str) -> list[str]:
    """jieba's precise mode, without whitespace and punctuation."""
    if not text:
        return []
    tokenizer = get_tokenizer()
    return [word.strip() for word in tokenizer.cut(normalize(text)) if _is_word(word)]


def sub_words(word: str) -> list[str]:
    """Dictionary words of two or more characters found inside `word` (excluding `word`)."""
    length = len(word)
    if length <= 2 or length > MAX_COMPOUND_CHARS:  # long runs are digits/Latin, not compounds
        return []
    freq = get_tokenizer().FREQ
    found = []
    for size in range(2, length):
        for start in range(length - size + 1):
            piece = word[start:start + size]
            if freq.get(piece):
                found.append(piece)
    return found


def index_tokens(text: str) -> list[str]:
    """Index-side tokens: the precise words in order, then the sub-words of the longer ones."""
    words = precise_words(text)
    extra = []
    for word in words:
        extra.extend(sub_words(word))
    return words + extra


def segment(text) -> SegmentedText:
    """Segmented text for the index: tokens joined with spaces (the token set of
    jieba.cut_for_search, extended to longer sub-words; see the module docstring)."""
    if isinstance(text, SegmentedText):
        return text
    if text is None:
        return SegmentedText("")
    text = str(text)
    if len(text) <= CACHE_MAX_CHARS:
        return SegmentedText(_segment_cached(text))
    return SegmentedText(" ".join(index_tokens(text)))


# Indexing one object asks for the same field values several times (Wagtail's indexers read every
# field once per index column), so recent short texts are kept; long ones (document text) are not.
CACHE_MAX_CHARS = 20_000


@lru_cache(maxsize=128)
def _segment_cached(text: str) -> str:
    return " ".join(index_tokens(text))


def query_tokens(text: str) -> list[str]:
    """Query-side tokens: precise words; function words dropped when something else is left."""
    words = precise_words(text)
    kept = [word for word in words if word not in QUERY_STOP_WORDS]
    return kept or words


def segment_query(text: str) -> str:
    return " ".join(query_tokens(text))


_RAW_SPLIT = re.compile(r"[\W_]+")


def raw_tokens(text: str) -> list[str]:
    """The query as an unsegmented index sees it: split on spaces and punctuation only."""
    return [piece for piece in _RAW_SPLIT.split(normalize(text or "")) if piece]


def segment_value(value):
    """Segment an indexed value: strings, lists of strings (StreamField content), or nested lists."""
    if value is None:
        return None
    if isinstance(value, str):
        return segment(value)
    if isinstance(value, (list, tuple)):
        return [segment_value(item) for item in value]
    return value
