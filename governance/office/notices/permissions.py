"""Who reads a notice and who sees its delivery and read statistics: each rule declared once."""

from __future__ import annotations

from governance.registry import roles
from governance.registry.roles import CommunityRule

#: Staff who follow a notice's delivery: committee members and secretary, RC and street staff, property staff.
NOTICE_STAFF_ROLES = roles.ADMIN_ROLES


can_view_notice_stats = CommunityRule(
    NOTICE_STAFF_ROLES,
    "Recipients, delivered, read, read rate, per-channel figures and the unread list (names, masked phones); "
    "`.communities(user)` is the admin's scope.")


def can_read_notice(user, notice) -> bool:
    """A live notice is read by the members of its community (owners, residents, staff); nobody else."""
    if not notice.live or notice.community_id is None:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.communities_for(user).filter(pk=notice.community_id).exists()
