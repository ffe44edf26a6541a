"""What every app's admin shares: records written by the services alone are listed and read in
the admin, never added, changed or deleted there (audit, workflow, history of the tree)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
