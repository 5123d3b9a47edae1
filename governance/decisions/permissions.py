"""Who may open the private files of owner decisions. One function per rule, built on `governance.registry.roles`.

Motion attachments need no rule of their own: whoever may see the motion may open them
(`selectors.visible_attachments`, scoped like `selectors.visible_motions`).
"""

from __future__ import annotations

from governance.registry import roles


def can_view_ballot_files(user, ballot) -> bool:
    """A ballot's paper scan and handwritten e-signature: the staff who may see who voted in the motion's
    community (`roles.can_see_who_voted`: committee, secretary, residents' committee, street)."""
    return roles.can_see_who_voted(user, ballot.motion.community)
