"""Strings of Django's admin and authentication that Django's own Hungarian catalogue leaves untranslated
(Django 5.2). Listed here, makemessages puts them into Pult's catalogue, which Django reads first, so the
admin speaks Hungarian throughout; `common/tests/test_catalogue.py` finds any gap a Django upgrade opens."""

from django.utils.translation import gettext_noop

DJANGO_GAPS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("This action will <strong>enable</strong> password-based authentication for this user."),
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Reset password"),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be "
        "able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
]
