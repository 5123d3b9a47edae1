"""Two communities with pages, and one person for every kind of visitor.

A is 阳光小区 (code sunny); B is 碧水小区 (code blue). Their staff, owners and an outsider who
belongs to neither. Private files are written to a temporary directory, never to MEDIA_ROOT.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from governance.registry.models import Building, Community, Unit
from home.models import ArchiveDocument, Bylaw, CommunityPage
from home.services import ensure_community_page, ensure_site_root
from portal.storage import PrivateFileStorage
from portal.accounts.models import Role, User
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    UnitFactory,
    UserFactory,
)

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    """Archive and bylaw files go to a temporary private directory for each test."""
    storage = PrivateFileStorage(location=tmp_path / "private")
    for model in (ArchiveDocument, Bylaw):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def pdf_bytes(*lines: str) -> bytes:
    """A one-page PDF whose text is `lines`, with an embedded CJK font so pypdf can read it back."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "wqy" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("wqy", CJK_FONT, subfontIndex=0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont("wqy", 14)
    for i, line in enumerate(lines):
        pdf.drawString(72, 760 - 24 * i, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_upload(*lines: str, name: str = "纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(*lines), content_type="application/pdf")


def png_bytes(width=16, height=16, color=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="photo.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def wagtail_image(title="图", width=1500, height=1000):
    from wagtail.images.models import Image
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:  # only without migrations (pytest --no-migrations)
        Collection.add_root(name="Root")
    return Image.objects.create(title=title, file=ImageFile(io.BytesIO(png_bytes(width, height)), name="slide.png"))


@dataclass
class Side:
    community: Community
    page: CommunityPage
    building: Building
    units: list[Unit]
    committee: User  # 业委会委员: manages content and the checklist, answers feedback
    property_staff: User  # 物业人员: answers feedback only
    owner: User  # a verified owner: a member


@dataclass
class World:
    a: Side
    b: Side
    outsider: User  # signed in, member of neither community
    superuser: User


def _side(code: str, name: str, room_prefix: str) -> Side:
    community = CommunityFactory(code=code, name=name, address=f"{name}路1号")
    building = BuildingFactory(community=community, name="1栋")
    units = [UnitFactory(building=building, room=f"{room_prefix}0{i}", area=Decimal("100.00")) for i in (1, 2, 3, 4)]
    owner = UserFactory()
    OwnershipFactory(unit=units[0], person__user=owner, verified=True)
    committee = MembershipFactory(community=community, role=Role.COMMITTEE_MEMBER).user
    property_staff = MembershipFactory(community=community, role=Role.PROPERTY_STAFF).user
    return Side(community=community, page=ensure_community_page(community), building=building, units=units,
                committee=committee, property_staff=property_staff, owner=owner)


@pytest.fixture
def world(db) -> World:
    ensure_site_root()
    a = _side("sunny", "阳光小区", "1")
    b = _side("blue", "碧水小区", "9")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    return World(a=a, b=b, outsider=UserFactory(), superuser=superuser)


@pytest.fixture
def as_user(client):
    def login(user):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        return client

    return login


def sub_url(page, name: str, *args) -> str:
    page = CommunityPage.objects.get(pk=page.pk)
    return page.url + page.reverse_subpage(name, args=args)
