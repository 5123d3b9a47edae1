"""Wagtail admin of 专家顾问 (editors and superusers only): profiles as draft-state snippets, slots (created and
cancelled through the services) and bookings read-only.

Everyone else — committee, property, government staff who use the admin for their own communities — has no
menu item here, and every object URL of slots and bookings is a 404 for them.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, LiveStatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from governance.errors import DomainError
from portal.accounts.models import Role

from . import permissions, selectors, services
from .models import Booking, BookingStatus, ExpertProfile, ExpertSlot, SlotMode

# --- the permission policy: editors and superusers, for a fixed set of actions -------------------------------


def _is_manager(user) -> bool:
    """`permissions.can_manage_experts`, remembered on the user object for the request."""
    cached = user.__dict__.get("_experts_admin")
    if cached is None:
        cached = permissions.can_manage_experts(user)
        user.__dict__["_experts_admin"] = cached
    return cached


class EditorsPermissionPolicy(BasePermissionPolicy):
    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and _is_manager(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if not self.actions & set(actions):
            return User.objects.none()
        editors = Q(memberships__role=Role.EDITOR, memberships__active=True)
        return User.objects.filter(Q(is_superuser=True) | editors, is_active=True).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)


def register_editors_policy(model, actions) -> EditorsPermissionPolicy:
    existing = policy_registry.get_by_type(model, fallback=False)
    if existing is None:
        policy = EditorsPermissionPolicy(model, actions)
        register_permission_policy(model, policy, exact_class=True)
        return policy
    if not isinstance(existing, EditorsPermissionPolicy):
        raise ImproperlyConfigured(f"{model._meta.label} already has a {type(existing).__name__}")
    return existing


# Registered at import, before any view can make Wagtail fall back to a model-permission policy.
PROFILE_POLICY = register_editors_policy(ExpertProfile, {"view", "add", "change", "publish", "lock", "unlock"})
SLOT_POLICY = register_editors_policy(ExpertSlot, {"view", "add"})
BOOKING_POLICY = register_editors_policy(Booking, {"view"})


class EditorsOnly404Mixin:
    """Object URLs are a 404 (not a 403) for anyone who is not an editor or superuser."""

    def dispatch(self, request, *args, **kwargs):
        if not _is_manager(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


# --- profiles (a draft-state snippet) ----------------------------------------------------------------------


class ExpertProfileForm(WagtailAdminModelForm):
    """The account is chosen among users holding an active expert membership (and the current one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is not None:
            User = get_user_model()
            experts = Q(memberships__role=Role.EXPERT, memberships__active=True)
            if self.instance.user_id:
                experts |= Q(pk=self.instance.user_id)
            field.queryset = User.objects.filter(experts).distinct().order_by("display_name", "pk")
            field.label_from_instance = lambda user: f"{user}（{user.masked_phone or user.username}）"


def _bookable(profile) -> bool:
    return permissions.is_bookable(profile)


class ExpertProfileViewSet(SnippetViewSet):
    model = ExpertProfile
    pk_path_converter = "id"
    icon = "user"
    menu_label = _("专家资料")
    menu_name = "expert_profiles"
    url_prefix = "experts/profiles"
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["name", "organisation", "specialties"]
    list_display = [
        "name", "title", "organisation",
        Column("account", label=_("账号"), accessor=lambda p: p.user.masked_phone or p.user.username),
        LiveStatusTagColumn(),
        BooleanColumn("bookable", label=_("可预约"), accessor=_bookable),
    ]
    edit_handler = ObjectList([
        FieldPanel("user"),
        MultiFieldPanel([FieldPanel("name"), FieldPanel("title"), FieldPanel("organisation")], heading=_("基本信息")),
        FieldPanel("specialties"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ], base_form_class=ExpertProfileForm)

    def get_queryset(self, request):
        return ExpertProfile.objects.select_related("user")


# --- slots -------------------------------------------------------------------------------------------------


class EditorsModelViewSet(ModelViewSet):
    """A ModelViewSet for editors only: views of actions outside the policy do not exist at all."""

    pk_path_converter = "id"
    policy: EditorsPermissionPolicy
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None
    inspect_view_enabled = True

    @cached_property
    def permission_policy(self):
        return self.policy

    def get_permissions_to_register(self):
        return Permission.objects.none()

    @cached_property
    def disabled_views(self) -> frozenset[str]:
        views = {"copy", "edit", "usage", "delete", "history", "history_results"}
        if "add" not in self.policy.actions:
            views.add("add")
        return frozenset(views)

    _URL_KWARGS = {"add": "add_url_name", "copy": "copy_url_name", "edit": "edit_url_name",
                   "usage": "usage_url_name", "delete": "delete_url_name", "history": "history_url_name"}

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view_name, kwarg in self._URL_KWARGS.items():
            if view_name in self.disabled_views:
                view_kwargs[kwarg] = None
        return view_kwargs

    form_class = None

    def get_form_class(self, for_update=False):
        return self.form_class

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        candidates = [
            ("index", "", lambda: self.index_view),
            ("index_results", "results/", lambda: self.index_results_view),
            ("add", "new/", lambda: self.add_view),
            ("inspect", f"inspect/<{conv}:pk>/", lambda: self.inspect_view),
        ]
        return [path(route, view(), name=name) for name, route, view in candidates if name not in self.disabled_views]

    def register_admin_url_finder(self):
        pass  # no edit view to find

    def base_queryset(self):
        return self.model._default_manager.all()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.base_queryset(), **kwargs)


class SlotFilterSet(WagtailFilterSet):
    expert = django_filters.ModelChoiceFilter(label=_("专家"), queryset=ExpertProfile.objects.all())
    mode = django_filters.ChoiceFilter(label=_("方式"), choices=SlotMode.choices)
    cancelled = django_filters.BooleanFilter(label=_("已取消"), field_name="cancelled_at", lookup_expr="isnull",
                                             exclude=True)

    class Meta:
        model = ExpertSlot
        fields = ["expert", "mode"]


class SlotCreateForm(WagtailAdminModelForm):
    class Meta:
        model = ExpertSlot
        fields = ["expert", "starts_at", "ends_at", "mode", "place"]


class SlotCreateView(generic.CreateView):
    """Creation is `services.slot_create` (its checks and audit); a DomainError is a form error."""

    def save_instance(self):
        data = self.form.cleaned_data
        return services.slot_create(expert=data["expert"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                                    mode=data["mode"], place=data.get("place") or "", actor=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)

    def get_success_url(self):
        return reverse(self.index_url_name)

    def get_success_buttons(self):
        return [messages.button(reverse("experts_slots:inspect", args=[self.object.pk]), _("查看"))]


class SlotInspectView(EditorsOnly404Mixin, generic.InspectView):
    template_name = "knowledge/experts/admin/slot_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slot = self.object
        context.update({
            "slot": slot, "state": selectors.slot_state(slot),
            "holding": slot.bookings.filter(status__in=[BookingStatus.PENDING, BookingStatus.CONFIRMED])
            .select_related("community").first(),
            "cancel_url": reverse("experts_slots:cancel", args=[slot.pk]),
        })
        return context


class SlotCancelView(EditorsOnly404Mixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        slot = get_object_or_404(ExpertSlot.objects.select_related("expert"), pk=pk)
        try:
            services.slot_cancel(slot=slot, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("时段已取消；该时段的预约已一并取消并通知预约人。"))
        return redirect("experts_slots:inspect", slot.pk)


def _slot_status(slot) -> str:
    return selectors.slot_state(slot).label


class ExpertSlotViewSet(EditorsModelViewSet):
    model = ExpertSlot
    policy = SLOT_POLICY
    name = "experts_slots"
    url_prefix = "experts/slots"
    icon = "time"
    menu_label = _("专家时段")
    list_display = [
        Column("expert", label=_("专家"), accessor="expert"),
        Column("span", label=_("时段（北京时间）"), accessor="span"),
        Column("mode", label=_("方式"), accessor="get_mode_display"),
        "place",
        Column("status", label=_("状态"), accessor=_slot_status),
    ]
    filterset_class = SlotFilterSet
    form_class = SlotCreateForm
    add_view_class = SlotCreateView
    inspect_view_class = SlotInspectView
    inspect_view_fields = ["expert", "starts_at", "ends_at", "mode", "place", "created_by", "created_at",
                           "cancelled_at", "cancelled_by"]

    def base_queryset(self):
        return (ExpertSlot.objects.select_related("expert").annotate(held=selectors.holding_booking_q())
                .order_by("-starts_at", "-pk"))

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("cancel/<id:pk>/", self.construct_view(SlotCancelView), name="cancel"),
        ]


# --- bookings (read-only) ----------------------------------------------------------------------------------


class BookingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=BookingStatus.choices)
    expert = django_filters.ModelChoiceFilter(label=_("专家"), field_name="slot__expert",
                                              queryset=ExpertProfile.objects.all())

    class Meta:
        model = Booking
        fields = ["status"]


class BookingInspectView(EditorsOnly404Mixin, generic.InspectView):
    pass


class BookingViewSet(EditorsModelViewSet):
    model = Booking
    policy = BOOKING_POLICY
    name = "experts_bookings"
    url_prefix = "experts/bookings"
    icon = "date"
    menu_label = _("专家预约")
    list_display = [
        "topic",
        Column("expert", label=_("专家"), accessor=lambda b: b.slot.expert.name),
        Column("span", label=_("时段"), accessor=lambda b: b.slot.span),
        Column("community", label=_("小区"), accessor="community"),
        Column("requested_by", label=_("预约人"), accessor="requested_by"),
        Column("status", label=_("状态"), accessor="get_status_display"),
        DateColumn("created_at", label=_("预约时间")),
    ]
    filterset_class = BookingFilterSet
    search_fields = ["topic"]
    inspect_view_class = BookingInspectView
    inspect_view_fields = ["topic", "details", "slot", "community", "requested_by", "status", "expert_note",
                           "meeting_info", "created_at", "decided_at", "cancelled_at", "cancelled_by"]

    def base_queryset(self):
        return Booking.objects.select_related("slot__expert", "community", "requested_by").order_by("-created_at")
