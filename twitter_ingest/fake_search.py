"""Recent search for the simulated X API (fake_api): GET /2/tweets/search/recent and
GET /2/tweets/counts/recent.

The operators the watches use: words, "quoted phrases", OR, parentheses, -negation (not of a group, as on
X), lang:, is:retweet, from:. Spaces are AND and bind tighter than OR. Words match whole words, any case;
a phrase matches the words in order. Posts of the last 7 days; since_id/until_id win over
start_time/end_time; max_results 10..100 (default 10); newest first with next_token paging. A query longer
than QUERY_LIMIT characters (512 for self-serve recent search) is a 400 in X's invalid-request shape. A
post without a lang gets "hi" when it has Devanagari, else "en" (X detects the language itself)."""

import re
import unicodedata
from datetime import timedelta

QUERY_LIMIT = 512
WINDOW = timedelta(days=7)
_WORD = re.compile(r"[\w\u0900-\u097f]+")
_TOKEN = re.compile(r'\s*(\(|\)|-?"[^"]*"|-?[^\s()"]+)')
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")


class QuerySyntaxError(ValueError):
    pass


def _norm(text):
    return unicodedata.normalize("NFC", text).casefold()


def words_of(text):
    return _WORD.findall(_norm(text or ""))


def parse(query):
    """The query as a tree: ("or", [..]) | ("and", [..]) | ("not", node) | ("phrase", words) | ("op", k, v)."""
    tokens = [m.group(1) for m in _TOKEN.finditer(query) if m.group(1).strip()]
    pos = [0]

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None

    def take():
        pos[0] += 1
        return tokens[pos[0] - 1]

    def expr():
        branches = [conj()]
        while peek() == "OR":
            take()
            branches.append(conj())
        return branches[0] if len(branches) == 1 else ("or", branches)

    def conj():
        parts = []
        while peek() not in (None, ")", "OR"):
            parts.append(unary())
        if not parts:
            raise QuerySyntaxError("empty group or dangling OR")
        return parts[0] if len(parts) == 1 else ("and", parts)

    def unary():
        token = take()
        if token == "(":
            node = expr()
            if peek() != ")":
                raise QuerySyntaxError("unbalanced parentheses")
            take()
            return node
        if token == "-(":
            raise QuerySyntaxError("grouped operators cannot be negated")
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        if body.startswith('"'):
            node = ("phrase", tuple(words_of(body.strip('"'))))
        elif ":" in body and not body.startswith("http"):
            key, _, value = body.partition(":")
            node = ("op", key.lower(), value.lower())
        else:
            node = ("phrase", tuple(words_of(body)))
        return ("not", node) if negated else node

    if not tokens:
        raise QuerySyntaxError("empty query")
    if re.search(r"(^|\s)-\(", query):
        raise QuerySyntaxError("grouped operators cannot be negated")
    tree = expr()
    if peek() is not None:
        raise QuerySyntaxError("unbalanced parentheses")
    if not _standalone(tree):
        raise QuerySyntaxError("a query needs at least one word or phrase that is not negated")
    return tree


def _standalone(node):
    kind = node[0]
    if kind == "phrase":
        return True
    if kind in ("and", "or"):
        return any(_standalone(n) for n in node[1])
    if kind == "op":
        return node[1] == "from"
    return False


def lang_of(tweet):
    return tweet.get("lang") or ("hi" if _DEVANAGARI.search(tweet.get("text", "")) else "en")


def matches(node, tweet, author_name="", words=None):
    words = words if words is not None else words_of(tweet.get("text", ""))
    kind = node[0]
    if kind == "or":
        return any(matches(n, tweet, author_name, words) for n in node[1])
    if kind == "and":
        return all(matches(n, tweet, author_name, words) for n in node[1])
    if kind == "not":
        return not matches(node[1], tweet, author_name, words)
    if kind == "phrase":
        phrase = node[1]
        if not phrase:
            return False
        n = len(phrase)
        return any(tuple(words[i:i + n]) == phrase for i in range(len(words) - n + 1))
    _, key, value = node
    if key == "lang":
        return lang_of(tweet) == value
    if key == "is" and value == "retweet":
        return any(r.get("type") == "retweeted" for r in tweet.get("referenced_tweets", []))
    if key == "from":
        return author_name.lower() == value.lstrip("@")
    return False


def invalid(message, query):
    """X's shape for a request parameter it refuses (tweepy raises BadRequest and reads `message`)."""
    return {"errors": [{"parameters": {"query": [query]}, "message": message}], "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"}


def _found(fake, query_args):
    """(status, error body or None, matching tweets newest first)."""
    from .fake_api import parse_time

    query = query_args.get("query", "")
    if not query:
        return 400, invalid("The `query` query parameter can not be empty", query), []
    if len(query) > QUERY_LIMIT:
        return 400, invalid(f"The `query` query parameter value [{query[:40]}…] is not valid: its length "
                            f"{len(query)} is over the limit of {QUERY_LIMIT} characters", query), []
    try:
        tree = parse(query)
    except QuerySyntaxError as exc:
        return 400, invalid(f"There were errors processing your request: {exc}", query), []
    now = fake.now()
    oldest = now - WINDOW
    found = []
    for tweet in fake.tweets.values():
        if tweet["id"] in fake.deleted or tweet["id"] in fake.superseded:
            continue
        created = parse_time(tweet["created_at"])
        if created < oldest or created > now:
            continue
        author = fake.users.get(tweet.get("author_id"), {}).get("username", "")
        if matches(tree, tweet, author):
            found.append(tweet)
    since, until = query_args.get("since_id"), query_args.get("until_id")
    if since:
        found = [t for t in found if int(t["id"]) > int(since)]
    elif query_args.get("start_time"):
        start = parse_time(query_args["start_time"])
        if start < oldest:
            return 400, invalid("Invalid 'start_time': must be within the last 7 days", query), []
        found = [t for t in found if parse_time(t["created_at"]) >= start]
    if until:
        found = [t for t in found if int(t["id"]) < int(until)]
    elif query_args.get("end_time"):
        end = parse_time(query_args["end_time"])
        found = [t for t in found if parse_time(t["created_at"]) <= end]
    found.sort(key=lambda t: int(t["id"]), reverse=True)
    return 200, None, found


def search(fake, query_args):
    """(status, body) of GET /2/tweets/search/recent."""
    from .fake_api import _token, _untoken

    size = query_args.get("max_results")
    if size is not None and not (size.isdigit() and 10 <= int(size) <= 100):
        return 400, invalid("The `max_results` query parameter value is not between 10 and 100", size)
    with fake.lock:
        status, error, found = _found(fake, query_args)
        if error:
            return status, error
        token = query_args.get("next_token") or query_args.get("pagination_token")
        if token:
            below = int(_untoken(token))
            found = [t for t in found if int(t["id"]) < below]
        size = int(size or 10)
        page, rest = found[:size], found[size:]
        body = {"meta": {"result_count": len(page)}}
        if not page:
            return 200, body
        fields = set(filter(None, query_args.get("tweet.fields", "").split(",")))
        body["data"] = [fake._shape_tweet(t, fields) for t in page]
        if "lang" in fields:
            for shaped, tweet in zip(body["data"], page):
                shaped["lang"] = lang_of(tweet)
        body["meta"].update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if rest:
            body["meta"]["next_token"] = _token(page[-1]["id"])
        if "author_id" in set(filter(None, query_args.get("expansions", "").split(","))):
            user_fields = set(filter(None, query_args.get("user.fields", "").split(",")))
            users = {t["author_id"]: fake.users[t["author_id"]] for t in page if t.get("author_id") in fake.users}
            if users:
                body["includes"] = {"users": [fake._shape_user(u, user_fields) for u in users.values()]}
        return 200, body


def counts(fake, query_args):
    """(status, body) of GET /2/tweets/counts/recent: posts per day (granularity=day) or hour."""
    with fake.lock:
        status, error, found = _found(fake, query_args)
    if error:
        return status, error
    hourly = query_args.get("granularity", "hour") == "hour"
    buckets = {}
    for tweet in found:
        at = tweet["created_at"]
        key = at[:13] + ":00:00.000Z" if hourly else at[:10] + "T00:00:00.000Z"
        buckets[key] = buckets.get(key, 0) + 1
    data = [{"start": k, "end": k, "tweet_count": v} for k, v in sorted(buckets.items())]
    return 200, {"data": data, "meta": {"total_tweet_count": len(found)}}
