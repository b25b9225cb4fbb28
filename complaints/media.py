"""Photos and videos a citizen attached on X (Complaint.media): one shape for what is stored and what
is shown, and who is shown it.

Each item is {"media_key", "type", "url", "preview_image_url", "alt_text", "width", "height"}. Staff
open an item in a new tab; the dashboard never loads it by itself, so only addresses on X's own media
hosts are kept (a javascript: or look-alike address must never reach a link). The media objects exactly
as X sent them stay in the mention's raw JSON, the evidence."""

import re

from . import scoping

TYPES = ("photo", "video", "animated_gif")
FIELDS = ("media_key", "type", "url", "preview_image_url", "alt_text", "width", "height")
_URL = re.compile(r"^https://(?:pbs|video)\.twimg\.com/[^\s\"'<>\\]{1,500}$")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_media_url(value) -> bool:
    return isinstance(value, str) and bool(_URL.match(value))


def clean(obj):
    """One media object (X's shape, or a stored item) as a stored item; None when it is not a photo,
    video or GIF with a key."""
    if not isinstance(obj, dict) or obj.get("type") not in TYPES or not isinstance(obj.get("media_key"), str):
        return None
    item = {"media_key": obj["media_key"][:64], "type": obj["type"]}
    for name in ("url", "preview_image_url"):
        item[name] = obj[name] if is_media_url(obj.get(name)) else ""
    alt = obj.get("alt_text")
    item["alt_text"] = _UNSTORABLE.sub("\ufffd", alt)[:1000] if isinstance(alt, str) else ""
    for name in ("width", "height"):
        value = obj.get(name)
        item[name] = value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
    return item


def clean_all(objects):
    return [item for item in map(clean, objects if isinstance(objects, list) else []) if item]


def visible_media(user, complaint):
    """The complaint's media for this viewer: none at all for one who may not see the complaint (a
    restricted complaint of another unit), whatever page or endpoint asks."""
    if not complaint.media or not scoping.can_see(user, complaint):
        return []
    return clean_all(complaint.media)
