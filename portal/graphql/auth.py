"""Who is asking: allauth's app session token, or the Django session cookie.

Two ways in, decided per request before any GraphQL runs:

* `X-Session-Token: <token>` (the mini-program, allauth headless "app" client). The token
  is looked up with allauth's own machinery (`authenticate_by_x_session_token`, i.e. the
  configured `HEADLESS_TOKEN_STRATEGY`); there is no token store of our own. When the
  header is present the session cookie is ignored altogether, and an unknown or expired
  token makes the request anonymous (it never falls back to the cookie). Such requests
  need no CSRF token: a cross-site page cannot add a custom header without a CORS
  preflight, which this site does not grant.
* Otherwise the Django session cookie (the web). The view is `csrf_exempt` so that token
  requests pass, and therefore checks CSRF itself: a POST whose user is authenticated by
  the session cookie must carry a valid CSRF token (`X-CSRFToken` header or
  `csrfmiddlewaretoken` field, as everywhere in Django). Anonymous requests carry no
  identity to abuse and are not checked; GET can only run queries (mutations over GET
  are refused by the view).

The token session is not attached to `request.session`, so the response never sets a
cookie carrying the token.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import CsrfViewMiddleware

TOKEN_HEADER = "X-Session-Token"

VIA_TOKEN = "token"
VIA_SESSION = "session"
VIA_ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class RequestAuth:
    via: str
    token_presented: bool = False

    @property
    def needs_csrf(self) -> bool:
        return self.via == VIA_SESSION


def authenticate_request(request) -> RequestAuth:
    """Set `request.user` for this GraphQL request and record how it was authenticated."""
    token = request.headers.get(TOKEN_HEADER)
    if token is not None:
        from allauth.headless.internal.sessionkit import authenticate_by_x_session_token

        found = authenticate_by_x_session_token(token.strip()) if token.strip() else None
        if found is not None:
            request.user = found[0]
            auth = RequestAuth(VIA_TOKEN, token_presented=True)
        else:
            request.user = AnonymousUser()
            auth = RequestAuth(VIA_ANONYMOUS, token_presented=True)
    elif getattr(request, "user", None) is not None and request.user.is_authenticated:
        auth = RequestAuth(VIA_SESSION)
    else:
        auth = RequestAuth(VIA_ANONYMOUS)
    request.graphql_auth = auth
    return auth


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check, returning the reason instead of rendering the failure page."""

    def _reject(self, request, reason):
        return reason


def _no_response(request):  # pragma: no cover - never called, process_view only
    return None


def csrf_failure_reason(request) -> str | None:
    """Run Django's CSRF check on a request that reached a csrf_exempt view. None means it passed."""
    check = _CsrfCheck(_no_response)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def current_user(info):
    """The authenticated user of the request, or None."""
    user = getattr(info.context, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None
