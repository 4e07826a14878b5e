from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erpteam.admin import ServiceAdminMixin
from people import services as people_services
from people.models import Membership, RosterImport, User
from team import services


@admin.register(User)
class UserAdmin(ServiceAdminMixin, DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language", "time_zone")}))
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change and "is_active" in form.changed_data and not obj.is_active:
                services.user_deactivate(user=obj)
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        with transaction.atomic():
            services.user_deactivate(user=obj)
            obj.delete()

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)


@admin.register(Membership)
class MembershipAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("user", "project", "role", "department", "is_active")
    list_filter = ("project", "role", "is_active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "department")
    list_select_related = ("user", "project")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pk = people_services.membership_create(
                project=obj.project, user=obj.user, role=obj.role, department=obj.department
            ).pk
            return
        with transaction.atomic():
            if {"role", "department"} & set(form.changed_data):
                services.membership_update(membership=obj, role=obj.role, department=obj.department)
            if "is_active" in form.changed_data:
                if obj.is_active:
                    services.membership_activate(membership=obj)
                else:
                    services.membership_deactivate(membership=obj)

    def delete_model(self, request, obj):
        services.membership_delete(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_delete(membership=membership)


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    """Imports are uploaded and confirmed on the team page; here they can only be looked at."""

    list_display = ("filename", "project", "uploaded_by", "status", "row_count", "created_at", "finished_at")
    list_filter = ("status", "project")
    list_select_related = ("project", "uploaded_by")
    fields = (
        "project",
        "filename",
        "uploaded_by",
        "status",
        "row_count",
        "create_count",
        "change_count",
        "problems",
        "created_at",
        "finished_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("rows", "changes")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
