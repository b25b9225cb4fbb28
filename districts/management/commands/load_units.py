"""Load or update the units registry from fixtures/ (units, X accounts, police stations). Idempotent:
rows are matched by slug, handle and (unit, any name of the station), so running it again changes only what
changed, and never undoes a cell's rename or retirement of a starter station."""

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from districts import stations
from districts.models import AccountKind, PoliceStation, Unit, UnitType, XAccount

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _read(name):
    path = FIXTURES / name
    if not path.exists():
        raise CommandError(f"Missing fixture {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(value):
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class Command(BaseCommand):
    help = "Load or update the UP Police units, X accounts and police stations from fixtures/."

    @transaction.atomic
    def handle(self, *args, **options):
        counts = {"created": 0, "updated": 0, "unchanged": 0}

        def tally(obj, created, fields):
            if created:
                counts["created"] += 1
                return
            changed = [f for f, v in fields.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, fields[f])
                obj.save(update_fields=changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1

        units = _read("units.csv")
        by_slug = {}
        # Parents come before children in the file; a second pass would be needed otherwise.
        for row in units:
            if row["unit_type"] not in UnitType.values:
                raise CommandError(f"Unknown unit type {row['unit_type']!r} for {row['slug']}")
            parent = by_slug.get(row["parent"]) if row["parent"] else None
            if row["parent"] and parent is None:
                raise CommandError(f"{row['slug']}: parent {row['parent']!r} is not defined before it")
            fields = {
                "unit_type": row["unit_type"], "name_en": row["name_en"], "name_hi": row["name_hi"],
                "parent": parent, "lgd_code": row["lgd_code"], "alt_names": _split(row["alt_names"]),
                "is_active": row["active"] == "1",
            }
            unit, created = Unit.objects.get_or_create(slug=row["slug"], defaults=fields)
            tally(unit, created, fields)
            by_slug[unit.slug] = unit

        for row in _read("accounts.csv"):
            if row["kind"] not in AccountKind.values:
                raise CommandError(f"Unknown account kind {row['kind']!r} for @{row['handle']}")
            fields = {
                "unit": by_slug[row["unit"]], "kind": row["kind"], "source": row["source"][:500],
                "is_active": row["active"] == "1",
            }
            account = XAccount.objects.filter(handle__iexact=row["handle"]).first()
            if account is None:
                XAccount.objects.create(handle=row["handle"], watched=row["watched"] == "1", **fields)
                counts["created"] += 1
            else:
                # `watched` is HQ's choice once loaded: an update must not switch polling on or off.
                tally(account, False, fields)

        for row in _read("stations.csv"):
            unit = by_slug[row["unit"]]
            # The cells keep their stations on their own pages: a starter station renamed there is found by
            # its old name (an alternate now) and left as the cell made it; alternates are only added to.
            station = stations.find(unit, row["name_en"])
            if station is None:
                PoliceStation.objects.create(unit=unit, name_en=row["name_en"], name_hi=row["name_hi"],
                                             alt_names=_split(row["alt_names"]))
                counts["created"] += 1
                continue
            fields = {"name_hi": station.name_hi or row["name_hi"],
                      "alt_names": [*station.alt_names,
                                    *(a for a in _split(row["alt_names"]) if a not in station.alt_names)]}
            tally(station, False, fields)

        self.stdout.write(
            f"Units registry: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged ({Unit.objects.count()} units, {XAccount.objects.count()} accounts, "
            f"{PoliceStation.objects.count()} police stations)."
        )
