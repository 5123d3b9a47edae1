"""What every kind of vote does with a ballot: who may cast it, its signature, saving it once, changing it,
entering it from paper and voiding it. The services of decisions and elections (and fund co-signing) check
their own windows and permissions, then call these; the words differ ("表决票" or "选票"), the rules do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from governance.errors import DomainError, ErrorCode
from governance.registry import roles
from governance.registry.models import Ownership
from portal.uploads import PROOF, SIGNATURE, validate_upload

from .choices import Channel, SignatureMethod
from .signatures import verify_face


@dataclass(frozen=True)
class Words:
    """How a kind of vote names itself and its ballot in the messages an owner or staff member reads."""

    vote: str  # 表决 / 选举
    ballot: str  # 表决票 / 选票


MOTION_WORDS = Words(vote="表决", ballot="表决票")
ELECTION_WORDS = Words(vote="选举", ballot="选票")


def why_cannot_cast(user, community=None, *, words: Words, field: str | None = None) -> DomainError:
    """Why this user has no right to cast on this vote: the one answer the services, the portal and GraphQL give.

    Not a verified owner (of this community, or of any unit when the vote could not be found among the user's
    communities) → NOT_VERIFIED; a verified owner whose units are not on this roll → NOT_ON_ROLL."""
    if community is None:
        verified = Ownership.objects.filter(person__user=user, verified=True, ends_on__isnull=True).exists()
    else:
        verified = roles.is_member(user, community) and user.persons.exists()
    if not verified:
        return DomainError(ErrorCode.NOT_VERIFIED, "只有已认证的业主才能投票。", field=field)
    return DomainError(ErrorCode.NOT_ON_ROLL, f"您不在本次{words.vote}的表决名册中。", field=field)


def signature_fields(vote, *, user, signature, face_token, name_stem: str, words: Words) -> dict:
    """The signature and face reference a ballot of `vote` needs by its `signature_method`, checked."""
    fields: dict = {}
    if vote.signature_method in (SignatureMethod.HANDWRITTEN, SignatureMethod.FACE):
        if signature is None:
            raise DomainError(ErrorCode.SIGNATURE_REQUIRED, f"本次{words.vote}需要手写电子签名。", field="signature")
        fields["signature"] = validate_upload(signature, SIGNATURE, name_stem=name_stem)
    if vote.signature_method == SignatureMethod.FACE:
        fields["face_reference"] = verify_face(user=user, token=face_token)
    return fields


def _attach_signature(ballot, extra: dict) -> None:
    if "signature" in extra:
        ballot.signature.save(extra["signature"].name, extra["signature"], save=False)
    ballot.face_reference = extra.get("face_reference", ballot.face_reference)


def _save_once(ballot, message: str) -> None:
    """Insert the ballot; the database's one-ballot-per-right constraint has the last word."""
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as exc:  # another request cast for this right in the same instant
        raise DomainError(ErrorCode.ALREADY_VOTED, message) from exc


def save_online(ballot, extra: dict) -> None:
    """A new online ballot with its signature fields, saved once."""
    _attach_signature(ballot, extra)
    _save_once(ballot, "该表决权已投票。")


def refuse_change(ballot, *, allow_change: bool, words: Words) -> None:
    """A cast ballot may be changed by its right's owner only online, where the vote allows it, and not once void."""
    if ballot.channel == Channel.PAPER:
        raise DomainError(ErrorCode.ALREADY_VOTED, f"该表决权已有纸质{words.ballot}。")
    if not allow_change:
        raise DomainError(ErrorCode.ALREADY_VOTED, f"您已投票，本次{words.vote}不允许改票。")
    if ballot.void:
        raise DomainError(ErrorCode.ALREADY_VOTED, f"该{words.ballot}已被认定为废票。")


def save_change(ballot, *, actor, now, extra: dict) -> None:
    """Record a change (the caller has set what the ballot now says): who, when, one more revision."""
    ballot.cast_by = actor
    ballot.updated_at = now
    ballot.revision += 1
    _attach_signature(ballot, extra)
    ballot.save()


def refuse_second_paper(ballot_model, right) -> None:
    if ballot_model.objects.filter(right=right).exists():
        raise DomainError(ErrorCode.ALREADY_VOTED, "该表决权已投票，不能重复录入。")


def require_scan(scan, *, words: Words) -> None:
    if scan is None:
        raise DomainError(ErrorCode.INVALID, f"请上传纸质{words.ballot}的扫描件。", field="scan")


def save_paper(ballot, *, scan, name_stem: str) -> None:
    """A paper ballot (线下补录) with its checked scan, saved once."""
    clean = validate_upload(scan, PROOF, name_stem=name_stem)
    ballot.scan.save(clean.name, clean, save=False)
    _save_once(ballot, "该表决权已投票，不能重复录入。")


def void_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, "认定废票必须填写理由。", field="reason")
    return reason[:200]


def mark_void(ballot, *, actor, reason: str, now, words: Words) -> None:
    """Declare a locked ballot void (废票); void ballots do not participate."""
    if ballot.void:
        raise DomainError(ErrorCode.INVALID, f"该{words.ballot}已是废票。")
    ballot.void, ballot.void_reason, ballot.voided_by = True, reason, actor
    ballot.updated_at = now
    ballot.save(update_fields=["void", "void_reason", "voided_by", "updated_at"])
