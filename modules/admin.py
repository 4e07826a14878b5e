from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from erpteam.admin import ServiceAdminMixin
from modules import services
from modules.models import BusinessModule, Deliverable, DeliverableType, KeyUserAssignment
from people.models import Membership


class BusinessModuleAddForm(forms.ModelForm):
    key_users = forms.ModelMultipleChoiceField(
        label=_("Key Users"),
        queryset=Membership.objects.filter(role=Membership.Role.KEY_USER, is_active=True).select_related(
            "user", "project"
        ),
        help_text=_("At least one; the first becomes the primary Key User."),
    )

    class Meta:
        model = BusinessModule
        fields = ("project", "code", "name", "description", "in_scope")


class KeyUserAssignmentInline(admin.TabularInline):
    model = KeyUserAssignment
    extra = 0
    autocomplete_fields = ("membership",)


@admin.register(BusinessModule)
class BusinessModuleAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "project", "in_scope")
    list_filter = ("project", "in_scope")
    search_fields = ("name", "code")
    list_select_related = ("project",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = BusinessModuleAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj):
        # A new module gets its Key Users from the add form; an existing one through the inline.
        return [KeyUserAssignmentInline] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            fields = {f: form.cleaned_data[f] for f in ("code", "name", "description", "in_scope")}
            services.module_update(module=obj, **fields)
            return
        created = services.module_create(
            project=obj.project,
            code=obj.code,
            name=obj.name,
            description=obj.description,
            in_scope=obj.in_scope,
            key_users=list(form.cleaned_data["key_users"]),
        )
        obj.pk = created.pk

    def save_formset(self, request, form, formset, change):
        # Additions and changes first, removals last, so swapping one Key User for another works.
        for assignment in formset.save(commit=False):
            if assignment.pk:
                services.key_user_assignment_update(
                    assignment=assignment, membership=assignment.membership, kind=assignment.kind
                )
            else:
                services.key_user_assign(module=form.instance, membership=assignment.membership, kind=assignment.kind)
        for assignment in formset.deleted_objects:
            services.key_user_unassign(assignment=assignment)

    def delete_model(self, request, obj):
        services.module_delete(module=obj)

    def delete_queryset(self, request, queryset):
        for module in queryset:
            services.module_delete(module=module)


@admin.register(KeyUserAssignment)
class KeyUserAssignmentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("module", "membership", "kind")
    list_filter = ("kind", "module__project")
    list_select_related = ("module", "membership__user")
    autocomplete_fields = ("membership",)

    def save_model(self, request, obj, form, change):
        if change:
            obj.pk = services.key_user_assignment_update(assignment=obj, membership=obj.membership, kind=obj.kind).pk
        else:
            obj.pk = services.key_user_assign(module=obj.module, membership=obj.membership, kind=obj.kind).pk

    def get_readonly_fields(self, request, obj=None):
        # An assignment moves between people, not between modules.
        return ("module",) if obj else ()

    def delete_model(self, request, obj):
        services.key_user_unassign(assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            services.key_user_unassign(assignment=assignment)


@admin.register(DeliverableType)
class DeliverableTypeAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "project", "position", "due_days_before_go_live", "is_active")
    list_filter = ("project", "is_active")
    list_select_related = ("project",)

    def get_readonly_fields(self, request, obj=None):
        return ("project",) if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            fields = ("name", "description", "position", "due_days_before_go_live", "is_active")
            services.deliverable_type_update(deliverable_type=obj, **{f: form.cleaned_data[f] for f in fields})
            return
        obj.pk = services.deliverable_type_create(
            project=obj.project,
            name=obj.name,
            description=obj.description,
            due_days_before_go_live=obj.due_days_before_go_live,
        ).pk

    def has_delete_permission(self, request, obj=None):
        # An entry leaves the list by being switched off; deliverables made from it keep their link.
        return False


@admin.register(Deliverable)
class DeliverableAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "module", "owner", "due_date", "status", "signed_off_at")
    list_filter = ("status", "module__project")
    list_select_related = ("module", "owner__user")
    search_fields = ("name", "module__name")
    fields = ("module", "name", "owner", "due_date", "status", "note", "signed_off_by", "signed_off_at")
    readonly_fields = ("module", "name", "signed_off_by", "signed_off_at")
    autocomplete_fields = ("owner",)

    def save_model(self, request, obj, form, change):
        services.deliverable_update(
            deliverable=obj,
            acting_user=request.user,
            status=obj.status,
            owner=obj.owner,
            due_date=obj.due_date,
            note=obj.note,
        )

    def has_add_permission(self, request):
        # Deliverables come with their module (the project's standard list).
        return False

    def has_delete_permission(self, request, obj=None):
        return False
