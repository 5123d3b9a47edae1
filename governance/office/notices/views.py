"""The notice page on the portal: members read it (which marks their receipt read); a "must confirm" notice
takes a 我已阅读并确认 post. A visitor is asked to sign in; a signed-in non-member gets a 404, never a hint
that the notice exists."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from governance.errors import DomainError
from portal.access import refuse_members_only

from . import permissions, selectors, services

CONFIRM_ACTION = "confirm"


def notice_serve(page, request):
    if not permissions.can_read_notice(request.user, page):
        return refuse_members_only(request)
    if request.method == "POST":
        if request.POST.get("action") == CONFIRM_ACTION:
            try:
                services.notice_confirm(notice=page, user=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "已确认阅读，谢谢。")
        return redirect(page.get_url(request=request) or "/")
    if request.method not in ("GET", "HEAD"):
        raise Http404
    if request.method == "GET":  # opening the page is reading it (a HEAD is not)
        services.notice_mark_read(notice=page, user=request.user)
    state = selectors.notice_states(request.user, [page])[page.pk]
    context = page.get_context(request)
    context.update({"state": state, "confirm_action": CONFIRM_ACTION})
    return TemplateResponse(request, page.get_template(request), context)
