"""Who may send messages and handle to-dos: each rule declared once (a `CommunityRule` where it is a role rule)."""

from __future__ import annotations

from governance.registry import roles
from governance.registry.roles import CommunityRule


can_send_messages = CommunityRule(
    None, "Send a message to people of a community: any staff role there (committee, secretary, property, RC, street).")

can_create_todo = CommunityRule(None, "Create a to-do in a community: any staff role there.")


def can_handle_todo(user, todo) -> bool:
    """Complete a to-do: its assignee (still a member of the community) or a holder of its role there."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if todo.assignee_id == user.pk and roles.communities_for(user).filter(pk=todo.community_id).exists():
        return True
    if todo.assignee_role:
        return roles.staff_communities(user, {todo.assignee_role}).filter(pk=todo.community_id).exists()
    return False
