"""Codes are six digits; SMS texts are Chinese and carry the code; the file sender writes JSON lines."""

import json
import re

import pytest

from portal.accounts.adapter import AccountAdapter, generate_numeric_code
from portal.accounts.sms import FileSMSSender, MemorySMSSender, send_sms

from .conftest import code_in

pytestmark = pytest.mark.django_db

SIX_DIGITS = re.compile(r"^\d{6}$")


def test_login_and_verification_codes_are_six_digits(resident):
    adapter = AccountAdapter()
    codes = [adapter.generate_login_code() for _ in range(200)]
    codes += [adapter.generate_phone_verification_code(user=resident, phone=resident.phone) for _ in range(200)]
    assert all(SIX_DIGITS.match(code) for code in codes), [c for c in codes if not SIX_DIGITS.match(c)]
    assert len(set(codes)) > 300  # random, not a constant


def test_leading_zeros_are_kept(monkeypatch):
    monkeypatch.setattr("portal.accounts.adapter.secrets.randbelow", lambda n: 4217)
    assert generate_numeric_code() == "004217"


def test_login_code_sms_is_chinese_and_carries_the_code(client, resident, sms_outbox):
    # when the resident asks for a login code
    client.post("/accounts/login/code/", {"phone": "13800138000"})
    # then exactly one SMS went out, in Chinese, with a 6-digit code
    assert len(sms_outbox) == 1
    sms = sms_outbox[0]
    code = code_in(sms)
    assert sms == {
        "phone": "13800138000",
        "message": f"【小区治理】您的登录验证码为 {code}，5分钟内有效。如非本人操作，请忽略本短信。",
    }


def test_file_sender_appends_one_json_line_per_sms(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sub" / "sms.log")
    settings.SMS_BACKEND = "portal.accounts.sms.FileSMSSender"

    send_sms("13800138000", "【小区治理】您的登录验证码为 123456，5分钟内有效。")
    FileSMSSender().send("13900139000", "第二条")

    lines = (tmp_path / "sub" / "sms.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["phone"] == "13800138000"
    assert first["message"] == "【小区治理】您的登录验证码为 123456，5分钟内有效。"
    assert set(first) == {"phone", "message", "at"}
    assert "123456" in lines[0]  # written as UTF-8, not \\u escapes
    assert "小区治理" in lines[0]
    assert json.loads(lines[1])["message"] == "第二条"


def test_file_sender_receives_login_codes_when_configured(client, resident, settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    settings.SMS_BACKEND = "portal.accounts.sms.FileSMSSender"

    response = client.post("/accounts/login/code/", {"phone": "13800138000"})

    assert response.status_code == 302
    [line] = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["phone"] == "13800138000"
    assert code_in(record)
    assert MemorySMSSender.outbox == []
