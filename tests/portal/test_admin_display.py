"""Every time an admin screen shows a person is Beijing time written as the portal writes it
("2026-12-03 09:00"), and yes/no fields read 是/否 — on the inspect pages of motions, election rounds,
candidates and preparatory groups, and in the motions list (a future deadline is never "刚刚")."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.decisions import services as decisions
from governance.decisions.models import MatterType
from governance.elections import services as elections
from governance.elections.models import PreparatoryGroup
from tests.decisions.factories import community_with_owners
from tests.elections.factories import register, registering_round, street_staff

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


def at_local(days: int, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall-clock time `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def shown(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def field(html: str, label: str) -> str:
    """The text shown for `label` on a Wagtail inspect page."""
    found = re.search(rf"<dt>\s*{re.escape(label)}\s*</dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert found, f"no field {label!r} on the page"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_a_motion_opening_at_nine_beijing_time_reads_09_00_and_its_flags_read_yes_or_no(client):
    community, chair, _ = community_with_owners(2)
    opens, closes = at_local(7, 9), at_local(14, 18, 30)
    motion = decisions.motion_create(community=community, actor=chair, matter_type=MatterType.OTHER,
                                     title="增设电动车充电桩", content="是否同意增设充电桩。", opens_at=opens,
                                     closes_at=closes, allow_change=True)
    client.force_login(chair)

    html = client.get(reverse("decisions_motion:inspect", args=[motion.pk])).content.decode()

    assert field(html, "表决开始") == shown(opens) and shown(opens).endswith(" 09:00")
    assert field(html, "表决截止") == shown(closes)
    assert field(html, "截止前允许改票") == "是"
    assert field(html, "截止前隐藏实时结果") == "是"
    assert "True" not in html.split("<dl>", 1)[1].split("</dl>", 1)[0]


def test_the_motions_list_shows_a_future_deadline_as_its_local_date_time_not_just_now(client):
    community, chair, _ = community_with_owners(2)
    closes = at_local(14, 18)
    decisions.motion_create(community=community, actor=chair, matter_type=MatterType.OTHER, title="更换门禁",
                            content="是否同意更换门禁。", opens_at=at_local(1, 9), closes_at=closes)
    client.force_login(chair)

    html = client.get(reverse("decisions_motion:index")).content.decode()

    assert "刚刚" not in html
    assert shown(closes) in html and shown(at_local(1, 9)) in html


def test_an_election_round_and_its_candidate_read_in_beijing_time(client):
    community, chair, owners = community_with_owners(2)
    registration_opens = at_local(-2, 8, 30)
    voting_opens, voting_closes = at_local(3, 9), at_local(10, 18)
    election = registering_round(community, chair, registration_opens_at=registration_opens,
                                 voting_opens_at=voting_opens, voting_closes_at=voting_closes, allow_change=False)
    candidate, = register(election, owners[:1], approve=False)  # registers 30 minutes after opening: 09:00
    client.force_login(chair)

    round_html = client.get(reverse("elections_round:inspect", args=[election.pk])).content.decode()
    candidate_html = client.get(reverse("elections_candidate:inspect", args=[candidate.pk])).content.decode()
    round_list = client.get(reverse("elections_round:index")).content.decode()

    assert field(round_html, "投票开始") == shown(voting_opens) and shown(voting_opens).endswith(" 09:00")
    assert field(round_html, "投票截止") == shown(voting_closes)
    assert field(round_html, "报名开始") == shown(registration_opens)
    assert field(round_html, "截止前允许改票") == "否"
    assert field(candidate_html, "报名时间") == shown(registration_opens + timedelta(minutes=30))
    assert shown(voting_closes) in round_list and "刚刚" not in round_list


def test_a_preparatory_group_reads_its_times_in_beijing_time_and_its_phone_flag_as_yes(client):
    community, _, _ = community_with_owners(2)
    street = street_staff(community)
    group = elections.preparatory_group_create(
        community=community, actor=street, name="首届业主大会筹备组", seats=5, leader_phone="13900002222",
        phone_public=True, registration_opens_at=at_local(-1, 9), registration_closes_at=at_local(2, 18),
        voting_opens_at=at_local(3, 9), voting_closes_at=at_local(10, 18), signature_method="none")
    created = at_local(-1, 9, 5)
    PreparatoryGroup.objects.filter(pk=group.pk).update(created_at=created)
    client.force_login(street)

    html = client.get(reverse("elections_preparatory:inspect", args=[group.pk])).content.decode()

    assert field(html, "创建时间") == shown(created) and shown(created).endswith(" 09:05")
    assert field(html, "公开组长电话") == "是"
