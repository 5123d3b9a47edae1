"""The default backend: Wagtail's database search with Chinese segmentation of queries.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database", "SEARCH_CONFIG": "simple"}}

Picks the vendor's backend like `modelsearch.backends.database.SearchBackend` and puts
`ChineseQueryMixin` in front of it; on SQLite with FTS5 it is `search.backends.sqlite`'s
backend, which also reads the FTS index faster. Index-side segmentation comes from the
models' search fields (`search.index.ChineseSearchField`).
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from .base import ChineseQueryMixin


@cache
def _chinese_class(base):
    return type(f"Chinese{base.__name__}", (ChineseQueryMixin, base), {"__module__": __name__})


def backend_class_for_vendor(vendor: str):
    """The wrapped modelsearch backend class for a database vendor."""
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend as base
    elif vendor == "mysql":
        from modelsearch.backends.database.mysql.mysql import MySQLSearchBackend as base
    elif vendor == "sqlite":
        from modelsearch.backends import database as upstream

        if upstream.USE_SQLITE_FTS is None:
            from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

            upstream.USE_SQLITE_FTS = bool(fts5_available() and fts_table_exists())
        if upstream.USE_SQLITE_FTS:
            from .sqlite import ChineseSQLiteSearchBackend

            return ChineseSQLiteSearchBackend  # with its own faster FTS reads (see search/backends/sqlite.py)
        else:  # pragma: no cover - every supported SQLite has FTS5
            from modelsearch.backends.database.fallback import DatabaseSearchBackend as base
    else:  # pragma: no cover
        from modelsearch.backends.database.fallback import DatabaseSearchBackend as base
    return _chinese_class(base)


def SearchBackend(params):  # modelsearch looks the backend up by this name
    params = dict(params)
    if connection.vendor == "postgresql":
        params.setdefault("SEARCH_CONFIG", "simple")  # no stemming: tokens are jieba's words
    return backend_class_for_vendor(connection.vendor)(params)
