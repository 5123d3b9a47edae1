"""The delivery port: how an app below office sends a message or opens a to-do without importing office.

Office plugs its services in from `AppConfig.ready()` (`provide(send_message=..., open_todo=...)`); the
domains call `send_message(...)` and `open_todo(...)` with the keyword arguments of
`governance.office.services.message_send` and `todo_create`. `kind` and `tag` are the string values of
office's `MessageKind` and `TodoTag`. Calling before office has plugged in is an error, never a silent drop.
"""

from __future__ import annotations

from typing import Any, Callable

VOTE_REMINDER = "vote_reminder"  # office.MessageKind.VOTE_REMINDER
TAG_JOINT_MOTION = "joint_motion"  # office.TodoTag.JOINT_MOTION

_ports: dict[str, Callable[..., Any]] = {}


def provide(**implementations: Callable[..., Any]) -> None:
    _ports.update(implementations)


def _port(name: str) -> Callable[..., Any]:
    try:
        return _ports[name]
    except KeyError:
        raise RuntimeError(f"no implementation provided for outbox.{name} (is governance.office installed?)") from None


def send_message(**kwargs):
    """Write a message to users and queue its deliveries; returns the message."""
    return _port("send_message")(**kwargs)


def open_todo(**kwargs):
    """Open a to-do for a person or a role in a community; returns the to-do."""
    return _port("open_todo")(**kwargs)
