"""Who may do what, and which communities a user reaches.

One function per rule. Admin views, portal views, GraphQL resolvers and services all ask
these functions; querysets are narrowed with `communities_for` so another community's
records are never fetched.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.memo import remember

from portal.accounts.models import Membership, Role

from .models import Community, Ownership, Residency, ResidentsCommittee, Unit

STAFF_ROLES_FOR_REGISTRY = {Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY}
GOVERNMENT_ROLES = {Role.RC_STAFF, Role.STREET_STAFF}
ADMIN_ROLES = STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES | {Role.PROPERTY_STAFF}


def _active_memberships(user, roles=None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(user=user, active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs


def _grants(user) -> tuple[tuple[str, int | None, int | None, int | None], ...]:
    """(role, community, residents' committee, street) of each active membership of the user: one read, once
    per `portal.memo.remembering()` block."""
    return remember(("roles.grants", user.pk), lambda: tuple(
        _active_memberships(user).values_list("role", "community_id", "residents_committee_id", "street_id")))


def _community_parents(community_pk) -> tuple[int, int] | None:
    """(residents' committee, street) of a community as stored, None when there is no such community."""
    return remember(("roles.community_parents", community_pk), lambda: (
        Community.objects.filter(pk=community_pk)
        .values_list("residents_committee_id", "residents_committee__street_id").first()))


def _reaches(user, community, roles=None) -> bool:
    """`staff_communities(user, roles).filter(pk=community.pk).exists()`, answered with plain reads: the
    user's memberships, then (only when one is held through a committee or a street) the community's
    residents' committee and street. The SQL form compiles to nested subqueries, which costs far more
    than the rows it reads."""
    if not getattr(user, "is_authenticated", False) or community.pk is None:
        return False
    if user.is_superuser:
        return _community_parents(community.pk) is not None
    grants = [grant for grant in _grants(user) if roles is None or grant[0] in roles]
    if any(community_id == community.pk for _, community_id, _, _ in grants):
        return True
    committees = {committee_id for _, _, committee_id, _ in grants if committee_id is not None}
    streets = {street_id for _, _, _, street_id in grants if street_id is not None}
    if not (committees or streets):
        return False
    parents = _community_parents(community.pk)
    return parents is not None and (parents[0] in committees or parents[1] in streets)


def _membership_scope_q(memberships: QuerySet[Membership]) -> Q:
    """Communities covered by memberships: directly, through a residents' committee, or a street.

    Uncorrelated subqueries only (no join), so the whole scope is one query however it is used."""
    return (
        Q(pk__in=memberships.filter(community__isnull=False).values("community"))
        | Q(residents_committee__in=memberships.filter(residents_committee__isnull=False).values("residents_committee"))
        | Q(residents_committee__in=ResidentsCommittee.objects.filter(
            street__in=memberships.filter(street__isnull=False).values("street")).values("pk"))
    )


def _owned_q(user) -> Q:
    """Communities where the user is a verified owner or co-owner of a unit through an active link."""
    return Q(pk__in=Ownership.objects.filter(person__user=user, verified=True, ends_on__isnull=True)
             .values("unit__community"))


def _resident_q(user) -> Q:
    """Communities where the user is a verified resident of a unit (an active residency)."""
    return Q(pk__in=Residency.objects.filter(user=user, verified=True, ends_on__isnull=True)
             .values("unit__community"))


def staff_communities(user, roles=None) -> QuerySet:
    """Communities where the user holds one of `roles` (any staff role when None)."""
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(_membership_scope_q(_active_memberships(user, roles)))


def owned_communities(user) -> QuerySet:
    """Communities where the user is a verified owner or co-owner of a unit (an active link)."""
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(_owned_q(user))


def resident_communities(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    return Community.objects.filter(_resident_q(user))


def communities_for(user) -> QuerySet:
    """Every community a user belongs to in any role. The scope of every governance selector.

    Staff scope, ownerships and residencies in one query (as a subquery when used in a filter)."""
    if not getattr(user, "is_authenticated", False):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(_membership_scope_q(_active_memberships(user)) | _owned_q(user) | _resident_q(user))


def is_member(user, community) -> bool:
    """`communities_for(user).filter(pk=community.pk).exists()`: staff scope, then ownerships, then residencies,
    each a plain read, stopping at the first that answers."""
    if not getattr(user, "is_authenticated", False) or community.pk is None:
        return False
    if _reaches(user, community):
        return True
    if user.is_superuser:
        return False  # _reaches said the community does not exist
    return (Ownership.objects.filter(person__user=user, verified=True, ends_on__isnull=True,
                                     unit__community_id=community.pk).exists()
            or Residency.objects.filter(user=user, verified=True, ends_on__isnull=True,
                                        unit__community_id=community.pk).exists())


def can_view_community(user, community) -> bool:
    """Members see a community's records; the public page shows only public figures."""
    return is_member(user, community)


def can_manage_registry(user, community) -> bool:
    """Edit buildings, units, persons, ownerships and import the roster: committee, secretary, RC, street."""
    return _reaches(user, community, STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES)


def can_view_registry(user, community) -> bool:
    """Read the roster (masked): registry managers and property staff of the community."""
    return _reaches(user, community, ADMIN_ROLES)


def can_review_applications(user, community) -> bool:
    """Review co-owner proofs, tenant registrations and phone corrections."""
    return can_manage_registry(user, community)


def can_view_audit(user, community) -> bool:
    return _reaches(user, community, STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES)


def can_create_community(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _active_memberships(user, {Role.STREET_STAFF}).exists()


def can_access_admin(user) -> bool:
    """Staff of any scope and editors use the Wagtail admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or _active_memberships(user, ADMIN_ROLES | {Role.EDITOR}).exists()


def is_verified_owner(user, unit) -> bool:
    return unit.ownerships.filter(person__user=user, verified=True, ends_on__isnull=True).exists()


# --- owner decisions ------------------------------------------------------------------------------

def can_manage_motions(user, community) -> bool:
    """Draft, publish, open, close, announce motions; enter paper ballots: committee and secretary."""
    return _reaches(user, community, STAFF_ROLES_FOR_REGISTRY)


def can_review_motions(user, community) -> bool:
    """Approve or reject motions that need residents'-committee approval."""
    return _reaches(user, community, GOVERNMENT_ROLES)


def can_see_running_results(user, motion) -> bool:
    """Running results before close: the community's members when the vote does not hide them.

    (Staff follow a hidden vote's progress on the admin tally screen, which is not this rule.)
    """
    if getattr(user, "is_superuser", False):
        return True
    return (not motion.hide_running_results) and is_member(user, motion.community)


def can_see_who_voted(user, community) -> bool:
    """Who has voted (never how) for reminders: committee, secretary and government staff."""
    return _reaches(user, community, STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES)


def can_cast_for_right(user, right) -> bool:
    """Any verified owner or co-owner of the right's units, as the roll was frozen, may cast it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Ownership.objects.filter(
        unit__in=right.roll_units.values("unit"), person__in=right.persons.all(), person__user=user, verified=True
    ).exists()


# --- surveys (问卷调查) ------------------------------------------------------------------------------
# Publishers per DOMAIN §3: street, residents' committee, owners'
# committee (members and secretary) and the property company, each for the communities it serves.

SURVEY_PUBLISHER_ROLES = {
    "street": {Role.STREET_STAFF},
    "rc": {Role.RC_STAFF},
    "committee": {Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY},
    "property": {Role.PROPERTY_STAFF},
}
SURVEY_ROLES = set().union(*SURVEY_PUBLISHER_ROLES.values())


def survey_publisher_communities(user) -> QuerySet:
    """Communities where `can_publish_surveys(user, c)` holds: the admin's scope for surveys and templates."""
    return staff_communities(user, SURVEY_ROLES)


def can_publish_surveys(user, community) -> bool:
    """Publish surveys, keep the community's templates and see results at any time: committee members and
    secretary, property staff, residents' committee and street staff of the community."""
    return _reaches(user, community, SURVEY_ROLES)


def survey_publisher_kinds(user, community) -> list[str]:
    """The publisher kinds (街道/居委会/业委会/物业) the user may publish as in this community."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return list(SURVEY_PUBLISHER_ROLES)
    return [kind for kind, kind_roles in SURVEY_PUBLISHER_ROLES.items()
            if _reaches(user, community, kind_roles)]


def can_publish_survey_as(user, community, kind: str) -> bool:
    """Publish in the name of `kind`: only staff holding that role in the community (superusers: any)."""
    return kind in survey_publisher_kinds(user, community)


def can_manage_survey(user, survey) -> bool:
    """Edit a draft, open and close a survey: those who may publish as its publisher kind in its community."""
    return can_publish_survey_as(user, survey.community, survey.publisher_kind)


def can_manage_survey_template(user, template) -> bool:
    """A community's templates: its publishers; platform-wide templates (no community): superusers only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if template.community_id is None:
        return bool(user.is_superuser)
    return can_publish_surveys(user, template.community)


def can_use_survey_template(user, template, community) -> bool:
    """Create a survey of `community` from a template: a platform-wide one or one of that community."""
    return template.community_id in (None, community.pk) and can_publish_surveys(user, community)


def survey_audience_unit_map(user, surveys) -> dict:
    """For each survey, the units in its scope through which the user is in its audience (the one rule):
    a verified, active ownership for owners surveys; that or a verified, active residency for all-residents
    surveys. Two queries for any number of surveys (plus their scope buildings unless prefetched)."""
    from django.db.models import Exists, OuterRef

    surveys = list(surveys)
    result: dict = {survey.pk: [] for survey in surveys}
    if not surveys or not getattr(user, "is_authenticated", False):
        return result
    community_ids = {survey.community_id for survey in surveys}
    base = Unit.objects.filter(community_id__in=community_ids).select_related("building").order_by(
        "building__sort_key", "building__name", "entrance", "floor", "room")
    owned = list(base.filter(Exists(Ownership.objects.filter(
        unit=OuterRef("pk"), person__user=user, verified=True, ends_on__isnull=True))))
    resident: list = []
    if any(survey.audience == "all_residents" for survey in surveys):
        resident = list(base.filter(Exists(Residency.objects.filter(
            unit=OuterRef("pk"), user=user, verified=True, ends_on__isnull=True))))
    for survey in surveys:
        pool = {unit.pk: unit for unit in owned}
        if survey.audience == "all_residents":
            for unit in resident:
                pool.setdefault(unit.pk, unit)
        in_scope = None
        if survey.scope_kind == "buildings":
            in_scope = {building.pk for building in survey.scope_buildings.all()}
        result[survey.pk] = [unit for unit in pool.values() if unit.community_id == survey.community_id
                             and (in_scope is None or unit.building_id in in_scope)]
    return result


def survey_audience_units(user, survey) -> list:
    """The units through which the user belongs to one survey's audience (see `survey_audience_unit_map`)."""
    return survey_audience_unit_map(user, [survey])[survey.pk]


def can_answer_survey(user, survey) -> bool:
    """In the audience (see `survey_audience_unit_map`); the window and one-answer rules are the service's."""
    return bool(survey_audience_units(user, survey))


def can_see_survey_results(user, survey) -> bool:
    """Publishers of the community always; once closed, its audience and whoever answered it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_publish_surveys(user, survey.community):
        return True
    if survey.status != "closed":
        return False
    return survey.responses.filter(user=user).exists() or can_answer_survey(user, survey)


# --- committee elections and preparatory groups (governance.elections) -----------------------------
# One function per rule, used by the elections services, portal, admin and GraphQL.

ELECTION_MANAGER_ROLES = STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES


def can_manage_elections(user, community) -> bool:
    """Terms and committee election rounds: create, open, review candidates, paper ballots, void, close,
    resolve a tie, make the elected committee members. Street and residents'-committee staff of the
    community, and its committee and secretary (re-election rounds)."""
    return _reaches(user, community, ELECTION_MANAGER_ROLES)


def can_manage_preparatory(user, community) -> bool:
    """Preparatory groups (筹备组): open registration, review applicants, run the vote, confirm members.
    Street-office staff of the community's street only."""
    return _reaches(user, community, {Role.STREET_STAFF})


def can_manage_election_round(user, election_round) -> bool:
    """The managers of one round: preparatory rounds belong to the street, committee rounds as above."""
    if election_round.kind == "preparatory":
        return can_manage_preparatory(user, election_round.community)
    return can_manage_elections(user, election_round.community)


def can_stand_for_election(user, community) -> bool:
    """Register as a candidate or apply to a preparatory group: a verified owner or co-owner of the community."""
    return owned_communities(user).filter(pk=community.pk).exists()


def can_cast_for_election_right(user, right) -> bool:
    """Any verified owner or co-owner of the right's units, as the round's roll was frozen (same rule as motions)."""
    return can_cast_for_right(user, right)


def can_see_election_details(user, community) -> bool:
    """Who voted and the vote-details export of an election: committee, secretary and government staff."""
    return _reaches(user, community, ELECTION_MANAGER_ROLES)
