"""Proofs and roster files are private: stored outside MEDIA_ROOT, never given a /media/ address, and served
only by views that ask the rule — the applicant and the community's reviewers for a proof, the community's
registry managers for a roster file. Another community's staff, a plain owner and an outsider get a 404;
an anonymous visitor is sent to sign in."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from governance.registry import permissions, services
from governance.registry.models import Community, RosterImport, Unit, UnitApplication
from governance.registry.private_files import PRIVATE_FILE_FIELDS
from portal.storage import PrivateFileStorage, private_root, private_storage
from portal.accounts.models import Role
from portal.settings import base as base_settings
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    UnitFactory,
    UserFactory,
)
from tests.graphql.conftest import phone_login  # noqa: F401  (fixture)
from tests.registry.factories import roster_xlsx, unit_row

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 24), color).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 760, "proof")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@dataclass
class Side:
    community: Community
    unit: Unit
    committee: object  # 业委会委员: reviews applications, manages the registry
    rc: object  # 居委会: reviews applications too
    property_staff: object  # 物业: reads the roster, reviews nothing
    owner: object  # a verified owner: a plain member


@dataclass
class World:
    a: Side
    b: Side
    applicant: object  # signed in, not yet a member of A: applies as co-owner of A's unit
    outsider: object


def _side(name: str) -> Side:
    community = CommunityFactory(name=name)
    building = BuildingFactory(community=community, name="1栋")
    unit = UnitFactory(building=building, room="502")
    owner = UserFactory()
    OwnershipFactory(unit=UnitFactory(building=building, room="601"), person__user=owner, verified=True)
    return Side(
        community=community, unit=unit,
        committee=MembershipFactory(community=community, role=Role.COMMITTEE_MEMBER).user,
        rc=MembershipFactory(community=None, residents_committee=community.residents_committee,
                             role=Role.RC_STAFF).user,
        property_staff=MembershipFactory(community=community, role=Role.PROPERTY_STAFF).user,
        owner=owner,
    )


@pytest.fixture
def world() -> World:
    return World(a=_side("阳光小区"), b=_side("碧水小区"), applicant=UserFactory(), outsider=UserFactory())


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _apply(world: World, data: bytes, name: str = "房产证.png", content_type: str = "image/png") -> UnitApplication:
    return services.coowner_apply(user=world.applicant, unit=world.a.unit, name="王共有", phone="13955556666",
                                  proof=SimpleUploadedFile(name, data, content_type=content_type))


def _proof_url(application) -> str:
    return reverse("application_proof", args=[application.pk])


def _no_store(response) -> bool:
    """The admin adds its own never-cache directives; what matters is that no shared or disk cache keeps it."""
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- where the files live -------------------------------------------------------------------------------


def test_every_listed_field_stores_into_the_private_storage_outside_media_root():
    for label, field_name in PRIVATE_FILE_FIELDS:
        field = apps.get_model(label)._meta.get_field(field_name)
        assert field._storage_callable is private_storage, f"{label}.{field_name}"
    assert isinstance(private_storage(), PrivateFileStorage)
    assert not private_root().resolve().is_relative_to(Path(base_settings.MEDIA_ROOT).resolve())


def test_an_uploaded_proof_is_stored_privately_without_an_address(world, private_files):
    # given a co-owner's PNG proof, when the application is submitted
    application = _apply(world, png_bytes())
    # then the proof is under the private root, nothing is under MEDIA_ROOT, and it has no URL
    stored = private_files.assert_private(application.proof)
    assert application.proof.name.startswith("proofs/") and stored.startswith(b"\x89PNG")


# --- the proof: the applicant and the community's reviewers --------------------------------------------------


@pytest.mark.parametrize("who", ["applicant", "committee", "rc"])
def test_the_proof_is_served_to_the_applicant_and_the_reviewers(world, private_files, who):
    application = _apply(world, png_bytes())
    stored = private_files.assert_private(application.proof)
    user = {"applicant": world.applicant, "committee": world.a.committee, "rc": world.a.rc}[who]

    response = _client(user).get(_proof_url(application))

    assert response.status_code == 200 and _body(response) == stored
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_pdf_proof_is_shown_inline_as_pdf_and_can_be_downloaded(world):
    application = _apply(world, pdf_bytes(), name="结婚证.pdf", content_type="application/pdf")
    client = _client(world.applicant)

    shown = client.get(_proof_url(application))
    saved = client.get(_proof_url(application), {"download": "1"})

    assert shown["Content-Type"] == "application/pdf" and shown["Content-Disposition"].startswith("inline")
    assert _body(shown).startswith(b"%PDF")
    assert saved["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("who", ["other_committee", "other_rc", "property_staff", "owner", "outsider"])
def test_the_proof_is_a_404_for_everyone_else(world, who):
    application = _apply(world, png_bytes())
    user = {"other_committee": world.b.committee, "other_rc": world.b.rc, "property_staff": world.a.property_staff,
            "owner": world.a.owner, "outsider": world.outsider}[who]

    assert _client(user).get(_proof_url(application)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(world):
    application = _apply(world, png_bytes())

    response = _client().get(_proof_url(application))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={_proof_url(application)}"


def test_an_application_without_proof_is_a_404_even_for_its_applicant(world):
    application = services.tenant_register(user=world.applicant, unit=world.a.unit, name="赵租户",
                                           phone="13955557777")

    assert _client(world.applicant).get(_proof_url(application)).status_code == 404
    assert _client(world.a.committee).get(_proof_url(application)).status_code == 404


def test_the_mini_program_opens_its_proof_with_its_session_token(phone_login, world):  # noqa: F811
    from tests.graphql.test_auth import _app_login

    applicant = UserFactory(phone="13700004444", phone_verified=True)
    application = services.coowner_apply(user=applicant, unit=world.a.unit, name="王共有", phone="13955556666",
                                         proof=SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"))
    token = _app_login(Client(), "13700004444")

    mine = Client().get(_proof_url(application), headers={"X-Session-Token": token})
    forged = Client().get(_proof_url(application), headers={"X-Session-Token": "not-a-token"})
    theirs = Client().get(_proof_url(_apply(world, png_bytes())), headers={"X-Session-Token": token})

    assert mine.status_code == 200 and _body(mine) == application.proof.open("rb").read()
    assert forged.status_code == 404 and theirs.status_code == 404


def test_the_admin_review_screen_serves_the_proof_with_the_same_headers(world):
    application = _apply(world, png_bytes())
    url = reverse("registry_application:proof", args=[application.pk])

    mine = _client(world.a.committee).get(url)
    theirs = _client(world.b.committee).get(url)

    assert mine.status_code == 200 and _body(mine) == application.proof.open("rb").read()
    assert mine["X-Content-Type-Options"] == "nosniff" and _no_store(mine)
    assert theirs.status_code == 404


def test_graphql_gives_the_applicant_the_checked_address_of_the_proof(world):
    with_proof = _apply(world, png_bytes())
    without = services.tenant_register(user=world.applicant, unit=world.b.unit, name="王共有", phone="13955556666")
    query = '{"query": "{ me { applications { id hasProof proofUrl } } }"}'

    body = _client(world.applicant).post("/graphql/", query, content_type="application/json").json()

    rows = {row["id"]: row for row in body["data"]["me"]["applications"]}
    assert rows[str(with_proof.pk)]["proofUrl"] == f"http://testserver{_proof_url(with_proof)}"
    assert rows[str(without.pk)] == {"id": str(without.pk), "hasProof": False, "proofUrl": None}


def test_the_proof_rule_at_its_boundaries(world):
    application = _apply(world, png_bytes())

    allowed = [world.applicant, world.a.committee, world.a.rc]
    refused = [world.a.property_staff, world.a.owner, world.b.committee, world.b.rc, world.outsider]

    assert [permissions.can_view_application_proof(user, application) for user in allowed] == [True] * 3
    assert [permissions.can_view_application_proof(user, application) for user in refused] == [False] * 5
    assert permissions.can_view_application_proof(AnonymousUser(), application) is False


# --- the roster file: the community's registry managers -----------------------------------------------------


def _uploaded_import(world: World, django_capture_on_commit_callbacks) -> tuple[RosterImport, bytes]:
    data = roster_xlsx([unit_row(1)]).getvalue()
    upload = io.BytesIO(data)
    upload.name = "阳光名册.xlsx"
    client = _client(world.a.committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster_upload"), {"community": world.a.community.pk, "file": upload})
    assert response.status_code == 302, response.content.decode()
    return RosterImport.objects.get(), data


def test_an_uploaded_roster_file_is_private_and_served_to_the_communitys_managers(
    world, private_files, django_capture_on_commit_callbacks
):
    # given a roster uploaded by A's committee member
    imp, data = _uploaded_import(world, django_capture_on_commit_callbacks)
    # then it is stored privately, byte for byte, and the preview links to the checked download
    assert private_files.assert_private(imp.file) == data
    preview = _client(world.a.committee).get(reverse("roster_preview", args=[imp.pk])).content.decode()
    assert f'href="{reverse("roster_file", args=[imp.pk])}"' in preview

    for user in (world.a.committee, world.a.rc):
        response = _client(user).get(reverse("roster_file", args=[imp.pk]))
        assert response.status_code == 200 and _body(response) == data
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff" and _no_store(response)


@pytest.mark.parametrize("who", ["other_committee", "property_staff"])
def test_the_roster_file_is_a_404_for_other_staff(world, django_capture_on_commit_callbacks, who):
    imp, _ = _uploaded_import(world, django_capture_on_commit_callbacks)
    user = {"other_committee": world.b.committee, "property_staff": world.a.property_staff}[who]

    assert _client(user).get(reverse("roster_file", args=[imp.pk])).status_code == 404


def test_the_roster_file_is_out_of_reach_of_owners_and_anonymous_visitors(world, django_capture_on_commit_callbacks):
    imp, _ = _uploaded_import(world, django_capture_on_commit_callbacks)
    url = reverse("roster_file", args=[imp.pk])

    owner = _client(world.a.owner).get(url)
    anonymous = _client().get(url)

    assert owner.status_code == 302 and not owner["Location"].startswith(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("wagtailadmin_login"))
    assert b"PK" not in owner.content + anonymous.content


def test_the_roster_file_rule_at_its_boundaries(world):
    imp = RosterImport.objects.create(community=world.a.community, file="roster-imports/x.xlsx")

    assert permissions.can_download_roster_import(world.a.committee, imp) is True
    assert permissions.can_download_roster_import(world.a.rc, imp) is True
    assert permissions.can_download_roster_import(world.a.property_staff, imp) is False
    assert permissions.can_download_roster_import(world.a.owner, imp) is False
    assert permissions.can_download_roster_import(world.b.committee, imp) is False
