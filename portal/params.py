"""Ids from the outside world: URL path segments, query-string filters, GraphQL arguments.

An id is a positive integer that fits the database's 64-bit signed primary keys. Anything else
(letters, a sign, zero, 2**63 and beyond) names no record, so it is refused before it reaches a
query: the `id` path converter makes such a URL not match (404), `int_param` answers 404 for a
query-string filter, and `parse_id` gives None to callers that decide for themselves.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import register_converter
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value) -> int | None:
    """The id written in `value` (ASCII digits, 1 to 2**63 - 1), else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value).strip()
    if not text or len(text) > _MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def int_param(request, name: str, *, data=None) -> int | None:
    """The id in query parameter `name` (or in `data`, e.g. request.POST); None when absent or empty.

    A value that is not an id answers 404: no record can have it.
    """
    raw = (request.GET if data is None else data).get(name)
    if raw is None or not str(raw).strip():
        return None
    number = parse_id(raw)
    if number is None:
        raise Http404(_("参数 %(name)s 不是有效的编号：%(value)s") % {"name": name, "value": str(raw)[:40]})
    return number


class IdConverter:
    """`<id:name>` in URL patterns: like `<id:name>`, but only ids a 64-bit primary key can hold."""

    regex = "[0-9]{1,%d}" % _MAX_DIGITS

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not an id")
        return number

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
