"""Admin forms whose foreign-key choices and objects stay within the user's communities."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm

from .policy import ALL, limit_to_scope, scoped_policy_for


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
