"""Recount the league table's daily tallies: the days marked since the last recount (what the beat task
does), or with --all every day, after writing complaints around the lifecycle (a bulk import, a repair
in SQL) or to check the tallies."""

import time

from django.core.management.base import BaseCommand

from complaints import tally


class Command(BaseCommand):
    help = "Recount the league table's daily tallies (the marked days, or --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recount every day, not only the marked ones")

    def handle(self, *args, all, **options):
        started = time.perf_counter()
        days = tally.rebuild() if all else tally.refresh()
        self.stdout.write(f"Recounted {days} day(s) in {time.perf_counter() - started:.1f} s.")
