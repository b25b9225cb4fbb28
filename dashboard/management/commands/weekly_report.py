"""python manage.py weekly_report --week 2026-W48 --out review.pdf [--language hi] [--scope meerut-zone] [--file]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.models import Unit

from ... import review_report


class Command(BaseCommand):
    help = "Draw the DGP's weekly review report of an ISO week as a PDF (English or Hindi)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: the week before this one)")
        parser.add_argument("--out", required=True, help="where to write the PDF")
        parser.add_argument("--language", default="en", choices=["en", "hi"])
        parser.add_argument("--scope", help="a unit's slug (a zone, range or commissionerate); default: the state")
        parser.add_argument("--file", action="store_true",
                            help="also keep it as the filed report of the week (only for a week that has ended)")

    def handle(self, *args, week=None, out, language, scope=None, file=False, **options):
        try:
            monday = review_report.parse_week(week) if week else review_report.last_week()
            unit = Unit.objects.get(slug=scope) if scope else None
            if file:
                pdf = bytes(review_report.file(monday, language, unit, by="manage.py").pdf)
            else:
                pdf = review_report.build(monday, language, unit)
        except (ValueError, Unit.DoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        Path(out).write_bytes(pdf)
        self.stdout.write(f"{review_report.week_label(monday)} ({language}): {len(pdf)} bytes → {out}")
