"""Delivery channels: one interface, one adapter per way of reaching a person.

    result = channel.send(recipient=user, message=message)   # -> DeliveryResult

`settings.OFFICE_CHANNELS` maps a channel name to an adapter class (dotted path); names not
set there use `DEFAULT_CHANNELS`. The sending task (`services.deliveries_send`) calls
`open(recipients=…)` once per batch, `send()` per delivery and `close()` at the end of the batch,
and records each `DeliveryResult` on its `Delivery` row. An adapter returns a failed result
for problems it recognises (no phone, no openid, provider error); an exception it raises is
caught by the sender and recorded as the failure text, so one bad row never stops a batch.

Test doubles: in-site needs none (the row is the message); SMS goes through
`portal.accounts.sms.send_sms`, whose double is `MemorySMSSender`; e-mail goes through Django's
mail API, whose double is the locmem backend; WeChat posts through a `WeChatClient`, whose
double is `MemoryWeChatClient` (records the request bodies). `MemoryChannel` stands in for
any channel when a test needs to script failures.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.accounts.sms import is_cn_mobile, normalize_phone, send_sms

log = logging.getLogger(__name__)

DEFAULT_CHANNELS = {
    "insite": "governance.office.channels.InSiteChannel",
    "sms": "governance.office.channels.SMSChannel",
    "email": "governance.office.channels.EmailChannel",
    "wechat": "governance.office.channels.WeChatChannel",
}


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    error: str = ""
    reference: str = ""

    @classmethod
    def sent(cls, reference: str = "") -> DeliveryResult:
        return cls(ok=True, reference=str(reference or "")[:100])

    @classmethod
    def failed(cls, error: str) -> DeliveryResult:
        return cls(ok=False, error=str(error) or "未知错误")


class Channel:
    """Reach one recipient with one message. Subclasses implement `send`."""

    name = ""

    def open(self, *, recipients: Sequence) -> None:
        """Called once per batch before the sends (open a connection, prefetch addresses)."""

    def close(self) -> None:
        """Called once per batch after the sends."""

    def send(self, *, recipient, message) -> DeliveryResult:
        raise NotImplementedError


def channel_registry() -> dict[str, str]:
    return {**DEFAULT_CHANNELS, **getattr(settings, "OFFICE_CHANNELS", {})}


def channel_names() -> list[str]:
    return list(channel_registry())


def get_channel(name: str) -> Channel:
    try:
        path = channel_registry()[name]
    except KeyError as exc:
        raise ImproperlyConfigured(f"未知的发送渠道：{name}") from exc
    channel = import_string(path)()
    channel.name = name
    return channel


def absolute_url(link: str) -> str:
    """'/votes/12/' → 'https://…/votes/12/' (PORTAL_BASE_URL, else WAGTAILADMIN_BASE_URL)."""
    if not link or "://" in link:
        return link or ""
    base = getattr(settings, "PORTAL_BASE_URL", None) or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return f"{base.rstrip('/')}/{link.lstrip('/')}"


# --- in-site -------------------------------------------------------------------------------------------


class InSiteChannel(Channel):
    """The Delivery row of channel "insite" is the inbox entry: sending only makes it visible (status sent)."""

    def send(self, *, recipient, message) -> DeliveryResult:
        return DeliveryResult.sent()


# --- SMS -----------------------------------------------------------------------------------------------


def sms_signature() -> str:
    return getattr(settings, "OFFICE_SMS_SIGNATURE", "【小区治理】")


def sms_text(message) -> str:
    """The signature and the message's short text (summary, else title): SMS carries no long body."""
    text = message.short_text
    signature = sms_signature()
    return text if text.startswith(signature) else f"{signature}{text}"


class SMSChannel(Channel):
    """Texts the user's phone through `portal.accounts.sms.send_sms` (SMS_BACKEND chooses the provider)."""

    def send(self, *, recipient, message) -> DeliveryResult:
        phone = normalize_phone(getattr(recipient, "phone", "") or "")
        if not is_cn_mobile(phone):
            return DeliveryResult.failed("用户没有可用的手机号")
        send_sms(phone, sms_text(message))
        return DeliveryResult.sent()


# --- e-mail --------------------------------------------------------------------------------------------


class EmailChannel(Channel):
    """One e-mail per recipient through Django's mail API (anymail in production), one connection per batch."""

    connection = None

    def open(self, *, recipients: Sequence) -> None:
        self.connection = get_connection()
        try:
            self.connection.open()
        except Exception:  # the send will report the problem per recipient
            log.exception("e-mail connection could not be opened")

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def send(self, *, recipient, message) -> DeliveryResult:
        address = (getattr(recipient, "email", "") or "").strip()
        if not address:
            return DeliveryResult.failed("用户没有电子邮箱")
        text = message.body or message.short_text
        if message.link:
            text = f"{text}\n\n详情：{absolute_url(message.link)}"
        email = EmailMessage(subject=f"{sms_signature()}{message.title}", body=text,
                             from_email=settings.DEFAULT_FROM_EMAIL, to=[address], connection=self.connection)
        if email.send() != 1:
            return DeliveryResult.failed("邮件未被邮件服务接受")
        status = getattr(email, "anymail_status", None)
        return DeliveryResult.sent(getattr(status, "message_id", "") or "")


# --- WeChat subscription messages --------------------------------------------------------------------


def _wechat_setting(name: str) -> str:
    return getattr(settings, name, None) or os.environ.get(name, "") or ""


class WeChatClient:
    """Posts one subscription-message request body; returns WeChat's JSON reply ({"errcode": 0, …})."""

    def send_subscribe_message(self, body: dict) -> dict:
        raise NotImplementedError


class WeChatAPIClient(WeChatClient):
    """The real client: access token from WECHAT_APP_ID / WECHAT_APP_SECRET (cached), then
    POST /cgi-bin/message/subscribe/send. Never used in tests."""

    TOKEN_URL = "https://api.weixin.qq.com/cgi-bin/token"
    SEND_URL = "https://api.weixin.qq.com/cgi-bin/message/subscribe/send"
    TOKEN_ERRORS = {40001, 40014, 42001}

    def __init__(self, app_id: str | None = None, app_secret: str | None = None, timeout: float = 5.0):
        self.app_id = app_id or _wechat_setting("WECHAT_APP_ID")
        self.app_secret = app_secret or _wechat_setting("WECHAT_APP_SECRET")
        if not self.app_id or not self.app_secret:
            raise ImproperlyConfigured("微信订阅消息需要 WECHAT_APP_ID 和 WECHAT_APP_SECRET")
        self.timeout = timeout

    def _request(self, url: str, payload: dict | None = None) -> dict:
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"},
                                         method="GET" if data is None else "POST")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    def access_token(self, *, refresh: bool = False) -> str:
        key = f"office:wechat-token:{self.app_id}"
        token = None if refresh else cache.get(key)
        if token:
            return token
        query = urllib.parse.urlencode({"grant_type": "client_credential", "appid": self.app_id,
                                        "secret": self.app_secret})
        reply = self._request(f"{self.TOKEN_URL}?{query}")
        if not reply.get("access_token"):
            raise RuntimeError(f"获取 access_token 失败 {reply.get('errcode')}：{reply.get('errmsg')}")
        cache.set(key, reply["access_token"], max(int(reply.get("expires_in", 7200)) - 300, 60))
        return reply["access_token"]

    def send_subscribe_message(self, body: dict) -> dict:
        reply = {}
        for attempt in range(2):
            token = self.access_token(refresh=attempt > 0)
            reply = self._request(f"{self.SEND_URL}?access_token={urllib.parse.quote(token)}", body)
            if reply.get("errcode", 0) not in self.TOKEN_ERRORS:
                break
        return reply


class ConsoleWeChatClient(WeChatClient):
    """Prints each body (the embedded default when no WeChat app is configured)."""

    def send_subscribe_message(self, body: dict) -> dict:
        sys.stdout.write(f"[微信订阅消息] {json.dumps(body, ensure_ascii=False)}\n")
        sys.stdout.flush()
        return {"errcode": 0, "errmsg": "ok", "msgid": "console"}


class MemoryWeChatClient(WeChatClient):
    """Test double: keeps each request body in `sent`; replies with `replies.pop(0)` when scripted, else ok."""

    sent: list[dict] = []
    replies: list[dict] = []

    def send_subscribe_message(self, body: dict) -> dict:
        MemoryWeChatClient.sent.append(body)
        if MemoryWeChatClient.replies:
            return MemoryWeChatClient.replies.pop(0)
        return {"errcode": 0, "errmsg": "ok", "msgid": f"memory-{len(MemoryWeChatClient.sent)}"}


def default_wechat_client_path() -> str:
    configured = getattr(settings, "OFFICE_WECHAT_CLIENT", None)
    if configured:
        return configured
    if _wechat_setting("WECHAT_APP_ID") and _wechat_setting("WECHAT_APP_SECRET"):
        return "governance.office.channels.WeChatAPIClient"
    return "governance.office.channels.ConsoleWeChatClient"


# Field sources a template may use; the key prefix of a data field decides the WeChat format rule.
DEFAULT_WECHAT_TEMPLATE = {
    "template_id": "",
    "page": "pages/inbox/detail?id={message_id}",
    "state": "formal",
    "fields": {"thing1": "title", "thing2": "summary", "thing3": "community", "time4": "created_at"},
}
# WeChat's length limits per data type (characters).
WECHAT_LIMITS = {"thing": 20, "phrase": 5, "name": 10, "character_string": 32, "number": 32, "letter": 32,
                 "symbol": 5, "amount": 10, "car_number": 8, "phone_number": 17}


def wechat_templates() -> dict:
    templates = dict(getattr(settings, "OFFICE_WECHAT_TEMPLATES", {}) or {})
    default = {**DEFAULT_WECHAT_TEMPLATE, **templates.get("default", {})}
    if not default.get("template_id"):
        default["template_id"] = _wechat_setting("WECHAT_TEMPLATE_ID")
    templates["default"] = default
    return templates


def _field_type(key: str) -> str:
    return key.rstrip("0123456789")


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def wechat_value(key: str, source: str, message) -> str:
    """The value of one data field, formatted to the rule of its type (thing ≤ 20 chars, time as 2024年11月30日 18:00)."""
    if source.startswith("="):
        raw: Any = source[1:]
    elif source == "summary":
        raw = message.short_text
    elif source == "community":
        raw = message.community.name
    elif source == "kind":
        raw = message.get_kind_display()
    else:
        raw = getattr(message, source, "")
    kind = _field_type(key)
    if kind in ("time", "date"):
        moment = timezone.localtime(raw if raw else timezone.now())
        return f"{moment:%Y年%m月%d日 %H:%M}" if kind == "time" else f"{moment:%Y年%m月%d日}"
    text = " ".join(str(raw or "").split())
    limit = WECHAT_LIMITS.get(kind)
    return _clip(text, limit) if limit else text


def wechat_body(*, openid: str, message, template: dict) -> dict:
    """The exact JSON body of POST /cgi-bin/message/subscribe/send for one recipient."""
    page = (template.get("page") or "").format(message_id=message.pk, link=message.link)
    return {
        "touser": openid,
        "template_id": template["template_id"],
        "page": page,
        "miniprogram_state": template.get("state") or "formal",
        "lang": "zh_CN",
        "data": {key: {"value": wechat_value(key, source, message)}
                 for key, source in template.get("fields", {}).items()},
    }


class WeChatChannel(Channel):
    """WeChat mini-program subscription message to the user's openid (see `WeChatOpenID`)."""

    def __init__(self, client: WeChatClient | None = None, templates: dict | None = None):
        self.client = client if client is not None else import_string(default_wechat_client_path())()
        self.templates = templates if templates is not None else wechat_templates()
        self._openids: dict[int, str] | None = None

    def open(self, *, recipients: Sequence) -> None:
        from .models import WeChatOpenID

        ids = [getattr(r, "pk", r) for r in recipients]
        self._openids = dict(WeChatOpenID.objects.filter(user_id__in=ids).values_list("user_id", "openid"))

    def close(self) -> None:
        self._openids = None

    def openid_for(self, recipient) -> str:
        from .models import WeChatOpenID

        if self._openids is not None:
            return self._openids.get(recipient.pk, "")
        return WeChatOpenID.objects.filter(user_id=recipient.pk).values_list("openid", flat=True).first() or ""

    def template_for(self, message) -> dict:
        return self.templates.get(message.kind) or self.templates["default"]

    def send(self, *, recipient, message) -> DeliveryResult:
        openid = self.openid_for(recipient)
        if not openid:
            return DeliveryResult.failed("用户未绑定微信（没有 openid）")
        template = self.template_for(message)
        if not template.get("template_id"):
            return DeliveryResult.failed("未配置微信订阅消息模板")
        body = wechat_body(openid=openid, message=message, template={**DEFAULT_WECHAT_TEMPLATE, **template})
        try:
            reply = self.client.send_subscribe_message(body)
        except Exception as exc:  # network, JSON, credentials
            return DeliveryResult.failed(f"微信接口请求失败：{exc}")
        if reply.get("errcode", 0) != 0:
            return DeliveryResult.failed(f"微信接口返回错误 {reply.get('errcode')}：{reply.get('errmsg', '')}")
        return DeliveryResult.sent(reply.get("msgid", ""))


# --- a scriptable double for any channel ---------------------------------------------------------------


class MemoryChannel(Channel):
    """Test double: records sends in `outbox`; `failures[user_id]` is an error text to return, or an
    exception to raise, for that recipient."""

    outbox: list[dict] = []
    failures: dict[int, Any] = {}

    def send(self, *, recipient, message) -> DeliveryResult:
        failure = MemoryChannel.failures.get(recipient.pk)
        if isinstance(failure, BaseException):
            raise failure
        if failure:
            return DeliveryResult.failed(failure)
        MemoryChannel.outbox.append({"channel": self.name, "recipient": recipient.pk, "message": message.pk})
        return DeliveryResult.sent(f"memory-{len(MemoryChannel.outbox)}")
