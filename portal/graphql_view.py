"""The endpoint at /graphql/: session cookie or allauth's `X-Session-Token`, depth-limited.

* Authentication and CSRF: see `portal.graphql.auth`. In short, a token request ignores
  the cookie and needs no CSRF token; a POST authenticated by the session cookie must pass
  Django's CSRF check (`X-CSRFToken`), otherwise 403.
* Envelope: one JSON object (no batches) in UTF-8 whose `query` and `operationName` are strings
  and whose `variables` is an object; anything else, JSON nested too deep included, is a 400
  `BAD_REQUEST` with a Chinese message, never a server error.
* Validation: a document nested deeper than `settings.GRAPHQL_MAX_NESTING` is refused before
  anything recurses over it; then graphql-core's standard rules and graphene's depth limit
  with `settings.GRAPHQL_MAX_DEPTH` (`portal.graphql.validation`).
* Uploads: the GraphQL multipart request spec (`portal.graphql.upload`).
* Errors: `DomainError` raised by a query resolver becomes a GraphQL error with
  `extensions.code`; any other exception is logged and answered with a generic Chinese
  message, never a traceback or the exception text.
* GraphiQL only when `settings.GRAPHIQL_ENABLED` (read per request).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast, parse, validate_schema

from governance.errors import DomainError
from portal.graphql.auth import authenticate_request, csrf_failure_reason
from portal.graphql.errors import BAD_REQUEST, CSRF_FAILED, INTERNAL_ERROR, INTERNAL_MESSAGE
from portal.graphql.upload import MultipartError, parse_multipart
from portal.graphql.validation import document_nesting, max_nesting, validate_document

logger = logging.getLogger("portal.graphql")


def _json_error(status: int, message: str, code: str) -> HttpResponse:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json")


def _bad_request(message: str) -> HttpError:
    return HttpError(HttpResponseBadRequest(message), message)


def _too_nested() -> HttpError:
    return _bad_request(f"查询文档嵌套层数过多（最多 {max_nesting()} 层），请简化查询。")


def _decoded(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_request("请求体不是有效的 UTF-8 编码。") from None


class PortalGraphQLView(GraphQLView):
    def dispatch(self, request, *args, **kwargs):
        self.graphiql = bool(getattr(settings, "GRAPHIQL_ENABLED", False))
        auth = authenticate_request(request)
        if auth.needs_csrf and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            reason = csrf_failure_reason(request)
            if reason is not None:
                return _json_error(
                    403, "CSRF 校验失败：网页请求须携带 X-CSRFToken 请求头，小程序请使用 X-Session-Token。",
                    CSRF_FAILED,
                )
        return super().dispatch(request, *args, **kwargs)

    def parse_body(self, request):
        if self.get_content_type(request) == "multipart/form-data" and "operations" in request.POST:
            try:
                return parse_multipart(request.POST, request.FILES)
            except MultipartError as exc:
                raise _bad_request(str(exc)) from None
        content_type = self.get_content_type(request)
        if content_type == "application/graphql":
            return {"query": _decoded(request.body)}
        if content_type == "application/json":
            try:
                data = json.loads(_decoded(request.body))
            except (ValueError, RecursionError):
                raise _bad_request("请求体的 JSON 嵌套层数过多或格式不正确。") from None
            if not isinstance(data, dict):
                raise _bad_request("请求体必须是一个 JSON 对象（不支持批量请求）。")
            return data
        return super().parse_body(request)

    @staticmethod
    def get_graphql_params(request, data):
        query = request.GET.get("query") or data.get("query")
        variables = request.GET.get("variables") or data.get("variables")
        operation_name = request.GET.get("operationName") or data.get("operationName")
        if query is not None and not isinstance(query, str):
            raise _bad_request("query 必须是字符串。")
        if isinstance(variables, str):
            try:
                variables = json.loads(variables) if variables else None
            except (ValueError, RecursionError):
                raise _bad_request("variables 不是有效的 JSON。") from None
        if variables is not None and not isinstance(variables, dict):
            raise _bad_request("variables 必须是 JSON 对象。")
        if operation_name == "null":
            operation_name = None
        if operation_name is not None and not isinstance(operation_name, str):
            raise _bad_request("operationName 必须是字符串。")
        return query, variables, operation_name, request.GET.get("id") or data.get("id")

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        """graphene-django's, with our validation (standard rules + depth limit)."""
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))

        schema = self.schema.graphql_schema
        schema_validation_errors = validate_schema(schema)
        if schema_validation_errors:
            return ExecutionResult(data=None, errors=schema_validation_errors)

        try:
            document = parse(query)
        except RecursionError:
            raise _too_nested() from None
        except GraphQLError as e:
            return ExecutionResult(errors=[e])
        if document_nesting(document) > max_nesting():
            raise _too_nested()

        operation_ast = get_operation_ast(document, operation_name)
        if (
            request.method.lower() == "get"
            and operation_ast is not None
            and operation_ast.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise HttpError(
                HttpResponseNotAllowed(
                    ["POST"], f"Can only perform a {operation_ast.operation.value} operation from a POST request."
                )
            )

        validation_errors = validate_document(schema, document)
        if validation_errors:
            return ExecutionResult(data=None, errors=validation_errors)

        try:
            execute_options = {
                "root_value": self.get_root_value(request),
                "context_value": self.get_context(request),
                "variable_values": variables,
                "operation_name": operation_name,
                "middleware": self.get_middleware(request),
            }
            if self.execution_context_class:
                execute_options["execution_context_class"] = self.execution_context_class
            if (
                operation_ast is not None
                and operation_ast.operation == OperationType.MUTATION
                and (
                    graphene_settings.ATOMIC_MUTATIONS is True
                    or connection.settings_dict.get("ATOMIC_MUTATIONS", False) is True
                )
            ):
                with transaction.atomic():
                    result = execute(schema, document, **execute_options)
                    if getattr(request, MUTATION_ERRORS_FLAG, False) is True:
                        transaction.set_rollback(True)
                return result
            return execute(schema, document, **execute_options)
        except Exception as e:
            return ExecutionResult(errors=[e])

    @staticmethod
    def format_error(error):
        if isinstance(error, HttpError):
            return {"message": error.message, "extensions": {"code": BAD_REQUEST}}
        if not isinstance(error, GraphQLError):
            logger.error("GraphQL request failed", exc_info=error)
            return {"message": INTERNAL_MESSAGE, "extensions": {"code": INTERNAL_ERROR}}
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            return error.formatted
        formatted = error.formatted
        if isinstance(original, DomainError):
            formatted["message"] = original.message
            formatted["extensions"] = {"code": original.code.value}
            return formatted
        logger.error("GraphQL resolver failed at %s", formatted.get("path"), exc_info=original)
        formatted["message"] = INTERNAL_MESSAGE
        formatted["extensions"] = {"code": INTERNAL_ERROR}
        return formatted


graphql_view = csrf_exempt(PortalGraphQLView.as_view())
