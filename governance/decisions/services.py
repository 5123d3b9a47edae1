"""Every write to owner decisions: the motion lifecycle and the ballots. Atomic, checked, audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.voting import permissions as voting_rules
from governance.decisions import permissions as decision_rules
from governance.voting import ballots
from portal.uploads import PROOF, validate_upload

from . import selectors
from .models import (
    Ballot,
    Channel,
    Choice,
    Motion,
    MotionAttachment,
    MotionStatus,
    ScopeKind,
    SignatureMethod,
    VotingRight,
    default_rule,
    rule_not_looser,
)
from .roll import freeze_roll

MAX_ATTACHMENTS = 5


def _deny():
    return DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限进行此操作。")


def _locked(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("community").get(pk=motion.pk)


def _require_status(motion: Motion, *allowed: str, action: str) -> None:
    if motion.status not in allowed:
        raise DomainError(ErrorCode.INVALID, f"议事事项当前为“{motion.get_status_display()}”，不能{action}。")


def _audit(motion: Motion, actor, action: str, **summary) -> None:
    audit_record(community=motion.community, actor=actor, action=action, obj=motion, summary=summary)


# --- the motion lifecycle --------------------------------------------------------------------------


@transaction.atomic
def motion_create(
    *, community, actor, matter_type: str, title: str, content: str, opens_at: datetime, closes_at: datetime,
    importance: str = "normal", scope_kind: str = ScopeKind.COMMUNITY, scope_buildings=(), scope_units=(),
    signature_method: str = SignatureMethod.NONE, allow_change: bool = False, hide_running_results: bool = True,
    objection_days: int | None = None, rule=None,
) -> Motion:
    """A draft with the rule defaulted from the matter type (or the stricter rule given)."""
    if not decision_rules.can_manage_motions(actor, community):
        raise _deny()
    title, content = (title or "").strip(), (content or "").strip()
    if not title or not content:
        raise DomainError(ErrorCode.INVALID, "标题和内容不能为空。", field="title" if not title else "content")
    if closes_at <= opens_at:
        raise DomainError(ErrorCode.INVALID, "表决截止时间必须晚于开始时间。", field="closes_at")
    motion = Motion(
        community=community, matter_type=matter_type, title=title, content=content, importance=importance,
        scope_kind=scope_kind, opens_at=opens_at, closes_at=closes_at, signature_method=signature_method,
        allow_change=allow_change, hide_running_results=hide_running_results, objection_days=objection_days,
        created_by=actor,
    )
    legal = default_rule(matter_type)
    if rule is not None and not rule_not_looser(rule, legal):
        raise DomainError(ErrorCode.INVALID, "表决规则不得低于该事项的法定标准（民法典第二百七十八条）。", field="rule")
    motion.apply_rule(rule or legal)
    motion.full_clean(exclude=["scope_buildings", "scope_units", "created_by"])
    motion.save()
    if scope_kind == ScopeKind.BUILDINGS:
        buildings = [b for b in scope_buildings if b.community_id == community.pk]
        if not buildings:
            raise DomainError(ErrorCode.INVALID, "请选择本小区的楼栋作为表决范围。", field="scope_buildings")
        motion.scope_buildings.set(buildings)
    elif scope_kind == ScopeKind.UNITS:
        units = [u for u in scope_units if u.community_id == community.pk]
        if not units:
            raise DomainError(ErrorCode.INVALID, "请选择本小区的房屋作为表决范围。", field="scope_units")
        motion.scope_units.set(units)
    _audit(motion, actor, "motion.create", title=title, matter_type=matter_type, rule=motion.rule.to_dict(),
           scope=scope_kind)
    return motion


@transaction.atomic
def motion_attach(*, motion: Motion, actor, title: str, upload) -> MotionAttachment:
    if not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    motion = _locked(motion)
    _require_status(motion, MotionStatus.DRAFT, action="添加附件")
    if motion.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(ErrorCode.INVALID, f"附件最多 {MAX_ATTACHMENTS} 个。")
    clean = validate_upload(upload, PROOF, name_stem=f"motion-{motion.pk}")
    attachment = MotionAttachment(motion=motion, title=(title or clean.name)[:200])
    attachment.file.save(clean.name, clean, save=True)
    _audit(motion, actor, "motion.attach", title=attachment.title)
    return attachment


@transaction.atomic
def motion_submit(*, motion: Motion, actor) -> Motion:
    """草稿 → 待审核 when the community requires residents'-committee approval, else → 已发布."""
    if not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    motion = _locked(motion)
    _require_status(motion, MotionStatus.DRAFT, action="提交")
    motion.status = (MotionStatus.PENDING_REVIEW if motion.community.requires_rc_approval
                     else MotionStatus.PUBLISHED)
    motion.save(update_fields=["status"])
    _audit(motion, actor, "motion.submit", status=motion.status)
    return motion


@transaction.atomic
def motion_review(*, motion: Motion, actor, approve: bool, reason: str = "") -> Motion:
    if not decision_rules.can_review_motions(actor, motion.community):
        raise _deny()
    motion = _locked(motion)
    _require_status(motion, MotionStatus.PENDING_REVIEW, action="审核")
    if not approve and not (reason or "").strip():
        raise DomainError(ErrorCode.INVALID, "驳回必须填写理由。", field="reason")
    motion.status = MotionStatus.PUBLISHED if approve else MotionStatus.REJECTED
    motion.reason = "" if approve else reason.strip()[:300]
    motion.save(update_fields=["status", "reason"])
    _audit(motion, actor, "motion.approve" if approve else "motion.reject", reason=motion.reason)
    return motion


@transaction.atomic
def motion_withdraw(*, motion: Motion, actor, reason: str) -> Motion:
    if not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    if not (reason or "").strip():
        raise DomainError(ErrorCode.INVALID, "撤回必须填写理由。", field="reason")
    motion = _locked(motion)
    _require_status(motion, MotionStatus.DRAFT, MotionStatus.PENDING_REVIEW, MotionStatus.PUBLISHED,
                    MotionStatus.VOTING, action="撤回")
    motion.status = MotionStatus.WITHDRAWN
    motion.reason = reason.strip()[:300]
    motion.save(update_fields=["status", "reason"])
    _audit(motion, actor, "motion.withdraw", reason=motion.reason)
    return motion


@transaction.atomic
def motion_open(*, motion: Motion, actor=None, now: datetime | None = None) -> Motion:
    """已发布 → 表决中: freeze the roll. `actor=None` is the scheduler at the opening time."""
    if actor is not None and not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    motion = _locked(motion)
    _require_status(motion, MotionStatus.PUBLISHED, action="开始表决")
    now = now or timezone.now()
    if actor is None and now < motion.opens_at:
        raise DomainError(ErrorCode.INVALID, "尚未到表决开始时间。")
    rights = freeze_roll(motion)
    if rights == 0:
        raise DomainError(ErrorCode.INVALID, "表决范围内没有任何房屋。")
    motion.status = MotionStatus.VOTING
    motion.voting_opened_at = now
    motion.save(update_fields=["status", "voting_opened_at", "roll_area_cents", "roll_heads"])
    _audit(motion, actor, "motion.open", rights=rights, rule=motion.rule.to_dict())
    return motion


@transaction.atomic
def motion_close(*, motion: Motion, actor=None, now: datetime | None = None) -> Motion:
    """表决中 → 已截止 with the result stored. The scheduler closes at the deadline by itself."""
    if actor is not None and not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    motion = _locked(motion)
    _require_status(motion, MotionStatus.VOTING, action="截止")
    now = now or timezone.now()
    if now < motion.closes_at:
        raise DomainError(ErrorCode.INVALID, "尚未到表决截止时间。")
    result = selectors.motion_result(motion)
    motion.status = MotionStatus.CLOSED
    motion.closed_at = now
    motion.result = result.to_dict()
    motion.save(update_fields=["status", "closed_at", "result"])
    _audit(motion, actor, "motion.close", result=motion.result)
    return motion


@transaction.atomic
def motion_announce(*, motion: Motion, actor, now: datetime | None = None) -> Motion:
    """已截止 → 已公告. With an objection period, the first call publishes an interim result."""
    if not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    motion = _locked(motion)
    _require_status(motion, MotionStatus.CLOSED, action="公告")
    now = now or timezone.now()
    if motion.objection_days:
        if motion.interim_at is None:
            motion.interim_at = now
            motion.save(update_fields=["interim_at"])
            _audit(motion, actor, "motion.interim", objection_days=motion.objection_days)
            return motion
        ends = motion.interim_at + timezone.timedelta(days=motion.objection_days)
        if now < ends:
            raise DomainError(ErrorCode.INVALID, f"异议期至 {timezone.localtime(ends):%Y-%m-%d %H:%M} 结束，届时才能正式公告。")
    motion.status = MotionStatus.ANNOUNCED
    motion.announced_at = now
    motion.save(update_fields=["status", "announced_at"])
    _audit(motion, actor, "motion.announce", verdict=(motion.result or {}).get("verdict"))
    return motion


# --- ballots ------------------------------------------------------------------------------------------


def _voting_window_open(motion: Motion, now: datetime) -> bool:
    return motion.status == MotionStatus.VOTING and now < motion.closes_at


def _signature_fields(motion: Motion, *, user, signature, face_token) -> dict:
    return ballots.signature_fields(motion, user=user, signature=signature, face_token=face_token,
                                    name_stem=f"sig-{motion.pk}", words=ballots.MOTION_WORDS)


@transaction.atomic
def ballot_cast(*, right: VotingRight, choice: str, actor, signature=None, face_token: str | None = None,
                now: datetime | None = None) -> Ballot:
    """An owner casts (or, where allowed, changes) the ballot of a voting right online."""
    now = now or timezone.now()
    if choice not in Choice.values:
        raise DomainError(ErrorCode.INVALID, "请选择同意、反对或弃权。", field="choice")
    motion = Motion.objects.select_related("community").get(pk=right.motion_id)
    if not voting_rules.can_cast_for_right(actor, right):
        raise ballots.why_cannot_cast(actor, motion.community, words=ballots.MOTION_WORDS)
    if not _voting_window_open(motion, now):
        raise DomainError(ErrorCode.WINDOW_CLOSED, "不在表决时间内。")
    right = VotingRight.objects.select_for_update().get(pk=right.pk)
    existing = Ballot.objects.filter(right=right).first()
    if existing is not None:
        return _ballot_change(existing, motion=motion, choice=choice, actor=actor, signature=signature,
                              face_token=face_token, now=now)
    extra = _signature_fields(motion, user=actor, signature=signature, face_token=face_token)
    ballot = Ballot(motion=motion, right=right, choice=choice, channel=Channel.ONLINE, cast_by=actor,
                    cast_at=now, updated_at=now)
    ballots.save_online(ballot, extra)
    _audit(motion, actor, "ballot.cast", right=right.key, choice=choice, channel="online",
           signed=bool(ballot.signature), face=ballot.face_reference)
    return ballot


def _ballot_change(ballot: Ballot, *, motion, choice, actor, signature, face_token, now) -> Ballot:
    ballots.refuse_change(ballot, allow_change=motion.allow_change, words=ballots.MOTION_WORDS)
    previous = ballot.choice
    extra = _signature_fields(motion, user=actor, signature=signature, face_token=face_token)
    ballot.choice = choice
    ballots.save_change(ballot, actor=actor, now=now, extra=extra)
    _audit(motion, actor, "ballot.change", right=ballot.right.key, previous=previous, choice=choice,
           revision=ballot.revision)
    return ballot


@transaction.atomic
def paper_ballot_enter(*, right: VotingRight, choice: str, actor, scan, now: datetime | None = None) -> Ballot:
    """Staff enter a paper ballot (线下补录) with its scan; their name is kept with it."""
    motion = Motion.objects.select_related("community").get(pk=right.motion_id)
    if not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    now = now or timezone.now()
    if choice not in Choice.values:
        raise DomainError(ErrorCode.INVALID, "请选择同意、反对或弃权。", field="choice")
    if motion.status != MotionStatus.VOTING:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "只能在表决期间录入纸质表决票。")
    ballots.require_scan(scan, words=ballots.MOTION_WORDS)
    right = VotingRight.objects.select_for_update().get(pk=right.pk)
    ballots.refuse_second_paper(Ballot, right)
    ballot = Ballot(motion=motion, right=right, choice=choice, channel=Channel.PAPER, entered_by=actor,
                    cast_at=now, updated_at=now)
    ballots.save_paper(ballot, scan=scan, name_stem=f"scan-{motion.pk}-{right.pk}")
    _audit(motion, actor, "ballot.paper", right=right.key, choice=choice)
    return ballot


@transaction.atomic
def ballot_void(*, ballot: Ballot, actor, reason: str) -> Ballot:
    """Declare a ballot void (废票) with a reason; void ballots do not participate."""
    motion = Motion.objects.select_related("community").get(pk=ballot.motion_id)
    if not decision_rules.can_manage_motions(actor, motion.community):
        raise _deny()
    reason = ballots.void_reason(reason)
    if motion.status not in (MotionStatus.VOTING, MotionStatus.CLOSED) or motion.announced_at:
        raise DomainError(ErrorCode.INVALID, "只能在表决期间或截止后公告前认定废票。")
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    ballots.mark_void(ballot, actor=actor, reason=reason, now=timezone.now(), words=ballots.MOTION_WORDS)
    if motion.status == MotionStatus.CLOSED:
        Motion.objects.filter(pk=motion.pk).update(result=selectors.motion_result(motion).to_dict())
    _audit(motion, actor, "ballot.void", right=ballot.right.key, reason=ballot.void_reason)
    return ballot
