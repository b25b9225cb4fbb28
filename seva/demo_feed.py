"""What the demo posts to the simulated X so that a person always has something to do: the bundled stream
once per database, then fresh mentions for as long as the demo runs — with photos, an urgent case, a
mention its author edits, one its author deletes, and one that a simulated district resolves and whose
complainant then asks for it to be looked at again.

Every tweet gets an id above any tweet this database has seen (X's ids are snowflakes of the time; the
demo's simulated X starts afresh on each run), and the fresh mentions continue from where the last run's
left off, so a second run never offers the desk a tweet, or a text, it has already filed."""

import json
import threading
import time

from django.db.models.functions import Length

from complaints import lifecycle
from complaints.models import Complaint, Message, Status
from districts.models import Unit, XAccount
from twitter_ingest.fake_api import snowflake
from twitter_ingest.models import AccountState, GoodWorkPost, Mention, NotFiled
from twitter_ingest.watch_models import WatchFind

CITIZENS = [
    {"id": "5000000000000000301", "username": "ankit_lko", "name": "Ankit Verma", "location": "Lucknow"},
    {"id": "5000000000000000302", "username": "rekha_meerut", "name": "रेखा सिंह", "location": "मेरठ"},
    {"id": "5000000000000000303", "username": "imran_knp", "name": "Imran Khan", "location": "Kanpur"},
    {"id": "5000000000000000304", "username": "pooja_noida", "name": "Pooja Arora", "location": "Noida"},
    {"id": "5000000000000000305", "username": "kavita_vns", "name": "कविता पांडेय", "location": "Varanasi"},
    {"id": "5000000000000000306", "username": "sachin_bly", "name": "Sachin Saxena", "location": "Bareilly"},
]
HANDLES = [c["username"] for c in CITIZENS]

# (English place, Hindi place); each names its district so the desk can route it.
PLACES = [
    ("Aminabad, Lucknow", "अमीनाबाद, लखनऊ"), ("Sadar Bazar, Meerut", "सदर बाजार, मेरठ"),
    ("Kakadeo, Kanpur", "काकादेव, कानपुर"), ("Sector 18, Noida", "सेक्टर 18, नोएडा"),
    ("Lanka, Varanasi", "लंका, वाराणसी"), ("Civil Lines, Bareilly", "सिविल लाइंस, बरेली"),
    ("Gomti Nagar, Lucknow", "गोमती नगर, लखनऊ"), ("Shastri Nagar, Meerut", "शास्त्री नगर, मेरठ"),
]
# (language, text, photo alt text or ""); {place} is filled in the tweet's language.
ISSUES = [
    ("en", "@Uppolice My mobile phone was snatched near {place} this evening by two men on a bike. Please help.",
     ""),
    ("hi", "@Uppolice {place} में रोज़ रात को शराबी हंगामा करते हैं, कृपया गश्त बढ़ाएं।", ""),
    ("en", "@Uppolice Cars parked on both sides of the road at {place}, ambulances cannot pass. Photo attached.",
     "A lane blocked by parked cars"),
    ("hi", "@Uppolice {place} में मेरी दुकान का ताला तोड़कर चोरी हुई है, थाने में सुनवाई नहीं हो रही।",
     "टूटा हुआ ताला और खुला शटर"),
    ("en", "@Uppolice Loud DJ every night past midnight at {place}, 112 was called twice. Please act.", ""),
    ("hi", "@Uppolice {place} के पास कोचिंग के बाहर लड़कियों पर फब्तियां कसी जाती हैं, कृपया कार्यवाही करें।", ""),
    ("en", "@Uppolice Someone is threatening my family over a land dispute at {place}. We are scared.", ""),
    ("hi", "@Uppolice {place} चौराहे पर ट्रैफिक सिग्नल बंद है, रोज़ जाम लगता है।", "चौराहे पर लगा जाम"),
]
URGENT = ("en", "@Uppolice Fight with knives outside the market at {place} right now, one man is bleeding. "
                "Please send police and an ambulance now!", "")
EDITED = " Update: it happened near the main gate, around 8 pm."
REOPEN_ASK = "@Uppolice Nothing has changed here, the problem is still there. Please reopen my complaint."
REPORT = "थाना पुलिस द्वारा मौके पर जाकर जांच की गई, आवश्यक कार्यवाही की गई।"


def highest_tweet_id():
    """The highest tweet id this database knows (filed mentions and the poll checkpoints), 0 for none."""
    top = (Mention.objects.annotate(n=Length("tweet_id")).order_by("-n", "-tweet_id")
           .values_list("tweet_id", flat=True).first())
    ids = [int(top)] if top else []
    ids += [int(s) for s in AccountState.objects.exclude(since_id="").values_list("since_id", flat=True)]
    return max(ids, default=0)


class Feeder:
    """Posts to one simulated X (`fake`). `step()` does one round; the demo calls it every few seconds."""

    def __init__(self, fake, *, out=print):
        self.fake, self.out = fake, out
        self.last_id = highest_tweet_id()
        for citizen in CITIZENS:
            fake.add_user(citizen)
        # Continue the sequence of fresh mentions where earlier runs on this database stopped.
        self.index = Mention.objects.filter(author_username__in=HANDLES).count()
        self.steps = 0
        self.scene = {}
        self.sent = set()  # texts posted in this run (some may not be filed yet)
        self.lock = threading.Lock()  # the stream and the fresh mentions post from two threads

    def fresh_id(self):
        """A tweet id from the time, as on X, and above every id seen before (a clock set back included)."""
        self.last_id = max(int(snowflake(self.fake.now(), 0)), self.last_id + 1)
        return str(self.last_id)

    def post(self, spec):
        with self.lock:
            tweet = self.fake.add_tweet({**spec, "id": self.fresh_id()})
        self.out(f"  X  @{spec['author']}: {spec['text'][:90]}")
        return tweet

    def _spec(self, i, issue):
        lang, text, photo = issue or ISSUES[(i + i // len(PLACES)) % len(ISSUES)]  # every place meets every issue
        place = PLACES[i % len(PLACES)][1 if lang == "hi" else 0]
        spec = {"author": CITIZENS[i % len(CITIZENS)]["username"], "text": text.format(place=place), "lang": lang}
        if photo or i % 5 == 0:
            spec["media"] = [{"type": "photo", "alt_text": photo or place}]
        return spec

    def mention(self, issue=None):
        """The next fresh mention in the sequence (or `issue` at the sequence's next place): the first whose
        text the desk does not hold yet, so a text is offered again only once all of them have been."""
        for _ in range(len(PLACES) * len(ISSUES)):
            spec = self._spec(self.index, issue)
            self.index += 1
            if spec["text"] not in self.sent and not already_filed(spec["text"]):
                break
        self.sent.add(spec["text"])
        return self.post(spec)

    def step(self):
        """One round: a fresh mention, and the next move of each scene."""
        n, self.steps = self.steps, self.steps + 1
        if n == 0:
            self.scene["urgent"] = self.mention(URGENT)
            return
        tweet = self.mention()
        if n == 1:
            self.scene["edit"] = tweet
        elif n == 2:
            self.scene["delete"] = tweet
        elif n == 3:
            self.scene["reopen"] = tweet
        elif n == 4 and "edit" in self.scene:
            old = self.scene.pop("edit")
            with self.lock:
                self.fake.edit(old["id"], old["text"] + EDITED, new_id=self.fresh_id())
            self.out(f"  X  (edited by its author) {old['text'][:80]}")
        elif n == 6 and "delete" in self.scene:
            with self.fake.lock:
                self.fake.deleted.add(self.scene.pop("delete")["id"])
        self._advance_reopen()

    def _advance_reopen(self):
        """The simulated district takes the complaint through to resolved; then its complainant answers that
        nothing changed, which the desk files as a request to look at it again."""
        tweet = self.scene.get("reopen")
        if not tweet:
            return
        complaint = Complaint.objects.filter(source_tweet_id=tweet["id"]).first()
        if complaint is None:
            return  # not polled yet
        unit = complaint.unit or complaint.suggested_unit or Unit.objects.filter(slug="meerut").first()
        account = XAccount.objects.filter(unit=unit).first() if unit else None
        district = lifecycle.Actor(name=f"@{account.handle}" if account else unit.name_en, unit=unit)
        hq = lifecycle.Actor(name="auto-forward")
        try:
            if complaint.status == Status.NEW:
                lifecycle.forward(complaint, unit, actor=hq)
            elif complaint.status in (Status.FORWARDED, Status.REOPENED):
                lifecycle.note(complaint, by_unit=unit, actor=district)
            elif complaint.status == Status.NOTED:
                lifecycle.report(complaint, REPORT, actor=district)
            elif complaint.status == Status.IN_PROGRESS:
                lifecycle.resolve(complaint, actor=district)
            elif complaint.status in (Status.RESOLVED, Status.CLOSED):
                author = next(c["username"] for c in CITIZENS if c["id"] == tweet["author_id"])
                self.post({"author": author, "text": REOPEN_ASK, "lang": "en", "in_reply_to": tweet["id"]})
                self.scene.pop("reopen")
        except lifecycle.LifecycleError as exc:  # someone acted meanwhile: the next round looks again
            self.out(f"  demo: {exc}")

    def run(self, every, stop):
        while not stop.is_set():
            self.step()
            stop.wait(every)


def already_filed(text):
    """Whether the desk holds this text from an earlier run: as a complaint, a thread message, a good-work
    post, a mention it did not file, or a find of a watch."""
    return any(model.objects.filter(text=text).exists()
               for model in (Complaint, Message, GoodWorkPost, NotFiled, WatchFind))


def tweet_spec(item, ids):
    """The simulated X's tweet for one line of a stream file; `ids` maps the lines' refs to the tweet ids
    already posted, for replies and retweets."""
    spec = {"author": item["author"], "text": item["text"], "lang": item.get("lang", "")}
    if item.get("reply_to"):
        spec["in_reply_to"] = ids[item["reply_to"]]
    if item.get("retweet_of"):
        spec["referenced_tweets"] = [{"type": "retweeted", "id": ids[item["retweet_of"]]}]
    if item.get("media"):
        spec["media"] = item["media"]
    return spec


def replay(feeder, path, speed, stop, out):
    """Feed the bundled stream at its pace (users at once, tweets after their offsets), skipping what this
    database has filed in an earlier run (and the replies and retweets of what is skipped)."""
    fake = feeder.fake
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        if "user" in item:
            fake.add_user(item["user"])
    ids, started, skipped = {}, time.monotonic(), 0
    for item in sorted((i for i in items if "user" not in i), key=lambda i: float(i.get("after", 0))):
        parent = item.get("reply_to") or item.get("retweet_of")
        if (parent and parent not in ids) or already_filed(item["text"]):
            skipped += 1
            continue
        due = started + float(item.get("after", 0)) / speed
        if stop.wait(max(0.0, due - time.monotonic())):
            return
        ids[item["ref"]] = feeder.post(tweet_spec(item, ids))["id"]
    if skipped:
        out(f"  ({skipped} posts of the bundled stream were filed in an earlier run and are not sent again)")
