"""Granting staff roles in a community, a residents' committee or a street. Keyword-only, atomic, audited."""

from __future__ import annotations

from django.db import transaction

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode

from portal.accounts.models import Membership, Role
from portal.accounts.signals import announce_memberships_changed

from . import roles


@transaction.atomic
def membership_grant(
    *, user, role: str, actor=None, community=None, residents_committee=None, street=None,
    title: str = "", team: str = "", starts_on=None, ends_on=None,
) -> Membership:
    """Give a user a staff role in one scope. `actor=None` is a trusted operator (command line, seed)."""
    if role not in Role.values:
        raise DomainError(ErrorCode.INVALID, f"未知角色：{role}")
    scopes = [s for s in (community, residents_committee, street) if s is not None]
    if len(scopes) > 1:
        raise DomainError(ErrorCode.INVALID, "角色只能属于一个范围（小区、居委会或街道）。")
    if not scopes and role not in (Role.EDITOR, Role.EXPERT):
        raise DomainError(ErrorCode.INVALID, "该角色必须指定小区、居委会或街道。")
    if actor is not None and not getattr(actor, "is_superuser", False):
        allowed = community is not None and roles.can_manage_registry(actor, community)
        if not allowed:
            raise DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限授予该角色。")
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, community=community, residents_committee=residents_committee, street=street,
        defaults={"title": title, "team": team, "active": True, "starts_on": starts_on, "ends_on": ends_on},
    )
    wanted = (True, title, team, starts_on, ends_on)
    if not created and (membership.active, membership.title, membership.team, membership.starts_on,
                        membership.ends_on) != wanted:
        membership.active, membership.title, membership.team, membership.starts_on, membership.ends_on = wanted
        membership.save(update_fields=["active", "title", "team", "starts_on", "ends_on"])
    announce_memberships_changed(user=user)
    audit_record(
        community=community, actor=actor, action="membership.grant", obj=membership,
        summary={"user": str(user), "role": role, "title": title, "team": team, "created": created,
                 "term": [starts_on, ends_on],
                 "scope": str(community or residents_committee or street or "全平台")},
    )
    return membership
