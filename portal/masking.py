"""Masking of personal numbers: phones and ID numbers are never shown in full."""

import hashlib
import hmac

from django.conf import settings


def mask_phone(phone: str | None) -> str:
    """13812341234 -> 138****1234. Short or empty values are masked whole."""
    if not phone:
        return ""
    phone = str(phone)
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_id_number(number: str | None) -> str:
    """370102199001011234 -> 3701**********1234."""
    if not number:
        return ""
    number = str(number)
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def hash_id_number(number: str) -> str:
    """Keyed hash of a normalised ID number, so equal numbers can be matched without storing them."""
    key = str(settings.ID_NUMBER_HASH_KEY).encode()
    return hmac.new(key, number.strip().upper().encode(), hashlib.sha256).hexdigest()
