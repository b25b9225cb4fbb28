"""The Dial 112 hand-off on a complaint's page: the words to read out, and the hand-offs already recorded."""

from django import template

from complaints import dial112

register = template.Library()


@register.simple_tag
def dial112_script(complaint):
    return dial112.script(complaint)


@register.simple_tag
def handed_112(complaint):
    """The recorded hand-offs of this complaint to Dial 112, newest first."""
    return list(complaint.events.filter(action="hand_to_112").order_by("-created_at", "-id"))
