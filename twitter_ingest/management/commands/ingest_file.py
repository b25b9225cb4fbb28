"""File mentions from a JSONL file of X API v2 mentions responses (one {data, includes, errors, meta}
object a line) through the same filing code as the poller: oldest first whatever the line order,
idempotent (a re-run files nothing twice), with a progress bar and a summary of outcomes."""

import json
import multiprocessing
from collections import Counter

from django.db import connections

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from twitter_ingest.filing import Filer, Summary, record_problems
from twitter_ingest.tweets import BadTweet, envelopes_from_response
from twitter_ingest.models import Outcome, Source

LABELS = [
    (Outcome.COMPLAINT, "new complaints"), (Outcome.FOLLOW_UP, "follow-ups"), (Outcome.NOTED, "acknowledgements"),
    (Outcome.DISTRICT_UPDATE, "district updates"), (Outcome.GOOD_WORK, "good-work posts"),
    (Outcome.STATUS_REQUEST, "status requests"), (Outcome.IGNORED, "ignored"), (Outcome.REJECTED, "rejected"),
]


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
        envelopes, rejected, lines = [], Counter(), 0
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        with handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                lines += 1
                problems = []
                try:
                    body = _loads(raw.decode("utf-8"))
                    found, problems = envelopes_from_response(body)
                    envelopes.extend(found)
                except UnicodeDecodeError as exc:
                    problems = [(f"line is not UTF-8: {exc.reason}", raw[:200].decode("utf-8", "replace"))]
                except ValueError as exc:  # malformed or truncated JSON, or not an object
                    problems = [(f"malformed JSON: {exc}"[:300], raw[:200].decode("utf-8", "replace"))]
                except BadTweet as exc:
                    problems = [(str(exc), raw[:200].decode("utf-8", "replace"))]
                for reason, _ in problems:
                    rejected[reason.split(":")[0]] += 1
                record_problems(problems, path, line=number)
        if jobs > 1:
            summary = file_in_parallel(envelopes, jobs, batch)
        else:
            bar = tqdm(total=len(envelopes), unit="mention", disable=no_progress or json, mininterval=0.5)
            summary = Filer(source=Source.FILE).file(envelopes, batch_size=batch, progress=bar.update)
            bar.close()
        result = {label: summary.counts.get(key, 0) for key, label in LABELS}
        result.update({"already filed": summary.already, "lines": lines, "tweets": len(envelopes),
                       "input rejected": sum(rejected.values())})
        if json:
            self.stdout.write(_dumps({**result, "input rejected reasons": dict(rejected)}))
            return
        self.stdout.write(f"{lines} lines, {len(envelopes)} tweets")
        for label, count in result.items():
            if label not in ("lines", "tweets"):
                self.stdout.write(f"  {label:<20} {count}")
        for reason, count in rejected.most_common():
            self.stdout.write(f"    {count} × {reason}")


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
