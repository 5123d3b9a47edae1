"""How list relations are loaded: prefetching selectors, never per-row queries.

graphene 3 has no promise-based DataLoader, so this project loads related rows where the
root list is fetched: the resolver of a root list (or of a list on a single root object
such as `me`) calls a selector that applies `select_related` for every to-one relation
the types below it read and `prefetch_related` (with `Prefetch` querysets, already scoped
and ordered) for every to-many relation. Nested resolvers only read attributes, and
to-many ones read through `prefetched()`, which refuses to hit the database in tests and
development so an N+1 shows up as a failure instead of a slow page. Query counts of list
fields are pinned in tests with `django_assert_num_queries` for 1 and for many rows.

Values computed once per request (e.g. the communities a user belongs to) are memoised on
the request with `per_request()`.
"""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)

_MEMO_ATTR = "_graphql_memo"


class NotPrefetched(RuntimeError):
    pass


def prefetched(obj, name: str) -> list:
    """The rows of the to-many relation `name` that the root selector prefetched on `obj`.

    Missing prefetch: an error when DEBUG or under tests (settings.GRAPHQL_STRICT_PREFETCH,
    default DEBUG), otherwise a logged warning and a plain query.
    """
    cache = getattr(obj, "_prefetched_objects_cache", {})
    if name in cache:
        return list(cache[name])
    message = f"{type(obj).__name__}.{name} was not prefetched by the root selector"
    if getattr(settings, "GRAPHQL_STRICT_PREFETCH", settings.DEBUG):
        raise NotPrefetched(message)
    logger.warning(message)
    return list(getattr(obj, name).all())


def per_request(info, key: str, compute):
    """Compute a value once per GraphQL request (the request is the context)."""
    memo = getattr(info.context, _MEMO_ATTR, None)
    if memo is None:
        memo = {}
        setattr(info.context, _MEMO_ATTR, memo)
    if key not in memo:
        memo[key] = compute()
    return memo[key]
