"""Each tweet's JSON exactly as X sent it, cut out of the HTTP response body, and a SHA-256 over those
bytes. A hash over a re-serialisation (json.dumps of the parsed dict) proves nothing about what X
served: key order, escapes and number formats change on the way. The body is read once more, only to
find where each tweet object of `data` and `includes.tweets` starts and ends; a body that is valid
UTF-8 decodes and encodes back to the same bytes, so the slice is the received bytes themselves."""

import hashlib
import json

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tweet_bytes(body: bytes) -> dict:
    """{tweet id: the bytes of its object as received}, for the tweets of `data` and `includes.tweets`;
    {} for a body that is not a JSON object in UTF-8 (the caller then keeps a re-serialised copy)."""
    try:
        text = body.decode("utf-8")
        found = {}
        for key, start, end in _members(text, 0):
            if key == "data":
                _collect(text, start, end, found)
            elif key == "includes" and text[start] == "{":
                for inner, s, e in _members(text, start):
                    if inner == "tweets":
                        _collect(text, s, e, found, keep_first=True)
        return found
    except (UnicodeDecodeError, ValueError, IndexError):
        return {}


def event_payload_bytes(line: bytes):
    """The bytes of data.payload in one Activity API stream line as received, or None."""
    try:
        text = line.decode("utf-8")
        for key, start, end in _members(text, 0):
            if key == "data" and text[start] == "{":
                for inner, s, e in _members(text, start):
                    if inner == "payload" and text[s] == "{":
                        return text[s:e].encode("utf-8")
    except (UnicodeDecodeError, ValueError, IndexError):
        pass
    return None


def _skip(text, i):
    while i < len(text) and text[i] in _SPACE:
        i += 1
    return i


def _members(text, i):
    """(key, value start, value end) of the object that starts at text[i] (after any whitespace)."""
    i = _skip(text, i)
    if text[i] != "{":
        raise ValueError("not an object")
    i = _skip(text, i + 1)
    if text[i] == "}":
        return
    while True:
        key, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if text[i] != ":":
            raise ValueError("expected ':'")
        start = _skip(text, i + 1)
        _, end = _DECODER.raw_decode(text, start)
        yield key, start, end
        i = _skip(text, end)
        if text[i] == "}":
            return
        if text[i] != ",":
            raise ValueError("expected ','")
        i = _skip(text, i + 1)


def _collect(text, start, end, found, keep_first=False):
    """The elements of the array (or the single object) at text[start:end]."""
    if text[start] == "{":
        _keep(text, start, end, found, keep_first)
        return
    if text[start] != "[":
        return
    i = _skip(text, start + 1)
    while i < end and text[i] != "]":
        value, stop = _DECODER.raw_decode(text, i)
        if isinstance(value, dict):
            _keep(text, i, stop, found, keep_first, value)
        i = _skip(text, stop)
        if text[i] == ",":
            i = _skip(text, i + 1)


def _keep(text, start, end, found, keep_first, value=None):
    value = value if value is not None else json.loads(text[start:end])
    tweet_id = value.get("id")
    if isinstance(tweet_id, (str, int)) and not isinstance(tweet_id, bool):
        if keep_first and str(tweet_id) in found:
            return  # a tweet served as data is kept from there, not from another tweet's includes
        found[str(tweet_id)] = text[start:end].encode("utf-8")
