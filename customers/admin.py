from django.contrib import admin

from customers.models import Contact, Customer, Module


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "phone", "email", "fax", "preferred_channel", "is_active")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "tax_number", "phone", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "tax_number", "email")
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "customer", "phone", "email", "preferred_channel", "is_active")
    list_filter = ("preferred_channel", "is_active")
    search_fields = ("name", "email", "phone", "customer__name")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")
