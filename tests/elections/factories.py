"""Building blocks for the election stories: a community of verified owners, its staff, and rounds at each stage."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from PIL import Image

from governance.elections import selectors, services
from governance.elections.models import ElectionRound
from portal.accounts.models import Membership, Role
from tests.decisions.factories import community_with_owners
from tests.factories import UserFactory


def png(name="sig.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def street_staff(community):
    return Membership.objects.create(user=UserFactory(), role=Role.STREET_STAFF,
                                     street=community.residents_committee.street).user


@dataclass
class Stage:
    community: object
    chair: object
    owners: list
    election: ElectionRound
    candidates: list
    now: object

    def right(self, user):
        return selectors.rights_for_user(self.election, user).get()

    def close(self):
        self.election = services.round_close(election=self.election, actor=self.chair,
                                             now=self.election.voting_closes_at + timedelta(seconds=1))
        return self.election


def windows(now):
    """Registration yesterday, voting open from an hour ago for a week."""
    return dict(registration_opens_at=now - timedelta(days=2), registration_closes_at=now - timedelta(days=1),
                voting_opens_at=now - timedelta(hours=1), voting_closes_at=now + timedelta(days=7))


def term_for(community, chair, seats=2):
    return services.term_create(community=community, actor=chair, name="第二届业主委员会", starts_on=date(2026, 1, 1),
                                ends_on=date(2030, 12, 31), seats=seats, contact_phone="0531-88886666")


def registering_round(community, chair, seats=2, **kwargs):
    now = timezone.now()
    term = term_for(community, chair, seats=max(seats, kwargs.pop("term_seats", seats)))
    params = dict(title="第二届业主委员会选举", **windows(now))
    params.update(kwargs)
    election = services.round_create(term=term, actor=chair, seats=seats, **params)
    return services.round_open_registration(election=election, actor=chair)


def register(election, users, *, approve=True, actor=None, signature=False):
    """Each user registers (inside the registration window) and, with `approve`, is approved by `actor`."""
    during = election.registration_opens_at + timedelta(minutes=30)
    out = []
    for index, user in enumerate(users):
        candidate = services.candidate_register(election=election, actor=user, statement=f"我的参选陈述{index}",
                                                signature=png() if signature else None, now=during)
        if approve:
            candidate = services.candidate_review(candidate=candidate, actor=actor, approve=True)
        out.append(candidate)
    return out


def voting_stage(n_owners=6, seats=2, n_candidates=3, **kwargs) -> Stage:
    """A committee round in voting: `n_candidates` of the owners approved, everyone on the roll."""
    community, chair, owners = community_with_owners(n_owners)
    election = registering_round(community, chair, seats=seats, **kwargs)
    candidates = register(election, owners[:n_candidates], actor=chair)
    election = services.round_close_registration(election=election, actor=chair)
    election = services.round_open(election=election, actor=chair)
    return Stage(community, chair, owners, election, candidates, timezone.now())
