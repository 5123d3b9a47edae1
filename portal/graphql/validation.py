"""Validation of every GraphQL document: graphql-core's standard rules, then the depth limit.

The depth limit is graphene's `depth_limit_validator` with `settings.GRAPHQL_MAX_DEPTH`
(introspection fields such as `__schema` are not counted). It runs only on documents that
passed the standard rules: those reject unknown and cyclic fragments, on which the depth
crawler would fail or recurse without end.
"""

from __future__ import annotations

from django.conf import settings
from graphene.validation import depth_limit_validator
from graphene_django.settings import graphene_settings
from graphql import GraphQLError, validate

from .errors import BAD_REQUEST, QUERY_TOO_DEEP


def max_depth() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_DEPTH", 8))


def validate_document(schema, document) -> list[GraphQLError]:
    errors = validate(schema, document, max_errors=graphene_settings.MAX_VALIDATION_ERRORS)
    if errors:
        return [GraphQLError(err.message, err.nodes, extensions={"code": BAD_REQUEST}) for err in errors]
    limit = max_depth()
    too_deep = validate(schema, document, [depth_limit_validator(max_depth=limit)])
    return [
        GraphQLError(
            f"查询嵌套层数超过上限（最多 {limit} 层），请拆分查询。{err.message}",
            err.nodes,
            extensions={"code": QUERY_TOO_DEEP},
        )
        for err in too_deep
    ]
