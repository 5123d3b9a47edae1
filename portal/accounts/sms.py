"""Mobile numbers and the SMS senders that text them.

The sender is chosen by `settings.SMS_BACKEND`; a real provider is one more subclass of
`SMSSender`. Phone helpers live here (not in `forms`) so that services and the rate
limiter can normalise numbers without importing allauth.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# Mainland China mobile numbers: 11 digits, 1 then 3–9.
CN_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
INVALID_PHONE_MESSAGE = "请输入正确的11位手机号码，例如 13800138000。"
_SEPARATORS_RE = re.compile(r"[\s\-–—()（）.·]")


def normalize_phone(value: str | None) -> str:
    """'＋86 138-0013 8000' -> '13800138000'.

    Full-width characters become ASCII (NFKC), spaces, hyphens, dots and brackets are
    dropped, and a +86 / 0086 / 86 country prefix is removed. The result is not
    validated: see `is_cn_mobile`.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", str(value))
    value = _SEPARATORS_RE.sub("", value)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    return value


def is_cn_mobile(value: str | None) -> bool:
    return bool(value) and bool(CN_MOBILE_RE.match(value))


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
