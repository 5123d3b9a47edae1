"""Refusing a members-only page the same way everywhere.

A visitor who has not signed in is asked to sign in and comes back to the page afterwards (a community notice
link in a message works once they have); a signed-in non-member gets a 404, never a hint that the page exists.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect


def refuse_members_only(request) -> HttpResponseRedirect:
    """The answer to someone who may not see a members-only page: sign in first, or 404 (raised)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
