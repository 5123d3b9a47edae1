"""Each delivery adapter and its test double: what reaches the person, and what a failure says."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from governance.office import channels
from governance.office.channels import (
    DeliveryResult,
    EmailChannel,
    InSiteChannel,
    MemoryChannel,
    MemoryWeChatClient,
    SMSChannel,
    WeChatAPIClient,
    WeChatChannel,
    get_channel,
)
from governance.office.models import Message, MessageKind, WeChatOpenID
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def a_message(**overrides):
    fields = dict(community=CommunityFactory(name="幸福里小区"), title="停水通知", summary="6月1日 9:00–17:00 停水",
                  body="因管道检修，6月1日 9:00–17:00 停水，请提前储水。", link="/notices/7/")
    fields.update(overrides)
    message = Message.objects.create(**fields)
    Message.objects.filter(pk=message.pk).update(created_at=datetime(2025, 5, 30, 9, 5, tzinfo=SHANGHAI))
    message.refresh_from_db()
    return message


def test_insite_channel_sends_by_making_the_row_visible():
    assert InSiteChannel().send(recipient=UserFactory(), message=a_message()) == DeliveryResult(ok=True)


def test_sms_channel_texts_the_signature_and_the_summary(sms_outbox):
    user = UserFactory(phone="13912345678")
    result = SMSChannel().send(recipient=user, message=a_message())
    assert result == DeliveryResult(ok=True)
    assert sms_outbox == [{"phone": "13912345678", "message": "【小区治理】6月1日 9:00–17:00 停水"}]


def test_sms_channel_uses_the_title_without_a_summary_and_never_doubles_the_signature(sms_outbox):
    user = UserFactory(phone="13912345678")
    SMSChannel().send(recipient=user, message=a_message(summary=""))
    SMSChannel().send(recipient=user, message=a_message(summary="【小区治理】已有签名"))
    assert [sms["message"] for sms in sms_outbox] == ["【小区治理】停水通知", "【小区治理】已有签名"]


def test_sms_channel_fails_for_a_user_without_a_mobile_number(sms_outbox):
    user = UserFactory(username="admin-like", phone=None)
    assert SMSChannel().send(recipient=user, message=a_message()) == DeliveryResult(ok=False, error="用户没有可用的手机号")
    assert sms_outbox == []


def test_email_channel_sends_one_mail_with_the_body_and_the_absolute_link():
    user = UserFactory(email="wang@example.cn")
    channel = EmailChannel()
    channel.open(recipients=[user])
    result = channel.send(recipient=user, message=a_message())
    channel.close()
    assert result == DeliveryResult(ok=True)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.to, sent.from_email) == ("【小区治理】停水通知", ["wang@example.cn"], "noreply@xiaoqu.local")
    assert sent.body == "因管道检修，6月1日 9:00–17:00 停水，请提前储水。\n\n详情：https://xq.example.cn/notices/7/"


def test_email_channel_fails_for_a_user_without_an_address():
    result = EmailChannel().send(recipient=UserFactory(email=""), message=a_message())
    assert result == DeliveryResult(ok=False, error="用户没有电子邮箱")
    assert mail.outbox == []


def test_wechat_channel_posts_the_exact_subscription_message_body(wechat_sent):
    user = UserFactory()
    WeChatOpenID.objects.create(user=user, openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    message = a_message(summary="因管道检修，6月1日全天停水，请各位业主提前储水备用")
    channel = WeChatChannel()
    channel.open(recipients=[user])
    result = channel.send(recipient=user, message=message)
    assert result == DeliveryResult(ok=True, reference="memory-1")
    assert wechat_sent == [{
        "touser": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "template_id": "TPL-NOTICE",
        "page": f"pages/inbox/detail?id={message.pk}",
        "miniprogram_state": "formal",
        "lang": "zh_CN",
        "data": {
            "thing1": {"value": "停水通知"},
            "thing2": {"value": "因管道检修，6月1日全天停水，请各位业…"},  # WeChat's 20-character limit
            "thing3": {"value": "幸福里小区"},
            "time4": {"value": "2025年05月30日 09:05"},
        },
    }]
    assert len(wechat_sent[0]["data"]["thing2"]["value"]) == 20


def test_wechat_templates_per_kind_choose_the_template_page_and_fields(settings, wechat_sent):
    settings.OFFICE_WECHAT_TEMPLATES = {
        "default": {"template_id": "TPL-NOTICE"},
        "vote_reminder": {"template_id": "TPL-VOTE", "page": "pages/votes/index", "state": "trial",
                          "fields": {"thing1": "title", "phrase2": "=待投票"}},
    }
    user = UserFactory()
    WeChatOpenID.objects.create(user=user, openid="o-vote")
    WeChatChannel().send(recipient=user, message=a_message(kind=MessageKind.VOTE_REMINDER, title="投票提醒"))
    assert wechat_sent[0]["template_id"] == "TPL-VOTE"
    assert wechat_sent[0]["page"] == "pages/votes/index"
    assert wechat_sent[0]["miniprogram_state"] == "trial"
    assert wechat_sent[0]["data"] == {"thing1": {"value": "投票提醒"}, "phrase2": {"value": "待投票"}}


def test_wechat_channel_records_the_error_wechat_returns(wechat_sent):
    user = UserFactory()
    WeChatOpenID.objects.create(user=user, openid="o-refused")
    MemoryWeChatClient.replies.append({"errcode": 43101, "errmsg": "user refuse to accept the msg"})
    result = WeChatChannel().send(recipient=user, message=a_message())
    assert result == DeliveryResult(ok=False, error="微信接口返回错误 43101：user refuse to accept the msg")
    assert len(wechat_sent) == 1


def test_wechat_channel_fails_without_an_openid_or_a_template(settings, wechat_sent):
    user = UserFactory()
    assert WeChatChannel().send(recipient=user, message=a_message()) == DeliveryResult(
        ok=False, error="用户未绑定微信（没有 openid）")
    WeChatOpenID.objects.create(user=user, openid="o-1")
    settings.OFFICE_WECHAT_TEMPLATES = {}
    settings.WECHAT_TEMPLATE_ID = ""
    assert WeChatChannel().send(recipient=user, message=a_message()) == DeliveryResult(
        ok=False, error="未配置微信订阅消息模板")
    assert wechat_sent == []


def test_the_real_wechat_client_needs_credentials_and_is_not_the_default_without_them(settings, monkeypatch):
    del settings.OFFICE_WECHAT_CLIENT
    monkeypatch.delenv("WECHAT_APP_ID", raising=False)
    monkeypatch.delenv("WECHAT_APP_SECRET", raising=False)
    assert channels.default_wechat_client_path() == "governance.office.channels.ConsoleWeChatClient"
    with pytest.raises(ImproperlyConfigured):
        WeChatAPIClient()
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = "wx123", "s3cret"
    assert channels.default_wechat_client_path() == "governance.office.channels.WeChatAPIClient"


def test_the_real_wechat_client_caches_its_token_and_renews_it_once_when_rejected(monkeypatch):
    """No network: the HTTP call itself is replaced, to check the requests the client would make."""
    client = WeChatAPIClient(app_id="wx123", app_secret="s3cret")
    calls = []
    replies = [
        {"access_token": "T1", "expires_in": 7200},
        {"errcode": 0, "errmsg": "ok", "msgid": 1},
        {"errcode": 40001, "errmsg": "invalid credential"},
        {"access_token": "T2", "expires_in": 7200},
        {"errcode": 0, "errmsg": "ok", "msgid": 2},
    ]

    def fake_request(url, payload=None):
        calls.append((url.split("?")[0], url.split("?")[1], payload))
        return replies.pop(0)

    monkeypatch.setattr(client, "_request", fake_request)
    assert client.send_subscribe_message({"touser": "o1"})["msgid"] == 1
    assert client.send_subscribe_message({"touser": "o2"})["msgid"] == 2
    assert [(url, query, payload) for url, query, payload in calls] == [
        (WeChatAPIClient.TOKEN_URL, "grant_type=client_credential&appid=wx123&secret=s3cret", None),
        (WeChatAPIClient.SEND_URL, "access_token=T1", {"touser": "o1"}),
        (WeChatAPIClient.SEND_URL, "access_token=T1", {"touser": "o2"}),  # cached token
        (WeChatAPIClient.TOKEN_URL, "grant_type=client_credential&appid=wx123&secret=s3cret", None),
        (WeChatAPIClient.SEND_URL, "access_token=T2", {"touser": "o2"}),
    ]


def test_memory_channel_records_sends_and_scripted_failures():
    ok, refused, broken = UserFactory(), UserFactory(), UserFactory()
    MemoryChannel.failures.update({refused.pk: "号码已停机", broken.pk: RuntimeError("网关超时")})
    channel = MemoryChannel()
    channel.name = "sms"
    message = a_message()
    assert channel.send(recipient=ok, message=message) == DeliveryResult(ok=True, reference="memory-1")
    assert channel.send(recipient=refused, message=message) == DeliveryResult(ok=False, error="号码已停机")
    with pytest.raises(RuntimeError):
        channel.send(recipient=broken, message=message)
    assert MemoryChannel.outbox == [{"channel": "sms", "recipient": ok.pk, "message": message.pk}]


def test_channels_are_chosen_by_the_setting_with_defaults(settings):
    assert isinstance(get_channel("sms"), SMSChannel)
    settings.OFFICE_CHANNELS = {"sms": "governance.office.channels.MemoryChannel"}
    assert isinstance(get_channel("sms"), MemoryChannel)
    assert isinstance(get_channel("email"), EmailChannel)
    with pytest.raises(ImproperlyConfigured):
        get_channel("fax")
