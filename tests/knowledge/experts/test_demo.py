"""The demo: one lawyer with a published profile and six upcoming slots; running it again changes nothing."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from governance.audit.models import AuditEvent
from knowledge.experts import permissions
from knowledge.experts.demo import EXPERT_PHONE, seed_experts_demo
from knowledge.experts.models import LOCAL_TZ, ExpertProfile, ExpertSlot
from portal.accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def test_the_demo_expert_is_bookable_with_six_slots_in_the_next_two_weeks():
    now = datetime(2026, 11, 2, 23, 30, tzinfo=LOCAL_TZ)
    result = seed_experts_demo(now=now)
    user = User.objects.get(phone=EXPERT_PHONE)
    assert user.check_password("demo1234") and user.display_name
    assert Membership.objects.filter(user=user, role=Role.EXPERT, active=True, community__isnull=True).count() == 1
    profile = ExpertProfile.objects.get(user=user)
    assert profile.live and profile.live_revision is not None and permissions.is_bookable(profile)
    assert "物业" in profile.specialties and "律师" in profile.title
    slots = list(ExpertSlot.objects.filter(expert=profile))
    assert len(slots) == 6 and result["upcoming"] == 6
    assert all(now + timedelta(hours=2) <= s.starts_at <= now + timedelta(days=14) for s in slots)
    assert len({s.mode for s in slots}) == 3


def test_running_the_demo_again_changes_nothing():
    seed_experts_demo()
    counts = (User.objects.count(), Membership.objects.count(), ExpertProfile.objects.count(),
              ExpertSlot.objects.count(), AuditEvent.objects.count())
    again = seed_experts_demo()
    assert again["slots_created"] == 0
    assert (User.objects.count(), Membership.objects.count(), ExpertProfile.objects.count(),
            ExpertSlot.objects.count(), AuditEvent.objects.count()) == counts


def test_a_later_run_tops_the_slots_up_to_six_upcoming():
    first = datetime(2026, 11, 2, 9, 0, tzinfo=LOCAL_TZ)
    seed_experts_demo(now=first)
    later = first + timedelta(days=4)  # the first two slots are past
    result = seed_experts_demo(now=later)
    assert result["upcoming"] == 6 and result["slots_created"] == 2


def test_the_demo_expert_signs_in_and_is_listed(client):
    seed_experts_demo()
    assert authenticate(username=EXPERT_PHONE, password="demo1234") is not None
    page = Client().get("/experts/").content.decode()
    assert "周明远" in page and "6 个时段可预约" in page
