"""Who may do what with case submissions. One function per rule, built on `governance.registry.roles`;
used by the services, the portal, the admin and GraphQL alike."""

from __future__ import annotations

from governance.registry import roles
from portal.accounts.models import Membership, Role

#: Platform roles that may submit without belonging to a community.
SUBMITTER_ROLES = (Role.EDITOR, Role.EXPERT)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", True))


def _holds(user, roles_held) -> bool:
    return Membership.objects.filter(user=user, active=True, role__in=list(roles_held)).exists()


def is_case_editor(user) -> bool:
    """Editors (an active 内容编辑 role) and superusers: see every submission and its status page."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or _holds(user, (Role.EDITOR,))


def can_submit_case(user) -> bool:
    """Any signed-in user who belongs to at least one community (`roles.communities_for`), or holds an
    editor or expert role."""
    if not _signed_in(user):
        return False
    return roles.communities_for(user).exists() or _holds(user, SUBMITTER_ROLES)


def can_attach_community(user, community) -> bool:
    """A submission names one of the submitter's own communities, or none."""
    return community is None or roles.communities_for(user).filter(pk=community.pk).exists()


def can_view_case(user, submission) -> bool:
    """Its submitter, editors and superusers; anyone else gets a 404."""
    if not _signed_in(user):
        return False
    return submission.submitted_by_id == user.pk or is_case_editor(user)


def can_change_case(user, submission) -> bool:
    """Edit and resubmit, or withdraw: the submitter only (editors work in the Wagtail page editor)."""
    return _signed_in(user) and submission.submitted_by_id == user.pk
