"""Who may do what with surveys (问卷调查): each rule declared once, as a `CommunityRule` where it is "holds one
of these roles over the community" (so it is also the admin's scope), else a function.

Publishers per DOMAIN §3: street, residents' committee, owners' committee (members and secretary) and the
property company, each for the communities it serves."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from governance.registry.models import Ownership, Residency, Unit
from governance.registry.roles import CommunityRule
from portal.accounts.models import Role


SURVEY_PUBLISHER_ROLES = {
    "street": {Role.STREET_STAFF},
    "rc": {Role.RC_STAFF},
    "committee": {Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY},
    "property": {Role.PROPERTY_STAFF},
}
SURVEY_ROLES = set().union(*SURVEY_PUBLISHER_ROLES.values())

#: Publishing in the name of one kind (街道/居委会/业委会/物业): staff holding that kind's roles.
can_publish_as_kind = {kind: CommunityRule(kind_roles, f"Publish surveys as {kind}.")
                       for kind, kind_roles in SURVEY_PUBLISHER_ROLES.items()}


can_publish_surveys = CommunityRule(
    SURVEY_ROLES,
    "Publish surveys, keep the community's templates and see results at any time: committee members and "
    "secretary, property staff, residents' committee and street staff of the community. "
    "`can_publish_surveys.communities(user)` is the admin's scope for surveys and templates.")


def survey_publisher_kinds(user, community) -> list[str]:
    """The publisher kinds (街道/居委会/业委会/物业) the user may publish as in this community."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return list(SURVEY_PUBLISHER_ROLES)
    return [kind for kind, rule in can_publish_as_kind.items() if rule(user, community)]


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
