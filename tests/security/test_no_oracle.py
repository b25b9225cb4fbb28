"""No existence oracle for restricted complaints. Whoever may not see a complaint gets, on every path that
names it by code or by tweet, exactly the answer a complaint that does not exist gets (status, body,
headers), and nothing changes: API create and dashboard intake and admin add with its tweet, merge into
its code from the API, the dashboard and the admin, lookups and actions by code, and the complaints that
refer to it (a duplicate merged into it). A tweet filed again that way is a re-filing HQ supervisors
see and resolve."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints import codes, lifecycle
from complaints.models import Complaint, Event, Status
from tests.ingest.conftest import fake_x  # noqa: F401  (the simulated X API, for intake that fetches)
from twitter_ingest import fake_api
from twitter_ingest.models import Mention

pytestmark = pytest.mark.django_db

HIDDEN_TWEET, NEW_TWEET = "1862100000000000001", "1862100000000000002"
# What differs between any two requests or any two new rows, whatever is asked: CSRF tokens, script
# nonces, row ids, times.
VARYING = [(re.compile(p), r) for p, r in (
    (r'csrfmiddlewaretoken" value="[^"]+', "<csrf>"), (r"nonce-[A-Za-z0-9+/=_-]+", "<nonce>"),
    (r'nonce="[^"]+', "<nonce>"), (r"csrftoken=[^;]+", "<csrf>"), (r'"(id|message_id)":\d+', '"id":<n>'),
    (r"/complaint/\d+/", "/complaint/<pk>/"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+05:30|\d{1,2} \w{3} \d{4}, \d\d:\d\d IST", "<time>"))]


@pytest.fixture(autouse=True)
def clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def secret(forwarded):
    """A restricted complaint (an offence against a child): HQ supervisors see it, operators and cells do not."""
    return forwarded("meerut", is_restricted=True, source_tweet_id=HIDDEN_TWEET,
                     text="Mere bachche ke saath school mein chhedchhad hui")


@pytest.fixture
def unknown_code(secret):
    code = codes.generate()
    assert not Complaint.objects.filter(tracking_code=code).exists()
    return code


def api_as(user):
    client = APIClient()
    client.force_login(user)
    return client


def web_as(user):
    client = Client()
    client.force_login(user)
    return client


def normalised(text, replacements):
    for old, new in replacements.items():
        text = text.replace(old, new)
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return text


def answer(response, **replacements):
    """Status, headers, body and flashed messages, with what differs between any two requests blanked
    and the given strings (the code or tweet asked about, a new complaint's code) replaced."""
    headers = {k: normalised(v, replacements) for k, v in response.items()
               if k not in ("Content-Length", "X-Request-ID", "Expires")}
    body = normalised(response.content.decode(), replacements)
    messages = [normalised(str(m), replacements) for m in get_messages(response.wsgi_request)]
    return response.status_code, headers, body, messages


def snapshot():
    return (list(Complaint.objects.order_by("pk").values_list("pk", "status", "version", "duplicate_of_id")),
            Event.objects.count(), Mention.objects.count())


# ---------------------------------------------------------------- filing a tweet already filed

def test_api_create_with_a_hidden_complaints_tweet_answers_as_for_a_new_tweet(secret, hq_operator, hq):
    client = api_as(hq_operator)
    body = {"text": "Tweet typed in by hand", "channel": "x"}
    hidden = client.post("/api/v1/complaints/", {**body, "source_tweet_id": HIDDEN_TWEET}, format="json")
    new = client.post("/api/v1/complaints/", {**body, "source_tweet_id": NEW_TWEET}, format="json")
    refiled, filed = (Complaint.objects.get(tracking_code=r.json()["tracking_code"]) for r in (hidden, new))
    assert hidden.status_code == 201 and hidden.json()["source_tweet_id"] == HIDDEN_TWEET
    assert answer(hidden, **{refiled.tracking_code: "<code>", HIDDEN_TWEET: "<tweet>"}) \
        == answer(new, **{filed.tracking_code: "<code>", NEW_TWEET: "<tweet>"})
    assert secret.tracking_code not in hidden.content.decode()
    # The operator reads their complaint like any other; the first filing keeps the tweet and its thread.
    again = client.get(f"/api/v1/complaints/{refiled.tracking_code}/")
    assert again.json()["source_tweet_id"] == HIDDEN_TWEET and secret.tracking_code not in again.content.decode()
    secret_now = Complaint.objects.get(pk=secret.pk)
    assert (secret_now.source_tweet_id, secret_now.status, secret_now.version) == (
        HIDDEN_TWEET, secret.status, secret.version)
    assert refiled.same_tweet_as == secret and refiled.source_tweet_id is None
    clash = secret_now.events.get(action="filed_again")
    assert clash.data == {"filed_as": refiled.tracking_code, "tweet_id": HIDDEN_TWEET} and clash.actor == hq_operator
    # A second attempt is told about the first, as it would be for a tweet nobody else had filed.
    twice_hidden = client.post("/api/v1/complaints/", {**body, "source_tweet_id": HIDDEN_TWEET}, format="json")
    twice_new = client.post("/api/v1/complaints/", {**body, "source_tweet_id": NEW_TWEET}, format="json")
    assert answer(twice_hidden, **{refiled.tracking_code: "<code>"}) == \
        answer(twice_new, **{filed.tracking_code: "<code>"})
    assert twice_hidden.status_code == 409 and twice_hidden.json()["existing"] == refiled.tracking_code
    # Whoever sees the first filing is told about it.
    supervisor = api_as(hq).post("/api/v1/complaints/", {**body, "source_tweet_id": HIDDEN_TWEET}, format="json")
    assert supervisor.status_code == 409 and supervisor.json()["existing"] == secret.tracking_code


def test_hq_supervisors_see_and_resolve_the_refiling(secret, hq_operator, hq):
    api_as(hq_operator).post("/api/v1/complaints/", {"text": "Typed in", "channel": "x",
                                                     "source_tweet_id": HIDDEN_TWEET}, format="json")
    refiled = Complaint.objects.get(same_tweet_as=secret)
    inbox = web_as(hq).get(reverse("dashboard:inbox")).content.decode()
    card = inbox[inbox.index('id="refilings"'):]
    assert refiled.tracking_code in card and secret.tracking_code in card
    page = web_as(hq).get(reverse("dashboard:complaint", args=[secret.tracking_code])).content.decode()
    assert refiled.tracking_code in page[page.index('id="timeline"'):]
    operator_inbox = web_as(hq_operator).get(reverse("dashboard:inbox")).content.decode()
    assert 'id="refilings"' not in operator_inbox and secret.tracking_code not in operator_inbox
    operator_page = web_as(hq_operator).get(reverse("dashboard:complaint", args=[refiled.tracking_code]))
    assert operator_page.status_code == 200 and secret.tracking_code not in operator_page.content.decode()
    lifecycle.merge(refiled, secret, actor=hq)
    assert 'id="refilings"' not in web_as(hq).get(reverse("dashboard:inbox")).content.decode()


def test_dashboard_intake_with_a_hidden_complaints_tweet_answers_as_for_a_new_tweet(secret, hq_operator):
    form = {"channel": "x", "text": "Typed from the tweet"}
    hidden = web_as(hq_operator).post("/intake/", {**form, "tweet_url": f"https://x.com/someone/status/{HIDDEN_TWEET}"})
    new = web_as(hq_operator).post("/intake/", {**form, "tweet_url": f"https://x.com/someone/status/{NEW_TWEET}"})
    refiled, filed = Complaint.objects.get(same_tweet_as=secret), Complaint.objects.get(source_tweet_id=NEW_TWEET)
    assert hidden.status_code == 302
    assert answer(hidden, **{refiled.tracking_code: "<code>"}) == answer(new, **{filed.tracking_code: "<code>"})
    page = web_as(hq_operator).get(hidden["Location"]).content.decode()
    assert f"/status/{HIDDEN_TWEET}" in page and secret.tracking_code not in page


class WithTweetLookup(fake_api.Handler):
    """The simulated X API plus GET /2/tweets/:id, the lookup manual intake makes (tweepy's get_tweet)."""

    def _answer(self, route, method, path, query):
        match = re.fullmatch(r"/2/tweets/(\d+)", path)
        tweet = self.fake.tweets.get(match.group(1)) if match and method == "GET" else None
        if tweet is None:
            return super()._answer(route, method, path, query)
        author = self.fake.users[tweet["author_id"]]
        fields = set(filter(None, query.get("tweet.fields", "").split(",")))
        return 200, {"data": self.fake._shape_tweet(tweet, fields),
                     "includes": {"users": [self.fake._shape_user(author, {"username", "name", "location"})]}}


def test_dashboard_intake_fetching_a_hidden_complaints_tweet_answers_as_for_a_restricted_new_tweet(
        secret, hq_operator, fake_x):  # noqa: F811
    """With X readable, a pasted link alone is fetched and filed through ingest. A tweet filed as a
    complaint the operator may not see is not fetched (nothing is asked of X, nothing recorded) and gets
    the answer a tweet nobody filed gets when ingest files it as restricted: the operator is told to
    type it in, and never sent to a page that would answer "not found"."""
    fake_x.httpd.RequestHandlerClass = WithTweetLookup
    fake_x.fake.add_tweet({"id": HIDDEN_TWEET, "author": "citizen_a", "text": secret.text})
    fake_x.fake.add_tweet({"id": NEW_TWEET, "author": "citizen_b",
                           "text": "@Uppolice meri beti ke saath bazaar mein chhedchhad hui, madad karein"})
    before = snapshot()
    hidden = web_as(hq_operator).post("/intake/", {"channel": "x",
                                                   "tweet_url": f"https://x.com/someone/status/{HIDDEN_TWEET}"})
    assert snapshot() == before
    assert not [r for r in fake_x.fake.requests if HIDDEN_TWEET in r[1]]
    new = web_as(hq_operator).post("/intake/", {"channel": "x",
                                                "tweet_url": f"https://x.com/someone/status/{NEW_TWEET}"})
    assert Complaint.objects.get(source_tweet_id=NEW_TWEET).is_restricted  # fetched and filed now, by ingest
    assert hidden.status_code == 400
    assert answer(hidden, **{HIDDEN_TWEET: "<tweet>"}) == answer(new, **{NEW_TWEET: "<tweet>"})


def test_admin_add_with_a_hidden_complaints_tweet_answers_as_for_a_new_tweet(secret, hq_operator):
    url = reverse("admin:complaints_complaint_add")
    form = {"channel": "x", "text": "Typed in the admin", "priority": "normal", "language": "", "author_username": "",
            "author_name": "", "author_contact": "", "tweeted_at_0": "", "tweeted_at_1": "", "category": ""}
    hidden = web_as(hq_operator).post(url, {**form, "source_tweet_id": HIDDEN_TWEET})
    new = web_as(hq_operator).post(url, {**form, "source_tweet_id": NEW_TWEET})
    refiled, filed = Complaint.objects.get(same_tweet_as=secret), Complaint.objects.get(source_tweet_id=NEW_TWEET)
    assert hidden.status_code == 302
    assert answer(hidden, **{refiled.tracking_code: "<code>"}) == answer(new, **{filed.tracking_code: "<code>"})


# ---------------------------------------------------------------- merging into a code

def test_api_merge_into_a_hidden_complaint_is_refused_as_an_unknown_code(secret, unknown_code, make_complaint,
                                                                          hq_operator):
    complaint, client = make_complaint(), api_as(hq_operator)
    url = f"/api/v1/complaints/{complaint.tracking_code}/merge/"
    before = snapshot()
    hidden = client.post(url, {"into": secret.tracking_code}, format="json")
    unknown = client.post(url, {"into": unknown_code}, format="json")
    assert hidden.status_code == 400 and answer(hidden) == answer(unknown)
    assert snapshot() == before


def test_dashboard_merge_into_a_hidden_complaint_is_refused_as_an_unknown_code(secret, unknown_code, make_complaint,
                                                                               hq_operator):
    complaint = make_complaint()
    url = reverse("dashboard:act", args=[complaint.tracking_code, "merge"])
    before = snapshot()
    hidden = web_as(hq_operator).post(url, {"into": secret.tracking_code, "version": complaint.version})
    unknown = web_as(hq_operator).post(url, {"into": unknown_code, "version": complaint.version})
    assert hidden.status_code == 400
    assert answer(hidden, **{secret.tracking_code: "<into>"}) == answer(unknown, **{unknown_code: "<into>"})
    assert snapshot() == before


def test_admin_merge_into_a_hidden_complaint_is_refused_as_an_unknown_code(secret, unknown_code, make_complaint,
                                                                           hq_operator):
    complaint = make_complaint()
    url = reverse("admin:complaints_complaint_changelist")
    before = snapshot()
    hidden, unknown = (web_as(hq_operator).post(url, {"action": "merge_action", "_selected_action": [complaint.pk],
                                                      "into": code})
                       for code in (secret.tracking_code, unknown_code))
    assert [str(m) for m in get_messages(hidden.wsgi_request)] == [
        f"{complaint.tracking_code}: {lifecycle.NOTHING_TO_MERGE_INTO}"]
    assert answer(hidden) == answer(unknown)
    assert snapshot() == before


def test_the_lifecycle_refuses_a_merge_into_a_complaint_the_actor_may_not_see(secret, make_complaint, meerut_cell,
                                                                              hq_operator, hq):
    visible = make_complaint()
    duplicate_of_secret = lifecycle.merge(make_complaint(), secret, actor=hq)
    for target in (secret, secret.tracking_code, duplicate_of_secret.tracking_code):
        with pytest.raises(lifecycle.InvalidValue) as refused:
            lifecycle.merge(visible, target, actor=hq_operator)
        assert str(refused.value) == lifecycle.NOTHING_TO_MERGE_INTO
    assert Complaint.objects.get(pk=visible.pk).status == Status.NEW


# ---------------------------------------------------------------- lookups, actions and references

@pytest.mark.parametrize("persona", ["hq_operator", "meerut_cell"])
def test_lookups_and_actions_by_a_hidden_code_answer_as_for_an_unknown_code(persona, request, secret, unknown_code):
    user = request.getfixturevalue(persona)
    before = snapshot()
    pairs = [
        lambda code: api_as(user).get(f"/api/v1/complaints/{code}/"),
        lambda code: api_as(user).post(f"/api/v1/complaints/{code}/note/", {}, format="json"),
        lambda code: api_as(user).post(f"/api/v1/complaints/{code}/add-note/", {"text": "hello"}, format="json"),
        lambda code: api_as(user).get(f"/api/v1/complaints/?q={code}"),
        lambda code: web_as(user).get(reverse("dashboard:complaint", args=[code])),
        lambda code: web_as(user).post(reverse("dashboard:act", args=[code, "note"]), {"version": 1}),
        lambda code: web_as(user).get(reverse("dashboard:complaints"), {"q": code}),
        lambda code: web_as(user).get(f"/open311/v2/requests/{code}.json"),
    ]
    for call in pairs:
        hidden, unknown = call(secret.tracking_code), call(unknown_code)
        assert hidden.status_code < 500
        assert answer(hidden, **{secret.tracking_code: "<code>"}) == answer(unknown, **{unknown_code: "<code>"})
    assert snapshot() == before


def test_a_complaint_merged_into_a_hidden_one_does_not_name_it(secret, make_complaint, forwarded, hq, hq_operator,
                                                               meerut_cell):
    into_secret = lifecycle.merge(forwarded("meerut"), secret, actor=hq)
    into_visible = forwarded("meerut")
    target = make_complaint()
    lifecycle.merge(into_visible, target, actor=hq)
    for user in (hq_operator, meerut_cell):
        api = api_as(user)
        one = api.get(f"/api/v1/complaints/{into_secret.tracking_code}/")
        assert one.status_code == 200 and one.json()["duplicate_of"] is None
        assert secret.tracking_code not in one.content.decode()
        assert [e for e in one.json()["events"] if e["action"] == "merge"][0]["data"] == {}
        listing = api.get("/api/v1/complaints/").json()["results"]
        assert {r["tracking_code"]: r["duplicate_of"] for r in listing}[into_secret.tracking_code] is None
        page = web_as(user).get(reverse("dashboard:complaint", args=[into_secret.tracking_code])).content.decode()
        assert secret.tracking_code not in page
        acted = api.post(f"/api/v1/complaints/{into_secret.tracking_code}/add-note/", {"text": "seen"}, format="json")
        assert acted.status_code in (200, 403) and secret.tracking_code not in acted.content.decode()
    # Where the reader may see the target, it is named.
    operator = api_as(hq_operator).get(f"/api/v1/complaints/{into_visible.tracking_code}/").json()
    assert operator["duplicate_of"] == target.tracking_code
    supervisor = api_as(hq).get(f"/api/v1/complaints/{into_secret.tracking_code}/").json()
    assert supervisor["duplicate_of"] == secret.tracking_code
    admin = web_as(hq_operator).get(reverse("admin:complaints_complaint_change", args=[into_secret.pk]))
    assert admin.status_code == 200 and secret.tracking_code not in admin.content.decode()
    event = Event.objects.get(complaint=into_secret, action="merge")
    admin_event = web_as(hq_operator).get(reverse("admin:complaints_event_change", args=[event.pk]))
    assert admin_event.status_code == 200 and secret.tracking_code not in admin_event.content.decode()
    supervisor_event = web_as(hq).get(reverse("admin:complaints_event_change", args=[event.pk]))
    assert secret.tracking_code in supervisor_event.content.decode()


def test_ingest_rows_about_a_hidden_complaint_are_not_listed_in_the_admin(secret, make_complaint, hq_operator, hq):
    """Mentions, outbox rows and duplicate suggestions name their complaint: a login given the right to
    read them in the admin still reads only those about complaints it may see."""
    from django.contrib.auth.models import Permission

    from districts.models import XAccount
    from twitter_ingest.models import DuplicateSuggestion, Outbox, OutboxKind

    visible = make_complaint()
    state_account = XAccount.objects.get(handle__iexact="Uppolice")
    for complaint, tweet in ((secret, HIDDEN_TWEET), (visible, visible.source_tweet_id)):
        Mention.objects.create(tweet_id=tweet, author_username="citizen", complaint=complaint, source="manual",
                               raw={"data": {"id": tweet, "text": complaint.text}}, content_hash="0" * 64)
        Outbox.objects.create(kind=OutboxKind.REPLY_WITH_CODE, complaint=complaint, account=state_account,
                              text=f"Code {complaint.tracking_code}", idempotency_key=f"test:{complaint.pk}")
    DuplicateSuggestion.objects.create(complaint=visible, candidate=secret, score=0.9, reason="same text")
    hq_operator.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="twitter_ingest",
        codename__in=["view_mention", "view_outbox", "view_duplicatesuggestion"]))
    for model in ("mention", "outbox", "duplicatesuggestion"):
        url = reverse(f"admin:twitter_ingest_{model}_changelist")
        page = web_as(hq_operator).get(url)
        assert page.status_code == 200 and secret.tracking_code not in page.content.decode(), model
        assert secret.tracking_code in web_as(hq).get(url).content.decode(), model
    mentions = web_as(hq_operator).get(reverse("admin:twitter_ingest_mention_changelist"))
    assert visible.tracking_code in mentions.content.decode()
