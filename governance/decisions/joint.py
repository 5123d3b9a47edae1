"""Joint motions (联名动议): owners co-sign a proposal; at the thresholds the committee must respond.

Co-signers are counted with the vote's headcount rules (one right per person-group, over
the community's current roster) and compared exactly: area and heads both "at least" the
community's thresholds (default 1/5 each). Reaching them creates one committee to-do due
in the community's response days (default 15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.registry.models import Ownership, OwnershipRole, Unit
from governance.voting.roll import group_rights
from governance.voting.tally import Amount, at_least
from portal import outbox
from governance.decisions import permissions as decision_rules

from .models import JointMotion, JointMotionStatus, JointSignature, MatterType


@dataclass(frozen=True)
class JointProgress:
    signed: Amount
    total: Amount
    area_threshold: Fraction
    heads_threshold: Fraction

    @property
    def reached(self) -> bool:
        return at_least(self.signed.cents, self.total.cents, self.area_threshold) and at_least(
            self.signed.heads, self.total.heads, self.heads_threshold)


def community_totals(community) -> Amount:
    groups = group_rights(Unit.objects.filter(community=community))
    return Amount(sum(int(g["area"] * 100) for g in groups.values()), len(groups))


def joint_progress(joint: JointMotion, total: Amount | None = None) -> JointProgress:
    signed = [(int(area * 100)) for area in joint.signatures.values_list("area", flat=True)]
    return JointProgress(
        signed=Amount(sum(signed), len(signed)), total=total or community_totals(joint.community),
        area_threshold=Fraction(joint.area_threshold), heads_threshold=Fraction(joint.heads_threshold),
    )


def _user_rights(user, community) -> dict[str, int]:
    """The rights (key → area in cents) the user holds as a verified owner in the community."""
    primaries = set(
        Ownership.objects.filter(person__user=user, verified=True, ends_on__isnull=True, unit__community=community,
                                 unit__developer_held=False)
        .values_list("unit_id", flat=True)
    )
    if not primaries:
        return {}
    keys: dict[int, str] = {}
    for unit_id, person_id in (Ownership.objects.filter(unit_id__in=primaries, ends_on__isnull=True,
                                                        role=OwnershipRole.PRIMARY)
                               .order_by("unit_id", "position", "pk").values_list("unit_id", "person_id")):
        keys.setdefault(unit_id, f"p{person_id}")
    rights: dict[str, int] = {}
    person_ids = {int(key[1:]) for key in keys.values()}
    for person_id, area in (Ownership.objects.filter(person_id__in=person_ids, role=OwnershipRole.PRIMARY,
                                                     ends_on__isnull=True, unit__developer_held=False,
                                                     unit__community=community)
                            .values_list("person_id", "unit__area")):
        rights[f"p{person_id}"] = rights.get(f"p{person_id}", 0) + int(area * 100)
    return rights


def _require_owner(user, community) -> dict[str, int]:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")
    rights = _user_rights(user, community)
    if not rights:
        raise DomainError(ErrorCode.NOT_VERIFIED, "只有本小区已认证的业主才能发起或联署联名动议。")
    return rights


@transaction.atomic
def joint_motion_create(*, community, actor, title: str, content: str,
                        matter_type: str = MatterType.OTHER) -> JointMotion:
    _require_owner(actor, community)
    title, content = (title or "").strip(), (content or "").strip()
    if not title or not content:
        raise DomainError(ErrorCode.INVALID, "标题和内容不能为空。", field="title" if not title else "content")
    joint = JointMotion.objects.create(
        community=community, matter_type=matter_type, title=title[:200], content=content, drafted_by=actor,
        area_threshold=community.joint_area_threshold, heads_threshold=community.joint_heads_threshold,
    )
    audit_record(community=community, actor=actor, action="joint_motion.create", obj=joint,
                 summary={"title": joint.title, "thresholds": [joint.area_threshold, joint.heads_threshold]})
    joint_motion_sign(joint=joint, actor=actor)
    return joint


@transaction.atomic
def joint_motion_sign(*, joint: JointMotion, actor) -> JointProgress:
    """Co-sign for every right the actor holds; the thresholds are checked after each signature."""
    joint = JointMotion.objects.select_for_update().select_related("community").get(pk=joint.pk)
    rights = _require_owner(actor, joint.community)
    if joint.status not in (JointMotionStatus.COLLECTING, JointMotionStatus.REACHED):
        raise DomainError(ErrorCode.WINDOW_CLOSED, "该联名动议已不再征集联署。")
    already = set(joint.signatures.filter(right_key__in=rights).values_list("right_key", flat=True))
    new = {key: cents for key, cents in rights.items() if key not in already}
    if not new:
        raise DomainError(ErrorCode.ALREADY_SIGNED, "您已联署该动议。")
    try:
        with transaction.atomic():
            JointSignature.objects.bulk_create([
                JointSignature(joint_motion=joint, right_key=key, area=Amount(cents, 1).area, user=actor)
                for key, cents in sorted(new.items())
            ])
    except IntegrityError as exc:
        raise DomainError(ErrorCode.ALREADY_SIGNED, "您已联署该动议。") from exc
    progress = joint_progress(joint)
    audit_record(community=joint.community, actor=actor, action="joint_motion.sign", obj=joint,
                 summary={"rights": sorted(new), "signed": progress.signed.to_dict(), "total": progress.total.to_dict()})
    if joint.status == JointMotionStatus.COLLECTING and progress.reached:
        _threshold_reached(joint, progress)
    return progress


def _threshold_reached(joint: JointMotion, progress: JointProgress) -> None:
    from portal.accounts.models import Role

    now = timezone.now()
    joint.status = JointMotionStatus.REACHED
    joint.reached_at = now
    joint.respond_by = now + timedelta(days=joint.community.joint_response_days)
    joint.save(update_fields=["status", "reached_at", "respond_by"])
    outbox.open_todo(
        community=joint.community, tag=outbox.TAG_JOINT_MOTION, title=f"联名动议“{joint.title}”已达联署比例，请在期限内答复",
        due_at=joint.respond_by, assignee_role=Role.COMMITTEE_MEMBER, link=joint,
        detail=f"联署面积 {progress.signed.to_dict()['area']}㎡ / {progress.total.to_dict()['area']}㎡，"
               f"人数 {progress.signed.heads} / {progress.total.heads}。",
    )
    audit_record(community=joint.community, actor=None, action="joint_motion.reached", obj=joint,
                 summary={"respond_by": joint.respond_by.isoformat()})


@transaction.atomic
def joint_motion_convert(*, joint: JointMotion, actor, opens_at, closes_at, **motion_fields):
    """The committee turns a joint motion that reached its thresholds into a motion draft."""
    from . import services

    joint = JointMotion.objects.select_for_update().select_related("community").get(pk=joint.pk)
    if not decision_rules.can_manage_motions(actor, joint.community):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限进行此操作。")
    if joint.status != JointMotionStatus.REACHED:
        raise DomainError(ErrorCode.INVALID, "只有已达联署比例的联名动议才能转为议事事项。")
    motion = services.motion_create(community=joint.community, actor=actor, matter_type=joint.matter_type,
                                    title=joint.title, content=joint.content, opens_at=opens_at, closes_at=closes_at,
                                    **motion_fields)
    joint.status = JointMotionStatus.CONVERTED
    joint.motion = motion
    joint.save(update_fields=["status", "motion"])
    audit_record(community=joint.community, actor=actor, action="joint_motion.convert", obj=joint,
                 summary={"motion": motion.pk})
    return motion
