"""The admin's scopes are the set form of the permission functions in governance.registry.roles."""

import pytest

from governance.registry.admin_audit import audit_viewers
from governance.registry.admin_views import registry_managers, registry_viewers
from governance.registry.models import Community
from governance.registry import roles
from portal.accounts.models import Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAIRS = [
    (registry_viewers, roles.can_view_registry),
    (registry_managers, roles.can_manage_registry),
    (registry_managers, roles.can_review_applications),
    (audit_viewers, roles.can_view_audit),
]


def _users(world):
    users = [world.committee_a, world.property_a, world.street_a, world.tenant_a, world.owner_a, world.superuser]
    rc_staff = UserFactory()
    Membership.objects.create(user=rc_staff, role=Role.RC_STAFF,
                              residents_committee=world.b.community.residents_committee)
    secretary = UserFactory()
    Membership.objects.create(user=secretary, role=Role.COMMITTEE_SECRETARY, community=world.b.community)
    editor = UserFactory()
    Membership.objects.create(user=editor, role=Role.EDITOR)
    return users + [rc_staff, secretary, editor]


@pytest.mark.parametrize("scope,predicate", PAIRS, ids=lambda f: f.__name__)
def test_scope_matches_the_permission_function(world, scope, predicate):
    communities = list(Community.objects.all())
    for user in _users(world):
        expected = {c.pk for c in communities if predicate(user, c)}
        assert set(scope(user).values_list("pk", flat=True)) == expected, (user, scope.__name__)
