"""Election files are private: a candidate's application signature, a ballot's e-signature and a paper ballot's
scan are stored outside MEDIA_ROOT with no /media/ address, and served in the admin only to the staff who
may see the election's details in its community. Another community's staff and property staff get a 404;
owners and anonymous visitors never get past the admin's sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from governance.elections import permissions, selectors, services
from governance.elections.models import Candidate, ElectionBallot, ElectionRound, SignatureMethod
from portal.accounts.models import Membership, Role
from tests.decisions.factories import community_with_owners
from tests.elections.factories import png, register, registering_round
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class Side:
    election: ElectionRound
    chair: object  # 业委会委员: runs the election, sees its details
    rc: object  # 居委会: sees its details
    property_staff: object  # 物业: an admin user who may not
    owners: list
    candidates: list


@dataclass
class Files:
    a: Side
    b: Side
    online: ElectionBallot  # A: an owner's ballot with a handwritten e-signature
    paper: ElectionBallot  # A: a paper ballot entered with its scan
    outsider: object


def _side() -> Side:
    community, chair, owners = community_with_owners(4)
    election = registering_round(community, chair, seats=2, signature_method=SignatureMethod.HANDWRITTEN)
    candidates = register(election, owners[:2], actor=chair, signature=True)
    election = services.round_close_registration(election=election, actor=chair)
    election = services.round_open(election=election, actor=chair)
    rc = Membership.objects.create(user=UserFactory(), role=Role.RC_STAFF,
                                   residents_committee=community.residents_committee).user
    property_staff = MembershipFactory(community=community, role=Role.PROPERTY_STAFF).user
    return Side(election, chair, rc, property_staff, owners, candidates)


def _right(side: Side, user):
    return selectors.rights_for_user(side.election, user).get()


@pytest.fixture
def files() -> Files:
    a, b = _side(), _side()
    online = services.election_ballot_cast(right=_right(a, a.owners[2]), candidates=a.candidates[:1],
                                           actor=a.owners[2], signature=png("esig.png"))
    scan = SimpleUploadedFile("scan.png", png().getvalue(), content_type="image/png")
    paper = services.election_paper_ballot_enter(right=_right(a, a.owners[3]), candidates=a.candidates[1:],
                                                 actor=a.chair, scan=scan)
    return Files(a, b, online, paper, UserFactory())


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _urls(f: Files) -> dict[str, tuple[str, object]]:
    """Each private file of A and the admin URL that serves it."""
    rid = f.a.election.pk
    return {
        "candidate signature": (reverse("elections_candidate:signature", args=[f.a.candidates[0].pk]),
                                f.a.candidates[0].signature),
        "ballot signature": (reverse("elections_round:signature", args=[rid, f.online.pk]), f.online.signature),
        "ballot scan": (reverse("elections_round:scan", args=[rid, f.paper.pk]), f.paper.scan),
    }


def test_every_election_file_is_stored_privately_without_an_address(private_files, files):
    assert files.a.candidates[0].signature.name.startswith("elections/signatures/")
    assert files.online.signature.name.startswith("elections/ballot-signatures/")
    assert files.paper.scan.name.startswith("elections/scans/")
    for _, fieldfile in _urls(files).values():
        assert private_files.assert_private(fieldfile).startswith(b"\x89PNG")


@pytest.mark.parametrize("who", ["chair", "rc"])
def test_staff_who_may_see_the_details_get_each_file(private_files, files, who):
    client = _client(getattr(files.a, who))

    for what, (url, fieldfile) in _urls(files).items():
        response = client.get(url)
        assert response.status_code == 200, what
        assert _body(response) == private_files.assert_private(fieldfile), what
        assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("who", ["other_chair", "other_rc", "property_staff"])
def test_other_staff_get_a_404(files, who):
    client = _client({"other_chair": files.b.chair, "other_rc": files.b.rc,
                      "property_staff": files.a.property_staff}[who])

    for what, (url, _) in _urls(files).items():
        assert client.get(url).status_code == 404, what


def test_owners_and_anonymous_visitors_never_get_a_file(files):
    for client in (_client(files.a.owners[0]), _client(files.a.owners[2]), _client()):
        for what, (url, _) in _urls(files).items():
            response = client.get(url)
            assert response.status_code == 302 and not hasattr(response, "streaming_content"), what
            assert response["Location"].startswith(reverse("wagtailadmin_login")), what


def test_a_ballot_of_another_round_or_without_that_file_is_a_404(files):
    client = _client(files.a.chair)
    other = ElectionBallot.objects.create(
        round=files.b.election, right=_right(files.b, files.b.owners[0]), cast_at=files.online.cast_at,
        updated_at=files.online.cast_at)

    assert client.get(reverse("elections_round:scan", args=[files.a.election.pk, files.online.pk])).status_code == 404
    assert client.get(reverse("elections_round:signature",
                              args=[files.a.election.pk, files.paper.pk])).status_code == 404
    assert client.get(reverse("elections_round:signature",
                              args=[files.a.election.pk, other.pk])).status_code == 404


def test_the_paper_entry_page_links_scans_and_signatures_through_the_checked_views(files):
    html = _client(files.a.chair).get(reverse("elections_round:paper", args=[files.a.election.pk])).content.decode()

    assert f'href="{_urls(files)["ballot signature"][0]}"' in html
    assert f'href="{_urls(files)["ballot scan"][0]}"' in html
    assert html.count('data-testid="signature-link"') == 1 and "/media/" not in html


def test_the_candidate_review_screen_shows_the_signature_through_the_checked_view(files):
    candidate = files.a.candidates[0]

    html = _client(files.a.chair).get(reverse("elections_candidate:inspect", args=[candidate.pk])).content.decode()

    assert f'src="{_urls(files)["candidate signature"][0]}"' in html and "/media/" not in html


def test_the_election_files_rule_at_its_boundaries(files):
    election = files.a.election

    allowed = [files.a.chair, files.a.rc]
    refused = [files.a.property_staff, files.a.owners[0], files.b.chair, files.b.rc, files.outsider, AnonymousUser()]

    assert [permissions.can_view_election_files(user, election) for user in allowed] == [True, True]
    assert [permissions.can_view_election_files(user, election) for user in refused] == [False] * 6


def test_move_private_uploads_moves_an_old_public_candidate_signature(private_files, files):
    candidate = files.a.candidates[0]
    stored = Path(candidate.signature.path).read_bytes()
    legacy = private_files.media / candidate.signature.name
    legacy.parent.mkdir(parents=True)
    Path(candidate.signature.path).rename(legacy)

    out = StringIO()
    call_command("move_private_uploads", stdout=out, stderr=StringIO())

    assert f"已移动：elections.Candidate.signature {candidate.signature.name}" in out.getvalue()
    assert Path(Candidate.objects.get(pk=candidate.pk).signature.path).read_bytes() == stored
    assert private_files.media_files() == []
