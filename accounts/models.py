from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import DirectorySource, RoleGrantState
from accounts.roles import Role
from common.fields import EncryptedTextField


class User(AbstractUser):
    """A staff member of the company. Roles are groups (accounts.roles)."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Leave, sickness, a course: the dispatcher sees it next to the person's name when assigning work.
    away_from = models.DateField(_("away from"), null=True, blank=True)
    away_until = models.DateField(_("away until"), null=True, blank=True, help_text=_("The last day of absence."))
    # The ticket page's timeline: the newest event first, as the person last chose.
    timeline_newest_first = models.BooleanField(_("timeline newest first"), default=False)
    # A customer's contact who logs in to the customer portal. Such an account holds no staff role and
    # no permission: the portal acts for it through portal.services, and every staff page refuses it.
    contact = models.OneToOneField(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_user",
        verbose_name=_("portal contact"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_portal_user(self) -> bool:
        return self.contact_id is not None

    def away_on(self, day: dt.date) -> bool:
        """Whether the person is away on `day` (an absence with no end lasts until it is cleared)."""
        if self.away_from is None and self.away_until is None:
            return False
        starts = self.away_from or dt.date.min
        ends = self.away_until or dt.date.max
        return starts <= day <= ends

    @property
    def display_name(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()  # Hungarian order: family name first
        return full or self.username


class UserSession(models.Model):
    """One logged-in browser of a user, for the "active sessions" page; gone when the session ends."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("user"))
    # The Django session's key, needed to end that session from another browser. It is never shown; the
    # page and its forms name a session by this row's id.
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("logged in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last active at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.ip_address or '?'}"


class TwoFactorDevice(models.Model):
    """A confirmed TOTP authenticator of a user (RFC 6238, 30-second steps, 6 digits).

    The secret must be readable by the server to check codes: it is stored encrypted (common.fields,
    PULT_FIELD_ENCRYPTION_KEYS). ``last_used_step`` refuses a code used once already (replay within its 30
    seconds).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor", verbose_name=_("user"))
    secret = EncryptedTextField(_("secret"))
    confirmed_at = models.DateTimeField(_("enabled at"), default=timezone.now)
    last_used_step = models.BigIntegerField(_("last used time step"), default=0)

    class Meta:
        verbose_name = _("two-factor authenticator")
        verbose_name_plural = _("two-factor authenticators")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """One of the one-time codes that stand in for the authenticator's code at login (a lost phone).

    Only a hash is kept (accounts.two_factor.RecoveryCodeHasher, Django's PBKDF2); the codes are shown once,
    when made. They belong to the authenticator: turning two-factor login off or on again removes them."""

    device = models.ForeignKey(
        TwoFactorDevice, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("authenticator")
    )
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        ordering = ["device", "id"]

    def __str__(self) -> str:
        return f"{self.device} #{self.pk}"


class PermissionRevision(models.Model):
    """One row (id 1) whose number changes with every change to who holds which permission or role, in the
    same transaction: the permission backend reads it with the user and keeps each user's permissions in
    the cache under it (accounts.backends), so a change counts from the next request in every process."""

    revision = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("permission revision")
        verbose_name_plural = _("permission revisions")

    def __str__(self) -> str:
        return str(self.revision)


class ThrottleCounter(models.Model):
    """Attempts counted under one key, shared by every web process through the database (accounts.throttling):
    failed logins per account name and per client address, password-reset mails, wrong API tokens.

    The key names what is counted and a digest of the value (never the account name or address itself). Times are
    epoch seconds, compared the same way on SQLite and PostgreSQL. Expired rows are purged hourly."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.FloatField()
    locked_until = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("throttle counter")
        verbose_name_plural = _("throttle counters")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class DirectoryLink(models.Model):
    """A Pult account that belongs to a person of the company's directory (accounts.directory): created at their
    first sign-in through LDAP or OpenID Connect (or a local account taken over, when that is allowed). The
    directory is its truth: its name and e-mail, and the roles the role-group settings map, are read at every
    sign-in; its local password is unusable."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="directory_link", verbose_name=_("user"))
    source = models.CharField(_("signs in through"), max_length=10, choices=DirectorySource)
    # The directory's own name for the person: the LDAP login name (lower case) or the OpenID Connect "sub".
    subject = models.CharField(_("directory identifier"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last signed in through the directory"), null=True, blank=True)
    # The groups the directory named at the last sign-in, so an administrator can see why roles were given.
    groups = models.JSONField(_("directory groups at the last sign-in"), default=list, blank=True)

    class Meta:
        verbose_name = _("directory account")
        verbose_name_plural = _("directory accounts")
        constraints = [
            models.UniqueConstraint(fields=["source", "subject"], name="accounts_directory_link_unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.subject}"


class RoleGrant(models.Model):
    """A sensitive role (accounts.roles.SEPARATED_ROLES) given in the admin. It takes effect only when a second
    administrator approves it, neither the one who asked nor the one who gets it (accounts.grants); the database
    refuses a decision by either of them too."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("for"))
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    state = models.CharField(_("state"), max_length=10, choices=RoleGrantState, default=RoleGrantState.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by"))
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["-requested_at", "-id"]
        default_permissions = ("view",)
        permissions = [("decide_role_grant", _("Can approve or refuse a sensitive role"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(state=RoleGrantState.PENDING),
                name="accounts_role_grant_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | (~models.Q(decided_by=models.F("requested_by")) & ~models.Q(decided_by=models.F("user"))),
                name="accounts_role_grant_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"
