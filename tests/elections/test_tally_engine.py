"""The election count at every boundary DOMAIN §3 names (item 3), plus a property test against brute force."""

from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.voting.tally import RULE_MAJORITY, RULE_THREE_QUARTERS, RollUnit, Rule, TallyInputError
from governance.elections.tally import SelectionBallot, tally_election, tally_election_document


def roll(*areas, developer=()):
    """Owner i holds one unit of areas[i] (key p0, p1, ...); developer units merge into one right."""
    units = [RollUnit(unit=f"u{i}", cents=int(Decimal(a) * 100), owner=f"p{i}") for i, a in enumerate(areas)]
    units += [RollUnit(unit=f"d{i}", cents=int(Decimal(a) * 100), owner="", developer_held=True)
              for i, a in enumerate(developer)]
    return units


def equal_roll(n, area="100.00"):
    return roll(*[area] * n)


def ballots(*selections, void=()):
    """Ballot i is cast by right p{i} and selects the candidates in selections[i] (a string of letters)."""
    return [SelectionBallot(owner=f"p{i}", selections=tuple(s), void=i in void) for i, s in enumerate(selections)]


def count(units, cast, candidates="ABC", seats=2, rule=RULE_MAJORITY):
    return tally_election(rule, seats, units, list(candidates), cast)


# --- participation: at least 2/3 of the area AND of the heads; void ballots do not participate -----------

@pytest.mark.parametrize("voters,met", [(5, False), (6, True), (9, True)])
def test_quorum_at_exactly_two_thirds_is_met_one_below_is_not(voters, met):
    result = count(equal_roll(9), ballots(*["A"] * voters))
    assert result.participation_met is met
    assert result.by_candidate()["A"].elected is met


def test_a_void_ballot_does_not_count_towards_the_quorum():
    result = count(equal_roll(3), ballots("A", "A", "A", void={2}))
    assert result.participating.to_dict() == {"area": "200.00", "heads": 2}
    assert result.void.to_dict() == {"area": "100.00", "heads": 1}
    assert result.participation_met is True
    assert result.by_candidate()["A"].support.heads == 2  # the void ballot's selection is not counted
    result = count(equal_roll(3), ballots("A", "A", "A", void={1, 2}))
    assert result.participation_met is False and result.elected == ()


def test_quorum_needs_both_area_and_heads():
    units = roll("900.00", "50.00", "50.00")
    assert count(units, ballots("A")).participation_met is False  # 90% of the area, 1 of 3 heads
    assert count(units, [SelectionBallot("p1", ("A",)), SelectionBallot("p2", ("A",))]).participation_met is False
    assert count(units, ballots("A", "A")).participation_met is True


def test_without_quorum_nobody_is_elected_even_with_unanimous_support():
    result = count(equal_roll(10), ballots(*["AB"] * 6))
    assert result.verdict == "no_quorum" and result.verdict_label == "未达到参与表决要求"
    assert all(not c.majority and not c.elected for c in result.candidates)


# --- a candidate needs MORE than 1/2 of the participating area AND heads ----------------------------

def test_exactly_half_of_the_participating_heads_is_not_elected():
    # 6 of 6 vote; A gets 3 (exactly half), B gets 4.
    result = count(equal_roll(6), ballots("AB", "AB", "AB", "B", "C", "C"))
    by = result.by_candidate()
    assert by["A"].support.heads == 3 and by["A"].majority is False and by["A"].elected is False
    assert by["B"].elected is True
    assert result.elected == ("B",)


def test_exactly_half_of_the_participating_area_is_not_elected_one_cent_more_is():
    # A: p0 (100.00) + p1 (0.01) + p2 (0.01) → 3 of 4 heads; area 100.02 vs participating 200.04 → exactly half
    units = roll("100.00", "0.01", "0.01", "100.02")
    result = count(units, ballots("A", "A", "A", "B"), seats=1)
    assert result.by_candidate()["A"].support.to_dict() == {"area": "100.02", "heads": 3}
    assert result.participating.to_dict() == {"area": "200.04", "heads": 4}
    assert result.by_candidate()["A"].elected is False
    units = roll("100.01", "0.01", "0.01", "100.02")
    assert count(units, ballots("A", "A", "A", "B"), seats=1).elected == ("A",)


def test_many_heads_but_little_area_is_not_elected():
    units = roll("10.00", "10.00", "10.00", "500.00")
    result = count(units, ballots("A", "A", "A", "B"), seats=2)
    assert result.by_candidate()["A"].support.heads == 3 and result.by_candidate()["A"].elected is False
    assert result.by_candidate()["B"].elected is False  # 1 of 4 heads
    assert result.verdict == "none_elected"


def test_a_non_strict_rule_accepts_exactly_the_share():
    rule = Rule(approval_strict=False)
    result = count(equal_roll(4), ballots("A", "A", "B", "B"), seats=2, rule=rule)
    assert set(result.elected) == {"A", "B"}


def test_a_blank_ballot_participates_but_supports_nobody():
    result = count(equal_roll(4), ballots("A", "A", "", ""), seats=1)
    assert result.participating.heads == 4
    assert result.by_candidate()["A"].elected is False  # 2 of 4 is exactly half


# --- ranking and the seats cut ----------------------------------------------------------------------------

def test_ranked_by_heads_then_area_and_cut_at_the_seats():
    # Everyone votes; A 5 heads; B and C 4 heads each, B with the bigger area; D 1 head.
    units = roll("100.00", "100.00", "100.00", "100.00", "100.00", "100.00", "120.00")
    cast = [
        SelectionBallot("p0", ("A", "B")), SelectionBallot("p1", ("A", "B")), SelectionBallot("p2", ("A", "C")),
        SelectionBallot("p3", ("A", "C")), SelectionBallot("p4", ("A", "C")), SelectionBallot("p5", ("B", "C")),
        SelectionBallot("p6", ("B", "D")),
    ]
    result = tally_election(RULE_MAJORITY, 2, units, list("DCBA"), cast)
    assert [c.candidate for c in result.candidates] == ["A", "B", "C", "D"]
    by = result.by_candidate()
    assert (by["B"].support.heads, by["B"].support.area) == (4, Decimal("420.00"))
    assert (by["C"].support.heads, by["C"].support.area) == (4, Decimal("400.00"))
    assert by["C"].majority is True and by["C"].elected is False  # a majority, but beyond the seats
    assert result.elected == ("A", "B") and not result.runoff_needed
    assert [c.rank for c in result.candidates] == [1, 2, 3, 4]


def test_equal_heads_are_separated_by_area_without_a_runoff():
    units = roll("100.00", "100.00", "100.00", "100.01")
    cast = [SelectionBallot("p0", ("A", "B")), SelectionBallot("p1", ("A", "B")), SelectionBallot("p2", ("A", "C")),
            SelectionBallot("p3", ("C", "B"))]
    result = tally_election(RULE_MAJORITY, 2, units, list("ABC"), cast)
    # A: 3 heads 300.00; B: 3 heads 300.01; C: 2 heads → B ranks first by area
    assert [c.candidate for c in result.candidates][:2] == ["B", "A"]
    assert set(result.elected) == {"A", "B"} and not result.runoff_needed


def test_a_tie_at_the_cut_is_flagged_for_a_runoff():
    # seats 2: A 4 heads; B and C 3 heads, same area → B and C tie for the last seat.
    cast = [SelectionBallot("p0", ("A", "B")), SelectionBallot("p1", ("A", "C")), SelectionBallot("p2", ("A", "B")),
            SelectionBallot("p3", ("A", "C")), SelectionBallot("p4", ("B", "C"))]
    result = tally_election(RULE_MAJORITY, 2, equal_roll(5), list("ABC"), cast)
    assert result.elected == ("A",)
    assert set(result.tied) == {"B", "C"}
    assert result.runoff_needed and result.open_seats == 1
    assert result.verdict == "runoff"
    assert result.by_candidate()["B"].rank == result.by_candidate()["C"].rank == 2
    assert result.to_dict()["runoff_needed"] is True and set(result.to_dict()["tied"]) == {"B", "C"}


def test_a_tie_above_the_cut_is_no_runoff():
    cast = [SelectionBallot("p0", ("A", "B")), SelectionBallot("p1", ("A", "B")), SelectionBallot("p2", ("A", "B")),
            SelectionBallot("p3", ("C",))]
    result = tally_election(RULE_MAJORITY, 2, equal_roll(4), list("ABC"), cast)
    assert set(result.elected) == {"A", "B"} and not result.runoff_needed


def test_a_tie_only_with_a_candidate_without_majority_is_no_runoff():
    # seats 1: A has 3 of 5 (majority); B has 3 of 5 too but less area? make B equal heads, below half of area.
    units = roll("100.00", "100.00", "100.00", "10.00", "10.00")
    cast = [SelectionBallot("p0", ("A",)), SelectionBallot("p1", ("A",)), SelectionBallot("p2", ("A",)),
            SelectionBallot("p3", ("B",)), SelectionBallot("p4", ("B",))]
    result = tally_election(RULE_MAJORITY, 1, units, list("AB"), cast)
    assert result.elected == ("A",) and not result.runoff_needed


def test_fewer_majority_candidates_than_seats_elects_them_all():
    result = count(equal_roll(3), ballots("A", "A", "B"), seats=3)
    assert result.elected == ("A",) and not result.runoff_needed and result.open_seats == 0


def test_developer_units_are_one_right_in_the_count():
    units = roll("100.00", "100.00", developer=("50.00", "50.00", "50.00"))
    cast = [SelectionBallot("p0", ("A",)), SelectionBallot("developer", ("A",))]
    result = tally_election(RULE_MAJORITY, 1, units, ["A"], cast)
    assert result.total.to_dict() == {"area": "350.00", "heads": 3}
    assert result.by_candidate()["A"].support.to_dict() == {"area": "250.00", "heads": 2}
    assert result.participation_met is True and result.elected == ("A",)


# --- refusals -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cast,message", [
    ([SelectionBallot("p0", ("A", "B", "C"))], "超过应选人数"),
    ([SelectionBallot("p0", ("Z",))], "不是本次选举的正式候选人"),
    ([SelectionBallot("p0", ("A", "A"))], "同一候选人被选了两次"),
    ([SelectionBallot("p0", ("A",)), SelectionBallot("p0", ("B",))], "已有一张选票"),
    ([SelectionBallot("nobody", ("A",))], "不在表决名册中"),
])
def test_bad_ballots_are_refused_with_a_chinese_reason(cast, message):
    with pytest.raises(TallyInputError, match=message):
        tally_election(RULE_MAJORITY, 2, equal_roll(3), list("ABC"), cast)


def test_seats_must_be_positive():
    with pytest.raises(TallyInputError, match="应选人数"):
        tally_election(RULE_MAJORITY, 0, equal_roll(3), ["A"], [])


def test_document_round_trip():
    document = {
        "rule": RULE_MAJORITY.to_dict(), "seats": 1, "candidates": ["7", "8"],
        "units": [{"unit": "a", "area": "10.00", "owner": "a"}, {"unit": "b", "area": "10.00", "owner": "b"},
                  {"unit": "d", "area": "5.00", "developer_held": True}],
        "ballots": [{"owner": "a", "selections": ["7"]}, {"owner": "b", "selections": ["7"]},
                    {"owner": "developer", "selections": ["8"], "void": True}],
    }
    result = tally_election_document(document)
    assert result.elected == ("7",) and result.void.heads == 1


# --- property: the engine agrees with an independent brute-force count ---------------------------------

def brute_force(rule, seats, units, candidates, cast):
    """A deliberately different count: Fractions, rights found by scanning, winners by pairwise comparison."""
    def key_of(u):
        return "developer" if u.developer_held else u.owner

    keys = []
    for u in units:
        if key_of(u) not in keys:
            keys.append(key_of(u))
    area = {k: sum((Fraction(u.cents, 100) for u in units if key_of(u) == k), Fraction(0)) for k in keys}
    live = [b for b in cast if not b.void]
    p_area, p_heads = sum((area[b.owner] for b in live), Fraction(0)), len(live)
    total_area, total_heads = sum(area.values(), Fraction(0)), len(keys)
    met = (p_area / total_area >= rule.participation_area
           and Fraction(p_heads, total_heads) >= rule.participation_heads)
    support = {c: (sum(1 for b in live if c in b.selections),
                   sum((area[b.owner] for b in live if c in b.selections), Fraction(0))) for c in candidates}

    def passes(c):
        heads, a = support[c]
        if not met or p_heads == 0 or p_area == 0:
            return False
        if rule.approval_strict:
            return a / p_area > rule.approval_area and Fraction(heads, p_heads) > rule.approval_heads
        return a / p_area >= rule.approval_area and Fraction(heads, p_heads) >= rule.approval_heads

    passing = [c for c in candidates if passes(c)]
    # how many passing candidates are strictly stronger / exactly as strong
    stronger = {c: sum(1 for d in passing if support[d] > support[c]) for c in passing}
    equal = {c: sum(1 for d in passing if support[d] == support[c]) for c in passing}
    elected = {c for c in passing if stronger[c] + equal[c] <= seats}
    tied = {c for c in passing if stronger[c] < seats < stronger[c] + equal[c]}
    return met, elected, tied, support


rules = st.sampled_from([RULE_MAJORITY, RULE_THREE_QUARTERS, Rule(Fraction(1, 2), Fraction(1, 2), Fraction(1, 3),
                                                                  Fraction(1, 3), True)])


@st.composite
def elections(draw):
    n_owners = draw(st.integers(min_value=1, max_value=8))
    units = []
    for i in range(draw(st.integers(min_value=1, max_value=14))):
        developer = draw(st.booleans()) and draw(st.booleans())
        # few distinct areas so equal supports (ties) happen often
        units.append(RollUnit(unit=f"u{i}", cents=draw(st.sampled_from([100, 200, 300, 10000, 12345])),
                              owner=f"o{draw(st.integers(0, n_owners - 1))}", developer_held=developer))
    candidates = [f"c{i}" for i in range(draw(st.integers(min_value=1, max_value=5)))]
    seats = draw(st.integers(min_value=1, max_value=len(candidates)))
    keys = sorted({u.right_key for u in units})
    voters = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
    cast = []
    for k in voters:
        size = draw(st.integers(0, seats))
        chosen = draw(st.sampled_from(list(combinations(candidates, size))))
        cast.append(SelectionBallot(owner=k, selections=tuple(chosen), void=draw(st.integers(0, 7)) == 0))
    return seats, units, candidates, cast


@settings(max_examples=400, deadline=None)
@given(rule=rules, election=elections())
def test_engine_agrees_with_brute_force(rule, election):
    seats, units, candidates, cast = election
    result = tally_election(rule, seats, units, candidates, cast)
    met, elected, tied, support = brute_force(rule, seats, units, candidates, cast)
    assert result.participation_met is met
    assert set(result.elected) == elected
    assert set(result.tied) == tied
    assert len(result.elected) <= seats
    for row in result.candidates:
        assert (row.support.heads, Fraction(row.support.cents, 100)) == support[row.candidate]
