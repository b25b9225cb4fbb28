from django import template

from districts.phones import show_cug

register = template.Library()


@register.filter
def cug(value):
    """A stored CUG number (+919454405120) as people read it: +91 94544 05120."""
    return show_cug(value) if value else ""
