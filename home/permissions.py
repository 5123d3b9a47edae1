"""Who may do what on the community pages: each rule declared once, a `CommunityRule` where it is "holds one of
these roles over the community" (its `.communities(user)` scopes the admin lists in one query), else a function.
"""

from __future__ import annotations

from governance.registry import roles
from governance.registry.roles import CommunityRule

#: Bylaws, the archive, the bulletin board and the activation checklist: the owners' committee
#: (members, secretary) and the government staff of the community — `roles.can_manage_registry`.
CONTENT_MANAGER_ROLES = roles.STAFF_ROLES_FOR_REGISTRY | roles.GOVERNMENT_ROLES

#: Feedback is answered by any staff of the community, the property company's included.
FEEDBACK_HANDLER_ROLES = roles.ADMIN_ROLES


can_manage_community_content = CommunityRule(
    CONTENT_MANAGER_ROLES, "Upload bylaws and archive documents, make a document public, keep the bulletin board.")

can_manage_checklist = CommunityRule(CONTENT_MANAGER_ROLES, "See and tick the activation checklist (开启条件).")

can_handle_feedback = CommunityRule(
    FEEDBACK_HANDLER_ROLES, "Read and reply to a community's feedback: any staff role of the community.")


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
