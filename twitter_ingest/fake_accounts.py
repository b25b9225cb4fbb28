"""The simulated X's answers about accounts, for the account audit: users lookup by ids (GET /2/users)
and by usernames (GET /2/users/by), up to 100 a request, with unknown or suspended accounts in `errors[]`
beside the `data` found, as X does; and whom an account follows (GET /2/users/:id/following, up to 1,000
a page, pagination_token), rate-limited per route by fake_api like the rest.

A user's follows are kept in its record under "_following" (usernames); a record's keys that start with
"_" are never served. `seed_from_registry` puts the units' accounts on the simulated X, each as the
circular wants it unless told to get one wrong (for the demo, training and tests)."""

import base64
import re

VALID_USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")
DEFAULT_IMAGE = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"
LOGO = "https://pbs.twimg.com/profile_images/1500000000000000000/uppolice_logo_normal.jpg"
REQUIRED = ("CMOfficeUP", "UPGovt", "chiefsecyup", "homeDeptup", "Uppolice", "dgpup")
FAULTS = ("protected", "missing", "bad_name", "no_bio", "default_image", "not_following", "renamed")


def _problem(status, detail):
    titles = {400: "Invalid Request"}
    return {"title": titles.get(status, "Error"), "detail": detail, "type": "about:blank", "status": status}


def _not_found(value, parameter, suspended=False):
    kind = "ids" if parameter == "ids" else "usernames"
    if suspended:
        return {"value": value, "detail": f"User has been suspended: [{value}].", "title": "Forbidden",
                "resource_type": "user", "parameter": parameter, "resource_id": value,
                "type": "https://api.twitter.com/2/problems/resource-not-found"}
    return {"value": value, "detail": f"Could not find user with {kind}: [{value}].", "title": "Not Found Error",
            "resource_type": "user", "parameter": parameter, "resource_id": value,
            "type": "https://api.twitter.com/2/problems/resource-not-found"}


def _fields(query):
    return set(filter(None, query.get("user.fields", "").split(",")))


def answer(fake, route, path, query):
    """(status, body) for GET /2/users, /2/users/by and /2/users/:id/following."""
    with fake.lock:
        if route == "following":
            return following(fake, path.split("/")[3], query)
        return lookup(fake, "ids" if path == "/2/users" else "usernames", query)


def lookup(fake, parameter, query):
    values = [v for v in query.get(parameter, "").split(",") if v]
    if not values:
        return 400, _problem(400, f"The `{parameter}` query parameter can not be empty")
    if len(values) > 100:
        return 400, _problem(400, f"The number of values in the `{parameter}` query parameter list [{len(values)}] "
                                  "is not between 1 and 100")
    for value in values:
        if (parameter == "ids" and not value.isdigit()) or (parameter == "usernames"
                                                            and not VALID_USERNAME.fullmatch(value)):
            return 400, _problem(400, f"The `{parameter}` query parameter value [{value}] is not valid")
    fields, data, errors = _fields(query), [], []
    for value in values:
        user = fake.users.get(value) if parameter == "ids" else fake.user_by_name(value)
        if user is None or user.get("_suspended"):
            errors.append(_not_found(value, parameter, suspended=bool(user)))
        else:
            data.append(fake._shape_user(_public(user), fields))
    body = {}
    if data:
        body["data"] = data
    if errors:
        body["errors"] = errors
    return 200, body


def following(fake, user_id, query):
    size = query.get("max_results", "100")
    if not (size.isdigit() and 1 <= int(size) <= 1000):
        return 400, _problem(400, "The `max_results` query parameter value is not between 1 and 1000")
    user = fake.users.get(user_id)
    if user is None:
        return 200, {"errors": [_not_found(user_id, "id")]}
    follows = [fake.user_by_name(name) for name in user.get("_following", [])]
    follows = [u for u in follows if u is not None]
    token = query.get("pagination_token")
    start = int(base64.b32hexdecode(token.upper() + "=" * (-len(token) % 8)).decode()) if token else 0
    page = follows[start:start + int(size)]
    body = {"meta": {"result_count": len(page)}}
    if page:
        body["data"] = [fake._shape_user(_public(u), _fields(query)) for u in page]
    if start + int(size) < len(follows):
        body["meta"]["next_token"] = base64.b32hexencode(str(start + int(size)).encode()).decode().rstrip("=").lower()
    return 200, body


def _public(user):
    counts = {"followers_count": 1000, "following_count": len(user.get("_following", [])), "tweet_count": 100,
              "listed_count": 0}
    shown = {k: v for k, v in user.items() if not k.startswith("_")}
    shown.setdefault("public_metrics", counts)
    shown.setdefault("profile_image_url", DEFAULT_IMAGE)
    shown.setdefault("protected", False)
    shown.setdefault("verified", False)
    shown.setdefault("description", "")
    return shown


def seed_from_registry(fake, accounts, faults=None, required=REQUIRED, first_id=5000000000000000000):
    """Put `accounts` ([{"handle", "name", "unit_type"}]) on the simulated X as the circular wants them.
    `faults` maps a handle to one of FAULTS; without it the first accounts (by handle, state account
    aside) get one fault each, in FAULTS' order. Returns {handle: (fault, X user id)}; a renamed account
    is on X under its handle + "_UP", with the id it always had."""
    state = fake.state_username.lower()
    if faults is None:
        candidates = sorted((a["handle"] for a in accounts if a["handle"].lower() != state), key=str.lower)
        faults = dict(zip(candidates, FAULTS))
    with fake.lock:
        for n, handle in enumerate(required):
            if fake.user_by_name(handle) is None:
                fake.add_user({"id": str(first_id - 1 - n), "username": handle, "name": handle,
                               "verified": True, "verified_type": "government", "profile_image_url": LOGO,
                               "description": "Official account"})
        done = {}
        for n, account in enumerate(sorted(accounts, key=lambda a: a["handle"].lower())):
            handle, fault = account["handle"], faults.get(account["handle"])
            existing = fake.user_by_name(handle)
            user_id = existing["id"] if existing else str(first_id + n)
            name = account["name"] if "police" in account["name"].lower() else f"{account['name']} Police"
            user = {
                "id": user_id, "username": handle, "name": name, "verified": True, "verified_type": "government",
                "protected": False, "profile_image_url": LOGO, "created_at": "2016-08-20T10:00:00.000Z",
                "description": f"Official account of {account['name']}, UP Police. In an emergency dial 112.",
                "_following": [h for h in required if h.lower() != handle.lower()],
            }
            if fault == "missing":
                if existing is not None:
                    del fake.users[existing["id"]]
                done[handle] = (fault, "")
                continue
            if fault == "protected":
                user["protected"] = True
            elif fault == "bad_name":
                user["name"] = "Official Account"
            elif fault == "no_bio":
                user["description"] = ""
            elif fault == "default_image":
                user["profile_image_url"] = DEFAULT_IMAGE
            elif fault == "not_following":
                user["_following"] = [h for h in user["_following"] if h.lower() != state]
            elif fault == "renamed":
                user["username"] = f"{handle[:12]}_UP"
            fake.users[user_id] = user
            done[handle] = (fault or "", user_id)
    return done
