"""The in-site inbox on the portal (mobile first). Views parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services

PAGE_SIZE = 20


@login_required
def inbox(request):
    page = Paginator(selectors.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/inbox.html", {
        "page": page, "deliveries": page.object_list, "unread": selectors.inbox_unread_count(request.user),
    })


@login_required
def inbox_message(request, message_id: int):
    """Opening a message marks it read."""
    delivery = get_object_or_404(selectors.inbox_for(request.user), message_id=message_id)
    was_unread = delivery.read_at is None
    services.delivery_mark_read(message=delivery.message, user=request.user)
    return render(request, "office/inbox_message.html", {
        "delivery": delivery, "message": delivery.message, "was_unread": was_unread,
        "unread": selectors.inbox_unread_count(request.user),
    })


@login_required
@require_POST
def inbox_read_all(request):
    count = services.delivery_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("office_inbox")
