"""The complaints list's cursor pagination. A cursor the client changed or made up is a bad value (400),
never a server error: DRF answers an undecodable cursor with 404, and passes a decodable one whose
position is not a value of the ordering field straight to the database."""

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from .errors import BadCursor


class ComplaintCursor(CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise BadCursor() from None
        if cursor is not None and cursor.position is not None:
            # The position is compared with the first ordering field (set before the cursor is read).
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
            try:
                value = field.to_python(cursor.position)
            except DjangoValidationError:
                raise BadCursor() from None
            # Our own cursors carry aware times; a naive one was written by hand.
            if value is None or (isinstance(value, datetime) and timezone.is_naive(value)):
                raise BadCursor()
        return cursor
