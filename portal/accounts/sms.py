"""SMS senders. Chosen by `settings.SMS_BACKEND`; a real provider is one more subclass."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SMSSender:
    def send(self, phone: str, message: str) -> None:
        raise NotImplementedError


class ConsoleSMSSender(SMSSender):
    """Prints each message on the server's console (the embedded default)."""

    def send(self, phone: str, message: str) -> None:
        sys.stdout.write(f"[短信] 至 {phone}：{message}\n")
        sys.stdout.flush()


class FileSMSSender(SMSSender):
    """Appends one JSON line per message to `settings.SMS_FILE_PATH` (for demos and end-to-end tests)."""

    _lock = threading.Lock()

    def send(self, phone: str, message: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"phone": phone, "message": message, "at": timezone.now().isoformat()}, ensure_ascii=False)
        with self._lock, path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class MemorySMSSender(SMSSender):
    """Keeps messages in memory: the test double."""

    outbox: list[dict] = []

    def send(self, phone: str, message: str) -> None:
        MemorySMSSender.outbox.append({"phone": phone, "message": message})


def get_sms_sender() -> SMSSender:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, message: str) -> None:
    get_sms_sender().send(phone, message)
