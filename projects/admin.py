from django.contrib import admin

from projects.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "client", "erp_product", "phase", "target_go_live")
    list_filter = ("phase", "erp_product")
    search_fields = ("code", "name", "client")
