"""Each permission rule is declared once, as a `CommunityRule`: the predicate services and views ask and the
scope admin lists are narrowed by are two answers of one object. Every rule the apps declare agrees with
itself for every kind of user, over communities reached directly, through a residents' committee, through a
street, and not at all."""

import pytest

from governance.decisions import permissions as decision_rules
from governance.elections import permissions as election_rules
from governance.office import permissions as office_rules
from governance.office.notices import permissions as notice_rules
from governance.registry import roles
from governance.registry.models import Community
from governance.registry.roles import CommunityRule
from governance.surveys import permissions as survey_rules
from home import permissions as home_rules
from portal.accounts.models import Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODULES = [roles, decision_rules, election_rules, survey_rules, home_rules, office_rules, notice_rules]


def _declared_rules():
    found = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, CommunityRule):
                found[f"{module.__name__}.{name}"] = value
            elif isinstance(value, dict) and value and all(isinstance(v, CommunityRule) for v in value.values()):
                found.update({f"{module.__name__}.{name}[{key}]": rule for key, rule in value.items()})
    return found


RULES = _declared_rules()


def _users(world):
    users = [world.committee_a, world.property_a, world.street_a, world.tenant_a, world.owner_a, world.superuser]
    rc_staff = UserFactory()
    Membership.objects.create(user=rc_staff, role=Role.RC_STAFF,
                              residents_committee=world.b.community.residents_committee)
    secretary = UserFactory()
    Membership.objects.create(user=secretary, role=Role.COMMITTEE_SECRETARY, community=world.b.community)
    editor = UserFactory()
    Membership.objects.create(user=editor, role=Role.EDITOR)
    retired = UserFactory()
    Membership.objects.create(user=retired, role=Role.COMMITTEE_MEMBER, community=world.a.community, active=False)
    return users + [rc_staff, secretary, editor, retired]


def test_the_rules_of_every_app_are_found():
    names = set(RULES)
    for expected in ("governance.registry.roles.can_manage_registry", "governance.registry.roles.can_view_audit",
                     "governance.decisions.permissions.can_manage_motions",
                     "governance.elections.permissions.can_manage_preparatory",
                     "governance.surveys.permissions.can_publish_surveys",
                     "governance.surveys.permissions.can_publish_as_kind[street]",
                     "home.permissions.can_handle_feedback", "governance.office.permissions.can_send_messages",
                     "governance.office.notices.permissions.can_view_notice_stats"):
        assert expected in names


@pytest.mark.parametrize("name", sorted(RULES))
def test_the_predicate_and_the_scope_of_a_rule_agree(world, name):
    rule = RULES[name]
    communities = list(Community.objects.all())
    for user in _users(world):
        expected = {c.pk for c in communities if rule(user, c)}
        assert set(rule.communities(user).values_list("pk", flat=True)) == expected, (user, name)


def test_a_rule_admits_exactly_its_roles(world):
    """Who a rule admits is its role set: the committee member of A passes a committee rule for A only, the
    street office of A's street a street rule, the editor and the inactive member none."""
    users = {user.pk: user for user in _users(world)}
    a, b = world.a.community, world.b.community
    assert decision_rules.can_manage_motions(world.committee_a, a) and not decision_rules.can_manage_motions(
        world.committee_a, b)
    assert not decision_rules.can_review_motions(world.committee_a, a)
    assert election_rules.can_manage_preparatory(world.street_a, a)
    assert not election_rules.can_manage_preparatory(world.committee_a, a)
    assert roles.can_view_registry(world.property_a, a) and not roles.can_manage_registry(world.property_a, a)
    outsiders = [u for u in users.values() if u.memberships.filter(active=True).exclude(role=Role.EDITOR).count()
                 == 0 and not u.is_superuser]
    assert outsiders
    for user in outsiders:
        assert not any(rule(user, a) or rule(user, b) for rule in RULES.values()), user
