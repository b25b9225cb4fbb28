"""CUG numbers of the cells: Indian numbers, checked with Google's libphonenumber and kept in one form
(+91 and ten digits), so the directory, its export and a reminder e-mail show one spelling."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def parse_cug(value):
    """The number in E.164 form (+919454405120); ValidationError for anything not a valid Indian number."""
    value = (value or "").strip()
    try:
        number = phonenumbers.parse(value, "IN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 91 or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s” is not a valid Indian phone number."), code="invalid_cug",
                              params={"value": value})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_cug(value):
    if value:
        parse_cug(value)


def show_cug(value, *, national=False):
    """+91 94544 05120 as people read it (national: 094544 05120, for spreadsheets, which would take a
    leading + for a formula); the stored text as it is if it does not parse."""
    style = phonenumbers.PhoneNumberFormat.NATIONAL if national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    try:
        return phonenumbers.format_number(phonenumbers.parse(value, "IN"), style)
    except phonenumbers.NumberParseException:
        return value
