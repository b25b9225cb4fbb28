"""One search over complaints for the dashboard and the API: a tracking code, an @handle, or words.
PostgreSQL uses full-text ('simple') and trigram indexes (dashboard migration 0003); other databases a
plain icontains fallback."""

import re

from django.db import connection
from django.db.models import Q

from . import codes

HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,15})$")


def text_search(qs, query):
    query = query.strip()
    if not query:
        return qs
    try:
        return qs.filter(tracking_code=codes.normalise(query))
    except codes.CodeError:
        pass
    handle = HANDLE.match(query)
    if query.startswith("@") and handle:
        if connection.vendor == "postgresql":
            # ILIKE without wildcards is a case-insensitive equality that the trigram index on
            # author_username serves; UPPER(x) = UPPER(y), which iexact writes, reads every row.
            return qs.extra(where=["complaints_complaint.author_username ILIKE %s"], params=[_like(handle.group(1))])
        return qs.filter(author_username__iexact=handle.group(1))
    if connection.vendor == "postgresql":
        # Same expressions as the GIN indexes, so the planner can use them.
        return qs.extra(
            where=[
                "(to_tsvector('simple', complaints_complaint.text) @@ plainto_tsquery('simple', %s)"
                " OR complaints_complaint.text ILIKE %s OR complaints_complaint.author_username ILIKE %s)"
            ],
            params=[query, f"%{_like(query)}%", f"%{_like(query)}%"],
        )
    return qs.filter(Q(text__icontains=query) | Q(author_username__icontains=query))


def _like(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
