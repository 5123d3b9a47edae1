"""Keeping the page tree in step with the registry: a site root and one page per community."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import CommunityPage, HomePage


@transaction.atomic
def ensure_site_root() -> HomePage:
    """Make a HomePage the default site's root, replacing Wagtail's welcome page. Idempotent."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:  # a flushed database (e.g. after transactional tests) has no tree at all
            Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
        for child in root.get_children():
            if type(child.specific) is Page and child.slug == "home":
                child.delete()
        root = Page.objects.get(pk=root.pk)
        home = root.add_child(instance=HomePage(title="小区治理", slug="home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="小区治理")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


@transaction.atomic
def ensure_community_page(community) -> CommunityPage:
    page = CommunityPage.objects.filter(community=community).first()
    if page is not None:
        return page
    home = ensure_site_root()
    page = CommunityPage(title=community.name, slug=community.code, community=community)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
