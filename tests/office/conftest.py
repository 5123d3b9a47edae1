import pytest


@pytest.fixture(autouse=True)
def office_doubles(settings):
    """WeChat goes to the recording client with a configured template; the scriptable channel starts empty."""
    from governance.office.channels import MemoryChannel, MemoryWeChatClient

    settings.OFFICE_WECHAT_CLIENT = "governance.office.channels.MemoryWeChatClient"
    settings.OFFICE_WECHAT_TEMPLATES = {"default": {"template_id": "TPL-NOTICE"}}
    settings.PORTAL_BASE_URL = "https://xq.example.cn"
    for box in (MemoryWeChatClient.sent, MemoryWeChatClient.replies, MemoryChannel.outbox):
        box.clear()
    MemoryChannel.failures.clear()
    yield
    for box in (MemoryWeChatClient.sent, MemoryWeChatClient.replies, MemoryChannel.outbox):
        box.clear()
    MemoryChannel.failures.clear()


@pytest.fixture
def wechat_sent():
    from governance.office.channels import MemoryWeChatClient

    return MemoryWeChatClient.sent


@pytest.fixture
def memory_channel(settings):
    """Route the "sms" and "wechat" channel names to the scriptable double."""
    from governance.office.channels import MemoryChannel

    settings.OFFICE_CHANNELS = {"sms": "governance.office.channels.MemoryChannel",
                                "wechat": "governance.office.channels.MemoryChannel"}
    return MemoryChannel
