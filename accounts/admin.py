from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import grants, two_factor
from accounts.choices import RoleGrantState
from accounts.models import RoleGrant, User
from accounts.roles import SEPARATED_ROLES, Role
from common.admin_dates import BoundedDates
from common.admin_search import FoldedSearch


def role_label(group: Group) -> str:
    """A role's name as people say it ("Panaszfelelős-helyettes"); the group's own name is its code."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


@admin.register(User)
class UserAdmin(BoundedDates, FoldedSearch, DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Service desk"), {"fields": ("phone", "away_from", "away_until")}),
        (_("Roles waiting for approval"), {"fields": ("roles_waiting",)}),
    )
    readonly_fields = ("roles_waiting",)
    list_display = ("username", "last_name", "first_name", "email", "is_active")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    search_phone_fields = ("phone",)
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor login (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            try:
                removed = two_factor.two_factor_reset(actor=request.user, user=user)  # type: ignore[arg-type]
            except two_factor.ResetRefused:
                self.message_user(
                    request,
                    gettext("Your own two-factor login is reset by another administrator."),
                    messages.ERROR,
                )
                continue
            if removed:
                self.log_change(request, user, gettext("Two-factor login reset (lost phone)"))
                self.message_user(
                    request,
                    gettext(
                        "Two-factor login of %(user)s is reset and their sessions are ended; "
                        "they set it up again at their next login."
                    )
                    % {"user": user.display_name},
                )
            else:
                self.message_user(request, gettext("%(user)s has no two-factor login.") % {"user": user.display_name})

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label_from_instance = role_label  # type: ignore[method-assign,assignment]  # roles by name
            field.help_text = _(
                "%(roles)s take effect only when another administrator approves them (Role grants); "
                "a role taken away goes at once."
            ) % {"roles": ", ".join(sorted(str(role.label) for role in SEPARATED_ROLES))}
        return field

    @admin.display(description=_("Roles waiting for approval"))
    def roles_waiting(self, user: User) -> str:
        pending = RoleGrant.objects.filter(user=user, state=RoleGrantState.PENDING).select_related("requested_by")
        return (
            format_html_join(
                ", ",
                "{} ({})",
                ((grant.get_role_display(), grant.requested_by.display_name) for grant in pending),
            )
            or "—"
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # A sensitive role ticked in the form is not given: it is asked for, and another administrator decides
        # (accounts.grants). Everything else in the form, other roles and roles taken away, is saved as usual.
        wanted = form.cleaned_data.get("groups")
        asked: list[str] = []
        if wanted is not None:
            held = set(form.instance.groups.values_list("name", flat=True)) if change else set()
            asked = sorted({g.name for g in wanted if grants.needs_second_person(g.name)} - held)
            form.cleaned_data["groups"] = wanted.exclude(name__in=asked)
        super().save_related(request, form, formsets, change)
        if asked:
            grants.role_grants_request(actor=request.user, user=form.instance, roles=asked, request=request)
            for role in asked:
                self.message_user(
                    request,
                    gettext("%(user)s gets the role %(role)s when another administrator approves it (Role grants).")
                    % {"user": form.instance.display_name, "role": Role(role).label},
                    messages.WARNING,
                )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Roles are given as groups; only a superuser may hand out superuser status or single permissions,
        # so an administrator cannot raise their own (or anyone's) rights past the roles.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FoldedSearch, DjangoGroupAdmin):
    list_display = ("role", "name")

    @admin.display(description=_("Role"))
    def role(self, group: Group) -> str:
        return role_label(group)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Sensitive roles asked for in the users' form: another administrator approves or refuses them here."""

    list_display = ("user", "role", "state", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("state", "role")
    list_select_related = ("user", "requested_by", "decided_by")
    actions = ["approve", "refuse"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # asked for by ticking the role in the user's form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(grants.DECIDE_PERMISSION))

    @admin.action(description=_("Approve the selected roles"), permissions=["decide"])
    def approve(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Refuse the selected roles"), permissions=["decide"])
    def refuse(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, approve=False)

    def _decide(self, request: HttpRequest, queryset: QuerySet[RoleGrant], *, approve: bool) -> None:
        decide = grants.role_grant_approve if approve else grants.role_grant_refuse
        for grant in queryset.select_related("user"):
            try:
                decide(actor=request.user, grant_id=grant.pk, request=request)
            except grants.RoleGrantRefused as refused:
                self.message_user(request, f"{grant}: {refused.message}", messages.ERROR)
            else:
                done = gettext("Approved: %(grant)s") if approve else gettext("Refused: %(grant)s")
                self.message_user(request, done % {"grant": grant}, messages.SUCCESS)
