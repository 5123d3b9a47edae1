"""The one tally engine (DOMAIN §3): exact integer arithmetic, no floats anywhere near a verdict.

Areas are handled as integer cents (0.01 m²), thresholds as Fractions, and every comparison is
a cross-multiplication of integers. Used by the admin, the portal, GraphQL, the result PDF and
`manage.py recount`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Iterable

DEVELOPER_KEY = "developer"
CHOICES = ("agree", "oppose", "abstain")


class TallyInputError(ValueError):
    """The input cannot be counted; the message is Chinese and names what and where."""


def parse_fraction(value, *, name: str) -> Fraction:
    try:
        result = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise TallyInputError(f"规则 {name} 不是有效的分数：{value!r}") from exc
    if not (0 <= result <= 1):
        raise TallyInputError(f"规则 {name} 必须在 0 到 1 之间：{value!r}")
    return result


def area_to_cents(value, *, where: str) -> int:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise TallyInputError(f"{where}：面积不是有效数字：{value!r}") from exc
    if not amount.is_finite() or amount <= 0:
        raise TallyInputError(f"{where}：面积必须大于 0：{value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise TallyInputError(f"{where}：面积最多两位小数：{value!r}")
    return int(amount * 100)


def cents_to_str(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True)
class Rule:
    """Thresholds: participation is always "at least"; approval is "more than" when strict."""

    participation_area: Fraction = Fraction(2, 3)
    participation_heads: Fraction = Fraction(2, 3)
    approval_area: Fraction = Fraction(1, 2)
    approval_heads: Fraction = Fraction(1, 2)
    approval_strict: bool = True

    @classmethod
    def from_dict(cls, data: dict) -> "Rule":
        try:
            strict = data.get("approval_strict", True)
            if not isinstance(strict, bool):
                raise TallyInputError("规则 approval_strict 必须是 true 或 false")
            return cls(
                participation_area=parse_fraction(data["participation_area"], name="participation_area"),
                participation_heads=parse_fraction(data["participation_heads"], name="participation_heads"),
                approval_area=parse_fraction(data["approval_area"], name="approval_area"),
                approval_heads=parse_fraction(data["approval_heads"], name="approval_heads"),
                approval_strict=strict,
            )
        except KeyError as exc:
            raise TallyInputError(f"规则缺少字段 {exc.args[0]}") from exc

    def to_dict(self) -> dict:
        return {
            "participation_area": str(self.participation_area),
            "participation_heads": str(self.participation_heads),
            "approval_area": str(self.approval_area),
            "approval_heads": str(self.approval_heads),
            "approval_strict": self.approval_strict,
        }


# Civil Code Art. 278 items 6–8 need three quarters; every other item more than half.
RULE_MAJORITY = Rule()
RULE_THREE_QUARTERS = Rule(approval_area=Fraction(3, 4), approval_heads=Fraction(3, 4), approval_strict=False)


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """A whole number in Chinese numerals, as a fraction is read aloud: 3 → 三, 10 → 十, 105 → 一百零五."""
    if not 0 <= n < 10000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out, gap = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if gap else "") + _DIGITS[digit] + name
            gap = False
        elif out:
            gap = True
    return out


def share_words(share: Fraction, *, strict: bool) -> str:
    """A threshold as the law writes it: 过半数, 三分之二以上, 四分之三以上, 超过三分之二."""
    if share == 1:
        return "全部"
    if share == Fraction(1, 2):
        return "过半数" if strict else "半数以上"
    words = f"{chinese_number(share.denominator)}分之{chinese_number(share.numerator)}"
    return f"超过{words}" if strict else f"{words}以上"


def quorum_wording(rule: Rule) -> str:
    return (f"专有部分面积占比{share_words(rule.participation_area, strict=False)}的业主且"
            f"人数占比{share_words(rule.participation_heads, strict=False)}的业主参与表决")


def approval_wording(rule: Rule) -> str:
    return (f"经参与表决专有部分面积{share_words(rule.approval_area, strict=rule.approval_strict)}的业主且"
            f"参与表决人数{share_words(rule.approval_heads, strict=rule.approval_strict)}的业主同意")


def rule_wording(rule: Rule) -> str:
    """The whole rule in the words of Civil Code Art. 278, for the vote page, the tally screen and the PDF."""
    return f"{quorum_wording(rule)}，{approval_wording(rule)}。"


@dataclass(frozen=True)
class Amount:
    cents: int = 0
    heads: int = 0

    def __add__(self, other: "Amount") -> "Amount":
        return Amount(self.cents + other.cents, self.heads + other.heads)

    @property
    def area(self) -> Decimal:
        return Decimal(self.cents) / 100

    def to_dict(self) -> dict:
        return {"area": cents_to_str(self.cents), "heads": self.heads}


@dataclass(frozen=True)
class RollUnit:
    unit: str
    cents: int
    owner: str
    developer_held: bool = False

    @property
    def right_key(self) -> str:
        return DEVELOPER_KEY if self.developer_held else self.owner


@dataclass(frozen=True)
class CastBallot:
    owner: str
    choice: str
    void: bool = False


@dataclass(frozen=True)
class Result:
    rule: Rule
    total: Amount
    agree: Amount
    oppose: Amount
    abstain: Amount
    void: Amount
    participation_met: bool
    approval_met: bool  # agreement reached the approval threshold among the participants
    rights: dict[str, Amount] = field(repr=False, default_factory=dict, compare=False)

    @property
    def participating(self) -> Amount:
        return self.agree + self.oppose + self.abstain

    @property
    def verdict(self) -> str:
        if not self.participation_met:
            return "no_quorum"
        return "passed" if self.approval_met else "rejected"

    @property
    def approved(self) -> bool:
        """The motion was approved: participation met and the approval threshold reached (verdict `passed`)."""
        return self.verdict == "passed"

    @property
    def verdict_label(self) -> str:
        return {"passed": "通过", "rejected": "未通过", "no_quorum": "未达到参与表决要求"}[self.verdict]

    def to_dict(self) -> dict:
        return {
            "total": self.total.to_dict(),
            "participating": self.participating.to_dict(),
            "agree": self.agree.to_dict(),
            "oppose": self.oppose.to_dict(),
            "abstain": self.abstain.to_dict(),
            "void": self.void.to_dict(),
            "participation_met": self.participation_met,
            "approval_met": self.approval_met,
            "approved": self.approved,
            "verdict": self.verdict,
        }


def at_least(part: int, whole: int, share: Fraction) -> bool:
    """part / whole ≥ share, exactly. Nothing of nothing meets no threshold."""
    if whole <= 0:
        return False
    return part * share.denominator >= share.numerator * whole


def more_than(part: int, whole: int, share: Fraction) -> bool:
    """part / whole > share, exactly."""
    if whole <= 0:
        return False
    return part * share.denominator > share.numerator * whole


def build_rights(units: Iterable[RollUnit]) -> dict[str, Amount]:
    """Each right is one person-group: its units' area, headcount 1. Developer-held units merge into one."""
    rights: dict[str, int] = {}
    seen: set[str] = set()
    for unit in units:
        if unit.unit in seen:
            raise TallyInputError(f"房屋 {unit.unit} 在名册中出现了两次")
        seen.add(unit.unit)
        if not unit.developer_held and unit.owner == DEVELOPER_KEY:
            raise TallyInputError(f"房屋 {unit.unit}：表决权键 developer 仅用于开发商持有的房屋")
        if not unit.developer_held and not unit.owner:
            raise TallyInputError(f"房屋 {unit.unit}：缺少业主（表决权键）")
        rights[unit.right_key] = rights.get(unit.right_key, 0) + unit.cents
    return {key: Amount(cents, 1) for key, cents in rights.items()}


def tally(rule: Rule, units: Iterable[RollUnit], ballots: Iterable[CastBallot]) -> Result:
    rights = build_rights(units)
    sums = {choice: Amount() for choice in CHOICES}
    void = Amount()
    counted: set[str] = set()
    for index, ballot in enumerate(ballots, start=1):
        if ballot.owner not in rights:
            raise TallyInputError(f"第 {index} 张选票：表决权 {ballot.owner!r} 不在表决名册中")
        if ballot.owner in counted:
            raise TallyInputError(f"第 {index} 张选票：表决权 {ballot.owner!r} 已有一张选票")
        counted.add(ballot.owner)
        if ballot.void:
            void = void + rights[ballot.owner]
            continue
        if ballot.choice not in CHOICES:
            raise TallyInputError(f"第 {index} 张选票：选项 {ballot.choice!r} 无效（应为 agree、oppose 或 abstain）")
        sums[ballot.choice] = sums[ballot.choice] + rights[ballot.owner]
    total = Amount(sum(a.cents for a in rights.values()), len(rights))
    return decide(rule, total=total, agree=sums["agree"], oppose=sums["oppose"], abstain=sums["abstain"],
                  void=void, rights=rights)


def decide(rule: Rule, *, total: Amount, agree: Amount, oppose: Amount, abstain: Amount, void: Amount,
           rights: dict[str, Amount] | None = None) -> Result:
    """The verdict from exact sums: every path to a result (per ballot, or aggregated in SQL) ends here."""
    participating = agree + oppose + abstain
    participation_met = at_least(participating.cents, total.cents, rule.participation_area) and at_least(
        participating.heads, total.heads, rule.participation_heads
    )
    compare = more_than if rule.approval_strict else at_least
    approval_met = compare(agree.cents, participating.cents, rule.approval_area) and compare(
        agree.heads, participating.heads, rule.approval_heads
    )
    return Result(rule=rule, total=total, agree=agree, oppose=oppose, abstain=abstain, void=void,
                  participation_met=participation_met, approval_met=approval_met, rights=rights or {})


def tally_document(document: dict) -> Result:
    """Count a vote-details document (the `recount --json` input format)."""
    if not isinstance(document, dict):
        raise TallyInputError("输入必须是一个 JSON 对象")
    for key in ("rule", "units", "ballots"):
        if key not in document:
            raise TallyInputError(f"输入缺少字段 {key}")
    rule = Rule.from_dict(document["rule"])
    units = []
    for index, item in enumerate(document["units"], start=1):
        where = f"第 {index} 个房屋"
        try:
            developer = item.get("developer_held", False)
            if not isinstance(developer, bool):
                raise TallyInputError(f"{where}：developer_held 必须是 true 或 false")
            units.append(RollUnit(unit=str(item["unit"]), cents=area_to_cents(item["area"], where=where),
                                  owner=str(item.get("owner") or ""), developer_held=developer))
        except KeyError as exc:
            raise TallyInputError(f"{where}：缺少字段 {exc.args[0]}") from exc
    ballots = []
    for index, item in enumerate(document["ballots"], start=1):
        try:
            void = item.get("void", False)
            if not isinstance(void, bool):
                raise TallyInputError(f"第 {index} 张选票：void 必须是 true 或 false")
            ballots.append(CastBallot(owner=str(item["owner"]), choice=str(item.get("choice", "")), void=void))
        except KeyError as exc:
            raise TallyInputError(f"第 {index} 张选票：缺少字段 {exc.args[0]}") from exc
    return tally(rule, units, ballots)


def percent(part: int, whole: int) -> str:
    """A share for display, one decimal, half up (display only; verdicts never use it)."""
    if whole <= 0:
        return "0.0"
    return str((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
