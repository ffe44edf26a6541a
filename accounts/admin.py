from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

SCOPE_FIELDSET = (_("Role and scope"), {"fields": ("role", "committee")})


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets[:2], SCOPE_FIELDSET, *DjangoUserAdmin.fieldsets[2:])
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Personal info"), {"classes": ("wide",), "fields": ("first_name", "last_name", "email")}),
        SCOPE_FIELDSET,
    )
    list_display = ("username", "first_name", "last_name", "role", "committee", "is_staff", "is_active")
    list_filter = ("role", "committee", "is_staff", "is_superuser", "is_active", "groups")
    list_select_related = ("committee",)
    autocomplete_fields = ("committee",)
