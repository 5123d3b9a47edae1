"""Database helpers shared by the domains."""

from __future__ import annotations

from typing import Iterable, Sequence

from django.db import connection


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence], *, batch: int = 5000) -> int:
    """Insert plain value tuples with executemany, skipping model instantiation.

    For write paths that create tens of thousands of rows at once (freezing a 10,000-unit
    roll): values are written as given, so callers pass exactly what the columns hold
    (ids for foreign keys). No signals, no defaults, no returned ids.
    """
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    count = 0
    chunk: list[Sequence] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
