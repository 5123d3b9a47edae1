"""Motion attachments, paper-ballot scans and e-signatures are private: stored outside MEDIA_ROOT with no
/media/ address. An attachment is served to whoever may read its motion (a draft only to the community's
staff; another community's motion is a 404), and GraphQL's `url` points at that checked view. A ballot's
scan and signature are served in the admin to the staff who may see who voted, and to no one else."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from governance.decisions import permissions, selectors, services
from governance.decisions.models import Ballot, MatterType, Motion, MotionStatus, SignatureMethod
from governance.registry.models import Community
from portal.accounts.models import Role
from tests.decisions.factories import community_with_owners
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def png(color=(20, 20, 200), name="scan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="维修方案.pdf") -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawString(72, 760, "plan")
    document.showPage()
    document.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@dataclass
class Side:
    community: Community
    chair: object  # 业委会委员: manages motions, sees who voted
    rc: object  # 居委会: sees who voted
    property_staff: object  # 物业: an admin user who may not see who voted
    owners: list


@dataclass
class World:
    a: Side
    b: Side
    outsider: object


def _side() -> Side:
    community, chair, owners = community_with_owners(3)
    rc = MembershipFactory(role=Role.RC_STAFF, community=None, residents_committee=community.residents_committee).user
    property_staff = MembershipFactory(community=community, role=Role.PROPERTY_STAFF).user
    return Side(community, chair, rc, property_staff, owners)


@pytest.fixture
def world() -> World:
    return World(_side(), _side(), UserFactory())


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _no_store(response) -> bool:
    return {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def _draft(side: Side, **kwargs) -> Motion:
    now = timezone.now()
    data = {"matter_type": MatterType.OTHER, "title": "外墙维修", "content": "是否同意维修外墙。",
            "opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=7)}
    data.update(kwargs)
    return services.motion_create(community=side.community, actor=side.chair, **data)


def _open(side: Side, motion: Motion) -> Motion:
    services.motion_submit(motion=motion, actor=side.chair)
    return services.motion_open(motion=motion, actor=side.chair)


# --- motion attachments ---------------------------------------------------------------------------------


def test_an_attachment_is_stored_privately_without_an_address(world, private_files):
    motion = _draft(world.a)

    attachment = services.motion_attach(motion=motion, actor=world.a.chair, title="维修方案", upload=pdf())

    assert private_files.assert_private(attachment.file).startswith(b"%PDF")
    assert attachment.file.name.startswith("motions/")


def test_a_draft_attachment_is_shown_to_staff_only_and_to_members_once_published(world, private_files):
    motion = _draft(world.a)
    attachment = services.motion_attach(motion=motion, actor=world.a.chair, title="维修方案", upload=pdf())
    stored = private_files.assert_private(attachment.file)
    url = reverse("motion_attachment", args=[attachment.pk])
    owner = world.a.owners[0]

    # while it is a draft: the community's staff see it, an owner does not
    assert _client(world.a.chair).get(url).status_code == 200
    assert _client(world.a.rc).get(url).status_code == 200
    assert _client(owner).get(url).status_code == 404
    # once voting: the owner sees the PDF inline, named after its title
    _open(world.a, motion)
    response = _client(owner).get(url)
    assert response.status_code == 200 and _body(response) == stored
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"inline; filename*=utf-8''{quote('维修方案.pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["other_chair", "other_owner", "outsider"])
def test_another_communitys_attachment_is_a_404(world, who):
    motion = _draft(world.a)
    attachment = services.motion_attach(motion=motion, actor=world.a.chair, title="维修方案", upload=pdf())
    _open(world.a, motion)
    user = {"other_chair": world.b.chair, "other_owner": world.b.owners[0], "outsider": world.outsider}[who]

    assert _client(user).get(reverse("motion_attachment", args=[attachment.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_an_attachment(world):
    motion = _draft(world.a)
    attachment = services.motion_attach(motion=motion, actor=world.a.chair, title="维修方案", upload=pdf())
    _open(world.a, motion)
    url = reverse("motion_attachment", args=[attachment.pk])

    response = _client().get(url)

    assert response.status_code == 302 and response["Location"] == f"{reverse('account_login')}?next={url}"


def test_graphql_attachment_url_points_at_the_checked_view(world):
    motion = _draft(world.a)
    attachment = services.motion_attach(motion=motion, actor=world.a.chair, title="维修方案", upload=pdf())
    _open(world.a, motion)
    query = '{"query": "query ($id: ID!) { motion(id: $id) { attachments { title url } } }", "variables": {"id": "%d"}}'

    body = _client(world.a.owners[0]).post("/graphql/", query % motion.pk, content_type="application/json").json()

    assert body["data"]["motion"]["attachments"] == [
        {"title": "维修方案", "url": f"http://testserver{reverse('motion_attachment', args=[attachment.pk])}"}]


def test_the_portal_and_admin_pages_link_the_attachment_through_the_checked_view(world):
    motion = _draft(world.a)
    attachment = services.motion_attach(motion=motion, actor=world.a.chair, title="维修方案", upload=pdf())
    _open(world.a, motion)
    url = reverse("motion_attachment", args=[attachment.pk])

    portal = _client(world.a.owners[0]).get(reverse("motion_detail", args=[motion.pk])).content.decode()
    admin = _client(world.a.chair).get(reverse("decisions_motion:inspect", args=[motion.pk])).content.decode()

    assert f'href="{url}"' in portal and f'href="{url}"' in admin
    assert "/media/" not in portal and "/media/" not in admin


# --- ballot scans and e-signatures ---------------------------------------------------------------------------


@pytest.fixture
def signed(world):
    """A handwritten-signature motion of A with one owner's online ballot (signed) and one paper ballot (scanned)."""
    motion = _open(world.a, _draft(world.a, signature_method=SignatureMethod.HANDWRITTEN))
    online_owner, paper_owner = world.a.owners[:2]
    online = services.ballot_cast(right=selectors.rights_for_user(motion, online_owner).get(), choice="agree",
                                  actor=online_owner, signature=png((255, 255, 255), "sig.png"))
    paper = services.paper_ballot_enter(right=selectors.rights_for_user(motion, paper_owner).get(), choice="oppose",
                                        actor=world.a.chair, scan=png())
    return motion, online, paper


def test_scans_and_signatures_are_stored_privately_without_an_address(private_files, signed):
    _, online, paper = signed

    assert private_files.assert_private(online.signature).startswith(b"\x89PNG")
    assert private_files.assert_private(paper.scan).startswith(b"\x89PNG")
    assert online.signature.name.startswith("ballots/signatures/") and paper.scan.name.startswith("ballots/scans/")


@pytest.mark.parametrize("who", ["chair", "rc"])
def test_staff_who_may_see_who_voted_get_the_scan_and_the_signature(world, private_files, signed, who):
    _, online, paper = signed
    client = _client(getattr(world.a, who))

    for url, fieldfile in ((reverse("decisions_motion:scan", args=[paper.pk]), paper.scan),
                           (reverse("decisions_motion:signature", args=[online.pk]), online.signature)):
        response = client.get(url)
        assert response.status_code == 200 and _body(response) == private_files.assert_private(fieldfile)
        assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff" and _no_store(response)


@pytest.mark.parametrize("who", ["other_chair", "other_rc", "property_staff"])
def test_other_staff_get_a_404_for_scans_and_signatures(world, signed, who):
    _, online, paper = signed
    client = _client({"other_chair": world.b.chair, "other_rc": world.b.rc,
                      "property_staff": world.a.property_staff}[who])

    assert client.get(reverse("decisions_motion:scan", args=[paper.pk])).status_code == 404
    assert client.get(reverse("decisions_motion:signature", args=[online.pk])).status_code == 404


def test_owners_and_anonymous_visitors_never_get_a_scan_or_a_signature(world, signed):
    _, online, paper = signed
    urls = [reverse("decisions_motion:scan", args=[paper.pk]), reverse("decisions_motion:signature", args=[online.pk])]

    for client in (_client(world.a.owners[0]), _client(world.a.owners[1]), _client()):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302 and not hasattr(response, "streaming_content")
            assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_ballot_without_that_file_is_a_404(world, signed):
    _, online, paper = signed
    client = _client(world.a.chair)

    assert client.get(reverse("decisions_motion:scan", args=[online.pk])).status_code == 404
    assert client.get(reverse("decisions_motion:signature", args=[paper.pk])).status_code == 404


def test_who_voted_links_each_signature_through_the_checked_view(world, signed):
    motion, online, _ = signed

    html = _client(world.a.chair).get(reverse("decisions_motion:voters", args=[motion.pk])).content.decode()

    assert html.count('data-testid="signature-link"') == 1
    assert f'href="{reverse("decisions_motion:signature", args=[online.pk])}"' in html


def test_the_ballot_files_rule_at_its_boundaries(world, signed):
    _, online, _ = signed

    allowed = [world.a.chair, world.a.rc]
    refused = [world.a.property_staff, world.a.owners[0], world.b.chair, world.b.rc, world.outsider, AnonymousUser()]

    assert [permissions.can_view_ballot_files(user, online) for user in allowed] == [True, True]
    assert [permissions.can_view_ballot_files(user, online) for user in refused] == [False] * 6


def test_the_attachment_selector_follows_the_motions_a_user_may_read(world):
    draft = _draft(world.a, title="草稿")
    attachment = services.motion_attach(motion=draft, actor=world.a.chair, title="草稿附件", upload=pdf())

    assert list(selectors.visible_attachments(world.a.chair)) == [attachment]
    assert list(selectors.visible_attachments(world.a.owners[0])) == []
    assert list(selectors.visible_attachments(world.b.chair)) == []
    assert Motion.objects.get(pk=draft.pk).status == MotionStatus.DRAFT


# --- upgrading an existing deployment ----------------------------------------------------------------------


def test_move_private_uploads_moves_an_old_public_scan(private_files, signed):
    _, _, paper = signed
    stored = Path(paper.scan.path).read_bytes()
    legacy = private_files.media / paper.scan.name  # where the old public storage kept it
    legacy.parent.mkdir(parents=True)
    Path(paper.scan.path).rename(legacy)

    out = StringIO()
    call_command("move_private_uploads", stdout=out, stderr=StringIO())

    assert f"已移动：decisions.Ballot.scan {paper.scan.name}" in out.getvalue()
    assert Path(Ballot.objects.get(pk=paper.pk).scan.path).read_bytes() == stored
    assert private_files.media_files() == []
