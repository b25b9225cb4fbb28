"""Import police stations from a CSV (columns district, name_en, name_hi, alternates): the rules are
districts.station_import's; a file with a bad row is refused whole, with its line numbers."""

from django.core.management.base import BaseCommand, CommandError

from districts import station_import


class Command(BaseCommand):
    help = "Import police stations from a UTF-8 CSV: district, name_en, name_hi, alternates (';'-separated)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")

    def handle(self, *args, path, **options):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = station_import.apply(data)
        except station_import.ImportRefused as exc:
            lines = "\n".join(f"  line {line}: {message}" if line else f"  {message}" for line, message in exc.errors)
            raise CommandError(f"Nothing imported from {path}:\n{lines}") from None
        self.stdout.write(f"Police stations: {result.created} added, {result.updated} completed with other names, "
                          f"{result.unchanged} already as in the file.")
