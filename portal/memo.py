"""A memo for one read-only stretch of one request, such as building a page's context.

    with remembering():
        ...  # roles.is_member(user, c), then roles.can_manage_registry(user, c): the memberships are read once

Inside the block, `remember(key, compute)` computes each key once; outside any block it simply computes (so
every caller is correct with or without one). Nothing outlives the block, so nothing is shared between
requests or users, and any write on the database connection inside the block (anything but a SELECT) drops
what was remembered, so a read after a write is never answered from before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.db import connection

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("portal_memo", default=None)


def _is_read(sql: str) -> bool:
    return sql.lstrip(" \n\t(").upper().startswith("SELECT")


@contextmanager
def remembering() -> Iterator[None]:
    """Remember `remember`'s values until the block ends (a block inside a block shares the outer memo)."""
    if _memo.get() is not None:
        yield
        return
    memo: dict = {}

    def forget_on_write(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        finally:
            if not _is_read(sql):
                memo.clear()

    token = _memo.set(memo)
    try:
        with connection.execute_wrapper(forget_on_write):
            yield
    finally:
        _memo.reset(token)


def remember(key: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, once per `key` inside a `remembering()` block; every time outside one."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
