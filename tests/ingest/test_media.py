"""Photos and videos attached to a mention: the simulated X serves them in X's shapes, and filing keeps
them with the complaint (Complaint.media) and, as received, with the mention's raw JSON."""

import requests

from complaints.models import Complaint
from twitter_ingest import poller
from twitter_ingest.models import Mention
from twitter_ingest.tweets import envelopes_from_response, media_of

from .conftest import STATE_ID, mention


def _mentions(server, **params):
    query = {"expansions": "attachments.media_keys", "tweet.fields": "attachments", **params}
    return requests.get(f"{server.url}/2/users/{STATE_ID}/mentions", params=query,
                        headers={"Authorization": "Bearer test-bearer"}, timeout=5).json()


def test_fake_api_serves_media_in_x_shapes(fake_x):
    tweet = mention(fake_x, "citizen_a", "@Uppolice meri bike chori ho gayi", media=[
        {"type": "photo", "alt_text": "Parking ka CCTV"}, {"type": "video"}, {"type": "animated_gif"}])
    keys = tweet["attachments"]["media_keys"]
    assert [k.split("_")[0] for k in keys] == ["3", "7", "16"]

    # Without media.fields X gives only the default fields.
    assert _mentions(fake_x)["includes"]["media"] == [
        {"media_key": keys[0], "type": "photo"}, {"media_key": keys[1], "type": "video"},
        {"media_key": keys[2], "type": "animated_gif"}]

    body = _mentions(fake_x, **{"media.fields": ",".join(poller.MEDIA_FIELDS)})
    photo, video, gif = body["includes"]["media"]
    assert photo["url"].startswith("https://pbs.twimg.com/media/") and photo["alt_text"] == "Parking ka CCTV"
    assert (photo["width"], photo["height"]) == (1200, 900) and "preview_image_url" not in photo
    # A video or GIF has a preview image and no url; no alt_text key where the author gave none.
    assert "url" not in video and video["preview_image_url"].startswith("https://pbs.twimg.com/ext_tw_video_thumb/")
    assert "alt_text" not in video and "url" not in gif and gif["preview_image_url"]

    # Without the expansion there are no includes.media at all.
    plain = requests.get(f"{fake_x.url}/2/users/{STATE_ID}/mentions", params={"tweet.fields": "attachments"},
                         headers={"Authorization": "Bearer test-bearer"}, timeout=5).json()
    assert "includes" not in plain and plain["data"][0]["attachments"]["media_keys"] == keys


def test_filing_a_mention_keeps_its_media(fake_x, state_account):
    tweet = mention(fake_x, "citizen_a", "@Uppolice Hazratganj mein scooter chori, photo dekhiye", media=[
        {"type": "photo", "alt_text": "स्कूटर की फ़ोटो"}, {"type": "video", "alt_text": "CCTV clip"}])
    mention(fake_x, "citizen_b", "@Uppolice bina photo ki shikayat, Aminabad mein jhagda")
    poller.poll_account(state_account)

    complaint = Complaint.objects.get(source_tweet_id=tweet["id"])
    photo, video = complaint.media
    assert set(photo) == {"media_key", "type", "url", "preview_image_url", "alt_text", "width", "height"}
    assert photo["media_key"] == tweet["attachments"]["media_keys"][0] and photo["type"] == "photo"
    assert photo["alt_text"] == "स्कूटर की फ़ोटो" and photo["url"].startswith("https://pbs.twimg.com/media/")
    assert video["type"] == "video" and video["url"] == "" and video["preview_image_url"]
    assert video["alt_text"] == "CCTV clip" and (video["width"], video["height"]) == (1280, 720)

    # The evidence: the media objects exactly as X sent them, with the mention.
    raw = Mention.objects.get(tweet_id=tweet["id"]).raw
    assert [m["media_key"] for m in raw["media"]] == tweet["attachments"]["media_keys"]
    asked = {"media_key", *poller.MEDIA_FIELDS}
    assert raw["media"] == [{k: v for k, v in fake_x.fake.media[key].items() if k in asked}
                            for key in tweet["attachments"]["media_keys"]]
    assert "duration_ms" not in raw["media"][1]  # served by X only when asked for

    other = Complaint.objects.exclude(pk=complaint.pk).get()
    assert other.media == [] and "media" not in Mention.objects.get(tweet_id=other.source_tweet_id).raw


def test_media_of_keeps_only_what_the_page_may_link_to():
    body = {
        "data": [{"id": "1861000000000000100", "text": "@Uppolice dekhiye",
                  "attachments": {"media_keys": ["3_2", "3_1", "7_3", "9_4", "3_1", "3_404"]}}],
        "includes": {"media": [
            {"media_key": "3_1", "type": "photo", "url": "https://pbs.twimg.com/media/a.jpg", "width": 10, "height": 0},
            {"media_key": "3_2", "type": "photo", "url": "javascript:alert(1)", "alt_text": "x\x00y"},
            {"media_key": "7_3", "type": "video", "preview_image_url": "https://pbs.twimg.com.evil.example/v.jpg"},
            {"media_key": "9_4", "type": "poll"},
        ]},
    }
    (envelope,), problems = envelopes_from_response(body)
    assert problems == []
    # In the tweet's order, each once; an unknown type or a key X did not describe is left out.
    assert [m["media_key"] for m in media_of(envelope)] == ["3_2", "3_1", "7_3"]
    bad_url, photo, video = media_of(envelope)
    assert bad_url["url"] == "" and bad_url["alt_text"] == "x\ufffdy"
    assert photo["url"] == "https://pbs.twimg.com/media/a.jpg" and (photo["width"], photo["height"]) == (10, None)
    assert video["preview_image_url"] == ""
    assert [m["media_key"] for m in envelope.raw()["media"]] == ["3_2", "3_1", "7_3", "9_4"]
