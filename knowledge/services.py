"""Writes of the knowledge area: the two index pages and published articles."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page

from home.editorial import moderators_page_permissions_sync

from .models import ArticlePage, KnowledgeIndexPage, LegalAidIndexPage, Section

KNOWLEDGE_HOME_TITLE = "知识社区"
LEGAL_AID_TITLE = "普法阵地"


def _ensure_index(model, *, title: str, slug: str):
    from home.services import ensure_site_root

    page = model.objects.first()
    if page is not None:
        return page
    home = ensure_site_root()
    page = model(title=title, slug=_free_slug(home, slug))
    home.add_child(instance=page)
    page.save_revision().publish()
    moderators_page_permissions_sync()
    return model.objects.get(pk=page.pk)


@transaction.atomic
def ensure_knowledge_home() -> KnowledgeIndexPage:
    """The 知识社区 page under the site root; created (and published) when missing. Idempotent."""
    return _ensure_index(KnowledgeIndexPage, title=KNOWLEDGE_HOME_TITLE, slug="knowledge")


@transaction.atomic
def ensure_legal_aid_home() -> LegalAidIndexPage:
    """The 普法阵地 page under the site root; created (and published) when missing. Idempotent."""
    return _ensure_index(LegalAidIndexPage, title=LEGAL_AID_TITLE, slug="legal-aid")


def section_home(section: str) -> Page:
    return ensure_legal_aid_home() if section == Section.LEGAL else ensure_knowledge_home()


def _free_slug(parent: Page, wanted: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(wanted, allow_unicode=True)[:70] or "article"
    taken = set(parent.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass
class ArticleData:
    """What an article is made of, whatever it was parsed from."""

    title: str
    section: str
    tier: str
    kind: str
    body: list[dict] = field(default_factory=list)  # raw StreamField data: [{"type": ..., "value": ...}]
    summary: str = ""
    tags: list[str] = field(default_factory=list)


@transaction.atomic
def article_publish(*, data: ArticleData, user=None) -> tuple[ArticlePage, bool]:
    """Create or update (matched by title within its section's home) a published ArticlePage.

    Returns (page, created). An update saves and publishes a new revision."""
    parent = section_home(data.section)
    page = ArticlePage.objects.descendant_of(parent).filter(title=data.title).order_by("pk").first()
    created = page is None
    if created:
        page = ArticlePage(title=data.title, slug=_free_slug(parent, data.title))
    page.tier = data.tier
    page.kind = data.kind
    page.summary = data.summary[:300]
    page.body = json.dumps(data.body, ensure_ascii=False)
    page.tags.set(data.tags, clear=True)
    if created:
        parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    page = ArticlePage.objects.get(pk=page.pk)
    return page, created


def article_import(*, parsed, user=None) -> tuple[ArticlePage, bool]:
    """Publish a parsed Markdown article (see knowledge.importing): attachments become documents
    (text extracted for search) in 文书模板 blocks, `case` a 案例 block, `video` a 微课 block."""
    from .documents import document_attach

    blocks = []
    if parsed.case:
        blocks.append({"type": "case_facts", "value": parsed.case})
    blocks.extend(parsed.blocks)
    for attachment in parsed.attachments:
        document = document_attach(path=attachment.path, title=attachment.title, user=user)
        blocks.append(
            {
                "type": "template_document",
                "value": {"title": attachment.title, "document": document.pk, "description": attachment.description},
            }
        )
    if parsed.video:
        blocks.append({"type": "video_lesson", "value": {**parsed.video, "document": None}})
    data = ArticleData(
        title=parsed.title, section=parsed.section, tier=parsed.tier, kind=parsed.kind,
        body=blocks, summary=parsed.summary, tags=parsed.tags,
    )
    return article_publish(data=data, user=user)
