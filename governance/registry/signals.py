"""What the registry tells the layers above it, without knowing them.

Higher apps connect their listeners in `AppConfig.ready()`; the registry only sends.

`community_created(community)`: a community was registered; sent after the transaction commits (the
site gives it its home page).

`roster_changed(community, unit_labels, what)`: units' owners changed (a transfer, a roster import)
inside the writing transaction. Open votes note it on their frozen rolls; the rolls never change.
"""

from django.db import transaction
from django.dispatch import Signal

community_created = Signal()
roster_changed = Signal()


def announce_community_created(*, community) -> None:
    """Tell every listener once the creating transaction has committed."""
    pk = community.pk
    transaction.on_commit(lambda: community_created.send(sender=None, community=type(community).objects.get(pk=pk)))


def announce_roster_change(*, community, unit_labels: list[str], what: str) -> None:
    """Tell every listener, inside the caller's transaction. Nothing is sent for an empty change."""
    if unit_labels:
        roster_changed.send(sender=None, community=community, unit_labels=list(unit_labels), what=what)
