"""Depth limit, and what a client sees when something goes wrong on the server."""

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
