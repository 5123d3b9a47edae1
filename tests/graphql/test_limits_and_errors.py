"""Depth limit, and what a client sees when something goes wrong on the server."""

import logging

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEEP = "{ me { applications { unit { community { code } } } } }"  # me(0) applications(1) unit(2) community(3) code(4)


def test_query_deeper_than_the_limit_is_refused(gql_as, world, verified_owner, settings):
    settings.GRAPHQL_MAX_DEPTH = 2

    body = gql_as(verified_owner)(DEEP, status=400)

    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_DEEP"}
    assert error["message"].startswith("查询嵌套层数超过上限（最多 2 层），请拆分查询。")
    assert "exceeds maximum operation depth of 2" in error["message"]


def test_fragments_count_towards_the_depth(gql_as, world, verified_owner, settings):
    settings.GRAPHQL_MAX_DEPTH = 2
    query = "query Deep { me { ...U } } fragment U on Me { applications { unit { community { code } } } }"
    body = gql_as(verified_owner)(query, status=400)
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_DEEP"}
    assert "'Deep'" in body["errors"][0]["message"]


def test_query_within_the_default_limit_runs(gql_as, world, verified_owner, settings):
    assert settings.GRAPHQL_MAX_DEPTH == 8
    body = gql_as(verified_owner)(DEEP)
    assert body == {"data": {"me": {"applications": []}}}


def test_cyclic_fragments_are_rejected_by_standard_validation_first(gql, settings):
    body = gql("{ me { ...A } } fragment A on Me { ...A }", status=400)
    assert "errors" in body and all(e.get("extensions", {}).get("code") != "QUERY_TOO_DEEP" for e in body["errors"])


def test_unexpected_failure_is_generic_and_leaks_nothing(gql_as, monkeypatch):
    from governance.registry import account_schema as accounts_schema

    def boom(user):
        raise RuntimeError("secret internals: /srv/app/db password=hunter2")

    monkeypatch.setattr(accounts_schema, "active_memberships", boom)

    response = gql_as(UserFactory()).raw("{ me { id memberships { role } } }")

    content = response.content.decode()
    assert "hunter2" not in content and "Traceback" not in content and "RuntimeError" not in content
    [error] = response.json()["errors"]
    assert error["message"] == "服务器内部错误，请稍后再试。"
    assert error["extensions"] == {"code": "INTERNAL_ERROR"}
    assert error["path"] == ["me", "memberships"]


def test_syntax_error_is_reported(gql):
    body = gql("{ me { ", status=400)
    assert body["errors"][0]["message"].startswith("Syntax Error")


def _aliases(count: int) -> str:
    return "{ " + " ".join(f'k{i}: searchKnowledge(q: "电梯") {{ title }}' for i in range(count)) + " }"


def test_two_thousand_aliases_are_refused_before_anything_runs(gql, settings, django_assert_num_queries):
    """Given an anonymous query of 2,000 aliased searches, when posted, then it is refused at validation:
    no search runs (no query at all) and the error has its own code and names the limit."""
    assert settings.GRAPHQL_MAX_FIELDS == 300

    with django_assert_num_queries(0):
        body = gql(_aliases(2000), status=400)

    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    assert error["message"] == "查询包含的字段过多（最多 300 个，别名和片段展开各自计入），请拆分查询。"


def test_the_field_limit_counts_fields_selected_by_fragments_each_time_they_are_spread(gql, settings):
    settings.GRAPHQL_MAX_FIELDS = 9
    query = "{ a: communities { ...C } b: communities { ...C } } fragment C on Community { code name id }"

    body = gql(query, status=400)

    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    settings.GRAPHQL_MAX_FIELDS = 10  # a and b, each with one spread of C's three fields
    assert gql(query)["data"] == {"a": [], "b": []}


@pytest.mark.parametrize("length", [300, 3000])
def test_a_long_chain_of_fragments_is_refused_without_a_server_error(gql, settings, caplog, length):
    settings.GRAPHQL_MAX_FIELDS = 100
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(length))

    body = gql("{ ...F0 } " + chain + f" fragment F{length} on Query {{ communities {{ code }} }}", status=400)

    [error] = body["errors"]
    assert error.get("extensions", {}).get("code") != "INTERNAL_ERROR"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_full_introspection_query_stays_within_the_limit(gql):
    from graphql import get_introspection_query

    body = gql(get_introspection_query(descriptions=True, input_value_deprecation=True))

    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_a_query_at_the_field_limit_runs(gql, settings):
    settings.GRAPHQL_MAX_FIELDS = 4

    assert gql("{ a: communities { code } b: communities { code } }")["data"] == {"a": [], "b": []}
