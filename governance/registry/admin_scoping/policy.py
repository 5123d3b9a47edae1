"""Admin access by role and the community-scoped permission policy every scoped admin screen reads through."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from .. import roles
from ..models import Community


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
