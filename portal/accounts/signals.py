"""What accounts tell the layers above them.

`memberships_changed(user)`: a user's roles were granted, edited or ended, after the write (inside its
transaction). The site connects the listener that gives or takes the Wagtail groups the roles carry."""

from django.dispatch import Signal

memberships_changed = Signal()


def announce_memberships_changed(*, user) -> None:
    memberships_changed.send(sender=None, user=user)
