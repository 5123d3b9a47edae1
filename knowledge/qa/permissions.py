"""Who may do what in 业委会问答. One function per rule, used by services, portal, admin and GraphQL.

Reading is public. Asking: an active committee member or secretary of the chosen community. Answering: committee
members and secretaries of any community, and experts. Moderating: editors and superusers. Q&A spans every
community, so nothing here is scoped to the reader's own.
"""

from __future__ import annotations

from django.db.models import QuerySet

from governance.registry import roles
from portal.accounts.models import Membership, Role

from .models import Answer

COMMITTEE_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY})


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _holds(user, role_set) -> bool:
    return Membership.objects.filter(user=user, active=True, role__in=list(role_set)).exists()


def ask_communities(user) -> QuerySet:
    """The communities the user may ask in (and is shown as "来自" on the question)."""
    if not _signed_in(user):
        return roles.staff_communities(None)
    return roles.staff_communities(user, COMMITTEE_ROLES).order_by("name", "pk")


def can_ask(user, community) -> bool:
    """Ask a question from `community`: an active committee member or secretary there."""
    return ask_communities(user).filter(pk=community.pk).exists()


def can_ask_somewhere(user) -> bool:
    """Whether the ask form is offered at all."""
    return ask_communities(user).exists()


def is_moderator(user) -> bool:
    """Hide, restore and dismiss reports; see hidden posts: editors and superusers."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or _holds(user, {Role.EDITOR})


def can_answer(user) -> bool:
    """Answer any visible question: committee members and secretaries of any community, experts (and superusers)."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or _holds(user, COMMITTEE_ROLES | {Role.EXPERT})


def can_view_question(user, question) -> bool:
    """Visible questions: everyone. Hidden ones: their author and moderators."""
    if question.is_visible:
        return True
    return _signed_in(user) and (question.author_id == user.pk or is_moderator(user))


def can_view_answer(user, answer) -> bool:
    """Visible answers of a question the user can see; hidden ones only for their author and moderators."""
    if not can_view_question(user, answer.question):
        return False
    if answer.is_visible:
        return True
    return _signed_in(user) and (answer.author_id == user.pk or is_moderator(user))


def can_accept(user, question) -> bool:
    """Accept or un-accept an answer: the asker only (moderators hide and restore, they do not choose for him)."""
    if not _signed_in(user):
        return False
    return question.author_id == user.pk


def can_report(user, post) -> bool:
    """Report a question or an answer: any signed-in user who can see it (one's own post is refused by the service)."""
    if not _signed_in(user):
        return False
    if isinstance(post, Answer):
        return can_view_answer(user, post)
    return can_view_question(user, post)
