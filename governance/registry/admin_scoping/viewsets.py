"""The scoped model viewset: every view reads through the policy; writes are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.viewsets.model import ModelViewSet

from .forms import ScopedModelForm
from .policy import CommunityScopedPermissionPolicy, Gate, Scope, register_scoped_policy
from .views import (
    ScopedCopyView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedHistoryView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedUsageView,
)


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

    #: The domain service that makes this model's admin edits, ``update_service(*, instance, actor, changes)``,
    #: where ``changes`` maps each changed form field to its cleaned value. It checks, writes, records the audit
    #: event and tells listeners; the edit view only calls it. Unset: the generic save plus an audit event.
    update_service: Callable[..., Model] | None = None

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
