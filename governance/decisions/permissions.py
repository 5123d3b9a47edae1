"""Who may do what with owner decisions (表决): each rule declared once, as a `CommunityRule` where it is
"holds one of these roles over the community" (so it is also the admin's scope), else a function.

Motion attachments need no rule of their own: whoever may see the motion may open them
(`selectors.visible_attachments`, scoped like `selectors.visible_motions`).
"""

from __future__ import annotations

from governance.registry import roles
from governance.registry.roles import GOVERNMENT_ROLES, STAFF_ROLES_FOR_REGISTRY, CommunityRule

can_manage_motions = CommunityRule(
    STAFF_ROLES_FOR_REGISTRY,
    "Draft, publish, open, close, announce motions; enter paper ballots: committee and secretary.")

can_review_motions = CommunityRule(
    GOVERNMENT_ROLES, "Approve or reject motions that need residents'-committee approval: RC and street staff.")

can_see_who_voted = CommunityRule(
    STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES,
    "Who has voted (never how), for reminders, and the admin's motion lists: committee, secretary, RC, street.")

can_read_unpublished_motions = CommunityRule(
    STAFF_ROLES_FOR_REGISTRY | GOVERNMENT_ROLES,
    "Read motions not yet published (drafts, awaiting or refused approval): its managers and its reviewers.")


def can_see_running_results(user, motion) -> bool:
    """Running results before close: the community's members when the vote does not hide them.

    (Staff follow a hidden vote's progress on the admin tally screen, which is not this rule.)
    """
    if getattr(user, "is_superuser", False):
        return True
    return (not motion.hide_running_results) and roles.is_member(user, motion.community)


def can_view_ballot_files(user, ballot) -> bool:
    """A ballot's paper scan and handwritten e-signature: the staff who may see who voted in the motion's
    community (`can_see_who_voted`: committee, secretary, residents' committee, street)."""
    return can_see_who_voted(user, ballot.motion.community)
