"""The tally engine at every boundary DOMAIN §3 names, plus a property test against brute force."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.voting.tally import (
    RULE_MAJORITY,
    RULE_THREE_QUARTERS,
    CastBallot,
    RollUnit,
    Rule,
    TallyInputError,
    tally,
    tally_document,
)


def units_of(*areas_and_owners, developer=()):
    units = [RollUnit(unit=f"u{i}", cents=int(Decimal(a) * 100), owner=o) for i, (a, o) in enumerate(areas_and_owners)]
    units += [RollUnit(unit=f"d{i}", cents=int(Decimal(a) * 100), owner="", developer_held=True)
              for i, a in enumerate(developer)]
    return units


def votes(**choices):
    return [CastBallot(owner=k, choice=v) for k, v in choices.items()]


def equal_roll(n, area="100.00"):
    return units_of(*[(area, f"p{i}") for i in range(n)])


# --- participation: at least 2/3 of area AND of headcount -------------------------------------

@pytest.mark.parametrize("voters,expected", [(5, False), (6, True), (9, True)])
def test_participation_at_exactly_two_thirds_is_met_one_below_is_not(voters, expected):
    roll = equal_roll(9)
    ballots = [CastBallot(owner=f"p{i}", choice="agree") for i in range(voters)]
    assert tally(RULE_MAJORITY, roll, ballots).participation_met is expected


def test_participation_one_cent_below_two_thirds_of_area_fails():
    # Total 300.00 m², so two thirds is 200.00; "a" and "c" voting are exactly 2 of 3 heads.
    roll = units_of(("199.98", "a"), ("0.01", "c"), ("100.01", "b"))  # total 300.00
    result = tally(RULE_MAJORITY, roll, votes(a="agree", c="agree"))
    assert result.participating.to_dict() == {"area": "199.99", "heads": 2}
    assert result.participation_met is False
    roll = units_of(("199.99", "a"), ("0.01", "c"), ("100.00", "b"))
    result = tally(RULE_MAJORITY, roll, votes(a="agree", c="agree"))
    assert result.participating.to_dict() == {"area": "200.00", "heads": 2}
    assert result.participation_met is True


def test_participation_needs_both_area_and_heads():
    # One big owner holds 90% of the area but is one head of three.
    roll = units_of(("900.00", "big"), ("50.00", "s1"), ("50.00", "s2"))
    assert tally(RULE_MAJORITY, roll, votes(big="agree")).participation_met is False
    assert tally(RULE_MAJORITY, roll, votes(s1="agree", s2="agree")).participation_met is False
    assert tally(RULE_MAJORITY, roll, votes(big="agree", s1="agree")).participation_met is True


# --- approval: more than 1/2 (过半数 excludes the half) ----------------------------------------

@pytest.mark.parametrize("agree,verdict", [(2, "rejected"), (3, "passed")])
def test_exactly_half_is_not_a_majority(agree, verdict):
    roll = equal_roll(4)
    ballots = [CastBallot(owner=f"p{i}", choice="agree" if i < agree else "oppose") for i in range(4)]
    assert tally(RULE_MAJORITY, roll, ballots).verdict == verdict


def test_one_cent_above_half_of_area_passes_when_heads_also_pass():
    roll = units_of(("100.01", "a"), ("100.00", "b"), ("50.00", "c"))
    # a + c agree (150.01 of 250.01 > half; 2 of 3 heads)
    assert tally(RULE_MAJORITY, roll, votes(a="agree", b="oppose", c="agree")).verdict == "passed"
    # exactly half of the area: a=100.00 agree vs b=100.00 oppose → area is exactly 1/2, not more
    roll = units_of(("100.00", "a"), ("100.00", "b"))
    assert tally(RULE_MAJORITY, roll, votes(a="agree", b="oppose")).approved is False
    roll = units_of(("100.01", "a"), ("99.99", "b"), ("0.01", "c"))
    result = tally(RULE_MAJORITY, roll, votes(a="agree", b="oppose", c="oppose"))
    assert result.agree.cents * 2 > result.participating.cents  # area passes …
    assert result.approved is False  # … but 1 of 3 heads does not


# --- items 6–8: at least 3/4 (以上 includes the number itself) ---------------------------------

@pytest.mark.parametrize("agree,approved", [(2, False), (3, True), (4, True)])
def test_three_quarters_counts_the_boundary(agree, approved):
    roll = equal_roll(4)
    ballots = [CastBallot(owner=f"p{i}", choice="agree" if i < agree else "oppose") for i in range(4)]
    assert tally(RULE_THREE_QUARTERS, roll, ballots).approved is approved


def test_three_quarters_one_cent_below():
    roll = units_of(("74.99", "a"), ("25.01", "b"), ("0.01", "c"), ("0.01", "d"))
    # heads: a, c, d agree = 3 of 4 (= 3/4); area = 75.01 of 100.02 → 75.01*4 = 300.04 ≥ 300.06? no
    result = tally(RULE_THREE_QUARTERS, roll, votes(a="agree", b="oppose", c="agree", d="agree"))
    assert result.agree.heads * 4 == 3 * result.participating.heads
    assert result.approved is False
    roll = units_of(("75.00", "a"), ("25.00", "b"), ("0.01", "c"), ("0.01", "d"))
    result = tally(RULE_THREE_QUARTERS, roll, votes(a="agree", b="oppose", c="agree", d="agree"))
    assert result.approved is True


# --- headcount rules: developer merging, multi-unit buyers, co-owners -------------------------

def test_developer_held_units_count_as_one_person_with_all_their_area():
    roll = units_of(("100.00", "a"), ("100.00", "b"), developer=("80.00", "80.00", "80.00"))
    result = tally(RULE_MAJORITY, roll, [])
    assert result.total.to_dict() == {"area": "440.00", "heads": 3}
    assert result.rights["developer"].to_dict() == {"area": "240.00", "heads": 1}


def test_a_buyer_of_several_units_is_one_person():
    roll = units_of(("90.00", "buyer"), ("90.00", "buyer"), ("90.00", "buyer"), ("90.00", "x"))
    result = tally(RULE_MAJORITY, roll, votes(buyer="agree"))
    assert result.total.to_dict() == {"area": "360.00", "heads": 2}
    assert result.agree.to_dict() == {"area": "270.00", "heads": 1}


# --- void vs abstain -----------------------------------------------------------------------------

def test_abstentions_participate_but_do_not_agree():
    roll = equal_roll(3)
    result = tally(RULE_MAJORITY, roll, votes(p0="agree", p1="abstain", p2="abstain"))
    assert result.participation_met is True
    assert result.verdict == "rejected"


def test_void_ballots_do_not_participate():
    roll = equal_roll(3)
    ballots = [CastBallot("p0", "agree"), CastBallot("p1", "agree", void=True), CastBallot("p2", "agree", void=True)]
    result = tally(RULE_MAJORITY, roll, ballots)
    assert result.void.to_dict() == {"area": "200.00", "heads": 2}
    assert result.participating.heads == 1
    assert result.verdict == "no_quorum"
    assert result.verdict_label == "未达到参与表决要求"


def test_verdict_labels():
    roll = equal_roll(3)
    assert tally(RULE_MAJORITY, roll, votes(p0="agree", p1="agree", p2="oppose")).verdict_label == "通过"
    assert tally(RULE_MAJORITY, roll, votes(p0="agree", p1="oppose", p2="oppose")).verdict_label == "未通过"


# --- refused input ---------------------------------------------------------------------------------

def test_a_ballot_off_the_roll_is_refused():
    with pytest.raises(TallyInputError, match="不在表决名册中"):
        tally(RULE_MAJORITY, equal_roll(2), votes(stranger="agree"))


def test_two_ballots_for_one_right_are_refused():
    with pytest.raises(TallyInputError, match="已有一张选票"):
        tally(RULE_MAJORITY, equal_roll(2), [CastBallot("p0", "agree"), CastBallot("p0", "oppose")])


def test_document_format_round_trip():
    document = {
        "rule": {"participation_area": "2/3", "participation_heads": "2/3", "approval_area": "1/2",
                 "approval_heads": "1/2", "approval_strict": True},
        "units": [{"unit": "3-1-0502", "area": "89.25", "owner": "A", "developer_held": False},
                  {"unit": "3-1-0601", "area": "89.25", "owner": "A", "developer_held": False},
                  {"unit": "3-1-0602", "area": "120.50", "owner": "B", "developer_held": False},
                  {"unit": "3-1-1801", "area": "143.10", "owner": "ignored", "developer_held": True}],
        "ballots": [{"owner": "A", "choice": "agree", "void": False},
                    {"owner": "developer", "choice": "oppose", "void": False}],
    }
    assert tally_document(document).to_dict() == {
        "total": {"area": "442.10", "heads": 3},
        "participating": {"area": "321.60", "heads": 2},
        "agree": {"area": "178.50", "heads": 1},
        "oppose": {"area": "143.10", "heads": 1},
        "abstain": {"area": "0.00", "heads": 0},
        "void": {"area": "0.00", "heads": 0},
        "participation_met": True,
        "approval_met": False,
        "approved": False,
        "verdict": "rejected",
    }


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["units"][0].update(area="89.255"), "最多两位小数"),
    (lambda d: d["units"][0].update(area="0"), "必须大于 0"),
    (lambda d: d["rule"].update(approval_area="3/2"), "0 到 1"),
    (lambda d: d["rule"].update(approval_strict="yes"), "true 或 false"),
    (lambda d: d["ballots"].append({"owner": "A", "choice": "maybe"}), "已有一张选票"),
    (lambda d: d["ballots"].__setitem__(0, {"owner": "A", "choice": "maybe"}), "选项"),
    (lambda d: d.pop("ballots"), "缺少字段 ballots"),
])
def test_bad_documents_are_refused_with_a_chinese_message(mutate, message):
    document = {
        "rule": {"participation_area": "2/3", "participation_heads": "2/3", "approval_area": "1/2",
                 "approval_heads": "1/2", "approval_strict": True},
        "units": [{"unit": "1", "area": "89.25", "owner": "A", "developer_held": False}],
        "ballots": [{"owner": "A", "choice": "agree", "void": False}],
    }
    mutate(document)
    with pytest.raises(TallyInputError, match=message):
        tally_document(document)


# --- property: the engine agrees with an independent brute-force count ----------------------------

def brute_force(rule, units, ballots):
    """A deliberately different count: Fractions throughout, rights grouped by scanning."""
    keys = []
    for u in units:
        k = "developer" if u.developer_held else u.owner
        if k not in keys:
            keys.append(k)
    area = {k: sum(Fraction(u.cents, 100) for u in units if ("developer" if u.developer_held else u.owner) == k)
            for k in keys}
    total_area, total_heads = sum(area.values(), Fraction(0)), len(keys)
    live = [b for b in ballots if not b.void]
    p_area = sum((area[b.owner] for b in live), Fraction(0))
    p_heads = len(live)
    a_area = sum((area[b.owner] for b in live if b.choice == "agree"), Fraction(0))
    a_heads = sum(1 for b in live if b.choice == "agree")
    met = (total_heads > 0 and total_area > 0 and p_area / total_area >= rule.participation_area
           and Fraction(p_heads, total_heads) >= rule.participation_heads)
    if p_heads == 0 or p_area == 0:
        approved = False
    elif rule.approval_strict:
        approved = a_area / p_area > rule.approval_area and Fraction(a_heads, p_heads) > rule.approval_heads
    else:
        approved = a_area / p_area >= rule.approval_area and Fraction(a_heads, p_heads) >= rule.approval_heads
    return met, approved, (a_area, a_heads), (p_area, p_heads)


rules = st.sampled_from([RULE_MAJORITY, RULE_THREE_QUARTERS,
                         Rule(Fraction(1, 2), Fraction(1, 2), Fraction(2, 3), Fraction(2, 3), True)])


@st.composite
def rolls(draw):
    n_owners = draw(st.integers(min_value=1, max_value=12))
    units = []
    for i in range(draw(st.integers(min_value=1, max_value=30))):
        developer = draw(st.booleans()) and draw(st.booleans())
        units.append(RollUnit(unit=f"u{i}", cents=draw(st.integers(min_value=1, max_value=30000)),
                              owner=f"o{draw(st.integers(0, n_owners - 1))}", developer_held=developer))
    keys = sorted({u.right_key for u in units})
    voters = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
    ballots = [CastBallot(owner=k, choice=draw(st.sampled_from(["agree", "oppose", "abstain"])),
                          void=draw(st.integers(0, 9)) == 0) for k in voters]
    return units, ballots


@settings(max_examples=400, deadline=None)
@given(rule=rules, roll=rolls())
def test_engine_agrees_with_brute_force(rule, roll):
    units, ballots = roll
    result = tally(rule, units, ballots)
    met, approved, (a_area, a_heads), (p_area, p_heads) = brute_force(rule, units, ballots)
    assert result.participation_met is met
    assert result.approval_met is approved
    assert result.approved is (met and approved)
    assert Fraction(result.agree.cents, 100) == a_area and result.agree.heads == a_heads
    assert Fraction(result.participating.cents, 100) == p_area and result.participating.heads == p_heads
