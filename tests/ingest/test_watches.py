"""Watches: the query compiler, the simulated recent search, the runner's checkpoint, reads and cap, and
exactly-once filing with two runs at once (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
import tweepy
from django.db import connection
from django.utils import timezone

from twitter_ingest import client as xclient, fake_search, watch_query, watches
from twitter_ingest.models import FindStatus, Watch, WatchFind, WatchReads

from .conftest import mention

LKO_PLACES = ["Lucknow", "लखनऊ", "Lakhnau", "Gomti Nagar", "गोमती नगर", "Hazratganj", "हजरतगंज"]
TERMS = ["goli chali", "गोली चली", "firing", "फायरिंग", "chain snatching", "चेन छीन"]


# ---------------------------------------------------------------- compiling

def test_one_query_when_it_fits_with_phrases_languages_and_exclusions():
    compiled = watch_query.compile_watch(LKO_PLACES, TERMS, languages=["hi", "en"],
                                         exclude_terms=["cricket", "web series"], exclude_accounts=["@lkopolice"])
    assert compiled.queries == (
        '(Lucknow OR लखनऊ OR Lakhnau OR "Gomti Nagar" OR "गोमती नगर" OR Hazratganj OR हजरतगंज) '
        '("goli chali" OR "गोली चली" OR firing OR फायरिंग OR "chain snatching" OR "चेन छीन") '
        '(lang:hi OR lang:en) -is:retweet -cricket -"web series" -from:lkopolice',)


def test_split_into_several_queries_each_within_the_limit_covering_every_pair():
    places = [f"Place{i} नगर{i}" for i in range(30)]
    terms = [f"शब्द{i} word{i}" for i in range(40)]
    compiled = watch_query.compile_watch(places, terms, exclude_terms=["cricket"], max_chars=512)
    assert len(compiled.queries) > 1
    assert all(len(q) <= 512 for q in compiled.queries)
    # Every place is paired with every term in some query, and every query parses as X would read it.
    for place in places:
        for term in terms:
            text = f"{place} में {term} हो रहा है"
            assert any(fake_search.matches(fake_search.parse(q), {"text": text, "lang": "hi"}) for q in compiled.queries)
    assert all("-is:retweet -cricket" in q for q in compiled.queries)


def test_fewest_queries_beats_naive_halving():
    places = ["Meerut", "मेरठ"]
    terms = [f"term{i}" for i in range(80)]
    compiled = watch_query.compile_watch(places, terms, max_chars=512)
    # Two short places leave almost all the room for the terms.
    assert len(compiled.queries) == 2 and compiled.longest <= 512


def test_nothing_fits_is_an_error_not_a_silent_cut():
    with pytest.raises(watch_query.QueryError):
        watch_query.compile_watch(["x" * 300], ["y" * 300], max_chars=512)
    with pytest.raises(watch_query.QueryError):
        watch_query.compile_watch([], [])
    with pytest.raises(watch_query.QueryError):
        watch_query.compile_watch(["Lucknow"], ["chori"], exclude_accounts=["not a handle!"])


def test_quotes_and_syntax_in_terms_are_made_safe():
    compiled = watch_query.compile_watch(['"Lucknow"', "lucknow", "B-Block"], ["OR", "(chori)"])
    assert compiled.queries[0].startswith('(Lucknow OR "B-Block") ("OR" OR "(chori)")')


@pytest.mark.django_db
def test_default_places_come_from_the_gazetteer_in_three_scripts(unit):
    places = watch_query.default_places(unit("lucknow-commissionerate"))
    assert {"Lucknow", "लखनऊ", "Lakhnau", "Malihabad", "मलिहाबाद", "Hazratganj", "हजरतगंज"} <= set(places)
    assert "Lucknow Police" not in places  # "Lucknow" already matches it
    assert "Kotwali" not in places          # a station name found in many towns


@pytest.mark.django_db
def test_default_terms_are_searchable_urgent_words():
    terms = watch_query.default_terms()
    assert terms and all("*" not in t and not t.startswith("=") for t in terms)
    assert any(any("\u0900" <= ch <= "\u097f" for ch in t) for t in terms)  # Hindi
    assert any(t.isascii() for t in terms)                                  # English and Hinglish


# ---------------------------------------------------------------- the simulated search

def _client():
    return xclient.make_client(raw=True)


def test_fake_search_operators(fake_x):
    mention(fake_x, "citizen_a", "लखनऊ गोमती नगर में अभी गोली चली है", lang="hi")
    mention(fake_x, "citizen_b", "Lucknow Hazratganj me chain snatching hui abhi", lang="hi")
    mention(fake_x, "citizen_b", "Lucknow cricket match, firing form of the bowler", lang="en")
    mention(fake_x, "lkopolice", "Lucknow police on firing incident: team on the spot", lang="en")
    query = ('(Lucknow OR लखनऊ) ("गोली चली" OR "chain snatching" OR firing) -is:retweet -cricket '
             '-from:lkopolice')
    body = _client().search_recent_tweets(query, max_results=10, tweet_fields=["lang"]).json()
    texts = sorted(t["text"] for t in body["data"])
    assert texts == sorted(["लखनऊ गोमती नगर में अभी गोली चली है", "Lucknow Hazratganj me chain snatching hui abhi"])
    only_en = _client().search_recent_tweets("(Lucknow OR लखनऊ) lang:en", max_results=10).json()
    assert {t["text"][:7] for t in only_en["data"]} == {"Lucknow"}


def test_fake_search_refuses_a_long_query_in_x_shape(fake_x):
    with pytest.raises(tweepy.BadRequest) as caught:
        _client().search_recent_tweets("lucknow " + "x" * 510, max_results=10)
    body = caught.value.response.json()
    assert caught.value.response.status_code == 400 and body["title"] == "Invalid Request"
    assert "512" in caught.value.api_messages[0]
    with pytest.raises(tweepy.BadRequest):
        _client().search_recent_tweets("lucknow -(a OR b)", max_results=10)
    with pytest.raises(tweepy.BadRequest):
        _client().search_recent_tweets("lucknow", max_results=5)


def test_fake_search_pages_and_since_id_and_rate_limit(fake_x):
    ids = [mention(fake_x, "citizen_a", f"Lucknow mein chori {i}")["id"] for i in range(25)]
    client = _client()
    first = client.search_recent_tweets("Lucknow chori", max_results=10).json()
    assert first["meta"]["result_count"] == 10 and first["meta"]["newest_id"] == ids[-1]
    second = client.search_recent_tweets("Lucknow chori", max_results=10,
                                         next_token=first["meta"]["next_token"]).json()
    assert [t["id"] for t in second["data"]] == list(reversed(ids))[10:20]
    newer = client.search_recent_tweets("Lucknow chori", max_results=10, since_id=ids[-3]).json()
    assert [t["id"] for t in newer["data"]] == [ids[-1], ids[-2]]
    fake_x.fake.buckets.clear()
    fake_x.fake.limits["search"] = fake_x.fake.app_limits["search"] = 1
    client.search_recent_tweets("Lucknow chori", max_results=10)
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.search_recent_tweets("Lucknow chori", max_results=10)
    assert caught.value.reset_time and caught.value.response.headers["x-rate-limit-remaining"] == "0"


# ---------------------------------------------------------------- running a watch

@pytest.fixture
def lko_watch(db, unit):
    return Watch.objects.create(unit=unit("lucknow-commissionerate"), name="Lucknow incidents",
                                place_terms=LKO_PLACES, incident_terms=TERMS, exclude_accounts=["lkopolice"],
                                monthly_cap=1000)


def test_a_run_files_found_posts_once_and_moves_the_checkpoint(fake_x, lko_watch):
    mention(fake_x, "citizen_a", "लखनऊ हजरतगंज में अभी गोली चली है, लोग डरे हुए हैं", lang="hi")
    mention(fake_x, "citizen_b", "Gomti Nagar Lucknow me chain snatching hui abhi, ladki ka chain chheen ke bhaga",
            lang="hi")
    mention(fake_x, "citizen_b", "Nothing about any place, just firing thoughts")
    result = watches.run_watch(lko_watch)
    assert (result.read, result.found, result.error, result.stopped) == (2, 2, "", "")
    lko_watch.refresh_from_db()
    assert lko_watch.since_id == max(WatchFind.objects.values_list("tweet_id", flat=True), key=int)
    finds = {f.text[:5]: f for f in WatchFind.objects.all()}
    hindi = finds["लखनऊ "]
    assert hindi.unit == lko_watch.unit and hindi.status == FindStatus.OPEN
    assert "गोली चली" in hindi.matched_terms and {"लखनऊ", "हजरतगंज"} <= set(hindi.matched_places)
    assert hindi.is_urgent and hindi.triage["kind"]["value"] == "complaint"
    assert WatchReads.objects.get(watch=lko_watch).posts == 2
    again = watches.run_watch(lko_watch)
    assert (again.read, again.found) == (0, 0)  # since_id: nothing new read, nothing billed
    mention(fake_x, "citizen_a", "Lucknow mein firing ho rahi hai abhi Hazratganj chauraha")
    third = watches.run_watch(lko_watch)
    assert (third.read, third.found) == (1, 1) and WatchFind.objects.count() == 3
    assert WatchReads.objects.get(watch=lko_watch).posts == 3


def test_a_tagged_post_stays_in_the_inbox(fake_x, lko_watch):
    from twitter_ingest.filing import file_manual

    tweet = mention(fake_x, "citizen_a", "@Uppolice लखनऊ हजरतगंज में अभी गोली चली है")
    file_manual(tweet)
    result = watches.run_watch(lko_watch)
    assert result.read == 1 and result.in_inbox == 1 and not WatchFind.objects.exists()


def test_the_cap_stops_the_watch_before_it_spends_more(fake_x, lko_watch):
    for i in range(35):
        mention(fake_x, "citizen_a", f"Lucknow firing report number {i}")
    lko_watch.monthly_cap = 25
    lko_watch.save()
    result = watches.run_watch(lko_watch)
    reads = WatchReads.objects.get(watch=lko_watch)
    assert result.stopped == watches.STOPPED_CAP and reads.posts <= 25
    assert result.read == reads.posts
    lko_watch.refresh_from_db()
    assert lko_watch.stopped_reason == watches.STOPPED_CAP and lko_watch.since_id == ""  # cut short: no checkpoint
    requests_before = len([r for r in fake_x.fake.requests if r[1].endswith("/search/recent")])
    skipped = watches.run_watch(lko_watch)
    assert skipped.skipped.startswith("stopped") and skipped.read == 0
    assert len([r for r in fake_x.fake.requests if r[1].endswith("/search/recent")]) == requests_before
    # Next month the watch runs again.
    Watch.objects.filter(pk=lko_watch.pk).update(stopped_at=timezone.now() - timedelta(days=40))
    lko_watch.refresh_from_db()
    WatchReads.objects.filter(watch=lko_watch).update(month=watches.month_of(timezone.now() - timedelta(days=40)))
    resumed = watches.run_watch(lko_watch)
    assert resumed.read > 0 and not resumed.skipped


def test_a_rate_limit_is_recorded_not_slept_on(fake_x, lko_watch):
    fake_x.fake.faults.append({"route": "search", "status": 429, "reset_in": 120, "count": 1})
    result = watches.run_watch(lko_watch)
    lko_watch.refresh_from_db()
    assert result.retry_at and lko_watch.rate_limited_until > timezone.now() + timedelta(seconds=60)
    assert watches.run_watch(lko_watch).skipped == "rate-limited"


def test_a_query_x_refuses_stops_the_watch_with_the_reason(fake_x, lko_watch, settings):
    settings.X_SEARCH_QUERY_MAX_CHARS = 4096  # the compiler allows what X (512) refuses
    lko_watch.place_terms = [f"Place{i}" for i in range(80)]
    lko_watch.save()
    result = watches.run_watch(lko_watch)
    assert result.stopped.startswith("x: 400")
    assert watches.run_watch(lko_watch).skipped.startswith("stopped")


def test_the_first_run_reaches_back_one_hour_only(fake_x, lko_watch):
    old = (timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    mention(fake_x, "citizen_a", "Lucknow firing three hours ago", created_at=old)
    mention(fake_x, "citizen_a", "Lucknow firing right now")
    result = watches.run_watch(lko_watch)
    assert result.read == 1 and WatchFind.objects.get().text == "Lucknow firing right now"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_file_each_post_exactly_once(fake_x, unit):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (set DATABASE_URL)")
    lko = unit("lucknow-commissionerate")
    first = Watch.objects.create(unit=lko, name="A", place_terms=LKO_PLACES, incident_terms=TERMS, monthly_cap=5000)
    second = Watch.objects.create(unit=lko, name="B", place_terms=["Lucknow", "लखनऊ"], incident_terms=TERMS,
                                  monthly_cap=5000)
    for i in range(120):
        mention(fake_x, "citizen_a", f"Lucknow firing ho rahi hai gali {i}")
    barrier, results, errors = threading.Barrier(4), [], []

    def run(watch):
        try:
            barrier.wait()
            results.append(watches.run_watch(watch, lock=False))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in (first, second, first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert WatchFind.objects.count() == 120
    assert sum(r.found for r in results) == 120
    assert sum(r.found + r.already for r in results) == sum(r.read for r in results) == 4 * 120
    assert len({tid for r in results for tid in r.tweet_ids}) == 120


def test_preview_counts_last_weeks_posts_and_prices_them(fake_x, settings):
    from twitter_ingest import watch_queue

    settings.X_POST_READ_USD = 0.005
    for day in range(1, 6):
        at = (timezone.now() - timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        mention(fake_x, "citizen_a", f"लखनऊ में गोली चली {day}", created_at=at)
    old = (timezone.now() - timedelta(days=9)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    mention(fake_x, "citizen_a", "लखनऊ में गोली चली, पुरानी", created_at=old)
    before = len(fake_x.fake.requests)
    preview = watch_queue.preview({"place_terms": LKO_PLACES, "incident_terms": TERMS})
    assert preview.queries and preview.week_posts == 5 and preview.week_cost == 0.025
    assert all(path.endswith("/counts/recent") for _, path in fake_x.fake.requests[before:])
    assert not WatchReads.objects.exists()
