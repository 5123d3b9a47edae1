"""Counting an election exactly (DOMAIN §3, Civil Code Art. 278 item 3), on the decisions engine.

The roll is grouped into voting rights by `governance.voting.tally.build_rights` (one right per
person-group, developer-held units merged), areas are integer cents and every threshold is an
integer cross-multiplication (`at_least`, `more_than`).

- Participation, as for motions: the non-void ballots' rights must hold at least the rule's share
  (2/3) of the roll's area AND of its headcount. A void ballot does not participate.
- A candidate's support: the area and heads of the non-void ballots that select them.
- A candidate has a majority when the support is more than (or, for a non-strict rule, at least)
  the rule's share (1/2) of the participating area AND of the participating heads.
- Elected: with the quorum met, the candidates with a majority ranked by heads, then area (both
  descending), up to `seats`. When the last seat's support equals the next majority candidate's
  support (same heads and same area), every candidate with that support is tied at the cut: none
  of them is elected, `runoff_needed` is set and `open_seats` says how many seats they contest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from governance.voting.tally import (
    DEVELOPER_KEY,
    Amount,
    RollUnit,
    Rule,
    TallyInputError,
    area_to_cents,
    at_least,
    build_rights,
    more_than,
)

__all__ = [
    "CandidateTally", "ElectionResult", "SelectionBallot", "tally_election", "tally_election_document",
]


@dataclass(frozen=True)
class SelectionBallot:
    """One right's ballot: the candidate keys it selects (an empty tuple is a blank, participating ballot)."""

    owner: str
    selections: tuple[str, ...] = ()
    void: bool = False


@dataclass(frozen=True)
class CandidateTally:
    candidate: str
    support: Amount
    rank: int
    majority: bool
    elected: bool
    tied: bool

    def to_dict(self) -> dict:
        return {"candidate": self.candidate, "support": self.support.to_dict(), "rank": self.rank,
                "majority": self.majority, "elected": self.elected, "tied": self.tied}


@dataclass(frozen=True)
class ElectionResult:
    rule: Rule
    seats: int
    total: Amount
    participating: Amount
    void: Amount
    participation_met: bool
    candidates: tuple[CandidateTally, ...]
    rights: dict[str, Amount] = field(repr=False, default_factory=dict)

    @property
    def elected(self) -> tuple[str, ...]:
        return tuple(c.candidate for c in self.candidates if c.elected)

    @property
    def tied(self) -> tuple[str, ...]:
        return tuple(c.candidate for c in self.candidates if c.tied)

    @property
    def runoff_needed(self) -> bool:
        return bool(self.tied)

    @property
    def open_seats(self) -> int:
        """Seats the tied candidates contest (0 without a tie)."""
        return self.seats - len(self.elected) if self.runoff_needed else 0

    @property
    def verdict(self) -> str:
        if not self.participation_met:
            return "no_quorum"
        if self.runoff_needed:
            return "runoff"
        return "elected" if self.elected else "none_elected"

    @property
    def verdict_label(self) -> str:
        return {"no_quorum": "未达到参与表决要求", "runoff": "名额线上票数并列，需决选",
                "elected": "选举有效", "none_elected": "无人当选"}[self.verdict]

    def by_candidate(self) -> dict[str, CandidateTally]:
        return {c.candidate: c for c in self.candidates}

    def to_dict(self) -> dict:
        return {
            "seats": self.seats,
            "total": self.total.to_dict(),
            "participating": self.participating.to_dict(),
            "void": self.void.to_dict(),
            "participation_met": self.participation_met,
            "candidates": [c.to_dict() for c in self.candidates],
            "elected": list(self.elected),
            "tied": list(self.tied),
            "runoff_needed": self.runoff_needed,
            "open_seats": self.open_seats,
            "verdict": self.verdict,
        }


def _check_ballot(index: int, ballot: SelectionBallot, *, rights, known: set[str], seats: int, counted: set[str]):
    if ballot.owner not in rights:
        raise TallyInputError(f"第 {index} 张选票：表决权 {ballot.owner!r} 不在表决名册中")
    if ballot.owner in counted:
        raise TallyInputError(f"第 {index} 张选票：表决权 {ballot.owner!r} 已有一张选票")
    counted.add(ballot.owner)
    if ballot.void:
        return
    if len(set(ballot.selections)) != len(ballot.selections):
        raise TallyInputError(f"第 {index} 张选票：同一候选人被选了两次")
    if len(ballot.selections) > seats:
        raise TallyInputError(f"第 {index} 张选票：选了 {len(ballot.selections)} 人，超过应选人数 {seats}")
    for key in ballot.selections:
        if key not in known:
            raise TallyInputError(f"第 {index} 张选票：{key!r} 不是本次选举的正式候选人")


def tally_election(rule: Rule, seats: int, units: Iterable[RollUnit], candidates: Iterable[str],
                   ballots: Iterable[SelectionBallot]) -> ElectionResult:
    if not isinstance(seats, int) or seats < 1:
        raise TallyInputError(f"应选人数必须是正整数：{seats!r}")
    rights = build_rights(units)
    order = list(candidates)
    if len(set(order)) != len(order):
        raise TallyInputError("候选人名单中有重复")
    known = set(order)
    support = {key: Amount() for key in order}
    participating, void = Amount(), Amount()
    counted: set[str] = set()
    for index, ballot in enumerate(ballots, start=1):
        _check_ballot(index, ballot, rights=rights, known=known, seats=seats, counted=counted)
        amount = rights[ballot.owner]
        if ballot.void:
            void = void + amount
            continue
        participating = participating + amount
        for key in ballot.selections:
            support[key] = support[key] + amount
    total = Amount(sum(a.cents for a in rights.values()), len(rights))
    participation_met = at_least(participating.cents, total.cents, rule.participation_area) and at_least(
        participating.heads, total.heads, rule.participation_heads)
    compare = more_than if rule.approval_strict else at_least

    def has_majority(amount: Amount) -> bool:
        return compare(amount.cents, participating.cents, rule.approval_area) and compare(
            amount.heads, participating.heads, rule.approval_heads)

    def strength(key: str) -> tuple[int, int]:
        return support[key].heads, support[key].cents

    ranked = sorted(order, key=lambda key: strength(key), reverse=True)  # stable: ties keep the list order
    ranks: dict[str, int] = {}
    for position, key in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        ranks[key] = ranks[previous] if previous is not None and strength(previous) == strength(key) else position

    majority = {key: participation_met and has_majority(support[key]) for key in order}
    contenders = [key for key in ranked if majority[key]]
    elected: set[str] = set(contenders)
    tied: set[str] = set()
    if len(contenders) > seats:
        cut = strength(contenders[seats - 1])
        if strength(contenders[seats]) == cut:
            tied = {key for key in contenders if strength(key) == cut}
            elected = {key for key in contenders if strength(key) > cut}
        else:
            elected = set(contenders[:seats])
    rows = tuple(
        CandidateTally(candidate=key, support=support[key], rank=ranks[key], majority=majority[key],
                       elected=key in elected, tied=key in tied)
        for key in ranked
    )
    return ElectionResult(rule=rule, seats=seats, total=total, participating=participating, void=void,
                          participation_met=participation_met, candidates=rows, rights=rights)


def tally_election_document(document: dict) -> ElectionResult:
    """Count an election-details document (what `read_election_details` returns)."""
    if not isinstance(document, dict):
        raise TallyInputError("输入必须是一个 JSON 对象")
    for key in ("rule", "seats", "candidates", "units", "ballots"):
        if key not in document:
            raise TallyInputError(f"输入缺少字段 {key}")
    rule = Rule.from_dict(document["rule"])
    try:
        seats = int(document["seats"])
    except (TypeError, ValueError) as exc:
        raise TallyInputError(f"应选人数不是整数：{document['seats']!r}") from exc
    units = []
    for index, item in enumerate(document["units"], start=1):
        where = f"第 {index} 个房屋"
        try:
            developer = bool(item.get("developer_held", False))
            units.append(RollUnit(unit=str(item["unit"]), cents=area_to_cents(item["area"], where=where),
                                  owner=DEVELOPER_KEY if developer else str(item.get("owner") or ""),
                                  developer_held=developer))
        except KeyError as exc:
            raise TallyInputError(f"{where}：缺少字段 {exc.args[0]}") from exc
    ballots = []
    for index, item in enumerate(document["ballots"], start=1):
        try:
            ballots.append(SelectionBallot(owner=str(item["owner"]),
                                           selections=tuple(str(s) for s in item.get("selections", ())),
                                           void=bool(item.get("void", False))))
        except KeyError as exc:
            raise TallyInputError(f"第 {index} 张选票：缺少字段 {exc.args[0]}") from exc
    return tally_election(rule, seats, units, [str(c) for c in document["candidates"]], ballots)
