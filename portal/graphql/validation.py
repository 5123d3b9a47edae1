"""Validation of every GraphQL document: graphql-core's standard rules, then the depth limit.

Before any of it the view refuses a document whose selection sets, lists and input objects
nest deeper than `settings.GRAPHQL_MAX_NESTING` (`document_nesting` walks the tree without
recursion), so no rule recurses over a hostile document.

The depth limit is graphene's `depth_limit_validator` with `settings.GRAPHQL_MAX_DEPTH`
(introspection fields such as `__schema` are not counted). It runs only on documents that
passed the standard rules: those reject unknown and cyclic fragments, on which the depth
crawler would fail or recurse without end.
"""

from __future__ import annotations

from django.conf import settings
from graphene.validation import depth_limit_validator
from graphene_django.settings import graphene_settings
from graphql import GraphQLError, Visitor, validate, visit

from .errors import QUERY_TOO_DEEP


def max_depth() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_DEPTH", 8))


def max_nesting() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_NESTING", 64))


class _NestingVisitor(Visitor):
    def __init__(self):
        super().__init__()
        self.depth = self.deepest = 0

    def _enter(self, *_args):
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)

    def _leave(self, *_args):
        self.depth -= 1

    enter_selection_set = enter_list_value = enter_object_value = _enter
    leave_selection_set = leave_list_value = leave_object_value = _leave


def document_nesting(document) -> int:
    """How deep selection sets, list values and object values nest in the document (fragments not followed)."""
    visitor = _NestingVisitor()
    visit(document, visitor)
    return visitor.deepest


def validate_document(schema, document) -> list[GraphQLError]:
    errors = validate(schema, document, max_errors=graphene_settings.MAX_VALIDATION_ERRORS)
    if errors:
        return errors
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
