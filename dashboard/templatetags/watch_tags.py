"""Spikes in the watched words, for HQ's home page (the ingest side's volumes, through the bridge)."""

from django import template

from .. import ingest_bridge

register = template.Library()


@register.inclusion_tag("dashboard/_watch_spikes.html", takes_context=True)
def watch_spikes(context):
    request = context.get("request")
    module = ingest_bridge.module("watch_queue")
    if request is None or module is None:
        return {"spikes": []}
    return {"spikes": module.spikes(request.user)}
