"""The Wagtail admin, scoped by community membership.

A record of another community must be unreachable, not merely hidden (DOMAIN.md §1). Wagtail's
generic views fetch objects with ``get_object_or_404(model, pk=...)`` in several places (inspect,
delete, history, usage, copy, choosers) and only some of them ask the permission policy about the
instance. Here every view of a :class:`ScopedModelViewSet` fetches through one scoped queryset, so
an object outside the user's communities is a 404 on every URL, in every list, filter, export and
chooser.

Pieces, each reusable by later domains:

- :class:`RoleAdminAccessBackend`: an authentication backend that grants
  ``wagtailadmin.access_admin`` to anyone ``roles.can_access_admin`` lets in. Access follows the
  memberships at request time; there is no group to keep in step. It must be listed in
  ``settings.AUTHENTICATION_BACKENDS``.
- :class:`CommunityScopedPermissionPolicy`: a Wagtail permission policy. Each action ("view",
  "add", "change", "delete") has a *scope*, a callable ``scope(user) -> QuerySet[Community]``
  (``None`` switches the action off for everyone, superusers included). Each model has a
  *community path* from the model to its community: ``"community"``, ``"unit__community"``,
  ``"pk"`` for the community itself, or a reverse path such as ``"communities"``.
- :class:`ScopedModelViewSet`: a ``ModelViewSet`` whose index, inspect, edit, delete, history,
  usage and copy views all read through the policy; forms limit every foreign-key choice to the
  user's communities and refuse an object whose community is outside them; writes are recorded in
  the audit trail.
- :class:`ScopedChooserViewSet`: a chooser whose listing and "chosen" lookups are scoped the same
  way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import transaction
from django.db.models import Model, ProtectedError, Q, QuerySet, RestrictedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views import View
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from governance.errors import DomainError, ErrorCode
from portal.display import display_value
from portal.params import parse_id

from . import roles
from .models import Community

ACCESS_ADMIN = "wagtailadmin.access_admin"

#: The actions whose scope makes a row appear in a list (and be inspectable).
READ_ACTIONS = ("view", "change", "delete")

Scope = Callable[[Any], QuerySet]
Gate = Callable[[Any], bool]


class _All:
    """Every community: what a superuser gets for any action that is switched on."""

    def __repr__(self):
        return "ALL"


ALL = _All()


# --- admin access -------------------------------------------------------------------------


class RoleAdminAccessBackend(BaseBackend):
    """Grants ``wagtailadmin.access_admin`` to staff with an admin role and to editors.

    It authenticates nobody and grants nothing else: model-level rights come from the
    permission policies below. Add ``"governance.registry.admin_scoping.RoleAdminAccessBackend"`` to
    ``AUTHENTICATION_BACKENDS``.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if perm != ACCESS_ADMIN or obj is not None:
            return False
        if not getattr(user_obj, "is_active", False) or not getattr(user_obj, "is_authenticated", False):
            return False
        cached = user_obj.__dict__.get("_role_admin_access")
        if cached is None:
            cached = bool(roles.can_access_admin(user_obj))
            user_obj.__dict__["_role_admin_access"] = cached
        return cached


# --- scopes --------------------------------------------------------------------------------


def _is_active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def scope_ids(user, scope: Scope) -> frozenset[int]:
    """The community ids a scope gives a user, computed once per user object (i.e. per request)."""
    cache = user.__dict__.setdefault("_community_scope_cache", {})
    if scope not in cache:
        cache[scope] = frozenset(scope(user).values_list("pk", flat=True))
    return cache[scope]


def superusers_only(user) -> QuerySet:
    """A scope nobody but a superuser passes (superusers get every community for enabled actions)."""
    return Community.objects.none()


def _path_is_multi_valued(model, path: str) -> bool:
    if path in ("", "pk"):
        return False
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


class CommunityScopedPermissionPolicy(BasePermissionPolicy):
    """Who may do what with a model, decided by the communities each action's scope gives."""

    def __init__(
        self,
        model,
        *,
        community_path: str,
        scopes: dict[str, Scope | None],
        gates: dict[str, Gate] | None = None,
        consistency_paths: Iterable[str] = (),
    ):
        super().__init__(model)
        self.community_path = community_path
        self.scopes = dict(scopes)
        self.gates = dict(gates or {})
        self.consistency_paths = tuple(consistency_paths)

    @cached_property
    def multi_valued(self) -> bool:
        return _path_is_multi_valued(self.model, self.community_path)

    # communities -------------------------------------------------------------------------

    def community_ids(self, user, action: str):
        """``ALL``, or the frozenset of community ids where the user may perform `action`."""
        scope = self.scopes.get(action)
        if scope is None or not _is_active(user):
            return frozenset()
        if user.is_superuser:
            return ALL
        return scope_ids(user, scope)

    def community_ids_any(self, user, actions: Iterable[str]):
        ids: set[int] = set()
        for action in actions:
            found = self.community_ids(user, action)
            if found is ALL:
                return ALL
            ids |= found
        return frozenset(ids)

    def scope_q(self, ids) -> Q:
        ids = sorted(ids)
        if self.community_path in ("", "pk"):
            return Q(pk__in=ids)
        return Q(**{f"{self.community_path}__in": ids})

    def filter_to(self, queryset: QuerySet, ids) -> QuerySet:
        """Narrow a queryset of this policy's model to the given communities."""
        if ids is ALL:
            return queryset
        if not ids:
            return queryset.none()
        if self.multi_valued:
            return queryset.filter(pk__in=self.model._default_manager.filter(self.scope_q(ids)).values("pk"))
        return queryset.filter(self.scope_q(ids))

    def community_id_of(self, instance, path: str | None = None):
        """The community id an instance belongs to through a forward path (None when unknown)."""
        path = self.community_path if path is None else path
        if path in ("", "pk"):
            return instance.pk
        if _path_is_multi_valued(type(instance), path):
            return None
        *relations, last = path.split("__")
        obj = instance
        try:
            for part in relations:
                obj = getattr(obj, part)
                if obj is None:
                    return None
            return getattr(obj, f"{last}_id")
        except ObjectDoesNotExist:
            return None

    def community_of(self, instance):
        """The community (or None) of an instance, for the audit trail."""
        community_id = self.community_id_of(instance)
        if community_id is None:
            return None
        return Community.objects.filter(pk=community_id).first()

    # Wagtail's permission-policy interface -------------------------------------------------

    def user_has_permission(self, user, action):
        if self.scopes.get(action) is None or not _is_active(user):
            return False
        if user.is_superuser:
            return True
        gate = self.gates.get(action)
        if gate is not None:
            return bool(gate(user))
        return bool(self.community_ids(user, action))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        ids = self.community_ids(user, action)
        if ids is ALL:
            return True
        if instance.pk is None:
            return self.community_id_of(instance) in ids
        return self.filter_to(self.model._default_manager.filter(pk=instance.pk), ids).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        return self.filter_to(self.model._default_manager.all(), self.community_ids_any(user, actions))

    def users_with_any_permission(self, actions):
        User = get_user_model()
        candidates = User.objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(memberships__active=True)
        ).distinct()
        return User.objects.filter(
            pk__in=[user.pk for user in candidates if self.user_has_any_permission(user, actions)]
        )

    def users_with_any_permission_for_instance(self, actions, instance):
        User = get_user_model()
        candidates = User.objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(memberships__active=True)
        ).distinct()
        return User.objects.filter(
            pk__in=[
                user.pk for user in candidates
                if self.user_has_any_permission_for_instance(user, actions, instance)
            ]
        )


def scoped_policy_for(model) -> CommunityScopedPermissionPolicy | None:
    policy = policy_registry.get_by_type(model, fallback=False)
    return policy if isinstance(policy, CommunityScopedPermissionPolicy) else None


def register_scoped_policy(model, policy: CommunityScopedPermissionPolicy) -> CommunityScopedPermissionPolicy:
    """Register a scoped policy for `model` once; refuse when another kind of policy is already there."""
    existing = policy_registry.get_by_type(model, fallback=False)
    if existing is None:
        register_permission_policy(model, policy, exact_class=True)
        return policy
    if not isinstance(existing, CommunityScopedPermissionPolicy):
        raise ImproperlyConfigured(
            f"{model._meta.label} already has a {type(existing).__name__}; the scoped admin needs its own policy."
        )
    return existing


def limit_to_scope(queryset: QuerySet, ids) -> QuerySet | None:
    """Narrow a queryset of any scoped model (or Community) to `ids`; None when the model is not scoped."""
    if queryset.model is Community:
        return queryset if ids is ALL else queryset.filter(pk__in=sorted(ids))
    policy = scoped_policy_for(queryset.model)
    if policy is None:
        return None
    return policy.filter_to(queryset, ids)


# --- forms ---------------------------------------------------------------------------------


class ScopedModelForm(WagtailAdminModelForm):
    """Every foreign-key choice is limited to the user's communities for this form's action.

    A choice field to a model without a scoped policy is an error unless it is named in
    ``unscoped_fields`` (a form must never list another community's rows). After the instance is
    built, its community (and every path in the policy's ``consistency_paths``) must be one of the
    user's, and all of them the same.
    """

    class Meta(WagtailAdminModelForm.Meta):
        pass

    unscoped_fields: tuple[str, ...] = ()
    scope_error = _("您无权管理该小区的数据。")
    consistency_error = _("所选记录不属于同一小区。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_action = "change" if self.instance.pk else "add"
        self.policy = scoped_policy_for(self._meta.model)
        if self.policy is None:
            raise ImproperlyConfigured(f"{self._meta.model._meta.label} has no community-scoped policy")
        self.scope_ids = self.policy.community_ids(self.for_user, self.scope_action) if self.for_user else frozenset()
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and name not in self.unscoped_fields:
                limited = limit_to_scope(field.queryset, self.scope_ids)
                if limited is None:
                    raise ImproperlyConfigured(
                        f"{type(self).__name__}.{name} chooses {field.queryset.model._meta.label}, "
                        "which has no community scope; limit it or list it in unscoped_fields"
                    )
                field.queryset = limited

    def _post_clean(self):
        super()._post_clean()
        paths = (self.policy.community_path, *self.policy.consistency_paths)
        if self.policy.community_path in ("", "pk") and self.instance.pk is None:
            return  # a new community: its creation is gated separately
        found = [self.policy.community_id_of(self.instance, path) for path in paths]
        found = [cid for cid in found if cid is not None]
        if len(set(found)) > 1:
            self.add_error(None, self.consistency_error)
        elif self.scope_ids is not ALL and any(cid not in self.scope_ids for cid in found):
            self.add_error(None, self.scope_error)


# --- views ---------------------------------------------------------------------------------


class ScopedViewMixin:
    """Fetch through the policy: the object of another community does not exist for this user."""

    scoped_viewset = None
    object_actions: tuple[str, ...] = READ_ACTIONS

    def scoped_queryset(self, actions=None) -> QuerySet:
        policy = policy_registry.get_by_type(self.model)
        if not isinstance(policy, CommunityScopedPermissionPolicy):
            raise ImproperlyConfigured(f"{self.model._meta.label} has no community-scoped policy")
        queryset = policy.instances_user_has_any_permission_for(self.request.user, actions or self.object_actions)
        if self.scoped_viewset is not None:
            queryset = self.scoped_viewset.get_scoped_queryset(queryset, self.request)
        return queryset

    def audit(self, verb: str, instance, *, form=None, extra: dict | None = None, community=None):
        if self.scoped_viewset is not None:
            self.scoped_viewset.audit_write(
                verb=verb, instance=instance, actor=self.request.user, form=form, extra=extra, community=community
            )


class ScopedObjectActionView(ScopedViewMixin, View):
    """A POST-only action on one object (approve, reject…): looked up in the user's scope (404 otherwise),
    then back to the object's inspect page."""

    http_method_names = ["post"]

    def get_scoped_object(self, pk):
        return get_object_or_404(self.scoped_queryset(READ_ACTIONS), pk=pk)

    def back(self, instance):
        return redirect(reverse(f"{self.scoped_viewset.url_namespace}:inspect", args=[instance.pk]))


class _DomainErrorFormMixin:
    """A service's DomainError becomes a form error instead of a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class ScopedIndexView(ScopedViewMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.scoped_queryset()

    @cached_property
    def filters(self):
        """Filter choices (a community, a building…) never list another community's rows."""
        filters = super().filters
        if filters:
            ids = policy_registry.get_by_type(self.model).community_ids_any(self.request.user, READ_ACTIONS)
            for name, field in filters.form.fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    limited = limit_to_scope(field.queryset, ids)
                    if limited is None:
                        raise ImproperlyConfigured(
                            f"filter {name} of {self.model._meta.label} chooses an unscoped model"
                        )
                    field.queryset = limited
        return filters


class ScopedCreateView(ScopedViewMixin, _DomainErrorFormMixin, generic.CreateView):
    def save_instance(self):
        viewset = self.scoped_viewset
        if viewset is not None and viewset.has_custom_create:
            instance = viewset.create_instance(form=self.form, user=self.request.user)
        else:
            instance = super().save_instance()
            self.audit("create", instance, form=self.form)
        return instance


class ScopedEditView(ScopedViewMixin, _DomainErrorFormMixin, generic.EditView):
    object_actions = ("change",)

    def get_queryset(self):
        return self.scoped_queryset()

    def save_instance(self):
        instance = super().save_instance()
        self.audit("update", instance, form=self.form)
        return instance

    @cached_property
    def can_delete(self):
        return self.scoped_queryset(("delete",)).filter(pk=self.object.pk).exists()


class ScopedDeleteView(ScopedViewMixin, generic.DeleteView):
    object_actions = ("delete",)

    def get_queryset(self):
        return self.scoped_queryset()

    def dispatch(self, request, *args, **kwargs):
        refusal = self.scoped_viewset.delete_refusal(self.object) if self.scoped_viewset else None
        if refusal and self.user_has_permission("delete"):
            messages.error(request, refusal)
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)

    def delete_action(self):
        community = None
        if self.scoped_viewset is not None:
            community = self.scoped_viewset.permission_policy.community_of(self.object)
        pk, label = self.object.pk, str(self.object)
        try:
            with transaction.atomic():
                super().delete_action()
                self.audit("delete", self.object, extra={"id": pk, "label": label}, community=community)
        except (ProtectedError, RestrictedError) as exc:
            raise DomainError(ErrorCode.INVALID, "该记录仍被其他记录引用，不能删除。") from exc

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            messages.error(self.request, error.message)
            return redirect(self.index_url_name)


class ScopedInspectView(ScopedViewMixin, generic.InspectView):
    field_labels: dict[str, str] = {}

    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset(), pk=self.pk)

    def get_field_label(self, field_name, field):
        if field_name in self.field_labels:
            return self.field_labels[field_name]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None else display_value(value)

    def get_edit_url(self):
        if self.edit_url_name and self.scoped_queryset(("change",)).filter(pk=self.object.pk).exists():
            return super().get_edit_url()

    def get_delete_url(self):
        if self.delete_url_name and self.scoped_queryset(("delete",)).filter(pk=self.object.pk).exists():
            return super().get_delete_url()


class ScopedHistoryView(ScopedViewMixin, history.HistoryView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedUsageView(ScopedViewMixin, usage.UsageView):
    object_actions = ("change",)

    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedCopyView(ScopedViewMixin, generic.CopyView):
    object_actions = ("change", "view")

    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs[self.pk_url_kwarg])


# --- viewsets ------------------------------------------------------------------------------


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view is narrowed to the user's communities.

    Set ``community_path`` and ``scopes`` (action -> scope callable or None); optionally ``gates``
    (action -> ``gate(user) -> bool`` for model-level checks such as "may create communities"),
    ``consistency_paths`` (other paths that must lead to the same community, e.g. the person of
    an ownership), ``audit_action`` (prefix of the audit events written by the generic create,
    update and delete, e.g. ``"registry.unit"``) and ``audit_masks`` (field -> masking function).
    """

    pk_path_converter = "id"
    community_path: str = "community"
    consistency_paths: tuple[str, ...] = ()
    scopes: dict[str, Scope | None] = {}
    gates: dict[str, Gate] = {}
    policy_class = CommunityScopedPermissionPolicy

    audit_action: str = ""
    audit_masks: dict[str, Callable[[Any], str]] = {}

    #: Labels for inspect fields that are properties (e.g. ``{"masked_phone": "手机号"}``).
    inspect_field_labels: dict[str, str] = {}

    form_class = None
    edit_form_class = None
    base_form_class = ScopedModelForm

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_class = ScopedInspectView
    copy_view_class = ScopedCopyView

    @cached_property
    def menu_name(self):
        return self.name

    # policy ------------------------------------------------------------------------------

    def build_policy(self) -> CommunityScopedPermissionPolicy:
        return self.policy_class(
            self.model,
            community_path=self.community_path,
            scopes=self.scopes,
            gates=self.gates,
            consistency_paths=self.consistency_paths,
        )

    def __init__(self, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        # Register the policy as soon as the viewset exists (wagtail_hooks import time), before
        # anything can make Wagtail create a fallback ModelPermissionPolicy for the model.
        self.permission_policy  # noqa: B018

    @cached_property
    def permission_policy(self):
        return register_scoped_policy(self.model, self.build_policy())

    def get_permissions_to_register(self):
        return Permission.objects.none()  # rights come from roles, not from Django permissions

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(scoped_viewset=self, **kwargs)
        for view_name, kwarg in self._URL_KWARGS.items():
            if view_name in self.disabled_views:
                view_kwargs[kwarg] = None
        return view_kwargs

    # views of actions nobody may perform do not exist ------------------------------------

    _URL_KWARGS = {"add": "add_url_name", "copy": "copy_url_name", "edit": "edit_url_name",
                   "usage": "usage_url_name", "delete": "delete_url_name", "history": "history_url_name"}

    @cached_property
    def disabled_views(self) -> frozenset[str]:
        off = {action for action in ("add", "change", "delete") if self.permission_policy.scopes.get(action) is None}
        views = set()
        if "add" in off:
            views |= {"add", "copy"}
        if "change" in off:
            views |= {"edit", "usage"}
        if "delete" in off:
            views.add("delete")
        if off == {"add", "change", "delete"}:
            views |= {"history", "history_results"}
        if not self.copy_view_enabled:
            views.add("copy")
        return frozenset(views)

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        candidates = [
            ("index", "", lambda: self.index_view),
            ("index_results", "results/", lambda: self.index_results_view),
            ("add", "new/", lambda: self.add_view),
            ("edit", f"edit/<{conv}:pk>/", lambda: self.edit_view),
            ("delete", f"delete/<{conv}:pk>/", lambda: self.delete_view),
            ("history", f"history/<{conv}:pk>/", lambda: self.history_view),
            ("history_results", f"history-results/<{conv}:pk>/", lambda: self.history_results_view),
            ("usage", f"usage/<{conv}:pk>/", lambda: self.usage_view),
            ("copy", f"copy/<{conv}:pk>/", lambda: self.copy_view),
        ]
        if self.inspect_view_enabled:
            candidates.append(("inspect", f"inspect/<{conv}:pk>/", lambda: self.inspect_view))
        return [
            path(route, view(), name=name) for name, route, view in candidates if name not in self.disabled_views
        ]

    def register_admin_url_finder(self):
        if "edit" not in self.disabled_views:
            super().register_admin_url_finder()

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(field_labels=self.inspect_field_labels, **kwargs)

    # hooks for subclasses ------------------------------------------------------------------

    def get_scoped_queryset(self, queryset: QuerySet, request) -> QuerySet:
        """Add select_related/annotations to every scoped queryset. Never widen it."""
        return queryset

    has_custom_create = False

    def create_instance(self, *, form, user) -> Model:
        """Create through a domain service (set ``has_custom_create = True``)."""
        raise NotImplementedError

    def delete_refusal(self, instance) -> str | None:
        """A Chinese reason why this instance may not be deleted, or None."""
        return None

    # forms -------------------------------------------------------------------------------

    def get_form_class(self, for_update=False):
        if for_update and self.edit_form_class is not None:
            return self.edit_form_class
        if self.form_class is not None:
            return self.form_class
        fields = self.get_form_fields()
        exclude = self.get_exclude_form_fields()
        if fields is None and exclude is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs form_class, form_fields or exclude_form_fields")
        return forms.modelform_factory(self.model, form=self.base_form_class, fields=fields, exclude=exclude)

    # audit -------------------------------------------------------------------------------

    def audit_summary(self, form) -> dict:
        if form is None:
            return {}
        changed = {}
        for name in form.changed_data:
            value = form.cleaned_data.get(name)
            if name in self.audit_masks:
                value = self.audit_masks[name](value) if value else ""
            elif isinstance(value, Model):
                value = str(value)
            changed[name] = value
        return {"fields": changed}

    def audit_write(self, *, verb, instance, actor, form=None, extra=None, community=None):
        if not self.audit_action:
            return
        from governance.audit.services import audit_record

        if community is None:
            community = self.permission_policy.community_of(instance)
        summary = {**self.audit_summary(form), **(extra or {})}
        audit_record(
            community=community, actor=actor, action=f"{self.audit_action}.{verb}",
            object_type=self.model._meta.label, object_id=str(instance.pk or (extra or {}).get("id", "")),
            object_repr=str(instance)[:200], summary=summary,
        )


# --- choosers ------------------------------------------------------------------------------


class _ScopedChooserMixin:
    def scoped_queryset(self):
        policy = scoped_policy_for(self.model_class)
        if policy is None:
            raise ImproperlyConfigured(f"{self.model_class._meta.label} has no community-scoped policy")
        return policy.instances_user_has_any_permission_for(self.request.user, READ_ACTIONS)


class ScopedChooseView(_ScopedChooserMixin, chooser_views.ChooseView):
    def get_object_list(self):
        return self.scoped_queryset()


class ScopedChooseResultsView(_ScopedChooserMixin, chooser_views.ChooseResultsView):
    def get_object_list(self):
        return self.scoped_queryset()


class ScopedChosenView(_ScopedChooserMixin, chooser_views.ChosenView):
    def get_object(self, pk):
        return self.scoped_queryset().get(pk=parse_id(pk))


class ScopedChosenMultipleView(_ScopedChooserMixin, chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        ids = [parse_id(pk) for pk in pks]
        if None in ids:
            raise Http404(_("参数 id 不是有效的编号：%(value)s") % {"value": pks[ids.index(None)][:40]})
        return self.scoped_queryset().filter(pk__in=ids)


class NoChooserCreateView(chooser_views.CreateView):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


class ScopedChooserViewSet(ChooserViewSet):
    """A chooser listing only the user's communities' rows; creation happens in the full admin.

    ``register_widget`` is off: forms keep their (scoped) select fields unless they opt in with
    ``widget=viewset.widget_class``.
    """

    register_widget = False
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    create_view_class = NoChooserCreateView


class ReadOnlyScopedModelViewSet(ScopedModelViewSet):
    """List and inspect only: no add, edit, delete, copy, history or usage URL exists at all."""

    def build_policy(self):
        policy = super().build_policy()
        for action in ("add", "change", "delete"):
            policy.scopes[action] = None
        return policy
