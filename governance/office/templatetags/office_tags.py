from django import template

from governance.office import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    """{% load office_tags %}{% inbox_unread_count as unread %}: the signed-in user's unread in-site messages."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return selectors.inbox_unread_count(user) if user is not None else 0
