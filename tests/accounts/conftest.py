"""Helpers for the sign-in stories: a controllable clock, phone users, and the headless app API."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import UserFactory

APP = "/_allauth/app/v1"
CODE_RE = re.compile(r"验证码为 (\d{6})，")


@pytest.fixture
def clock(monkeypatch):
    """Moves `time.time` (as seen by portal.accounts.ratelimit, and so by the cache and allauth) forward."""
    import portal.accounts.ratelimit as ratelimit

    real_time = ratelimit.time.time

    class Clock:
        offset = 0.0

        def advance(self, seconds: float) -> None:
            self.offset += seconds

    c = Clock()
    monkeypatch.setattr("portal.accounts.ratelimit.time.time", lambda: real_time() + c.offset)
    return c


@pytest.fixture
def resident(db):
    """A resident who signed up earlier: phone verified, password demo1234."""
    return UserFactory(phone="13800138000", phone_verified=True)


def code_in(sms: dict) -> str:
    match = CODE_RE.search(sms["message"])
    assert match, sms
    return match.group(1)


def api(client, method: str, path: str, payload: dict | None = None, *, token: str | None = None, **extra):
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    body = json.dumps(payload) if payload is not None else None
    send = getattr(client, method)
    if body is None:
        return send(f"{APP}{path}", **headers, **extra)
    return send(f"{APP}{path}", data=body, content_type="application/json", **headers, **extra)
