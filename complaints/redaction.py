"""Codes of complaints a login may not see, wherever another complaint refers to them: its duplicate_of,
a merge's "into", a re-filing's "filed_as" (the complaint filed again for the same tweet). What a login
may see is scoping's decision; this module only removes the rest from what it reads, so that a
restricted complaint's code and existence do not leak through a complaint that is visible."""

from . import scoping

# Event data keys whose value is the tracking code of another complaint.
CODE_KEYS = ("into", "filed_as")


def referenced_codes(complaints=(), events=()):
    """The codes of other complaints that these complaints (duplicate_of) and events refer to."""
    codes = {c.duplicate_of.tracking_code for c in complaints if c.duplicate_of_id}
    codes.update(event.data.get(key) for event in events if isinstance(event.data, dict) for key in CODE_KEYS)
    return codes


def hidden_codes(user, codes) -> frozenset:
    """The codes, among `codes`, of complaints the user may not see (one query; none when empty)."""
    codes = {code for code in codes if code}
    if not codes:
        return frozenset()
    seen = scoping.visible_complaints(user).filter(tracking_code__in=codes).values_list("tracking_code", flat=True)
    return frozenset(codes - set(seen))


def scrub(data, hidden):
    """Event data without the codes in `hidden`."""
    if not isinstance(data, dict) or not any(data.get(key) in hidden for key in CODE_KEYS):
        return data
    return {key: value for key, value in data.items() if not (key in CODE_KEYS and value in hidden)}


def without_codes(data):
    """Event data without any other complaint's code (where the reader cannot be asked about each)."""
    if not isinstance(data, dict):
        return data
    return {key: value for key, value in data.items() if key not in CODE_KEYS}
