"""{% load home_tags %}: template helpers of the community pages."""

from django import template
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def subpage_url(context, page, url_name, *args):
    """Wagtail's `{% routablepageurl page "name" args %}`, with the page's own URL worked out once per request
    (a community home links a dozen of its routes)."""
    request = context["request"]
    bases = request.__dict__.setdefault("_home_page_urls", {})
    base = bases.get(page.pk)
    if base is None:
        base = page.relative_url(Site.find_for_request(request), request)
        if not base.endswith("/"):
            base += "/"
        bases[page.pk] = base
    return base + page.reverse_subpage(url_name, args=args)
