"""GraphQL types every kind of vote shares: the amount (area and headcount) and the verdict."""

from __future__ import annotations

import enum
from decimal import Decimal

import graphene

from .tally import Amount, cents_to_str


class Verdict(enum.Enum):
    PASSED = "passed"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"
    ELECTED = "elected"
    NONE_ELECTED = "none_elected"
    RUNOFF = "runoff"


VERDICT_LABELS = {
    "passed": "通过", "rejected": "未通过", "no_quorum": "未达到参与表决要求",
    "elected": "选举有效", "none_elected": "无人当选", "runoff": "名额线上票数并列，需决选",
}

VerdictEnum = graphene.Enum.from_enum(
    Verdict, name="Verdict",
    description=lambda v: "表决或选举的结论（议事表决：通过 / 未通过 / 未达到参与表决要求；选举：选举有效 / 无人当选 / 需决选 / "
                          "未达到参与表决要求）" if v is None else VERDICT_LABELS[v.value],
)


def amount_from_dict(data: dict) -> Amount:
    """An amount stored as {"area": "89.25", "heads": 1} (a stored result), exact."""
    return Amount(int(Decimal(str(data["area"])) * 100), int(data["heads"]))


class VoteAmountType(graphene.ObjectType):
    """专有面积与人数"""

    class Meta:
        name = "VoteAmount"

    area = graphene.Decimal(required=True, description="专有面积（㎡），两位小数的十进制字符串，如 \"89.25\"")
    heads = graphene.Int(required=True,
                         description="人数（表决权数：一户一人，开发商未售房屋合计一人，一人多套计一人）")

    @staticmethod
    def resolve_area(amount: Amount, info):
        return Decimal(cents_to_str(amount.cents))
