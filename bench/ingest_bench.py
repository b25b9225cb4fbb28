"""Benchmark of `ingest_file`: generate N realistic mentions as a JSONL file of X API v2 mentions responses,
file them into a fresh database, file them again (must file nothing), and measure a raw INSERT of the same
rows into a plain table on the same database in the same run. By default it does this twice, in one
process and with --jobs 2, each on a fresh database, and prints ONE JSON line with both rates, the raw
INSERT rate measured beside each and the ratios (the targets are set on the ratio, which moves less with
the machine than the rates).

    .venv/bin/python bench/ingest_bench.py --n 20000                       # PostgreSQL (default URL below)
    .venv/bin/python bench/ingest_bench.py --n 20000 --jobs 1 --profile /tmp/ingest.prof   # where the time goes
    .venv/bin/python bench/ingest_bench.py --n 200 --database-url sqlite:////tmp/bench.db
    .venv/bin/python bench/ingest_bench.py --generate-only /tmp/mentions.jsonl --n 3000
"""

import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ingest_bench"
EPOCH_MS = 1288834974657
STATE = {"id": "1000000000000000001", "username": "Uppolice", "name": "UP POLICE"}
UNITS = [("2000000000000000002", "lkopolice"), ("2000000000000000003", "noidapolice"),
         ("2000000000000000004", "ghaziabadpolice"), ("2000000000000000005", "meerutpolice")]
PLACES = ["हज़रतगंज", "Hazratganj", "गोमती नगर", "Noida sector 62", "Indirapuram", "Allahabad", "Meerut",
          "Kanpur", "Varanasi", "Agra", "Bareilly", "Gorakhpur", "मेरठ", "कानपुर", "आगरा", "Sahibabad", "Loni",
          "Naini", "Sigra", "Chinhat", "Aliganj", "Jhansi", "Aligarh", "Mathura", "Firozabad"]
COMPLAINTS = [
    "@Uppolice मेरी बाइक {place} से चोरी हो गई है, कृपया मदद करें",
    "@Uppolice {place} में रात भर तेज़ डीजे बज रहा है, कोई सुनवाई नहीं",
    "@Uppolice Someone is harassing my sister near {place}, please take action",
    "@Uppolice {place} mein jhagda ho raha hai, police bhejiye jaldi",
    "@Uppolice Traffic jam at {place} for 2 hours, no police present 🙏",
    "@Uppolice मेरा मोबाइल {place} बाजार में छीन लिया गया, FIR नहीं लिखी जा रही",
    "@Uppolice Land mafia ne {place} mein meri zameen par kabza kar liya hai",
    "@Uppolice Cyber fraud: ₹25,000 debited from my account, I live in {place}",
    "@Uppolice {place} थाने में शिकायत दर्ज नहीं की जा रही है, कृपया संज्ञान लें",
    "@Uppolice Accident near {place} flyover, ambulance needed urgently",
]
FOLLOW_UPS = ["@Uppolice अभी तक कोई कार्यवाही नहीं हुई", "@Uppolice still waiting, nobody called me",
              "@Uppolice sir please help, koi response nahi mila"]
GOOD_WORK = ["@Uppolice थाना {place} पुलिस द्वारा 3 वांछित अभियुक्त गिरफ्तार #GoodWork",
             "@Uppolice Operation Muskaan: {place} police reunited a missing child with family"]


def _time(tweet_id):
    ms = (int(tweet_id) >> 22) + EPOCH_MS
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def generate(path, n, seed=7, per_line=100, shuffle_lines=True):
    """Write n mentions: ~75% new complaints, 10% follow-ups, 5% retweets, 5% good-work posts, 5% district
    replies. Lines hold up to `per_line` tweets with their includes, in shuffled order."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    base_ms = int(start.timestamp() * 1000) - EPOCH_MS
    tweets, users, roots = [], {STATE["id"]: STATE}, []
    for uid, name in UNITS:
        users[uid] = {"id": uid, "username": name, "name": name}
    for i in range(n):
        tweet_id = str(((base_ms + i * 997) << 22) | (i & 0x3FF))
        roll = rng.random()
        tweet = {"id": tweet_id, "edit_history_tweet_ids": [tweet_id], "created_at": _time(tweet_id),
                 "entities": {"mentions": [{"start": 0, "end": 9, "username": "Uppolice", "id": STATE["id"]}]}}
        if roll < 0.10 and roots:
            root_id, author = rng.choice(roots)
            tweet.update(author_id=author, text=rng.choice(FOLLOW_UPS), conversation_id=root_id,
                         referenced_tweets=[{"type": "replied_to", "id": root_id}], lang="hi")
        elif roll < 0.15 and roots:
            root_id, _ = rng.choice(roots)
            tweet.update(author_id=str(3 * 10**18 + rng.randrange(10**6)), text="RT @someone: " + rng.choice(COMPLAINTS)
                         .format(place=rng.choice(PLACES)), referenced_tweets=[{"type": "retweeted", "id": root_id}])
        elif roll < 0.20:
            uid, _ = rng.choice(UNITS)
            tweet.update(author_id=uid, text=rng.choice(GOOD_WORK).format(place=rng.choice(PLACES)), lang="hi")
        elif roll < 0.25 and roots:
            root_id, _ = rng.choice(roots)
            uid, _ = rng.choice(UNITS)
            tweet.update(author_id=uid, text="@Uppolice प्रकरण में आवश्यक कार्यवाही की जा रही है",
                         conversation_id=root_id, referenced_tweets=[{"type": "replied_to", "id": root_id}])
        else:
            author = str(3 * 10**18 + rng.randrange(10**6))
            place = rng.choice(PLACES)
            tweet.update(author_id=author, conversation_id=tweet_id, lang=rng.choice(["hi", "en", "qme"]),
                         text=rng.choice(COMPLAINTS).format(place=place) + f" #{i}")
            users[author] = {"id": author, "username": f"citizen{author[-6:]}", "name": f"Citizen {author[-6:]}",
                             "location": rng.choice(["", "Lucknow", "Noida, UP", "India"])}
            roots.append((tweet_id, author))
        tweets.append(tweet)
    lines = []
    for start_index in range(0, len(tweets), per_line):
        page = list(reversed(tweets[start_index:start_index + per_line]))  # newest first, as the API pages
        authors = {t["author_id"] for t in page}
        lines.append({"data": page, "includes": {"users": [users[a] for a in authors if a in users]},
                      "meta": {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}})
    if shuffle_lines:
        rng.shuffle(lines)
    with open(path, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return tweets


def _fresh_database(url):
    import environ

    config = environ.Env.db_url_config(url)
    if "sqlite" in config["ENGINE"]:
        for suffix in ("", "-wal", "-shm"):
            Path(config["NAME"] + suffix).unlink(missing_ok=True)
        return
    from seva.localstack import postgres_admin

    admin = postgres_admin(url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def _kind(sql):
    """"INSERT complaints_event", "SAVEPOINT", "SELECT dashboard_slatarget"...: where the statements go."""
    words = sql.replace('"', "").split()
    verb = words[0].upper() if words else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return verb
    upper = [w.upper() for w in words]
    if verb == "UPDATE" and len(words) > 1:
        return f"UPDATE {words[1]}"
    for marker in ("INTO", "FROM"):
        if marker in upper and upper.index(marker) + 1 < len(words):
            return f"{verb} {words[upper.index(marker) + 1].split('.')[0]}"
    return verb


def _raw_insert_rate(rows):
    """Rows per second of a plain INSERT (500 rows a statement, one transaction per 500) of the same data."""
    from django.db import connection, transaction

    jsonb = "jsonb" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_mention")
        cursor.execute(f"CREATE TABLE bench_raw_mention (tweet_id varchar(20) PRIMARY KEY, author_id varchar(20), "
                       f"text text, tweeted_at varchar(30), raw {jsonb})")
    started = time.perf_counter()
    for i in range(0, len(rows), 500):
        chunk = rows[i:i + 500]
        with transaction.atomic(), connection.cursor() as cursor:
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO bench_raw_mention VALUES {values}",
                           [v for t in chunk for v in (t["id"], t["author_id"], t["text"], t["created_at"],
                                                      json.dumps(t, ensure_ascii=False))])
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_mention")
    return len(rows) / elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--jobs", default="1,2",
                        help="ingest_file --jobs; a list (1,2) runs each on a fresh database and reports all")
    parser.add_argument("--profile", metavar="PATH",
                        help="with one --jobs 1 run: write cProfile stats of the filing there and print the top")
    parser.add_argument("--generate-only", metavar="PATH")
    parser.add_argument("--no-model", action="store_true",
                        help="file without a triage model (the rules alone); by default the seed model is trained first, "
                             "as on an installation that has one")
    args = parser.parse_args(argv)
    if args.generate_only:
        generate(args.generate_only, args.n)
        return 0
    jobs = [int(j) for j in str(args.jobs).split(",") if j.strip()]
    if len(jobs) > 1:
        return _compare(argv, args, jobs)
    args.jobs = jobs[0]
    _fresh_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from twitter_ingest.models import Mention

    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    if not args.no_model:
        call_command("train_triage", "--seed-only", stdout=StringIO())
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mentions.jsonl")
        tweets = generate(path, args.n)
        out = StringIO()
        statements = Counter()

        def count(execute, sql, params, many, context):
            statements[_kind(sql)] += 1
            return execute(sql, params, many, context)

        profile = None
        if args.profile and args.jobs == 1:
            import cProfile

            profile = cProfile.Profile()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            if profile:
                profile.enable()
            call_command("ingest_file", path, "--json", "--batch", str(args.batch), "--jobs", str(args.jobs),
                         "--no-progress", stdout=out)
            if profile:
                profile.disable()
        first = time.perf_counter() - started
        if profile:
            _print_profile(profile, args.profile)
        summary = json.loads(out.getvalue())
        out = StringIO()
        started = time.perf_counter()
        call_command("ingest_file", path, "--json", stdout=out)
        second = time.perf_counter() - started
        rerun = json.loads(out.getvalue())
    filed = Mention.objects.count()
    raw_rate = _raw_insert_rate(tweets)
    print(json.dumps({
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": connection.vendor, "n": args.n, "triage_model": not args.no_model, "cpus": os.cpu_count(), "jobs": args.jobs,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "ingest_file_seconds": round(first, 2), "ingest_file_mentions_per_s": round(args.n / first, 1),
        "raw_insert_rows_per_s": round(raw_rate, 1), "ratio": round(args.n / first / raw_rate, 6),
        "profiled": bool(profile),
        "rerun_seconds": round(second, 2), "rerun_new": rerun["new complaints"],
        "mentions_stored": filed, "exactly_once": filed == args.n and rerun["already filed"] == args.n,
        "statements_per_mention": round(sum(statements.values()) / args.n, 2) if args.jobs == 1 else None,
        "statements_by_kind": dict(statements.most_common(12)) if args.jobs == 1 else None,
        "outcomes": {k: v for k, v in summary.items() if isinstance(v, int)},
    }, ensure_ascii=False))
    return 0


def _print_profile(profile, path):
    import pstats

    profile.dump_stats(path)
    for order in ("cumulative", "tottime"):
        pstats.Stats(profile, stream=sys.stderr).sort_stats(order).print_stats(30)


def _compare(argv, args, jobs):
    """Each --jobs value in a process of its own on a fresh database; one JSON line with every rate, the
    raw INSERT rate measured in each and the ratios."""
    base = [a for a in (argv if argv is not None else sys.argv[1:])]
    runs = []
    for count in jobs:
        command = [sys.executable, __file__, *_without(base, "--jobs"), "--jobs", str(count)]
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
        if done.returncode:
            sys.stderr.write(done.stderr)
            return done.returncode
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = runs[0]
    print(json.dumps({
        **first,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rates": {f"jobs_{r['jobs']}": {"mentions_per_s": r["ingest_file_mentions_per_s"],
                                        "raw_insert_rows_per_s": r["raw_insert_rows_per_s"], "ratio": r["ratio"],
                                        "exactly_once": r["exactly_once"], "load_average": r["load_average"]}
                  for r in runs},
        "exactly_once": all(r["exactly_once"] for r in runs),
    }, ensure_ascii=False))
    return 0


def _without(argv, option):
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == option:
            skip = True
        elif not arg.startswith(option + "="):
            out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main())
