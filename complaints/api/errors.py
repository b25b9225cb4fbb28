"""Lifecycle errors as HTTP answers: a conflict with the complaint's state is 409, a bad value 400 with
the field, a missing right 403 (Django's PermissionDenied, which DRF already maps)."""

from contextlib import contextmanager

from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from complaints import codes, lifecycle


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The complaint's state does not allow this."
    default_code = "conflict"

    def __init__(self, detail, code, **extra):
        super().__init__(detail, code)
        self.extra = extra


class BadCode(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "malformed_code"


class BadCursor(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Invalid cursor: use the next or previous link of a page as it is."
    default_code = "invalid_cursor"


@contextmanager
def lifecycle_errors():
    try:
        yield
    except lifecycle.IllegalTransition as exc:
        raise Conflict(str(exc), "illegal_transition") from exc
    except lifecycle.StaleComplaint as exc:
        raise Conflict(str(exc), "stale") from exc
    except lifecycle.DuplicateTweet as exc:
        raise Conflict(str(exc), "duplicate_tweet", existing=exc.existing.tracking_code) from exc
    except lifecycle.InvalidValue as exc:
        raise ValidationError({exc.field: [str(exc)]}) from exc


def canonical_code(raw):
    """The canonical code, or 400 saying whether it is malformed or a typo."""
    try:
        return codes.normalise(raw)
    except codes.CodeTypo as exc:
        raise BadCode(str(exc), "code_typo") from exc
    except codes.MalformedCode as exc:
        raise BadCode(str(exc), "malformed_code") from exc


def exception_handler(exc, context):
    """DRF's handler, plus the machine-readable "code" next to "detail" and any extra fields."""
    from rest_framework.views import exception_handler as drf_handler

    response = drf_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = getattr(response.data["detail"], "code", None) or "error"
        response.data.update(getattr(exc, "extra", {}))
    return response
