"""Personal numbers in free text: mainland mobile numbers and resident ID numbers.

`contains_personal_info` decides whether a text written by a user must be refused; services raise
`DomainError(INVALID, privacy_message(label), field=...)` so the message names the field. `mask_personal_info`
keeps such numbers out of texts the system writes itself (audit summaries), masked as `portal.masking` does.
"""

from __future__ import annotations

import re
import unicodedata

from .masking import mask_id_number, mask_phone

# A mainland mobile number: 11 digits starting 1[3-9], possibly written 138 0013 8000 or 138-0013-8000,
# not part of a longer run of digits. Text is NFKC-normalised first, so full-width digits count too.
MOBILE_RE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ \-]?[0-9]{4}){2}(?![0-9])")
# An 18-character resident ID number: 17 digits and a check character (a digit or X).
ID_NUMBER_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
# The same written in groups: 110101 19900307 123X (region, birth date, sequence and check character).
ID_GROUPED_RE = re.compile(r"(?<![0-9])[0-9]{6}[ \-][0-9]{8}[ \-][0-9]{3}[0-9Xx](?![0-9])")
# A country code before a mobile number (+86, 0086, 86- / 86 ) is dropped before matching.
COUNTRY_CODE = r"(?:\+86|(?<![0-9])0086|(?<![0-9])86(?=[ \-]))[ \-]?"
COUNTRY_CODE_RE = re.compile(COUNTRY_CODE + r"(?=1[3-9])")
# For masking: a mobile number with its country code kept in front, or without one.
_MOBILE_BODY = r"1[3-9][0-9](?:[ \-]?[0-9]{4}){2}(?![0-9])"
MASKABLE_MOBILE_RE = re.compile(rf"(?P<code>{COUNTRY_CODE})(?P<coded>{_MOBILE_BODY})|(?<![0-9])(?P<plain>{_MOBILE_BODY})")

PRIVACY_MESSAGE = "请删除手机号、身份证号等个人信息：{label}"


def privacy_message(label: str) -> str:
    """The refusal naming the field, e.g. "请删除手机号、身份证号等个人信息：回答内容"."""
    return PRIVACY_MESSAGE.format(label=label)


def _normalised(text: str | None) -> str:
    return COUNTRY_CODE_RE.sub(" ", unicodedata.normalize("NFKC", text or ""))


def contains_personal_info(text: str | None) -> bool:
    """True when the text holds a mainland mobile number or an 18-character ID number."""
    normalised = _normalised(text)
    return bool(MOBILE_RE.search(normalised) or ID_NUMBER_RE.search(normalised) or ID_GROUPED_RE.search(normalised))


def _digits(text: str) -> str:
    return re.sub(r"[ \-]", "", text)


def _mask_mobile(match: re.Match) -> str:
    return (match.group("code") or "") + mask_phone(_digits(match.group("coded") or match.group("plain")))


def mask_personal_info(text: str | None) -> str:
    """The text with every mobile and ID number masked (138****8000, 1101**********123X); unchanged without any."""
    if not contains_personal_info(text):
        return text or ""
    masked = unicodedata.normalize("NFKC", text)
    masked = ID_GROUPED_RE.sub(lambda m: mask_id_number(_digits(m.group(0))), masked)
    masked = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), masked)
    return MASKABLE_MOBILE_RE.sub(_mask_mobile, masked)
