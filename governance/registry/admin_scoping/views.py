"""Wagtail's generic admin views, each fetching through the scoped queryset of its viewset."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.utils.functional import cached_property
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from governance.errors import DomainError, ErrorCode
from portal.display import display_value

from .policy import READ_ACTIONS, CommunityScopedPermissionPolicy, limit_to_scope


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
        viewset = self.scoped_viewset
        if viewset is not None and viewset.update_service is not None:
            changes = {name: self.form.cleaned_data[name] for name in self.form.changed_data}
            instance = viewset.update_service(instance=self.model.objects.get(pk=self.object.pk),
                                              actor=self.request.user, changes=changes)
            log(instance=instance, action="wagtail.edit", user=self.request.user, content_changed=bool(changes))
            return instance
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
