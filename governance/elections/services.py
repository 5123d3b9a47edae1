"""Every write to elections and preparatory groups. Keyword-only, atomic, permission-checked, audited.

Lifecycle of a round: 草稿 → 报名中 → 资格审查 → 投票中 (roll frozen) → 已截止 (result stored) → 已公告.
A preparatory group's round starts at 报名中 (the street opens registration when it creates the group).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.elections import permissions as election_rules
from governance.registry.memberships import membership_grant
from governance.registry.models import Person
from governance.voting import ballots
from portal.accounts.models import Role
from portal.uploads import SIGNATURE, validate_upload

from . import selectors
from .models import (
    Candidate,
    CandidateStatus,
    Channel,
    ElectionBallot,
    ElectionKind,
    ElectionRight,
    ElectionRound,
    ElectionSelection,
    PreparatoryGroup,
    PreparatoryMember,
    RoundStatus,
    SignatureMethod,
    Term,
    default_election_rule,
)
from .roll import freeze_election_roll

MAX_STATEMENT = 2000


def _deny():
    return DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限进行此操作。")


def _audit(community, actor, action: str, obj, **summary) -> None:
    audit_record(community=community, actor=actor, action=action, obj=obj, summary=summary)


def _locked(election: ElectionRound) -> ElectionRound:
    return ElectionRound.objects.select_for_update().select_related("community").get(pk=election.pk)


def _require_manager(election: ElectionRound, actor) -> None:
    if actor is None or not election_rules.can_manage_election_round(actor, election):
        raise _deny()


def _require_status(election: ElectionRound, *allowed: str, action: str) -> None:
    if election.status not in allowed:
        raise DomainError(ErrorCode.INVALID, f"选举当前为“{election.get_status_display()}”，不能{action}。")


def _check_windows(*, registration_opens_at, registration_closes_at, voting_opens_at, voting_closes_at) -> None:
    if registration_closes_at <= registration_opens_at:
        raise DomainError(ErrorCode.INVALID, "报名截止时间必须晚于报名开始时间。", field="registration_closes_at")
    if voting_opens_at < registration_closes_at:
        raise DomainError(ErrorCode.INVALID, "投票开始时间不能早于报名截止时间。", field="voting_opens_at")
    if voting_closes_at <= voting_opens_at:
        raise DomainError(ErrorCode.INVALID, "投票截止时间必须晚于投票开始时间。", field="voting_closes_at")


# --- terms and rounds ------------------------------------------------------------------------------


@transaction.atomic
def term_create(*, community, actor, name: str, starts_on: date, ends_on: date, seats: int,
                contact_phone: str = "") -> Term:
    """A committee term (选届): name, period, seats and the contact phone."""
    if not election_rules.can_manage_elections(actor, community):
        raise _deny()
    name = (name or "").strip()
    if not name:
        raise DomainError(ErrorCode.INVALID, "请填写届次名称。", field="name")
    if ends_on <= starts_on:
        raise DomainError(ErrorCode.INVALID, "任期结束日期必须晚于开始日期。", field="ends_on")
    if not isinstance(seats, int) or seats < 1:
        raise DomainError(ErrorCode.INVALID, "委员名额至少为 1 人。", field="seats")
    term = Term.objects.create(community=community, name=name[:100], starts_on=starts_on, ends_on=ends_on,
                               seats=seats, contact_phone=(contact_phone or "").strip()[:30], created_by=actor)
    _audit(community, actor, "election.term.create", term, name=term.name, seats=seats,
           period=[starts_on.isoformat(), ends_on.isoformat()])
    return term


def _new_round(*, community, term, kind, actor, title, description, seats, registration_opens_at,
               registration_closes_at, voting_opens_at, voting_closes_at, signature_method, allow_change, rule,
               status) -> ElectionRound:
    title = (title or "").strip()
    if not title:
        raise DomainError(ErrorCode.INVALID, "请填写选举标题。", field="title")
    if not isinstance(seats, int) or seats < 1:
        raise DomainError(ErrorCode.INVALID, "应选人数至少为 1 人。", field="seats")
    if signature_method not in SignatureMethod.values:
        raise DomainError(ErrorCode.INVALID, "签名方式无效。", field="signature_method")
    _check_windows(registration_opens_at=registration_opens_at, registration_closes_at=registration_closes_at,
                   voting_opens_at=voting_opens_at, voting_closes_at=voting_closes_at)
    election = ElectionRound(
        community=community, term=term, kind=kind, title=title[:200], description=(description or "").strip(),
        seats=seats, registration_opens_at=registration_opens_at, registration_closes_at=registration_closes_at,
        voting_opens_at=voting_opens_at, voting_closes_at=voting_closes_at, signature_method=signature_method,
        allow_change=allow_change, status=status, created_by=actor,
    )
    election.apply_rule(rule or default_election_rule())
    election.save()
    return election


@transaction.atomic
def round_create(*, term: Term, actor, title: str, registration_opens_at: datetime, registration_closes_at: datetime,
                 voting_opens_at: datetime, voting_closes_at: datetime, seats: int | None = None,
                 description: str = "", signature_method: str = SignatureMethod.NONE, allow_change: bool = False,
                 rule=None) -> ElectionRound:
    """A committee election round of a term, as a draft. Seats default to the term's (a by-election may fill fewer)."""
    community = term.community
    if not election_rules.can_manage_elections(actor, community):
        raise _deny()
    seats = term.seats if seats is None else seats
    if isinstance(seats, int) and seats > term.seats:
        raise DomainError(ErrorCode.INVALID, f"应选人数不能超过本届委员名额 {term.seats} 人。", field="seats")
    election = _new_round(
        community=community, term=term, kind=ElectionKind.COMMITTEE, actor=actor, title=title,
        description=description, seats=seats, registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at, voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at, signature_method=signature_method, allow_change=allow_change, rule=rule,
        status=RoundStatus.DRAFT,
    )
    _audit(community, actor, "election.create", election, term=term.name, seats=election.seats,
           rule=election.rule.to_dict(), signature_method=signature_method)
    return election


@transaction.atomic
def round_open_registration(*, election: ElectionRound, actor) -> ElectionRound:
    """草稿 → 报名中."""
    _require_manager(election, actor)
    election = _locked(election)
    _require_status(election, RoundStatus.DRAFT, action="开始报名")
    election.status = RoundStatus.REGISTRATION
    election.save(update_fields=["status"])
    _audit(election.community, actor, "election.registration", election)
    return election


@transaction.atomic
def round_close_registration(*, election: ElectionRound, actor=None, now: datetime | None = None) -> ElectionRound:
    """报名中 → 资格审查, once the registration window has ended (owners keep the whole window)."""
    if actor is not None:
        _require_manager(election, actor)
    election = _locked(election)
    _require_status(election, RoundStatus.REGISTRATION, action="结束报名")
    now = now or timezone.now()
    if now < election.registration_closes_at:
        raise DomainError(ErrorCode.INVALID, "尚未到报名截止时间。")
    election.status = RoundStatus.REVIEW
    election.save(update_fields=["status"])
    _audit(election.community, actor, "election.review", election,
           candidates=election.candidates.count())
    return election


@transaction.atomic
def round_open(*, election: ElectionRound, actor=None, now: datetime | None = None) -> ElectionRound:
    """资格审查 → 投票中: every applicant reviewed, at least one approved; the roll is frozen."""
    if actor is not None:
        _require_manager(election, actor)
    election = _locked(election)
    _require_status(election, RoundStatus.REVIEW, action="开始投票")
    now = now or timezone.now()
    if actor is None and now < election.voting_opens_at:
        raise DomainError(ErrorCode.INVALID, "尚未到投票开始时间。")
    if election.candidates.filter(status=CandidateStatus.PENDING).exists():
        raise DomainError(ErrorCode.INVALID, "还有候选人未审核，请先完成资格审查。")
    approved = election.candidates.filter(status=CandidateStatus.APPROVED).count()
    if approved == 0:
        raise DomainError(ErrorCode.INVALID, "没有审核通过的候选人，不能开始投票。")
    rights = freeze_election_roll(election)
    if rights == 0:
        raise DomainError(ErrorCode.INVALID, "本小区没有任何房屋，不能开始投票。")
    election.status = RoundStatus.VOTING
    election.voting_opened_at = now
    election.save(update_fields=["status", "voting_opened_at"])
    _audit(election.community, actor, "election.open", election, rights=rights, candidates=approved,
           seats=election.seats, rule=election.rule.to_dict())
    return election


@transaction.atomic
def round_close(*, election: ElectionRound, actor=None, now: datetime | None = None) -> ElectionRound:
    """投票中 → 已截止 at the deadline, with the result computed and stored."""
    if actor is not None:
        _require_manager(election, actor)
    election = _locked(election)
    _require_status(election, RoundStatus.VOTING, action="截止")
    now = now or timezone.now()
    if now < election.voting_closes_at:
        raise DomainError(ErrorCode.INVALID, "尚未到投票截止时间。")
    election.result = selectors.round_result(election).to_dict()
    election.status = RoundStatus.CLOSED
    election.closed_at = now
    election.save(update_fields=["result", "status", "closed_at"])
    _audit(election.community, actor, "election.close", election, result=election.result)
    return election


@transaction.atomic
def round_announce(*, election: ElectionRound, actor, now: datetime | None = None) -> ElectionRound:
    """已截止 → 已公告."""
    _require_manager(election, actor)
    election = _locked(election)
    _require_status(election, RoundStatus.CLOSED, action="公告")
    election.status = RoundStatus.ANNOUNCED
    election.announced_at = now or timezone.now()
    election.save(update_fields=["status", "announced_at"])
    _audit(election.community, actor, "election.announce", election, verdict=(election.result or {}).get("verdict"))
    return election


@transaction.atomic
def round_resolve_tie(*, election: ElectionRound, actor, winners: Iterable[Candidate], reason: str,
                      now: datetime | None = None) -> ElectionRound:
    """A tie at the cut settled by the rules of procedure (a run-off vote or drawing lots): who takes the open seats."""
    _require_manager(election, actor)
    election = _locked(election)
    _require_status(election, RoundStatus.CLOSED, RoundStatus.ANNOUNCED, action="处理并列")
    result = election.result or {}
    if not result.get("runoff_needed"):
        raise DomainError(ErrorCode.INVALID, "本次选举没有名额线上的并列，无需处理。")
    if election.tie_resolution:
        raise DomainError(ErrorCode.INVALID, "并列已处理，不能重复处理。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, "请填写确定当选人的依据（如决选投票结果、抽签记录）。", field="reason")
    chosen = sorted({candidate.pk for candidate in winners})
    tied = {int(key) for key in result.get("tied", [])}
    if not chosen or not set(chosen) <= tied:
        raise DomainError(ErrorCode.NOT_A_CANDIDATE, "只能从并列的候选人中确定当选人。", field="winners")
    if len(chosen) != result.get("open_seats"):
        raise DomainError(ErrorCode.INVALID, f"并列候选人争夺 {result.get('open_seats')} 个名额，请选择同样人数。",
                          field="winners")
    election.tie_resolution = {"winners": [str(pk) for pk in chosen], "reason": reason[:300],
                               "by": str(actor), "at": (now or timezone.now()).isoformat()}
    election.save(update_fields=["tie_resolution"])
    _audit(election.community, actor, "election.tie", election, winners=chosen, reason=reason[:300])
    return election


@transaction.atomic
def make_members(*, election: ElectionRound, actor, title: str = "委员", now: datetime | None = None) -> list:
    """设为业委会委员: the elected candidates' accounts get the committee_member role in the community.

    Refused while a tie at the cut is unresolved, when nobody was elected, or twice.
    """
    _require_manager(election, actor)
    election = _locked(election)
    if election.kind != ElectionKind.COMMITTEE:
        raise DomainError(ErrorCode.INVALID, "筹备组推选请由街道确认成员，不能设为业委会委员。")
    _require_status(election, RoundStatus.CLOSED, RoundStatus.ANNOUNCED, action="设为业委会委员")
    if election.members_made_at:
        raise DomainError(ErrorCode.INVALID, "本次选举的当选人已设为业委会委员。")
    chosen = selectors.winners(election)
    if chosen is None:
        raise DomainError(ErrorCode.INVALID, "名额线上有票数并列的候选人，请先按议事规则决选或抽签确定当选人。")
    if not chosen:
        raise DomainError(ErrorCode.INVALID, "本次选举无人当选。")
    missing = [c.name for c in chosen if c.user_id is None]
    if missing:
        raise DomainError(ErrorCode.INVALID, f"当选人 {'、'.join(missing)} 没有关联账户，不能设为委员。")
    memberships = [
        membership_grant(user=candidate.user, role=Role.COMMITTEE_MEMBER, actor=actor, community=election.community,
                         title=(title or "委员").strip()[:30], starts_on=election.term.starts_on,
                         ends_on=election.term.ends_on)
        for candidate in chosen
    ]
    election.members_made_at = now or timezone.now()
    election.save(update_fields=["members_made_at"])
    _audit(election.community, actor, "election.members", election, term=str(election.term),
           members=[{"candidate": c.pk, "name": c.name} for c in chosen])
    return memberships


# --- candidates ---------------------------------------------------------------------------------


def _owner_person(user, community) -> Person | None:
    return (Person.objects.filter(community=community, user=user, ownerships__verified=True,
                                  ownerships__ends_on__isnull=True).order_by("pk").first())


@transaction.atomic
def candidate_register(*, election: ElectionRound, actor, statement: str = "", name: str | None = None,
                       signature=None, now: datetime | None = None) -> Candidate:
    """An owner registers as a candidate (or applies to a preparatory group, signing the application)."""
    community = election.community
    if not election_rules.can_stand_for_election(actor, community):
        raise DomainError(ErrorCode.NOT_VERIFIED, "只有本小区已认证的业主才能报名。")
    person = _owner_person(actor, community)
    if person is None:  # pragma: no cover - can_stand_for_election implies a person
        raise DomainError(ErrorCode.NOT_VERIFIED, "只有本小区已认证的业主才能报名。")
    now = now or timezone.now()
    election = ElectionRound.objects.select_related("community").get(pk=election.pk)
    if election.status != RoundStatus.REGISTRATION or not (
            election.registration_opens_at <= now < election.registration_closes_at):
        raise DomainError(ErrorCode.WINDOW_CLOSED, "不在报名时间内。")
    statement = (statement or "").strip()
    if len(statement) > MAX_STATEMENT:
        raise DomainError(ErrorCode.INVALID, f"参选陈述不能超过 {MAX_STATEMENT} 字。", field="statement")
    if Candidate.objects.filter(round=election, user=actor).exists():
        raise DomainError(ErrorCode.DUPLICATE, "您已报名，不能重复报名。")
    clean = None
    if election.is_preparatory:
        if signature is None:
            raise DomainError(ErrorCode.SIGNATURE_REQUIRED, "报名筹备组需要手写签名。", field="signature")
    if signature is not None:
        clean = validate_upload(signature, SIGNATURE, name_stem=f"candidate-{election.pk}")
    candidate = Candidate(round=election, person=person, user=actor, name=((name or "").strip() or person.name)[:50],
                          statement=statement, registered_at=now)
    if clean is not None:
        candidate.signature.save(clean.name, clean, save=False)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:
        raise DomainError(ErrorCode.DUPLICATE, "您已报名，不能重复报名。") from exc
    _audit(community, actor, "election.candidate.register", candidate, round=election.pk, name=candidate.name,
           signed=bool(candidate.signature))
    return candidate


@transaction.atomic
def candidate_review(*, candidate: Candidate, actor, approve: bool, reason: str = "",
                     now: datetime | None = None) -> Candidate:
    """Staff approve a candidate or reject them with a reason, before voting opens."""
    election = ElectionRound.objects.select_related("community").get(pk=candidate.round_id)
    _require_manager(election, actor)
    _require_status(election, RoundStatus.REGISTRATION, RoundStatus.REVIEW, action="审核候选人")
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != CandidateStatus.PENDING:
        raise DomainError(ErrorCode.INVALID, "该候选人已审核，不能重复处理。")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError(ErrorCode.INVALID, "不通过必须填写理由。", field="reason")
    candidate.status = CandidateStatus.APPROVED if approve else CandidateStatus.REJECTED
    candidate.reason = reason[:300]
    candidate.reviewed_by = actor
    candidate.reviewed_at = now or timezone.now()
    candidate.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    _audit(election.community, actor, "election.candidate.approve" if approve else "election.candidate.reject",
           candidate, round=election.pk, reason=candidate.reason)
    return candidate


# --- ballots --------------------------------------------------------------------------------------


def _selected(election: ElectionRound, candidates) -> list[Candidate]:
    """Check the selection: at most `seats`, each an approved candidate of this round, none twice."""
    ids = []
    for item in candidates or ():
        raw = getattr(item, "pk", item)
        try:
            ids.append(int(raw))
        except (TypeError, ValueError) as exc:
            raise DomainError(ErrorCode.NOT_A_CANDIDATE, "所选的不是本次选举的正式候选人。",
                              field="candidates") from exc
    if len(set(ids)) != len(ids):
        raise DomainError(ErrorCode.INVALID, "同一候选人只能选一次。", field="candidates")
    if len(ids) > election.seats:
        raise DomainError(ErrorCode.TOO_MANY_SELECTIONS,
                          f"最多选择 {election.seats} 名候选人，您选择了 {len(ids)} 名。", field="candidates")
    found = {c.pk: c for c in selectors.approved_candidates(election).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise DomainError(ErrorCode.NOT_A_CANDIDATE, "所选的不是本次选举的正式候选人。", field="candidates")
    return [found[pk] for pk in ids]


def _signature_fields(election: ElectionRound, *, user, signature, face_token) -> dict:
    return ballots.signature_fields(election, user=user, signature=signature, face_token=face_token,
                                    name_stem=f"esig-{election.pk}", words=ballots.ELECTION_WORDS)


def _write_selections(ballot: ElectionBallot, chosen: list[Candidate]) -> None:
    ElectionSelection.objects.filter(ballot=ballot).delete()
    ElectionSelection.objects.bulk_create([ElectionSelection(ballot=ballot, candidate=c) for c in chosen])


@transaction.atomic
def election_ballot_cast(*, right: ElectionRight, candidates, actor, signature=None, face_token: str | None = None,
                         now: datetime | None = None) -> ElectionBallot:
    """An owner casts (or, where allowed, changes) a right's ballot online: at most `seats` approved candidates."""
    now = now or timezone.now()
    election = ElectionRound.objects.select_related("community").get(pk=right.round_id)
    if not election_rules.can_cast_for_election_right(actor, right):
        raise ballots.why_cannot_cast(actor, election.community, words=ballots.ELECTION_WORDS)
    if election.status != RoundStatus.VOTING or now >= election.voting_closes_at:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "不在投票时间内。")
    chosen = _selected(election, candidates)
    right = ElectionRight.objects.select_for_update().get(pk=right.pk)
    existing = ElectionBallot.objects.filter(right=right).first()
    if existing is not None:
        return _ballot_change(existing, election=election, chosen=chosen, actor=actor, signature=signature,
                              face_token=face_token, now=now)
    extra = _signature_fields(election, user=actor, signature=signature, face_token=face_token)
    ballot = ElectionBallot(round=election, right=right, channel=Channel.ONLINE, cast_by=actor, cast_at=now,
                            updated_at=now)
    ballots.save_online(ballot, extra)
    _write_selections(ballot, chosen)
    _audit(election.community, actor, "election.ballot.cast", ballot, right=right.key,
           selections=[c.pk for c in chosen], channel="online", signed=bool(ballot.signature),
           face=ballot.face_reference)
    return ballot


def _ballot_change(ballot: ElectionBallot, *, election, chosen, actor, signature, face_token, now) -> ElectionBallot:
    ballots.refuse_change(ballot, allow_change=election.allow_change, words=ballots.ELECTION_WORDS)
    previous = sorted(ballot.selection_rows.values_list("candidate_id", flat=True))
    extra = _signature_fields(election, user=actor, signature=signature, face_token=face_token)
    ballots.save_change(ballot, actor=actor, now=now, extra=extra)
    _write_selections(ballot, chosen)
    _audit(election.community, actor, "election.ballot.change", ballot, right=ballot.right.key, previous=previous,
           selections=[c.pk for c in chosen], revision=ballot.revision)
    return ballot


@transaction.atomic
def election_paper_ballot_enter(*, right: ElectionRight, candidates, actor, scan,
                                now: datetime | None = None) -> ElectionBallot:
    """Staff enter a paper ballot (线下补录) with its scan; their name is kept with it."""
    election = ElectionRound.objects.select_related("community").get(pk=right.round_id)
    _require_manager(election, actor)
    now = now or timezone.now()
    if election.status != RoundStatus.VOTING:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "只能在投票期间录入纸质选票。")
    ballots.require_scan(scan, words=ballots.ELECTION_WORDS)
    chosen = _selected(election, candidates)
    right = ElectionRight.objects.select_for_update().get(pk=right.pk)
    ballots.refuse_second_paper(ElectionBallot, right)
    ballot = ElectionBallot(round=election, right=right, channel=Channel.PAPER, entered_by=actor, cast_at=now,
                            updated_at=now)
    ballots.save_paper(ballot, scan=scan, name_stem=f"escan-{election.pk}-{right.pk}")
    _write_selections(ballot, chosen)
    _audit(election.community, actor, "election.ballot.paper", ballot, right=right.key,
           selections=[c.pk for c in chosen])
    return ballot


@transaction.atomic
def election_ballot_void(*, ballot: ElectionBallot, actor, reason: str) -> ElectionBallot:
    """Declare a ballot void (废票) with a reason; void ballots do not participate. Recounts a closed round."""
    election = ElectionRound.objects.select_related("community").get(pk=ballot.round_id)
    _require_manager(election, actor)
    reason = ballots.void_reason(reason)
    if election.status not in (RoundStatus.VOTING, RoundStatus.CLOSED) or election.members_made_at \
            or election.tie_resolution:
        raise DomainError(ErrorCode.INVALID, "只能在投票期间或截止后、公告及确定当选人之前认定废票。")
    ballot = ElectionBallot.objects.select_for_update().select_related("right").get(pk=ballot.pk)
    ballots.mark_void(ballot, actor=actor, reason=reason, now=timezone.now(), words=ballots.ELECTION_WORDS)
    if election.status == RoundStatus.CLOSED:
        ElectionRound.objects.filter(pk=election.pk).update(result=selectors.round_result(election).to_dict())
    _audit(election.community, actor, "election.ballot.void", ballot, right=ballot.right.key, reason=ballot.void_reason)
    return ballot


# --- preparatory groups (筹备组) -------------------------------------------------------------------


@transaction.atomic
def preparatory_group_create(*, community, actor, name: str, seats: int, registration_opens_at: datetime,
                             registration_closes_at: datetime, voting_opens_at: datetime, voting_closes_at: datetime,
                             leader_phone: str = "", phone_public: bool = False, description: str = "",
                             signature_method: str = SignatureMethod.HANDWRITTEN, rule=None) -> PreparatoryGroup:
    """The street office opens registration for a community's preparatory group."""
    if not election_rules.can_manage_preparatory(actor, community):
        raise _deny()
    name = (name or "").strip()
    if not name:
        raise DomainError(ErrorCode.INVALID, "请填写筹备组名称。", field="name")
    election = _new_round(
        community=community, term=None, kind=ElectionKind.PREPARATORY, actor=actor, title=f"{name}成员推选",
        description=description, seats=seats, registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at, voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at, signature_method=signature_method, allow_change=False, rule=rule,
        status=RoundStatus.REGISTRATION,
    )
    group = PreparatoryGroup.objects.create(community=community, round=election, name=name[:100], seats=seats,
                                            leader_phone=(leader_phone or "").strip()[:30],
                                            phone_public=bool(phone_public), created_by=actor)
    _audit(community, actor, "preparatory.create", group, round=election.pk, seats=seats,
           phone_public=group.phone_public)
    return group


def preparatory_apply(*, group: PreparatoryGroup, actor, statement: str = "", signature=None,
                      now: datetime | None = None) -> Candidate:
    """An owner applies to the preparatory group and signs the application."""
    return candidate_register(election=group.round, actor=actor, statement=statement, signature=signature, now=now)


@transaction.atomic
def preparatory_confirm(*, group: PreparatoryGroup, actor, candidates: Iterable[Candidate] | None = None,
                        leader: Candidate | None = None, now: datetime | None = None) -> list[PreparatoryMember]:
    """The street confirms the members after the vote: by default those elected (a tie must be resolved first),
    or the approved candidates it names (at most the group's seats)."""
    group = PreparatoryGroup.objects.select_for_update().select_related("round__community").get(pk=group.pk)
    election = group.round
    if not election_rules.can_manage_preparatory(actor, group.community):
        raise _deny()
    _require_status(election, RoundStatus.CLOSED, RoundStatus.ANNOUNCED, action="确认筹备组成员")
    if group.confirmed_at:
        raise DomainError(ErrorCode.INVALID, "筹备组成员已确认。")
    if candidates is None:
        chosen = selectors.winners(election)
        if chosen is None:
            raise DomainError(ErrorCode.INVALID, "名额线上有票数并列的候选人，请先处理并列或直接指定成员。")
    else:
        chosen = _selected(election, candidates)
    if not chosen:
        raise DomainError(ErrorCode.INVALID, "没有可确认的筹备组成员。")
    if len(chosen) > group.seats:
        raise DomainError(ErrorCode.TOO_MANY_SELECTIONS, f"筹备组最多 {group.seats} 人。", field="candidates")
    if leader is not None and leader.pk not in {c.pk for c in chosen}:
        raise DomainError(ErrorCode.INVALID, "组长必须是确认的成员之一。", field="leader")
    now = now or timezone.now()
    members = PreparatoryMember.objects.bulk_create([
        PreparatoryMember(group=group, candidate=c, person=c.person, user=c.user, name=c.name,
                          is_leader=leader is not None and c.pk == leader.pk, confirmed_at=now)
        for c in chosen
    ])
    group.confirmed_at, group.confirmed_by = now, actor
    group.save(update_fields=["confirmed_at", "confirmed_by"])
    _audit(group.community, actor, "preparatory.confirm", group,
           members=[{"candidate": c.pk, "name": c.name} for c in chosen], leader=getattr(leader, "pk", None))
    return members
