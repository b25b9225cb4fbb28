"""Draws a sample weekly review (2026-W48) on a throwaway SQLite database filled with made-up complaints
(the texts of the bundled demo stream), and renders its first page to docs/weekly-review-page1.png.

    .venv/bin/python docs/review_sample.py [--out-dir /tmp] [--catalogue extra-hi.po]

writes review-en.pdf and review-hi.pdf there; --catalogue adds Hindi translations not yet in
locale/hi (compiled with gettext's msgfmt into a temporary folder, read before locale/).
"""

import argparse
import json
import os
import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", default=tempfile.gettempdir())
    parser.add_argument("--catalogue", help="a .po file of extra Hindi translations")
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp()) / "review-sample.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from complaints import lifecycle
    from complaints.models import Priority
    from dashboard import honour_roll, review_report
    from districts.models import Unit

    if args.catalogue:
        import subprocess

        from django.conf import settings
        from django.utils.translation import trans_real

        extra = Path(tempfile.mkdtemp())
        (extra / "hi" / "LC_MESSAGES").mkdir(parents=True)
        po = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + Path(args.catalogue).read_text("utf-8")
        (extra / "extra.po").write_text(po, "utf-8")
        subprocess.run(["msgfmt", "-o", str(extra / "hi" / "LC_MESSAGES" / "django.mo"), str(extra / "extra.po")],
                       check=True)
        settings.LOCALE_PATHS = [str(extra), *settings.LOCALE_PATHS]
        trans_real._translations = {}
    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    texts = [json.loads(line)["text"] for line in (ROOT / "fixtures" / "demo_stream.jsonl").open(encoding="utf-8")
             if '"text"' in line]
    rng = random.Random(48)
    counter = iter(range(10**6))

    def complaint(slug, when, fate):
        c = lifecycle.file_complaint(text=rng.choice(texts), source_tweet_id=str(1870000000000000000 + next(counter)),
                                     author_username="citizen", received_at=when,
                                     priority=Priority.URGENT if rng.random() < 0.05 else Priority.NORMAL,
                                     is_restricted=rng.random() < 0.04)
        c = lifecycle.forward(c, Unit.objects.get(slug=slug), at=when + timedelta(minutes=rng.randint(5, 90)))
        if fate == "forwarded":
            return
        c = lifecycle.note(c, at=c.forwarded_at + timedelta(minutes=rng.randint(10, 240)))
        if fate == "resolved":
            c = lifecycle.report(c, "Thana ne karyavahi ki")
            lifecycle.resolve(c, at=c.noted_at + timedelta(hours=rng.randint(2, 60)))

    def at(day, hour, month=11):
        return timezone.make_aware(datetime(2026, month, day, hour, rng.randint(0, 59)))

    units = {"meerut": 0.8, "lucknow-commissionerate": 0.7, "bareilly": 0.5, "mathura": 0.6, "gorakhpur": 0.65,
             "prayagraj-commissionerate": 0.55, "jhansi": 0.75, "azamgarh": 0.4}
    for slug, good in units.items():
        for month, days in ((9, 30), (10, 31)):
            for _i in range(rng.randint(20, 30)):
                complaint(slug, at(rng.randint(1, days), rng.randint(7, 22), month),
                          "resolved" if rng.random() < good + (0.1 if month == 10 else 0) else "forwarded")
        for _i in range(rng.randint(8, 25)):
            fate = rng.choices(["resolved", "noted", "forwarded"], [good, 0.2, 1 - good])[0]
            complaint(slug, at(rng.randint(23, 29), rng.randint(7, 22)), fate)
    for _i in range(9):  # a spike: Mathura, Wednesday 14:00
        complaint("mathura", timezone.make_aware(datetime(2026, 11, 25, 14, rng.randint(0, 59))), "noted")

    today = date(2026, 12, 1)
    honour_roll.decide(date(2026, 10, 1), today=today)
    out = Path(args.out_dir)
    for language in ("en", "hi"):
        pdf = review_report.build(date(2026, 11, 23), language, now=timezone.make_aware(datetime(2026, 11, 30, 8)))
        (out / f"review-{language}.pdf").write_bytes(pdf)
    import pypdfium2

    for language in ("en", "hi"):
        page = pypdfium2.PdfDocument(str(out / f"review-{language}.pdf"))[0]
        page.render(scale=1.6).to_pil().save(ROOT / "docs" / f"weekly-review-page1-{language}.png", optimize=True)
    print(f"{out}/review-en.pdf, {out}/review-hi.pdf; docs/weekly-review-page1-{{en,hi}}.png")


if __name__ == "__main__":
    main()
