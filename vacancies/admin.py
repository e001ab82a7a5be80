from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Call, Organisation, Vacancy


def _run(modeladmin, request, queryset, service, done_message):
    for obj in queryset:
        service(**{queryset.model._meta.model_name: obj, "by": request.user})
    modeladmin.message_user(request, done_message(queryset.count()), messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["acronym"]}


class VacancyInline(admin.TabularInline):
    model = Vacancy
    fields = ["title", "organisation", "city", "country", "positions", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["organisation"]
    show_change_link = True
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "year", "opens_at", "closes_at", "status", "opened_notified_at"]
    list_filter = ["status", "programme", "year"]
    search_fields = ["title"]
    date_hierarchy = "closes_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "opened_notified_at"]
    inlines = [VacancyInline]
    actions = ["publish", "close"]

    @admin.action(description=_("Publish selected calls and their vacancies"))
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.call_publish,
            lambda n: ngettext("%d call published.", "%d calls published.", n) % n,
        )

    @admin.action(description=_("Close selected calls now"))
    def close(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.call_close,
            lambda n: ngettext("%d call closed.", "%d calls closed.", n) % n,
        )


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "programme",
        "city",
        "country",
        "positions",
        "closes_at",
        "status",
    ]
    list_filter = ["status", "programme", "contract_type", "reserved_for"]
    search_fields = ["title", "reference", "city", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["organisation", "call"]
    date_hierarchy = "closes_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at"]
    list_select_related = ["organisation", "programme"]
    actions = ["publish", "close"]

    @admin.action(description=_("Publish selected vacancies"))
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.vacancy_publish,
            lambda n: ngettext("%d vacancy published.", "%d vacancies published.", n) % n,
        )

    @admin.action(description=_("Close selected vacancies now"))
    def close(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.vacancy_close,
            lambda n: ngettext("%d vacancy closed.", "%d vacancies closed.", n) % n,
        )
