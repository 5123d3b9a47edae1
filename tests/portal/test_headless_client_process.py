"""The mini-program path end to end: a separate process signs in over HTTP and reads `me` over GraphQL."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import OwnershipFactory, UnitFactory, UserFactory

CLIENT = Path(__file__).resolve().parent.parent / "clients" / "headless_client.py"


@pytest.mark.django_db(transaction=True)
def test_a_separate_process_signs_in_with_a_session_token_and_reads_its_units(live_server):
    owner = UserFactory(phone="13900000001", username="13900000001", display_name="王建国")
    unit = UnitFactory(room="0101", area=Decimal("89.25"), building__community__code="demo")
    OwnershipFactory(unit=unit, person__phone="13900000001", person__user=owner, verified=True)
    other = UnitFactory(building__community__code="riverside")
    OwnershipFactory(unit=other)  # someone else's unit in another community

    result = subprocess.run(
        [sys.executable, str(CLIENT), live_server.url, "13900000001", "demo1234"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout)
    me = answer["result"]["data"]["me"]
    assert me["maskedPhone"] == "139****0001"
    assert me["units"] == [
        {"label": unit.label, "communityCode": "demo", "area": "89.25", "role": "PRIMARY", "verified": True}
    ]


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_gets_no_token(live_server):
    UserFactory(phone="13900000001", username="13900000001")
    result = subprocess.run(
        [sys.executable, str(CLIENT), live_server.url, "13900000001", "wrong-password"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["step"] == "login"
