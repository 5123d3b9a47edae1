"""小区档案: staff file PDFs and images; members read everything, others only what is public; a PDF
previews inline and its text is searchable; files are never reachable by a public URL."""

import pytest

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from home import services
from home.models import ArchiveCategory, ArchiveDocument
from tests.home.conftest import pdf_upload, png_upload, sub_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(world):
    """A private minutes PDF and a public notice image in A, and a private contract in B."""
    a, b = world.a, world.b
    minutes = services.archive_upload(
        community=a.community, actor=a.committee, title="2024年第三次业委会会议纪要", category=ArchiveCategory.MINUTES,
        year=2024, upload=pdf_upload("小区维修基金使用办法", "电梯更换 费用 120000 元"),
    )
    notice = services.archive_upload(
        community=a.community, actor=a.committee, title="停车场改造公告", category=ArchiveCategory.NOTICE, year=2023,
        upload=png_upload("notice.png"), is_public=True,
    )
    contract = services.archive_upload(
        community=b.community, actor=b.committee, title="碧水物业服务合同", category=ArchiveCategory.CONTRACT,
        year=2024, upload=pdf_upload("B-SECRET-CONTRACT"),
    )
    return minutes, notice, contract


def test_upload_stores_the_file_privately_with_its_extracted_text_and_an_audit_event(world, filed, private_files):
    minutes, notice, _contract = filed
    assert minutes.content_type == "application/pdf" and minutes.original_name == "纪要.pdf"
    assert "小区维修基金使用办法" in minutes.extracted_text
    assert notice.content_type == "image/png" and notice.extracted_text == ""
    assert private_files.exists(minutes.file.name)
    with pytest.raises(ValueError):
        minutes.file.url  # noqa: B018  (no public URL exists)
    event = AuditEvent.objects.get(action="home.archive.upload", object_id=str(minutes.pk))
    assert event.community == world.a.community and event.actor == world.a.committee
    assert event.summary == {"category": "minutes", "year": 2024, "is_public": False,
                             "content_type": "application/pdf", "size": minutes.size}


def test_a_member_sees_private_and_public_documents_grouped_by_category_and_year(world, filed, as_user):
    html = as_user(world.a.owner).get(sub_url(world.a.page, "archive")).content.decode()
    assert html.count('data-testid="archive-item"') == 2
    assert "2024年第三次业委会会议纪要" in html and "停车场改造公告" in html
    assert html.index("<h2>会议纪要</h2>") < html.index("<h2>公告</h2>")  # categories in their fixed order
    assert "碧水物业服务合同" not in html and "仅显示公开档案" not in html


@pytest.mark.parametrize("who", ["outsider", "anonymous", "b_owner"])
def test_a_non_member_sees_the_public_documents_only(world, filed, as_user, who):
    user = {"outsider": world.outsider, "anonymous": None, "b_owner": world.b.owner}[who]
    html = as_user(user).get(sub_url(world.a.page, "archive")).content.decode()
    assert html.count('data-testid="archive-item"') == 1
    assert "停车场改造公告" in html and "会议纪要" not in html.split('data-testid="archive-results"')[1]
    assert "仅显示公开档案" in html


@pytest.mark.parametrize("who", ["outsider", "anonymous", "b_owner", "b_committee"])
def test_a_private_document_is_a_404_for_non_members_on_detail_and_file(world, filed, as_user, who):
    user = {"outsider": world.outsider, "anonymous": None, "b_owner": world.b.owner,
            "b_committee": world.b.committee}[who]
    minutes = filed[0]
    client = as_user(user)
    assert client.get(sub_url(world.a.page, "archive_detail", minutes.pk)).status_code == 404
    assert client.get(sub_url(world.a.page, "archive_file", minutes.pk)).status_code == 404


def test_a_document_is_not_reachable_through_another_communitys_page(world, filed, as_user):
    contract = filed[2]
    client = as_user(world.a.owner)
    assert client.get(sub_url(world.a.page, "archive_detail", contract.pk)).status_code == 404
    assert client.get(sub_url(world.a.page, "archive_file", contract.pk)).status_code == 404
    # and B's own page refuses A's owner too: the contract is private
    assert client.get(sub_url(world.b.page, "archive_file", contract.pk)).status_code == 404


def test_a_public_document_is_open_to_anyone(world, filed, as_user):
    notice = filed[1]
    client = as_user(None)
    detail = client.get(sub_url(world.a.page, "archive_detail", notice.pk)).content.decode()
    file_url = sub_url(world.a.page, "archive_file", notice.pk)
    assert f'<img src="{file_url}"' in detail
    response = client.get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_pdf_preview_is_served_inline_as_application_pdf(world, filed, as_user):
    minutes = filed[0]
    client = as_user(world.a.owner)
    file_url = sub_url(world.a.page, "archive_file", minutes.pk)
    detail = client.get(sub_url(world.a.page, "archive_detail", minutes.pk)).content.decode()
    assert f'<iframe src="{file_url}"' in detail
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    download = client.get(file_url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment;")


def test_the_extracted_text_is_searchable_with_a_chinese_word(world, filed, as_user):
    client = as_user(world.a.owner)
    url = sub_url(world.a.page, "archive")
    html = client.get(url, {"q": "维修基金"}).content.decode()
    assert html.count('data-testid="archive-item"') == 1 and "2024年第三次业委会会议纪要" in html
    html = client.get(url, {"q": "电梯 120000"}).content.decode()  # every word must match
    assert html.count('data-testid="archive-item"') == 1
    html = client.get(url, {"q": "维修基金 停车"}).content.decode()
    assert 'data-testid="archive-empty"' in html and html.count('data-testid="archive-item"') == 0
    # A's private text never matches for a non-member
    html = as_user(world.outsider).get(url, {"q": "维修基金"}).content.decode()
    assert html.count('data-testid="archive-item"') == 0


def test_the_list_filters_by_category_and_year(world, filed, as_user):
    client = as_user(world.a.owner)
    url = sub_url(world.a.page, "archive")
    assert client.get(url, {"category": "notice"}).content.decode().count('data-testid="archive-item"') == 1
    assert client.get(url, {"year": "2024"}).content.decode().count('data-testid="archive-item"') == 1
    assert client.get(url, {"year": "2022"}).content.decode().count('data-testid="archive-item"') == 0
    # invalid filters are ignored
    assert client.get(url, {"category": "nope", "year": "x"}).content.decode().count(
        'data-testid="archive-item"') == 2


def test_the_archive_model_is_indexed_for_wagtail_search(world, filed):
    from wagtail.search import index

    fields = {field.field_name for field in ArchiveDocument.get_search_fields() if isinstance(field, index.SearchField)}
    assert fields == {"title", "extracted_text"}


def test_only_content_managers_of_the_community_may_upload(world):
    for actor in (world.a.owner, world.a.property_staff, world.b.committee, world.outsider):
        with pytest.raises(DomainError) as caught:
            services.archive_upload(community=world.a.community, actor=actor, title="X", category="other",
                                    year=2024, upload=pdf_upload("x"))
        assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert ArchiveDocument.objects.count() == 0
    assert not AuditEvent.objects.filter(action="home.archive.upload").exists()


def test_an_upload_that_is_not_a_pdf_or_an_image_is_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(DomainError) as caught:
        services.archive_upload(community=world.a.community, actor=world.a.committee, title="X", category="other",
                                year=2024, upload=fake)
    assert caught.value.code == ErrorCode.UPLOAD_INVALID
    assert caught.value.message == "档案文件格式不支持：只接受 JPG、PDF、PNG、WEBP。"
    assert ArchiveDocument.objects.count() == 0


def test_invalid_metadata_is_refused_with_the_field(world):
    cases = [({"title": " "}, "title"), ({"category": "diary"}, "category"), ({"year": 1800}, "year")]
    for override, field in cases:
        data = {"title": "纪要", "category": "minutes", "year": 2024, **override}
        with pytest.raises(DomainError) as caught:
            services.archive_upload(community=world.a.community, actor=world.a.committee, upload=pdf_upload("x"),
                                    **data)
        assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, field)


def test_making_a_document_public_opens_it_to_outsiders(world, filed, as_user):
    minutes = filed[0]
    url = sub_url(world.a.page, "archive_file", minutes.pk)
    assert as_user(world.outsider).get(url).status_code == 404
    services.archive_set_public(document=minutes, actor=world.a.committee, is_public=True)
    assert as_user(world.outsider).get(url).status_code == 200
    event = AuditEvent.objects.get(action="home.archive.set_public")
    assert event.summary == {"is_public": True}
    with pytest.raises(DomainError) as caught:
        services.archive_set_public(document=minutes, actor=world.b.committee, is_public=False)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert ArchiveDocument.objects.get(pk=minutes.pk).is_public is True


def test_private_files_live_outside_the_public_media_root(settings):
    from pathlib import Path

    from home.models import Bylaw
    from portal.storage import PrivateFileStorage, private_root

    root = private_root()
    assert root == Path(settings.BASE_DIR) / "var" / "test-private"  # portal/settings/test.py
    assert not root.is_relative_to(Path(settings.MEDIA_ROOT))
    settings.PRIVATE_MEDIA_ROOT = "/srv/private"
    assert private_root() == Path("/srv/private")
    for model in (ArchiveDocument, Bylaw):
        assert isinstance(model._meta.get_field("file").storage, PrivateFileStorage)
