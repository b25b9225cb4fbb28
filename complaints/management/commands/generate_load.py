"""Create N realistic complaints, with the events and messages their stage implies, for benchmarks and
training. Rows are written in bulk (a million through the lifecycle one by one would take hours); each
complaint gets exactly the events the lifecycle would have written to bring it to its state."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from complaints import codes, tally
from complaints.models import Category, Complaint, Event, Message, MessageKind, Outcome, Priority, Status
from districts.models import Unit, UnitType

TEMPLATES = [
    "@Uppolice {place} में मेरे घर के बाहर रोज़ रात को शराबी हंगामा करते हैं, कृपया कार्रवाई करें",
    "@Uppolice {place} thana area mein meri bike chori ho gayi, FIR nahi likh rahe",
    "@Uppolice Chain snatching near {place} market just now, please send PRV",
    "@Uppolice {place} में दबंगों ने मेरी ज़मीन पर कब्ज़ा कर लिया है, थाने में सुनवाई नहीं हो रही",
    "@Uppolice loud DJ after 10 pm in {place}, kids can't study. Please help",
    "@Uppolice {place} crossing par roz jam lagta hai, traffic police nahi hoti",
    "@Uppolice मेरी बहन को {place} में कुछ लड़के परेशान करते हैं, मदद कीजिए 🙏",
    "@Uppolice online fraud: ₹25,000 debited, complaint at {place} cyber cell pending",
]
REPORTS = [
    "थाना प्रभारी द्वारा मौके पर जाकर जांच की गई, विपक्षी को पाबंद किया गया।",
    "FIR registered; investigation by SI in progress.",
    "Beat constable visited; both parties counselled, matter settled.",
    "PRV भेजी गई, आवश्यक कार्रवाई की गई।",
]
# status: share of the generated complaints
MIX = [(Status.NEW, 0.08), (Status.FORWARDED, 0.10), (Status.NOTED, 0.07), (Status.IN_PROGRESS, 0.10),
       (Status.RESOLVED, 0.15), (Status.CLOSED, 0.40), (Status.REJECTED, 0.07), (Status.DUPLICATE, 0.03)]
PATH = [Status.NEW, Status.FORWARDED, Status.NOTED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]
ACTION_INTO = {Status.FORWARDED: "forward", Status.NOTED: "note", Status.IN_PROGRESS: "report",
               Status.RESOLVED: "resolve", Status.CLOSED: "close"}


class Command(BaseCommand):
    help = "Create N realistic complaints with their events and messages (for benchmarks and training)."

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, required=True)
        parser.add_argument("--days", type=int, default=90, help="spread over this many past days")
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, complaints, days, batch, seed, no_progress, **options):
        if complaints < 1:
            raise CommandError("--complaints must be at least 1")
        units = list(Unit.objects.filter(unit_type__in=[UnitType.DISTRICT, UnitType.COMMISSIONERATE], is_active=True)
                     .exclude(parent__unit_type=UnitType.COMMISSIONERATE))
        if not units:
            raise CommandError("No units: run `python manage.py load_units` first.")
        categories = list(Category.objects.filter(is_active=True))
        rng = random.Random(seed)
        now = timezone.now()
        statuses, weights = zip(*MIX)
        done = 0
        with tqdm(total=complaints, disable=no_progress, unit="complaint") as bar:
            while done < complaints:
                size = min(batch, complaints - done)
                self._batch(size, rng, units, categories, statuses, weights, now, days)
                done += size
                bar.update(size)
        days_counted = tally.refresh()
        self.stdout.write(f"Created {complaints} complaints; league tallies recounted for {days_counted} days.")

    @transaction.atomic
    def _batch(self, size, rng, units, categories, statuses, weights, now, days):
        rows, plans = [], []
        for _ in range(size):
            unit = rng.choice(units)
            status = rng.choices(statuses, weights)[0]
            received = now - timedelta(seconds=rng.randint(60, days * 86400))
            place = rng.choice([unit.name_en, unit.name_hi or unit.name_en, *unit.alt_names[:2]])
            text = rng.choice(TEMPLATES).format(place=place)
            c = Complaint(
                tracking_code=codes.generate(randbelow=rng.randrange), text=text,
                source_tweet_id=str(rng.randrange(10**18, 2**63)), author_id=str(rng.randrange(10**9, 10**18)),
                author_username=f"citizen{rng.randrange(10**6)}", language="hi" if "्" in text else "en",
                tweeted_at=received - timedelta(seconds=rng.randint(5, 120)), received_at=received,
                status=status, priority=rng.choices(Priority.values, [2, 10, 80, 8])[0],
                category=rng.choice(categories) if categories and status != Status.NEW else None,
            )
            steps, t = [("file", "", Status.NEW, received)], received
            if status in PATH[1:]:
                c.unit = unit
                for target in PATH[1:PATH.index(status) + 1]:
                    t = t + timedelta(minutes=rng.randint(5, 600 if target != Status.RESOLVED else 4000))
                    steps.append((ACTION_INTO[target], steps[-1][2], target, t))
                    if target == Status.FORWARDED:
                        c.forwarded_at = t
                    elif target == Status.NOTED:
                        c.noted_at, c.noted_by = t, unit
                    elif target == Status.IN_PROGRESS:
                        c.action_taken_report = rng.choice(REPORTS)
                    elif target == Status.RESOLVED:
                        c.resolved_at = t
                    elif target == Status.CLOSED:
                        c.closed_at, c.outcome = t, rng.choice(Outcome.values)
                        c.fir_number = f"{rng.randrange(1, 999):04d}/2026" if c.outcome == Outcome.FIR else ""
            elif status == Status.REJECTED:
                c.rejection_reason = "Not a complaint"
                steps.append(("reject", Status.NEW, Status.REJECTED, received + timedelta(minutes=rng.randint(1, 90))))
            elif status == Status.DUPLICATE:
                steps.append(("merge", Status.NEW, Status.DUPLICATE, received + timedelta(minutes=rng.randint(1, 90))))
                c.status = Status.DUPLICATE
            c.version = len(steps)
            rows.append(c)
            plans.append(steps)
        Complaint.objects.bulk_create(rows, batch_size=1000)
        if not rows[0].pk:  # SQLite before 3.35 does not return ids from bulk inserts
            by_code = dict(Complaint.objects.filter(tracking_code__in=[c.tracking_code for c in rows])
                           .values_list("tracking_code", "pk"))
            for c in rows:
                c.pk = c.id = by_code[c.tracking_code]
        originals = [c for c in rows if c.status != Status.DUPLICATE]
        duplicates = [c for c in rows if c.status == Status.DUPLICATE]
        for c in duplicates:
            c.duplicate_of_id = rng.choice(originals).pk if originals else None
        if duplicates and originals:
            Complaint.objects.bulk_update(duplicates, ["duplicate_of"], batch_size=1000)
        events, messages = [], []
        for c, steps in zip(rows, plans):
            for action, frm, to, at in steps:
                events.append(Event(complaint_id=c.pk, action=action, from_status=frm, to_status=to,
                                    actor_name="generate_load", created_at=at))
            if c.status in (Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED) and rng.random() < 0.5:
                messages.append(Message(complaint_id=c.pk, kind=MessageKind.CITIZEN, author_username=c.author_username,
                                        text="@Uppolice koi update? / कोई अपडेट?", created_at=c.received_at + timedelta(hours=3)))
        Event.objects.bulk_create(events, batch_size=2000)
        Message.objects.bulk_create(messages, batch_size=2000)
        tally.mark(c.received_at for c in rows)  # written around the lifecycle, so marked here
