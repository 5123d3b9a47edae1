"""专家预约 on the portal (phone first). Views parse, call a selector or a service, render.

/experts/ and /experts/<id>/ are public (the slots say 可预约 / 已约满, never who booked); booking needs a
committee membership; /experts/bookings/ shows the bookings the user may see (404 for any other);
/experts/me/ is the expert's own slots page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance.errors import DomainError

from . import permissions, selectors, services
from .forms import BookingForm, RespondForm, SlotForm
from .models import BookingStatus, ExpertSlot

PAGE_SIZE = 20


def _with_photos(experts):
    experts = list(experts)
    for expert in experts:
        expert.photo_src = selectors.photo_url(expert)
    return experts


def expert_list(request):
    experts = _with_photos(selectors.experts_with_slots())
    for expert in experts:
        expert.open_slots = sum(1 for slot in expert.slots.all() if selectors.slot_state(slot).available)
    return render(request, "knowledge/experts/expert_list.html", {
        "experts": experts, "is_expert": selectors.expert_for_user(request.user) is not None,
    })


def _render_detail(request, expert, form=None, form_error="", status=200):
    slots = list(expert.slots.all())
    rows = [(slot, selectors.slot_state(slot)) for slot in slots]
    communities = permissions.booking_communities(request.user)
    can_book = communities.exists()
    if can_book and form is None:
        form = BookingForm(slots=slots, communities=communities,
                           initial={"community": communities.first()})
    return render(request, "knowledge/experts/expert_detail.html", {
        "expert": expert, "rows": rows, "form": form if can_book else None, "form_error": form_error,
        "has_available": any(state.available for _, state in rows),
        "lead_hours": int(selectors.min_lead().total_seconds() // 3600),
    }, status=status)


def expert_detail(request, expert_id: int):
    expert = selectors.listed_expert(expert_id)
    if expert is None:
        raise Http404
    expert.photo_src = selectors.photo_url(expert)
    if request.method != "POST":
        return _render_detail(request, expert)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    communities = permissions.booking_communities(request.user)
    if not communities.exists():
        return _render_detail(request, expert, form_error="只有业委会委员或执行秘书可以代表小区预约专家。", status=403)
    form = BookingForm(request.POST, slots=list(expert.slots.all()), communities=communities)
    if not form.is_valid():
        return _render_detail(request, expert, form=form, form_error="请按提示修改后重新提交。", status=400)
    slot = ExpertSlot.objects.get(pk=form.cleaned_data["slot"])
    try:
        booking = services.booking_create(slot=slot, community=form.cleaned_data["community"],
                                          topic=form.cleaned_data["topic"], details=form.cleaned_data["details"],
                                          actor=request.user)
    except DomainError as error:
        return _render_detail(request, expert, form=form, form_error=error.message, status=400)
    messages.success(request, "预约已提交，等待专家确认。确认或婉拒后您会收到站内消息。")
    return redirect("experts:booking", booking_id=booking.pk)


def _booking_or_404(request, booking_id: int):
    booking = selectors.visible_booking(request.user, booking_id)
    if booking is None:
        raise Http404
    return booking


@login_required
def booking_list(request):
    status = request.GET.get("status", "")
    bookings = selectors.visible_bookings(request.user)
    if status in BookingStatus.values:
        bookings = bookings.filter(status=status)
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    abilities = selectors.booking_abilities(request.user)
    return render(request, "knowledge/experts/booking_list.html", {
        "page": page, "status": status, "statuses": BookingStatus.choices,
        "items": [(booking, abilities.can_respond(booking), abilities.can_cancel(booking)) for booking in page],
        "is_expert": abilities.is_expert,
    })


@login_required
def booking_detail(request, booking_id: int):
    booking = _booking_or_404(request, booking_id)
    abilities = selectors.booking_abilities(request.user)
    return render(request, "knowledge/experts/booking_detail.html", {
        "booking": booking, "can_respond": abilities.can_respond(booking), "can_cancel": abilities.can_cancel(booking),
    })


def _back(request, booking):
    if request.POST.get("back") == "list":
        return redirect("experts:bookings")
    return redirect("experts:booking", booking_id=booking.pk)


@login_required
@require_POST
def booking_respond(request, booking_id: int):
    booking = _booking_or_404(request, booking_id)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择确认或婉拒，留言和会面信息不超过 500 字。")
        return _back(request, booking)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.booking_respond(booking=booking, accept=accept, note=form.cleaned_data["note"],
                                 meeting_info=form.cleaned_data["meeting_info"], actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已确认预约，预约人会收到通知。" if accept else "已婉拒预约，预约人会收到通知。")
    return _back(request, booking)


@login_required
@require_POST
def booking_cancel(request, booking_id: int):
    booking = _booking_or_404(request, booking_id)
    try:
        services.booking_cancel(booking=booking, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "预约已取消，专家会收到通知。")
    return _back(request, booking)


def _expert_or_404(request):
    expert = selectors.expert_for_user(request.user)
    if expert is None or not permissions.can_manage_slots(request.user, expert):
        raise Http404
    return expert


@login_required
def my_slots(request):
    expert = _expert_or_404(request)
    form, status = SlotForm(), 200
    if request.method == "POST":
        form = SlotForm(request.POST)
        if form.is_valid():
            starts_at, ends_at = form.span()
            try:
                slot = services.slot_create(expert=expert, starts_at=starts_at, ends_at=ends_at,
                                            mode=form.cleaned_data["mode"], place=form.cleaned_data["place"],
                                            actor=request.user)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"已开放时段 {slot.span}。")
                return redirect("experts:me")
        status = 400
    return render(request, "knowledge/experts/my_slots.html", {
        "expert": expert, "form": form, "slots": selectors.my_slots(expert), "is_listed": permissions.is_bookable(expert),
        "now": timezone.now(),
    }, status=status)


@login_required
@require_POST
def slot_cancel(request, slot_id: int):
    expert = _expert_or_404(request)
    slot = ExpertSlot.objects.filter(expert=expert, pk=slot_id).first()
    if slot is None:
        raise Http404
    try:
        services.slot_cancel(slot=slot, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已取消时段 {slot.span}。")
    return redirect("experts:me")
