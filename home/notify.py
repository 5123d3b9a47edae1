"""Telling one user something in the site's inbox (站内消息).

The message is written by the office app's `message_send` with the in-site channel only, so it
appears in the user's inbox (/office/inbox/) with its link. Without that service this raises: a
reply must never look delivered when nobody was told.
"""

from __future__ import annotations


class NotificationUnavailable(RuntimeError):
    pass


def notify_user(user, title: str, body: str, link: str = "", *, community, source=None):
    """Send `user` an in-site message about `source` in `community`. Call inside the writing transaction."""
    try:
        from governance.office import services as office_services
    except ImportError as exc:  # pragma: no cover - the office app is installed
        raise NotificationUnavailable("governance.office.services is not available") from exc
    message_send = getattr(office_services, "message_send", None)
    if message_send is None:  # pragma: no cover
        raise NotificationUnavailable("governance.office.services.message_send is not available")
    return message_send(
        community=community, title=title, body=body, recipients=[user], channels=["insite"], actor=None,
        kind="system", link=link, source=source,
    )
