"""Who is asking: allauth's app session token or the web session cookie (with CSRF)."""

import json

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "{ me { id maskedPhone } }"


def _post(client: Client, query: str, headers: dict | None = None, variables: dict | None = None):
    return client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json", headers=headers or {},
    )


def _app_login(client: Client, phone: str, password: str = "demo1234") -> str:
    """Sign in as the mini-program does and return allauth's session token."""
    response = client.post(
        "/_allauth/app/v1/auth/login", {"phone": f"+86{phone}", "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["meta"]["is_authenticated"] is True
    return body["meta"]["session_token"]


def test_session_token_from_allauth_login_authenticates(phone_login):
    """Given a token from POST /_allauth/app/v1/auth/login, when the app sends it, then `me` is that user."""
    user = UserFactory(phone="13700001111", phone_verified=True)
    token = _app_login(Client(), "13700001111")

    app = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token: only the header
    response = _post(app, ME, headers={"X-Session-Token": token})

    assert response.status_code == 200, response.content
    assert response.json() == {"data": {"me": {"id": str(user.pk), "maskedPhone": "137****1111"}}}
    assert "sessionid" not in response.cookies  # the token is never turned into a cookie


def test_token_mutations_need_no_csrf_token(phone_login, world):
    UserFactory(phone="13700001112", phone_verified=True)
    token = _app_login(Client(), "13700001112")
    app = Client(enforce_csrf_checks=True)

    response = _post(
        app,
        'mutation { requestOwnerVerificationCode(communityCode: "yuanhe", building: "1栋", room: "502") '
        "{ maskedPhone errors { code } } }",
        headers={"X-Session-Token": token},
    )

    assert response.status_code == 200, response.content
    assert response.json()["data"]["requestOwnerVerificationCode"] == {"maskedPhone": "138****0001", "errors": []}


def test_logged_out_token_is_anonymous(phone_login):
    UserFactory(phone="13700001113", phone_verified=True)
    token = _app_login(Client(), "13700001113")
    logout = Client().delete("/_allauth/app/v1/auth/session", headers={"X-Session-Token": token})
    assert logout.status_code == 401  # allauth answers a completed logout with 401

    response = _post(Client(), ME, headers={"X-Session-Token": token})
    assert response.json() == {"data": {"me": None}}


def test_unknown_token_is_anonymous_and_does_not_fall_back_to_cookie():
    user = UserFactory()
    web = Client()
    web.force_login(user)

    response = _post(web, ME, headers={"X-Session-Token": "not-a-session"})

    assert response.json() == {"data": {"me": None}}


def test_web_session_cookie_authenticates_with_csrf_token():
    user = UserFactory(phone="13700002222")
    web = Client(enforce_csrf_checks=True)
    web.force_login(user)
    web.get("/graphql/", {"query": "{ ping }"})  # the endpoint sets the CSRF cookie
    csrf = web.cookies["csrftoken"].value

    response = _post(web, ME, headers={"X-CSRFToken": csrf})

    assert response.status_code == 200
    assert response.json()["data"]["me"]["maskedPhone"] == "137****2222"


def test_web_session_post_without_csrf_token_is_refused():
    user = UserFactory()
    web = Client(enforce_csrf_checks=True)
    web.force_login(user)

    response = _post(web, ME)

    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
    assert "CSRF" in response.json()["errors"][0]["message"]


def test_anonymous_post_needs_no_csrf_token():
    response = _post(Client(enforce_csrf_checks=True), "{ communities { code } }")
    assert response.status_code == 200


def test_mutation_over_get_is_refused(world):
    user = UserFactory()
    web = Client()
    web.force_login(user)
    response = web.get(
        "/graphql/",
        {"query": 'mutation { requestOwnerVerificationCode(communityCode: "yuanhe", building: "1栋", room: "502") '
                  "{ errors { code } } }"},
    )
    assert response.status_code == 405


def test_graphiql_only_when_enabled(settings):
    settings.GRAPHIQL_ENABLED = False
    response = Client().get("/graphql/", headers={"Accept": "text/html"})
    assert response.status_code == 400 and b"graphiql" not in response.content.lower()

    settings.GRAPHIQL_ENABLED = True
    response = Client().get("/graphql/", headers={"Accept": "text/html"})
    assert response.status_code == 200 and b"graphiql" in response.content.lower()
