"""Fast bulk writes: one prepared statement run over many rows (COPY on PostgreSQL).

Django's bulk_create/bulk_update prepare every value of every object through the ORM
(~40 µs an object) and SQLite caps a statement at 999 parameters, which made a
10,000-unit import spend most of its time in Python. Here a row is a dict of attribute
values; every concrete column is written (model defaults fill the rest, `auto_now` /
`auto_now_add` get `now`), values of date/time/decimal columns are prepared once per
value by their field, and the rows go in with PostgreSQL's COPY or, on SQLite, one
prepared statement run by `cursor.executemany`.

Like bulk_create these send no model signals; the registry has none (business logic
never lives in signals).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

_PREPARED = (models.DateTimeField, models.DateField, models.TimeField, models.DecimalField)
BATCH = 2000


def _columns(model, now):
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    plan = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()  # "" for text columns without a default, like the ORM
        plan.append((field, default, _preparer(field) if isinstance(field, _PREPARED) else None))
    return plan


def _preparer(field):
    """The field's own value preparation, memoised: a column repeats few distinct dates and areas."""
    conn = connections[DEFAULT_DB_ALIAS]
    cache: dict = {}

    def prepare(value):
        try:
            return cache[value]
        except KeyError:
            prepared = cache[value] = field.get_db_prep_save(value, conn)
            return prepared

    return prepare


def insert_rows(model, rows: list[dict], *, now) -> None:
    """INSERT every row; keys are attribute names (`unit_id`, not `unit`)."""
    if not rows:
        return
    plan = _columns(model, now)
    params = []
    for row in rows:
        values = []
        for field, default, prepare in plan:
            value = row.get(field.attname, default)
            values.append(prepare(value) if prepare is not None and value is not None else value)
        params.append(values)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field, _, _ in plan)
    if connection.vendor == "postgresql":
        # COPY: one stream instead of a statement per row (3–4× faster on PostgreSQL).
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        return
    _executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(plan))})", params)


def _executemany(sql: str, params: list) -> None:
    # One statement prepared once: sqlite3 loops in C, psycopg 3 pipelines the rows. (Multi-row
    # VALUES is slower on psycopg 3: it re-parses the placeholders of every long statement.)
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start:start + BATCH])


def update_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """UPDATE the given fields; each row is (pk, value for each field…)."""
    if not rows:
        return
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in targets),
        quote(meta.pk.column),
    )
    preparers = [_preparer(field) if isinstance(field, _PREPARED) else None for field in targets]
    params = []
    for pk, *values in rows:
        prepared = [
            prepare(value) if prepare is not None and value is not None else value
            for prepare, value in zip(preparers, values)
        ]
        params.append([*prepared, pk])
    _executemany(sql, params)
