from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erpteam.admin import ServiceAdminMixin
from people import services
from people.models import Membership, User


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
            obj.pk = services.membership_create(
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
