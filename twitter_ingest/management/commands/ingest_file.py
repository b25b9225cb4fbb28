"""File mentions from a JSONL file of X API v2 mentions responses (one {data, includes, errors, meta}
object a line) through the same filing code as the poller: oldest first whatever the line order,
idempotent (a re-run files nothing twice), with a progress bar and a summary of outcomes.

Input that cannot be filed (a line that is not UTF-8 or not JSON, named by line and column; a tweet
without id or text) is recorded as RejectedInput once, however often the file is run again (keyed by the
line's bytes, its number and which of its problems it is), and the command then exits with status 3
after filing everything else. X's own errors[] entries (a referenced tweet deleted or protected) are
recorded too but are not a fault of the file. A text longer than X's longest post is filed cut at that
length, the whole tweet kept in the mention's raw JSON."""

import hashlib
import json
import json as json_module
import multiprocessing
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from tqdm import tqdm

from complaints import reasons
from twitter_ingest.filing import Filer, Summary
from twitter_ingest.models import Outcome, RejectedInput, Source
from twitter_ingest.tweets import BadTweet, envelopes_from_response

LABELS = [
    (Outcome.COMPLAINT, "new complaints"), (Outcome.FOLLOW_UP, "follow-ups"), (Outcome.NOTED, "acknowledgements"),
    (Outcome.DISTRICT_UPDATE, "district updates"), (Outcome.GOOD_WORK, "good-work posts"),
    (Outcome.STATUS_REQUEST, "status requests"), (Outcome.EDIT, "edits"), (Outcome.IGNORED, "ignored"),
    (Outcome.REJECTED, "rejected"),
]
# The exit status when some input was rejected (1 is Django's for a command that failed outright).
REJECTED_STATUS = 3
SHOWN = 20


class Command(BaseCommand):
    help = "File mentions from a JSONL file of X API v2 mentions responses."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--batch", type=int, default=500, help="mentions per transaction")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
        parser.add_argument("--jobs", type=int, default=1,
                            help="filing processes; mentions are split by conversation, so a thread stays in order")

    def handle(self, path, batch, no_progress, json: bool = False, jobs=1, **options):
        envelopes, problems, lines = [], [], 0
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        with handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                lines += 1
                found, column = [], None
                try:
                    body = _loads(raw.rstrip(b"\r\n").decode("utf-8"))
                    page, found = envelopes_from_response(body)
                    envelopes.extend(page)
                except UnicodeDecodeError as exc:
                    column = exc.start + 1
                    found = [(reasons.encode(reasons.NOT_UTF8, column=column, detail=exc.reason),
                              raw[:200].decode("utf-8", "replace"))]
                except BadTweet as exc:  # valid JSON, but not a response object
                    found = [(exc.reason, raw[:200].decode("utf-8", "replace"))]
                except json_module.JSONDecodeError as exc:  # malformed or truncated JSON
                    column = exc.pos + 1  # characters into the line (one JSON document a line)
                    found = [(reasons.encode(reasons.MALFORMED_JSON_AT, column=column, detail=exc.msg), _around(raw, exc.pos))]
                except (ValueError, RecursionError) as exc:  # e.g. nesting deeper than the parser goes
                    reason = reasons.encode(reasons.MALFORMED_JSON, detail=f"{type(exc).__name__}: {exc}")
                    found = [(reason, raw[:200].decode("utf-8", "replace"))]
                for index, (reason, excerpt) in enumerate(found):
                    key = hashlib.sha256(b"%d:%d:" % (number, index) + raw).hexdigest()
                    problems.append({"line": number, "column": column, "reason": reason, "excerpt": excerpt,
                                     "key": key})
        if jobs > 1:
            summary = file_in_parallel(envelopes, jobs, batch)
        else:
            bar = tqdm(total=len(envelopes), unit="mention", disable=no_progress or json, mininterval=0.5)
            summary = Filer(source=Source.FILE).file(envelopes, batch_size=batch, progress=bar.update)
            bar.close()
        recorded = _record(problems, path)
        rejected = [p for p in problems if reasons.code_of(p["reason"]) != reasons.API_ERROR]
        result = {label: summary.counts.get(key, 0) for key, label in LABELS}
        result.update({"already filed": summary.already, "lines": lines, "tweets": len(envelopes),
                       "input rejected": len(rejected), "API errors": len(problems) - len(rejected),
                       "texts cut": sum(1 for e in envelopes if e.text_cut)})
        kinds = Counter(reasons.code_of(p["reason"]) or p["reason"] for p in problems)
        if json:
            self.stdout.write(_dumps({**result, "input rejected reasons": dict(kinds), "newly recorded": recorded,
                                      "rejected lines": [_where(p) for p in rejected]}))
        else:
            self.stdout.write(f"{lines} lines, {len(envelopes)} tweets")
            for label, count in result.items():
                if label not in ("lines", "tweets"):
                    self.stdout.write(f"  {label:<20} {count}")
            for code, count in kinds.most_common():
                self.stdout.write(f"    {count} × {code}")
        if rejected:
            shown = "; ".join(_where(p) for p in rejected[:SHOWN]) + ("; …" if len(rejected) > SHOWN else "")
            raise CommandError(
                f"{len(rejected)} piece(s) of input on {len({p['line'] for p in rejected})} line(s) could not be "
                f"filed ({shown}). They are recorded as rejected input with source {str(path)!r} (admin: X "
                f"(Twitter) ingest › Rejected input; {recorded} new in this run, the rest from earlier runs). "
                "Everything else was filed.", returncode=REJECTED_STATUS)


def _where(problem):
    column = f", column {problem['column']}" if problem["column"] else ""
    return f"line {problem['line']}{column}: {reasons.describe_in('en', problem['reason'])}"


def _around(raw, pos, width=100):
    """The part of a bad line around the place the JSON parser stopped."""
    text = raw.decode("utf-8", "replace")
    start = max(0, pos - width)
    return ("…" if start else "") + text[start:pos + width] + ("…" if pos + width < len(text) else "")


def _record(problems, path):
    """Write the problems not recorded by an earlier run; returns how many are new."""
    keys = [p["key"] for p in problems]
    known = set()
    for start in range(0, len(keys), 1000):
        known.update(RejectedInput.objects.filter(key__in=keys[start:start + 1000]).values_list("key", flat=True))
    new = [RejectedInput(source=str(path)[:200], line=p["line"], reason=p["reason"][:300], excerpt=p["excerpt"][:2000],
                         key=p["key"]) for p in problems if p["key"] not in known]
    RejectedInput.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def _file_part(args):
    envelopes, batch = args
    return Filer(source=Source.FILE).file(envelopes, batch_size=batch)


def file_in_parallel(envelopes, jobs, batch):
    """Split by conversation (a thread's tweets stay together and in time order) over forked processes;
    the unique tweet id keeps filing exactly-once whatever the split."""
    parts = [[] for _ in range(jobs)]
    for env in envelopes:
        root = env.conversation_id or env.replied_to or env.tweet_id
        parts[int(root) % jobs].append(env)
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        results = pool.map(_file_part, [(part, batch) for part in parts if part])
    summary = Summary()
    for result in results:
        summary.add(result)
    return summary


def _loads(text):
    return json.loads(text)


def _dumps(data):
    return json.dumps(data, ensure_ascii=False)
