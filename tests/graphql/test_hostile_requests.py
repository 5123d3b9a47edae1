"""Hostile or malformed requests to /graphql/ are a clean 400 BAD_REQUEST in Chinese, never a server error."""

import json
import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/graphql/"
QUERY = "{ communities { code } }"


def _post(body: bytes | str, content_type: str = "application/json"):
    return Client().post(URL, body, content_type=content_type)


def _assert_bad_request(response, caplog, message: str | None = None):
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    if message is not None:
        assert error["message"] == message
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    return error


def test_a_json_body_nested_100000_levels_is_a_bad_request(caplog):
    """Given variables nested 100,000 lists deep, when posted, then 400 BAD_REQUEST and nothing logged as an error."""
    depth = 100_000
    body = '{"query": "%s", "variables": {"a": %s%s}}' % (QUERY, "[" * depth, "]" * depth)

    _assert_bad_request(_post(body), caplog, "请求体的 JSON 嵌套层数过多或格式不正确。")


NESTED_QUERIES = {
    "selections": lambda depth: "{" + " me {" * depth + " id" + " }" * depth + " }",
    "list-value": lambda depth: '{ searchKnowledge(q: %s"x"%s) { title } }' % ("[" * depth, "]" * depth),
    "object-value": lambda depth: '{ searchKnowledge(q: %s"x"%s) { title } }' % ("{a: " * depth, "}" * depth),
}


@pytest.mark.parametrize("shape", NESTED_QUERIES)
def test_a_document_nested_past_the_limit_is_refused_before_validation(caplog, settings, shape):
    """Given a document nesting 100 levels (within the parser's own guard), then 400 BAD_REQUEST naming the limit."""
    assert settings.GRAPHQL_MAX_NESTING == 64

    response = _post(json.dumps({"query": NESTED_QUERIES[shape](100)}))

    _assert_bad_request(response, caplog, "查询文档嵌套层数过多（最多 64 层），请简化查询。")


@pytest.mark.parametrize("depth", [900, 10_000])
@pytest.mark.parametrize("shape", NESTED_QUERIES)
def test_a_document_nested_thousands_deep_is_a_syntax_error_not_a_server_error(caplog, shape, depth):
    response = _post(json.dumps({"query": NESTED_QUERIES[shape](depth)}))

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["message"] == "Syntax Error: Document is nested too deeply. Parsing aborted."
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_query_within_the_nesting_limit_runs(settings):
    settings.GRAPHQL_MAX_NESTING = 2

    assert _post(json.dumps({"query": QUERY})).status_code == 200
    assert _post(json.dumps({"query": "{ communities { code name { x } } }"})).json()["errors"][0]["extensions"] == {
        "code": "BAD_REQUEST"}


@pytest.mark.parametrize("envelope, message", [
    ({"query": QUERY, "variables": [1, 2]}, "variables 必须是 JSON 对象。"),
    ({"query": QUERY, "variables": "x"}, "variables 不是有效的 JSON。"),
    ({"query": QUERY, "variables": "[1, 2]"}, "variables 必须是 JSON 对象。"),
    ({"query": {"text": QUERY}}, "query 必须是字符串。"),
    ({"query": 5}, "query 必须是字符串。"),
    ({"query": QUERY, "operationName": 3}, "operationName 必须是字符串。"),
    ([1, 2], "请求体必须是一个 JSON 对象（不支持批量请求）。"),
    ([{"query": QUERY}, {"query": QUERY}], "请求体必须是一个 JSON 对象（不支持批量请求）。"),
    ("just a string", "请求体必须是一个 JSON 对象（不支持批量请求）。"),
], ids=["variables-list", "variables-string", "variables-json-list", "query-object", "query-number",
        "operation-name-number", "array-body", "batch", "string-body"])
def test_a_malformed_envelope_is_a_bad_request_logged_as_nothing(caplog, envelope, message):
    _assert_bad_request(_post(json.dumps(envelope)), caplog, message)


def test_a_body_that_is_not_utf8_is_a_bad_request(caplog):
    _assert_bad_request(_post(b'{"query": "\xff\xfe{ me }"}'), caplog, "请求体不是有效的 UTF-8 编码。")


def test_a_body_that_is_not_json_is_a_bad_request(caplog):
    _assert_bad_request(_post(b'{"query": '), caplog, "请求体的 JSON 嵌套层数过多或格式不正确。")


def test_malformed_variables_in_the_query_string_are_a_bad_request(caplog):
    response = Client().get(URL, {"query": QUERY, "variables": "[1]"}, headers={"accept": "application/json"})

    _assert_bad_request(response, caplog, "variables 必须是 JSON 对象。")


def test_a_deeply_nested_multipart_operations_is_a_bad_request(caplog):
    depth = 100_000
    operations = '{"query": "%s", "variables": {"a": %s%s}}' % (QUERY, "[" * depth, "]" * depth)

    response = Client().post(URL, {"operations": operations, "map": "{}"})

    _assert_bad_request(response, caplog)


def test_a_well_formed_request_still_answers(caplog):
    response = _post(json.dumps({"query": QUERY, "variables": None, "operationName": None}))

    assert response.status_code == 200
    assert "errors" not in response.json()
