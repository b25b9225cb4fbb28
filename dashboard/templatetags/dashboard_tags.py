"""Template helpers: times in IST, the SLA clock, names in the reader's language."""

from django import template
from django.utils import timezone
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import get_language, gettext as _

from complaints import dates, reasons

from ..labels import ACTION_LABELS, APPROVED_LABELS

register = template.Library()


@register.filter
def ist(value):
    return dates.ist(value)


@register.filter
def num(value):
    """A count as a figure to stand out, grouped in lakhs and crores (seva/formats): 12,34,567."""
    return format_html('<span class="num">{}</span>', intcomma(value))


@register.filter
def reason_text(value):
    """A reason stored as a message code (complaints.reasons) in the reader's language; older rows as stored."""
    return reasons.describe(value)


def _span(delta):
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": mins}
    return _("%(m)sm") % {"m": mins}


@register.simple_tag
def sla_clock(complaint, now=None):
    """The time left to the next deadline, or how long it is overdue; colour-coded, with the deadline."""
    due = complaint.sla_due_at
    if not due:
        return ""
    now = now or timezone.now()
    left = due - now
    if left.total_seconds() < 0:
        css, text = "sla sla-over", _("overdue %(span)s") % {"span": _span(left)}
    elif left.total_seconds() < 3600:
        css, text = "sla sla-soon", _("%(span)s left") % {"span": _span(left)}
    else:
        css, text = "sla sla-ok", _("%(span)s left") % {"span": _span(left)}
    return format_html('<span class="{}" title="{}">⏱ {}</span>', css, _("due %(at)s") % {"at": ist(due)}, text)


@register.filter
def action_label(action):
    return ACTION_LABELS.get(action, action.replace("_", " "))


@register.filter
def event_label(event):
    """An event's label on the timeline; a report approved by the supervising officer says so."""
    data = event.data if isinstance(event.data, dict) else {}
    if data.get("approved") and event.action in APPROVED_LABELS:
        return APPROVED_LABELS[event.action]
    return action_label(event.action)


def _hindi():
    return (get_language() or "").startswith("hi")


@register.filter
def local_name(obj):
    """A unit's, station's or category's name in the reader's language."""
    if obj is None:
        return ""
    if _hindi() and getattr(obj, "name_hi", ""):
        return obj.name_hi
    return getattr(obj, "name_en", str(obj))


@register.filter
def reply_text(reply):
    return reply.text_hi if _hindi() else reply.text_en


@register.filter
def status_css(status):
    return f"badge badge-{status}"


@register.filter
def status_label(status):
    from complaints.models import Status

    return Status(status).label if status in Status.values else status
