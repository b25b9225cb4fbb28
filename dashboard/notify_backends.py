"""How a notification leaves the desk. settings.NOTIFICATION_BACKENDS lists the backends by dotted path;
each is a class with:

    channel = "sms"                 # a short unique name; one delivery row per notification and channel
    def accepts(self, notification) -> bool   # does this recipient have this channel (an address, a number)?
    def send(self, notification) -> None      # deliver it now, or raise

`send` raises TransientError for what may work on a later try (the provider is down, a timeout): the
delivery is tried again, up to NOTIFICATION_MAX_ATTEMPTS times. Any other exception fails it for good,
with the error kept on the row. `render(notification)` gives the subject and the text in the recipient's
language, for any backend to use. An SMS or WhatsApp provider is one more class like EmailBackend.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail

from . import notify_text

log = logging.getLogger("dashboard.notify")


class TransientError(Exception):
    """A delivery that may succeed if tried again later."""


class Backend:
    channel = ""

    def accepts(self, notification):
        return True

    def send(self, notification):
        raise NotImplementedError


class EmailBackend(Backend):
    """Django's e-mail (settings EMAIL_*): to the login's or the cell contact's address."""

    channel = "email"

    def accepts(self, notification):
        return bool(notification.email)

    def send(self, notification):
        subject, text = notify_text.render(notification)
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [notification.email])
        except smtplib.SMTPRecipientsRefused:
            raise  # the address itself is refused: trying again will not help
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(str(exc)) from exc


class ConsoleBackend(Backend):
    """A line in the log for every notification: the record that it was made, and a stand-in for a
    provider while none is configured."""

    channel = "console"

    def send(self, notification):
        subject, _ = notify_text.render(notification)
        log.info("notification %s to %s: %s", notification.pk,
                 notification.recipient or notification.email or "-", subject)
