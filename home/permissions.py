"""Who may do what on the community pages. One function per rule, built on `governance.registry.roles`.

Their set forms (`content_managers`, `feedback_handlers`) scope the admin lists in one query;
tests/home check that each set form agrees with its predicate.
"""

from __future__ import annotations

from governance.registry import roles

#: Bylaws, the archive, the bulletin board and the activation checklist: the owners' committee
#: (members, secretary) and the government staff of the community — `roles.can_manage_registry`.
CONTENT_MANAGER_ROLES = roles.STAFF_ROLES_FOR_REGISTRY | roles.GOVERNMENT_ROLES

#: Feedback is answered by any staff of the community, the property company's included.
FEEDBACK_HANDLER_ROLES = roles.ADMIN_ROLES


def content_managers(user):
    """Communities where `can_manage_community_content(user, c)` holds."""
    return roles.staff_communities(user, CONTENT_MANAGER_ROLES)


def feedback_handlers(user):
    """Communities where `can_handle_feedback(user, c)` holds."""
    return roles.staff_communities(user, FEEDBACK_HANDLER_ROLES)


def can_manage_community_content(user, community) -> bool:
    """Upload bylaws and archive documents, make a document public, keep the bulletin board."""
    return roles.can_manage_registry(user, community)


def can_manage_checklist(user, community) -> bool:
    """See and tick the activation checklist (开启条件)."""
    return roles.can_manage_registry(user, community)


def can_handle_feedback(user, community) -> bool:
    """Read and reply to a community's feedback: any staff role of the community."""
    return feedback_handlers(user).filter(pk=community.pk).exists()


def can_submit_feedback(user, community) -> bool:
    """Members of the community (owners, residents, staff) send feedback."""
    return bool(getattr(user, "is_authenticated", False)) and roles.is_member(user, community)


def can_view_archive(user, community) -> bool:
    """The whole archive of a community, private documents included: its members."""
    return bool(getattr(user, "is_authenticated", False)) and roles.is_member(user, community)


def can_view_archive_document(user, document) -> bool:
    """A public document: anyone; a private one: members of its community."""
    return document.is_public or can_view_archive(user, document.community)


def can_view_disclosure(user, page) -> bool:
    """A disclosure page is public unless it is marked members-only."""
    if not page.members_only:
        return True
    community = page.community
    return community is not None and bool(getattr(user, "is_authenticated", False)) and roles.is_member(
        user, community)
