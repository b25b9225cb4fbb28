"""The units registry: the state, zones, ranges, districts, commissionerates, traffic, overseas and special
units, their X accounts, police stations, cell contacts, and which unit each staff member works for; the
staff's personal API tokens and the record of what was done to logins and tokens; the record of each unit's
cell page."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .phones import validate_cug


class UnitType(models.TextChoices):
    STATE = "state", _("State")
    ZONE = "zone", _("Zone")
    RANGE = "range", _("Range")
    DISTRICT = "district", _("District")
    COMMISSIONERATE = "commissionerate", _("Commissionerate")
    TRAFFIC = "traffic", _("Traffic")
    OVERSEAS = "overseas", _("Overseas")
    SPECIAL = "special", _("Special")


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def routable(self):
        """Units HQ can forward a complaint to: everything but the state account itself."""
        return self.active().exclude(unit_type=UnitType.STATE)


class Unit(models.Model):
    unit_type = models.CharField(_("type"), max_length=20, choices=UnitType.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_hi = models.CharField(_("name (Hindi)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    alt_names = models.JSONField(
        _("alternate names"), default=list, blank=True,
        help_text=_("Old names, other spellings and Hindi forms, used to recognise the unit in tweets."),
    )
    lgd_code = models.CharField(_("LGD district code"), max_length=8, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # 001 §6: the station's report is brought to the SP's notice. Where HQ switches this on, a report the
    # cell files waits for the unit's supervising officer (Role.APPROVER) before the public sees it or it
    # is tweeted (complaints.lifecycle).
    reports_need_approval = models.BooleanField(
        _("station reports need the supervising officer's approval"), default=False,
        help_text=_("When ticked, an action-taken report filed by the cell is neither public nor tweeted until "
                    "the unit's supervising officer (SP/SSP/CP or a designated officer) approves it."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["unit_type", "name_en"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name_en

    def display_name(self, language=None):
        from django.utils.translation import get_language

        language = language or get_language() or "en"
        return self.name_hi if language.startswith("hi") and self.name_hi else self.name_en

    def descendant_ids(self):
        """Ids of every unit below this one (not itself). The tree is ~130 rows, so a few queries suffice."""
        found, frontier = [], [self.pk]
        while frontier:
            frontier = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            found.extend(frontier)
        return found

    def subtree_ids(self):
        return [self.pk, *self.descendant_ids()]

    def ancestors(self):
        unit, chain = self.parent, []
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    @property
    def primary_handle(self):
        account = next((a for a in self.accounts.all() if a.kind == AccountKind.UNIT), None)
        account = account or next(iter(self.accounts.all()), None)
        return account.handle if account else ""


class AccountKind(models.TextChoices):
    UNIT = "unit", _("Unit account")
    DESIGNATION = "designation", _("Designation account")
    TRAFFIC = "traffic", _("Traffic account")
    OVERSEAS = "overseas", _("Overseas account")


class XAccount(models.Model):
    """An X (Twitter) account of a unit. Handles are stored without '@', compared case-insensitively."""

    handle = models.CharField(_("handle"), max_length=15)
    user_id = models.CharField(_("numeric user id"), max_length=20, null=True, blank=True, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices, default=AccountKind.UNIT)
    verified = models.BooleanField(_("verified on X"), default=False)
    source = models.CharField(_("source of the handle"), max_length=500, blank=True)
    watched = models.BooleanField(
        _("poll its mentions"), default=False, help_text=_("Mentions of watched accounts are filed as complaints.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["handle"]
        verbose_name = _("X account")
        verbose_name_plural = _("X accounts")
        constraints = [models.UniqueConstraint(Lower("handle"), name="xaccount_handle_ci_unique")]

    def __str__(self):
        return f"@{self.handle}"

    def save(self, *args, **kwargs):
        self.handle = self.handle.strip().lstrip("@")
        super().save(*args, **kwargs)


class PoliceStation(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("district or commissionerate"), on_delete=models.PROTECT, related_name="stations",
        limit_choices_to={"unit_type__in": [UnitType.DISTRICT, UnitType.COMMISSIONERATE]},
    )
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_hi = models.CharField(_("name (Hindi)"), max_length=120, blank=True)
    alt_names = models.JSONField(_("alternate names"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["unit__name_en", "name_en"]
        verbose_name = _("police station")
        verbose_name_plural = _("police stations")
        constraints = [models.UniqueConstraint(fields=["unit", "name_en"], name="station_unique_per_unit")]

    def __str__(self):
        return f"{self.name_en} ({self.unit})"


class Shift(models.TextChoices):
    MORNING = "morning", _("Morning 08:00-16:00")
    EVENING = "evening", _("Evening 14:00-22:00")
    NIGHT = "night", _("Night 22:00-08:00")
    ROUND_THE_CLOCK = "24x7", _("Round the clock")


class CellContact(models.Model):
    """Staff of a unit's social-media cell, as each cell reports them to HQ (circular 001 §5)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contacts")
    staff_name = models.CharField(_("staff name"), max_length=120)
    designation = models.CharField(_("designation"), max_length=120, blank=True)
    cug_number = models.CharField(_("CUG number"), max_length=20, blank=True, validators=[validate_cug])
    email = models.EmailField(_("e-mail"), blank=True)
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices, default=Shift.MORNING)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["unit__name_en", "staff_name"]
        verbose_name = _("cell contact")
        verbose_name_plural = _("cell contacts")

    def __str__(self):
        return f"{self.staff_name} ({self.unit})"


class Role(models.TextChoices):
    HQ_OPERATOR = "hq_operator", _("HQ cell operator")
    HQ_SUPERVISOR = "hq_supervisor", _("HQ supervisor")
    CELL = "cell", _("Unit cell staff")
    SUPERVISOR = "supervisor", _("Supervising officer (range, zone, commissionerate)")
    APPROVER = "approver", _("Unit's supervising officer (SP/SSP/CP): approves station reports")


class StaffProfile(models.Model):
    """Which unit a login works for, and in what role. The scoping function reads only this."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sees_restricted = models.BooleanField(
        _("designated for restricted complaints"), default=False,
        help_text=_("May see complaints marked restricted (against women and children, sexual offences)."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
        help_text=_("The language of the dashboard for this login on any device; empty: the browser's choice."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"

    @property
    def is_hq(self):
        return self.role in (Role.HQ_OPERATOR, Role.HQ_SUPERVISOR)


class ApiToken(models.Model):
    """A personal key for the REST API, made and revoked by its owner (superusers may revoke any).

    Only the SHA-256 digest of the key is kept; the key itself is shown once, when it is made. The prefix
    is not secret: it finds the row and names the key in lists and in the audit trail. Revoked tokens are
    kept, so that what a key did stays attributable (districts.tokens)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True, editable=False)
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    def audit_label(self):
        """What an audit event records about the token it was made with."""
        return {"name": self.name, "prefix": self.prefix}


class SecurityAction(models.TextChoices):
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    LOCKOUT_CLEARED = "lockout_cleared", _("Login lockout cleared")


class SecurityEvent(models.Model):
    """Append-only record of what was done to logins and API tokens, and by whom."""

    action = models.CharField(_("action"), max_length=30, choices=SecurityAction.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (username)"), max_length=150, blank=True)
    subject = models.CharField(_("account or address"), max_length=150, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self):
        return f"{self.get_action_display()}: {self.subject}"

    @classmethod
    def record(cls, action, actor, subject, **data):
        return cls.objects.create(action=action, actor=actor, actor_name=actor.get_username() if actor else "",
                                  subject=subject[:150], data=data)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Security events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Security events are append-only.")


class CellAction(models.TextChoices):
    CONTACT_ADDED = "contact_added", _("Contact added")
    CONTACT_CHANGED = "contact_changed", _("Contact changed")
    CONTACT_REMOVED = "contact_removed", _("Contact removed")
    CONFIRMED = "confirmed", _("Contact list confirmed as current")
    STATION_ADDED = "station_added", _("Police station added")
    STATION_RENAMED = "station_renamed", _("Police station renamed")
    STATION_RETIRED = "station_retired", _("Police station retired")
    STATION_RESTORED = "station_restored", _("Police station restored")
    STATIONS_IMPORTED = "stations_imported", _("Police stations imported")
    CHASED = "chased", _("Reminder sent to confirm the contacts")


class CellEvent(models.Model):
    """Append-only record of what was done to a unit's cell page (contacts, confirmations, police stations)
    and of HQ's reminders. The last CONFIRMED entry is the list's confirmation: who and when."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cell_events")
    action = models.CharField(_("action"), max_length=30, choices=CellAction.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (username)"), max_length=150, blank=True)
    subject = models.CharField(_("about"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cell page entry")
        verbose_name_plural = _("cell page entries")
        indexes = [models.Index(fields=["unit", "action", "-created_at"], name="cellevent_unit_action_at")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.subject}"

    @classmethod
    def record(cls, unit, action, actor, subject="", **data):
        return cls.objects.create(unit=unit, action=action, actor=actor,
                                  actor_name=actor.get_username() if actor else "", subject=str(subject)[:200],
                                  data=data)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Cell page entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Cell page entries are append-only.")
# The account audit's results live in their own module; imported here so Django finds the models.
from .account_checks import AccountAuditRun, AccountCheck, AuditStatus  # noqa: E402,F401
