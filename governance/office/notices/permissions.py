"""Who reads a notice and who sees its delivery and read statistics. One function per rule."""

from __future__ import annotations

from governance.registry import roles

#: Staff who follow a notice's delivery: committee members and secretary, RC and street staff, property staff.
NOTICE_STAFF_ROLES = roles.ADMIN_ROLES


def notice_staff_communities(user):
    """Communities where `can_view_notice_stats(user, c)` holds (the admin's scope)."""
    return roles.staff_communities(user, NOTICE_STAFF_ROLES)


def can_view_notice_stats(user, community) -> bool:
    """Recipients, delivered, read, read rate, per-channel figures and the unread list (names, masked phones)."""
    return notice_staff_communities(user).filter(pk=community.pk).exists()


def can_read_notice(user, notice) -> bool:
    """A live notice is read by the members of its community (owners, residents, staff); nobody else."""
    if not notice.live or notice.community_id is None:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.communities_for(user).filter(pk=notice.community_id).exists()
