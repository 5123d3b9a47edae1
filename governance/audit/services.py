"""Writing and verifying the audit trail. Call `audit_record` inside the service's transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal
from typing import Any, Iterable

from django.db import transaction
from django.utils import timezone

from portal.privacy import mask_personal_info

from .models import GENESIS_HASH, AuditChain, AuditEvent

GLOBAL_CHAIN_KEY = "global"


def _json_default(value: Any):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _masked(value):
    """Every text in a summary with its mobile and ID numbers masked, keys included."""
    if isinstance(value, str):
        return mask_personal_info(value)
    if isinstance(value, dict):
        return {_masked(key): _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def normalise_summary(summary: dict | None) -> dict:
    """Round-trip through JSON so the stored value and the hashed value are the same."""
    return json.loads(json.dumps(summary or {}, default=_json_default, ensure_ascii=False))


def canonical_bytes(
    *, chain_key: str, seq: int, community_id: int | None, actor_id: int | None, actor_label: str,
    action: str, object_type: str, object_id: str, object_repr: str, summary: dict, created_at: datetime,
    prev_hash: str,
) -> bytes:
    payload = {
        "chain": chain_key,
        "seq": seq,
        "community": community_id,
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "summary": summary,
        "created_at": created_at.astimezone(dt_timezone.utc).isoformat(timespec="microseconds"),
        "prev": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(event: AuditEvent, chain_key: str) -> str:
    return hashlib.sha256(
        canonical_bytes(
            chain_key=chain_key, seq=event.seq, community_id=event.community_id, actor_id=event.actor_id,
            actor_label=event.actor_label, action=event.action, object_type=event.object_type,
            object_id=event.object_id, object_repr=event.object_repr, summary=event.summary,
            created_at=event.created_at, prev_hash=event.prev_hash,
        )
    ).hexdigest()


def _actor_label(actor) -> str:
    if actor is None:
        return "系统"
    return str(actor)[:100]


def _lock_chain(community) -> AuditChain:
    key = str(community.pk) if community is not None else GLOBAL_CHAIN_KEY
    chain, _ = AuditChain.objects.get_or_create(key=key, defaults={"community": community})
    return AuditChain.objects.select_for_update().get(pk=chain.pk)


def audit_record(
    *, community, actor, action: str, obj=None, object_type: str = "", object_id: str = "",
    object_repr: str = "", summary: dict | None = None,
) -> AuditEvent:
    """Append one event to the community's chain. Must run inside the writing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    chain = _lock_chain(community)
    event = AuditEvent(
        chain=chain,
        seq=chain.last_seq + 1,
        community=community,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=mask_personal_info(object_repr)[:200],
        summary=_masked(normalise_summary(summary)),
        created_at=timezone.now(),
        prev_hash=chain.last_hash,
    )
    event.hash = event_hash(event, chain.key)
    event.save()
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainProblem:
    chain_key: str
    event_id: int | None
    seq: int | None
    reason: str


def verify_chain(chain: AuditChain) -> ChainProblem | None:
    """Walk a chain in order and return its first problem, or None when it is intact."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last = None
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainProblem(chain.key, event.pk, event.seq, f"序号不连续：应为 {expected_seq}，实际为 {event.seq}")
        if event.prev_hash != expected_prev:
            return ChainProblem(chain.key, event.pk, event.seq, "前一哈希与上一条记录不符")
        if event_hash(event, chain.key) != event.hash:
            return ChainProblem(chain.key, event.pk, event.seq, "记录内容与哈希不符（已被改动）")
        expected_prev = event.hash
        expected_seq += 1
        last = event
    if (last.seq if last else 0) != chain.last_seq or (last.hash if last else GENESIS_HASH) != chain.last_hash:
        return ChainProblem(chain.key, None, chain.last_seq, "链尾与最后一条记录不符（记录被删除或链头被改动）")
    return None


def verify_all(chains: Iterable[AuditChain] | None = None) -> list[ChainProblem]:
    chains = chains if chains is not None else AuditChain.objects.order_by("key")
    return [problem for chain in chains if (problem := verify_chain(chain)) is not None]
