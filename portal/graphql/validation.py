"""Validation of every GraphQL document: graphql-core's standard rules, the field limit, the depth limit.

Before any of it the view refuses a document whose selection sets, lists and input objects
nest deeper than `settings.GRAPHQL_MAX_NESTING` (`document_nesting` walks the tree without
recursion), so no rule recurses over a hostile document.

The depth limit is graphene's `depth_limit_validator` with `settings.GRAPHQL_MAX_DEPTH`
(introspection fields such as `__schema` are not counted). It runs only on documents that
passed the standard rules: those reject unknown and cyclic fragments, on which the depth
crawler would fail or recurse without end.

The field limit bounds the work of one request: `settings.GRAPHQL_MAX_FIELDS` selections per
operation, where every alias is a selection and a fragment counts again each time it is spread
(fields, spreads and inline fragments all count). The full introspection query takes about 230.
"""

from __future__ import annotations

from django.conf import settings
from graphene.validation import depth_limit_validator
from graphene_django.settings import graphene_settings
from graphql import (
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    Visitor,
    validate,
    visit,
)

from .errors import BAD_REQUEST, QUERY_TOO_COMPLEX, QUERY_TOO_DEEP


def max_depth() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_DEPTH", 8))


def max_fields() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_FIELDS", 300))


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


def _over_field_limit(document, limit: int) -> OperationDefinitionNode | None:
    """The first operation selecting more than `limit` fields, fragments expanded; stops counting at the limit."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        count = 0
        pending = [operation.selection_set]
        while pending:
            selection_set = pending.pop()
            for selection in selection_set.selections:
                count += 1
                if count > limit:
                    return operation
                if isinstance(selection, FragmentSpreadNode):
                    pending.append(fragments[selection.name.value].selection_set)
                elif selection.selection_set is not None:
                    pending.append(selection.selection_set)
    return None


def validate_document(schema, document) -> list[GraphQLError]:
    errors = validate(schema, document, max_errors=graphene_settings.MAX_VALIDATION_ERRORS)
    if errors:
        return [GraphQLError(err.message, err.nodes, extensions={"code": BAD_REQUEST}) for err in errors]
    field_limit = max_fields()
    operation = _over_field_limit(document, field_limit)
    if operation is not None:
        return [GraphQLError(
            f"查询包含的字段过多（最多 {field_limit} 个，别名和片段展开各自计入），请拆分查询。",
            operation, extensions={"code": QUERY_TOO_COMPLEX},
        )]
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
