"""The rule and the result as owners read them: the rule worded as Civil Code Art. 278 words it (from the
stored fractions, on the vote page, the admin tally and the PDF), every percentage with its base, and a
result notice that is the same document whenever it is downloaded, dated with its announcement."""

import io
from datetime import timedelta
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from governance.decisions import selectors, services
from governance.decisions.models import MatterType, Motion
from governance.decisions.pdf import result_notice_pdf
from governance.voting.tally import RULE_MAJORITY, RULE_THREE_QUARTERS, Rule, rule_wording
from tests.decisions.factories import community_with_owners, voting_motion

pytestmark = pytest.mark.django_db

LAW_QUORUM = "专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决"
LAW_MAJORITY = "经参与表决专有部分面积过半数的业主且参与表决人数过半数的业主同意"
LAW_THREE_QUARTERS = "经参与表决专有部分面积四分之三以上的业主且参与表决人数四分之三以上的业主同意"


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def closed(motion: Motion, chair, choices=("agree", "agree", "agree", "oppose"), owners=()) -> Motion:
    for owner, choice in zip(owners, choices):
        services.ballot_cast(right=selectors.rights_for_user(motion, owner).get(), choice=choice, actor=owner)
    return services.motion_close(motion=motion, actor=chair, now=motion.closes_at + timedelta(seconds=1))


# --- the wording ---------------------------------------------------------------------------------------


def test_the_legal_rules_read_as_the_civil_code_words_them():
    assert rule_wording(RULE_MAJORITY) == f"{LAW_QUORUM}，{LAW_MAJORITY}。"
    assert rule_wording(RULE_THREE_QUARTERS) == f"{LAW_QUORUM}，{LAW_THREE_QUARTERS}。"


def test_a_stricter_community_rule_reads_with_its_own_fractions_in_chinese():
    rule = Rule(participation_area=Fraction(3, 4), participation_heads=Fraction(7, 10),
                approval_area=Fraction(4, 5), approval_heads=Fraction(4, 5), approval_strict=False)
    assert rule_wording(rule) == (
        "专有部分面积占比四分之三以上的业主且人数占比十分之七以上的业主参与表决，"
        "经参与表决专有部分面积五分之四以上的业主且参与表决人数五分之四以上的业主同意。")
    strict = Rule(approval_area=Fraction(2, 3), approval_heads=Fraction(2, 3), approval_strict=True)
    assert "经参与表决专有部分面积超过三分之二的业主且参与表决人数超过三分之二的业主同意" in rule_wording(strict)


# --- where owners and staff read it -------------------------------------------------------------------------


def test_the_vote_page_words_the_rule_as_the_law_and_labels_each_percentage_with_its_base(client):
    community, chair, owners = community_with_owners(4)
    motion = closed(voting_motion(community, chair), chair, owners=owners)
    client.force_login(owners[0])

    html = client.get(reverse("motion_detail", args=[motion.pk])).content.decode()

    assert f"{LAW_QUORUM}，{LAW_MAJORITY}。" in html
    assert "1/2" not in html and "2/3" not in html
    assert "按专有面积（占参与表决面积）" in html and "按人数（占参与表决人数）" in html
    assert "<th>占参与表决面积</th>" in html and "<th>占参与表决人数</th>" in html
    assert "<td>75.0%</td>" in html  # 3 of the 4 who took part agreed
    assert "（占全体面积 100.0%）" in html and "（占全体人数 100.0%）" in html  # all 4 of 4 took part


def test_the_admin_tally_and_the_pdf_word_a_three_quarter_matter_as_the_law(client):
    community, chair, owners = community_with_owners(4)
    motion = closed(voting_motion(community, chair, matter_type=MatterType.REBUILD), chair, owners=owners)
    client.force_login(chair)

    tally = client.get(reverse("decisions_motion:tally", args=[motion.pk])).content.decode()
    text = pdf_text(result_notice_pdf(motion, selectors.motion_result(motion)))

    assert f"{LAW_QUORUM}，{LAW_THREE_QUARTERS}。" in tally
    assert "3/4" not in tally
    assert LAW_QUORUM in text.replace("\n", "") and LAW_THREE_QUARTERS in text.replace("\n", "")
    assert "3/4" not in text


# --- the notice is one document ------------------------------------------------------------------------------


def test_the_notice_downloaded_on_two_days_is_the_same_document_dated_with_its_announcement(client, monkeypatch):
    community, chair, owners = community_with_owners(4)
    motion = closed(voting_motion(community, chair), chair, owners=owners)
    announced = motion.closes_at + timedelta(days=2)
    services.motion_announce(motion=motion, actor=chair, now=announced)
    url = reverse("motion_notice_pdf", args=[motion.pk])
    real_now = timezone.now

    downloads, days = [], [announced + timedelta(days=5), announced + timedelta(days=40)]
    for day in days:
        monkeypatch.setattr(timezone, "now", lambda day=day: day)
        client.force_login(owners[0])
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        downloads.append(response.content)
    monkeypatch.setattr(timezone, "now", real_now)

    first, second = (pdf_text(data) for data in downloads)
    assert first == second and downloads[0] == downloads[1]
    assert f"{timezone.localtime(announced):%Y年%m月%d日}" in first
    assert all(f"{timezone.localtime(day):%Y年%m月%d日}" not in first for day in days)
