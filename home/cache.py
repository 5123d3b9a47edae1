"""The community home's cache: the parts of a community's home that do not depend on who is looking.

The community's figures (`community_overview`), bylaws, the bulletin board, the carousel, the help page, the
live disclosures and notices, and the archive's document counts are read once per community and kept in
Django's cache as one bundle. Who is asking is never part of the bundle: the view checks membership live on
every request and then picks the members' or the public lists from it (`home.selectors.community_home_context`),
so a cached bundle cannot show members-only records to a visitor. The bundle is keyed by the community page, so
it never holds another community's records either.

Not cached: the community record itself (its name, address, committee and street, read with the page), membership
and role checks, the activation checklist and the inbox badge.

Invalidation. The key includes three tokens read from the database in one query (`HomeCacheToken`). Every write
that changes a cached part replaces one of them in its own transaction:

* "community:<pk>" — a bylaw, an archive document, a bulletin item or type of the community saved or deleted
  (services and the scoped admin's generic create/edit/delete alike; a platform-wide bulletin type: "site");
* "audit:<pk>" — any audited write in the community (`governance.audit.services.audit_record`). Every write of
  the registry (services, the roster import's bulk writes, the scoped admin) records an audit event in its
  transaction, so this is what keeps the figures true: buildings, units and verified ownerships change only
  that way (a factory or a shell writing registry rows directly must call `bump_audited` itself);
* "site" — any save, delete or move of a home page, a community page (its carousel, slug), a disclosure, a help
  page or a notice page, a carousel slide, an image (its renditions).

Tokens live in the database, not in the cache, so every worker process sees a new token once the write commits
(a per-process cache such as LocMemCache stays correct), a rolled-back write rolls its token back too, and a
reader that raced the write caches under the old token, which no request asks for again. The community's
creation time is in the key as well, so a community re-created under a reused primary key (as in rolled-back
tests) never meets an older community's entry.

Locks: a token row stays locked until its transaction ends, so the order matters. Home records take
"community:" before `audit_record` takes the community's audit chain; the audit receiver takes "audit:" after
it; pages take "site" first. Every transaction takes them in the order site, community, chain, audit, so two
writers never wait for each other in a circle. (That is why audited writes have their own token.)

Writes that bypass model signals (`QuerySet.update()`, `bulk_create`) on the home models must call `bump`
themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import get_language

from .models import HomeCacheToken

SITE = "site"
VERSION = 1  # of the bundle's shape: raise it when HomeBundle changes, so a deploy never unpickles an old one
TIMEOUT = 24 * 60 * 60  # entries under replaced tokens are never asked for again; they only need to expire


def community_scope(community_id) -> str:
    return f"community:{community_id}"


def audit_scope(community_id) -> str:
    return f"audit:{community_id}"


def bump(*scopes: str) -> None:
    """Replace the tokens of `scopes` (in the caller's transaction, when there is one)."""
    for scope in scopes:
        token = uuid.uuid4()
        if HomeCacheToken.objects.filter(scope=scope).update(token=token):
            continue
        _row, created = HomeCacheToken.objects.get_or_create(scope=scope, defaults={"token": token})
        if not created:  # another transaction created it first: ours must still be a new token
            HomeCacheToken.objects.filter(scope=scope).update(token=token)


def bump_community(community_id) -> None:
    bump(community_scope(community_id))


def bump_site() -> None:
    bump(SITE)


def bump_audited(community_id) -> None:
    bump(audit_scope(community_id))


@dataclass(frozen=True)
class HomeBundle:
    """What every visitor of one community's home sees alike; members get the `members_*` lists."""

    overview: object  # governance.registry.selectors.CommunityOverview
    bylaws: list
    bulletin: list
    carousel: list
    help_page: object
    public_disclosures: list
    members_disclosures: list
    members_notices: list
    public_documents: int
    members_documents: int


def build_bundle(page, community) -> HomeBundle:
    """Read the bundle from the database (the cache's fill, and the preview's source)."""
    from governance.registry.selectors import community_overview
    from home.models import ArchiveDocument, DisclosurePage
    from home.selectors import bulletin_board, bylaws_of, carousel_of, help_page_for, notice_pages

    disclosures = list(DisclosurePage.objects.child_of(page).live().defer_streamfields()
                       .order_by("-first_published_at", "-pk"))
    documents = ArchiveDocument.objects.filter(community=community).aggregate(
        total=Count("pk"), public=Count("pk", filter=Q(is_public=True)))
    return HomeBundle(
        overview=community_overview(community),
        bylaws=bylaws_of(community),
        bulletin=bulletin_board(community),
        carousel=carousel_of(page),
        help_page=help_page_for(page),
        public_disclosures=[disclosure for disclosure in disclosures if not disclosure.members_only],
        members_disclosures=disclosures,
        members_notices=notice_pages(page),
        public_documents=documents["public"],
        members_documents=documents["total"],
    )


def _key(page, community) -> str:
    from home.selectors import notice_page_models

    scopes = (SITE, community_scope(community.pk), audit_scope(community.pk))
    tokens = dict(HomeCacheToken.objects.filter(scope__in=scopes).values_list("scope", "token"))
    created = community.created_at.isoformat() if community.created_at else "-"
    notices = ",".join(sorted(model._meta.label_lower for model in notice_page_models()))  # a deploy may add one
    parts = [str(VERSION), str(page.pk), str(community.pk), created, get_language() or "-", notices]
    parts += [tokens[scope].hex if scope in tokens else "-" for scope in scopes]
    return "home:bundle:" + ":".join(parts)


def home_bundle(page, community) -> HomeBundle:
    """The cached bundle of `page` (one query for the tokens; the bundle's reads on a miss)."""
    key = _key(page, community)
    bundle = cache.get(key)
    if bundle is None:
        bundle = build_bundle(page, community)
        cache.set(key, bundle, TIMEOUT)
    return bundle


# --- invalidation on writes that do not go through a home service ------------------------------------
# Services of `home` write with `.save()`, so they are covered here too; `connect_signals` runs once, from
# `HomeConfig.ready`. Receivers are connected per model (never for every model: a receiver for all models
# would turn off Django's fast deletes everywhere).


def _bump_for_record(sender, instance, **kwargs) -> None:
    """A bylaw, an archive document, a bulletin item or type: its community's token (a platform-wide
    bulletin type: the site's)."""
    community_id = getattr(instance, "community_id", None)
    if community_id is None:
        bump_site()
    else:
        bump_community(community_id)


def _bump_site(sender, **kwargs) -> None:
    bump_site()


def _bump_for_audit_event(sender, instance, created, **kwargs) -> None:
    """An audited write in a community (run inside its transaction, after the audit chain's lock)."""
    if created and instance.community_id is not None:
        bump_audited(instance.community_id)


def _page_models() -> list:
    """The page classes whose rows the bundle holds or depends on (urls, titles, slides)."""
    from wagtail.models import get_page_models

    from .models import CommunityPage, DisclosurePage, HelpPage, HomePage

    own = (HomePage, CommunityPage, DisclosurePage, HelpPage)
    return [model for model in get_page_models() if issubclass(model, own) or getattr(model, "is_notice", False)]


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.images import get_image_model
    from wagtail.signals import post_page_move

    from governance.audit.models import AuditEvent

    from .models import ArchiveDocument, BulletinItem, BulletinType, Bylaw, CarouselItem

    for model in (Bylaw, ArchiveDocument, BulletinItem, BulletinType):
        post_save.connect(_bump_for_record, sender=model, dispatch_uid=f"home.cache.{model._meta.label}.save")
        post_delete.connect(_bump_for_record, sender=model, dispatch_uid=f"home.cache.{model._meta.label}.delete")
    for model in [*_page_models(), CarouselItem, get_image_model()]:
        post_save.connect(_bump_site, sender=model, dispatch_uid=f"home.cache.{model._meta.label}.save")
        post_delete.connect(_bump_site, sender=model, dispatch_uid=f"home.cache.{model._meta.label}.delete")
    post_page_move.connect(_bump_site, dispatch_uid="home.cache.page_move")  # paths and urls of a subtree
    post_save.connect(_bump_for_audit_event, sender=AuditEvent, dispatch_uid="home.cache.audit_event")
