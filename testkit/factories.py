"""factory_boy factories and the standard users per role, shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from customers.choices import NotificationChannel
from customers.models import Contact, Customer, Module


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Ügyfél {n} Kft.")
    address = "1111 Budapest, Fő utca 1."


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Kovács Éva {n}")
    phone = factory.Sequence(lambda n: f"+36 30 555 {n:04d}")
    email = factory.Sequence(lambda n: f"eva{n}@ugyfel.example")
    postal_address = "1111 Budapest, Fő utca 1."
    fax = "+36 1 555 0000"
    preferred_channel = NotificationChannel.EMAIL


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    code = factory.Sequence(lambda n: f"modul-{n}")
    name = factory.Sequence(lambda n: f"Számlázó modul {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Ödön"
    last_name = factory.Sequence(lambda n: f"Szűcs{n}")
    email = factory.Sequence(lambda n: f"user{n}@pult.example")
    password = factory.django.Password("Jelszo-2026!")

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[Role(r).value for r in extracted]))


def user_with_role(role: Role, **kwargs: Any) -> User:
    return UserFactory(roles=[role], **kwargs)
