"""The Wagtail admin, scoped by community membership.

A record of another community must be unreachable, not merely hidden (DOMAIN.md §1). Wagtail's
generic views fetch objects with ``get_object_or_404(model, pk=...)`` in several places (inspect,
delete, history, usage, copy, choosers) and only some of them ask the permission policy about the
instance. Here every view of a :class:`ScopedModelViewSet` fetches through one scoped queryset, so
an object outside the user's communities is a 404 on every URL, in every list, filter, export and
chooser.

Pieces, each reusable by later domains (one module each: `policy`, `forms`, `views`, `viewsets`, `choosers`):

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

from .policy import (
    ACCESS_ADMIN,
    ALL,
    READ_ACTIONS,
    CommunityScopedPermissionPolicy,
    Gate,
    RoleAdminAccessBackend,
    Scope,
    limit_to_scope,
    register_scoped_policy,
    scope_ids,
    scoped_policy_for,
    superusers_only,
)
from .forms import (
    ScopedModelForm,
)
from .views import (
    ScopedCopyView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedHistoryView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedObjectActionView,
    ScopedUsageView,
    ScopedViewMixin,
)
from .viewsets import (
    ScopedModelViewSet,
)
from .choosers import (
    NoChooserCreateView,
    ReadOnlyScopedModelViewSet,
    ScopedChooseResultsView,
    ScopedChooseView,
    ScopedChosenMultipleView,
    ScopedChosenView,
    ScopedChooserViewSet,
)

__all__ = [
    "ACCESS_ADMIN",
    "ALL",
    "CommunityScopedPermissionPolicy",
    "Gate",
    "NoChooserCreateView",
    "READ_ACTIONS",
    "ReadOnlyScopedModelViewSet",
    "RoleAdminAccessBackend",
    "Scope",
    "ScopedChooseResultsView",
    "ScopedChooseView",
    "ScopedChooserViewSet",
    "ScopedChosenMultipleView",
    "ScopedChosenView",
    "ScopedCopyView",
    "ScopedCreateView",
    "ScopedDeleteView",
    "ScopedEditView",
    "ScopedHistoryView",
    "ScopedIndexView",
    "ScopedInspectView",
    "ScopedModelForm",
    "ScopedModelViewSet",
    "ScopedObjectActionView",
    "ScopedUsageView",
    "ScopedViewMixin",
    "limit_to_scope",
    "register_scoped_policy",
    "scope_ids",
    "scoped_policy_for",
    "superusers_only",
]
