"""What a search box hands the backends: one line of words, at most `MAX_QUERY_LENGTH` characters."""

MAX_QUERY_LENGTH = 100


def clean_query(q: str | None) -> str:
    return " ".join((q or "").split())[:MAX_QUERY_LENGTH]
