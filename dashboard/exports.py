"""CSV and XLSX exports. Every cell that a spreadsheet would read as a formula (it begins with = + - @,
a tab or a carriage return) is prefixed with an apostrophe, so an exported tweet can never run code."""

import csv
import io
from datetime import datetime

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 200_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape(value):
    """A cell value safe for a spreadsheet: text stays text; times in IST without the zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


COMPLAINT_COLUMNS = [
    ("tracking_code", _("Tracking code")), ("received_at", _("Received (IST)")), ("channel", _("Channel")),
    ("status", _("Status")), ("unit__name_en", _("Unit")), ("police_station__name_en", _("Police station")),
    ("category__name_en", _("Category")), ("priority", _("Priority")), ("author_username", _("X handle")),
    ("author_name", _("Name")), ("text", _("Text")), ("forwarded_at", _("Forwarded (IST)")),
    ("noted_at", _("Noted (IST)")), ("resolved_at", _("Resolved (IST)")), ("closed_at", _("Closed (IST)")),
    ("outcome", _("Outcome")), ("fir_number", _("FIR number")), ("action_taken_report", _("Action-taken report")),
    ("sla_due_at", _("Next deadline (IST)")), ("escalated_at", _("Escalated (IST)")),
    ("source_tweet_id", _("Tweet id")),
]


def complaint_rows(queryset):
    """Header and rows of a (scoped) complaint queryset, streamed from the database in chunks."""
    fields = [f for f, _label in COMPLAINT_COLUMNS]
    yield [str(label) for _f, label in COMPLAINT_COLUMNS]
    for values in queryset.order_by("-received_at", "-id").values_list(*fields).iterator(chunk_size=2000):
        yield list(values)


class _Echo:
    def write(self, value):
        return value


def csv_response(rows, filename):
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8 (Hindi text)
        for row in rows:
            yield writer.writerow([escape(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows, filename, title="export"):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for count, row in enumerate(rows):
        if count > XLSX_MAX_ROWS:
            sheet.append([str(_("Cut off: use CSV for more rows."))])
            break
        sheet.append([escape(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


LEAGUE_COLUMNS = [
    ("rank", _("Rank")), ("unit_name_en", _("Unit")), ("unit_name_hi", _("Unit (Hindi)")),
    ("received", _("Received")), ("forwarded", _("Forwarded")), ("noted", _("Noted")),
    ("noted_within_target_pct", _("Noted within target (%)")),
    ("median_minutes_to_noted", _("Median minutes to noted")),
    ("median_minutes_to_resolution", _("Median minutes to resolution")), ("disposed", _("Disposed")),
    ("disposal_rate_pct", _("Disposal rate (%)")), ("pending_beyond_target", _("Pending beyond target")),
    ("not_heard", _("Not heard")), ("satisfied", _("Satisfied")), ("not_satisfied", _("Not satisfied")),
    # xgettext:no-python-format
    ("satisfaction_pct", _("Satisfied (% of answers)")),
    ("reopened", _("Reopened")),
]


def league_rows(table):
    """Header and rows of complaints.stats.league_table()."""
    keys = [key for key, _label in LEAGUE_COLUMNS]
    yield [str(label) for _k, label in LEAGUE_COLUMNS]
    for row in table:
        yield [row.get(k) for k in keys]
