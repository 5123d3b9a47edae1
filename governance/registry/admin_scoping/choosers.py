"""Choosers and read-only viewsets scoped the same way."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from portal.params import parse_id

from .policy import READ_ACTIONS, scoped_policy_for
from .viewsets import ScopedModelViewSet


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
