from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.collation import hungarian
from common.lookup import phone_digits
from customers.choices import CustomerKind, NotificationChannel


class Customer(models.Model):
    """An organisation (or private person) whose users use the company's modules (ügyfél)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind, default=CustomerKind.ORGANISATION)
    tax_number = models.CharField(_("tax number"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    portal_shares_requests = models.BooleanField(
        _("shared requests in the portal"),
        default=False,
        help_text=_("Contacts may see all of the organisation's requests in the portal."),
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = [hungarian("name")]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A user (felhasználó) at a customer: the person who reports requests and is notified."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_digits = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    fax = models.CharField(_("fax number"), max_length=40, blank=True)
    fax_digits = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    preferred_channel = models.CharField(
        _("preferred notification channel"),
        max_length=10,
        choices=NotificationChannel,
        default=NotificationChannel.EMAIL,
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # A legal hold (litigation, an authority's request) keeps the person's data: no erasure, no retention purge.
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        help_text=_("While set, the person's data is neither erased nor removed by the retention rules."),
    )
    legal_hold_reason = models.CharField(_("reason for the legal hold"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = [hungarian("name")]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer.name})" if self.customer_id else self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.phone_digits = phone_digits(self.phone)
        self.fax_digits = phone_digits(self.fax)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def address_for(self, channel: str) -> str:
        """Where a notification on `channel` goes: phone number, postal address, fax number or e-mail."""
        addresses: dict[str, str] = {
            NotificationChannel.PHONE.value: self.phone,
            NotificationChannel.LETTER.value: self.postal_address,
            NotificationChannel.FAX.value: self.fax,
            NotificationChannel.EMAIL.value: self.email,
        }
        return addresses.get(channel, "")


class Module(models.Model):
    """One of the company's software products; a ticket may concern one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = [hungarian("name")]

    def __str__(self) -> str:
        return self.name
