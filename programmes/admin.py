from django.contrib import admin
from django.db import models
from translated_fields.admin import TranslatedFieldAdmin

from .models import ContractTerms, CountryGroup, EligibilityRule, Programme, SelectionStep
from .translation import columns


class SuperuserEdits(TranslatedFieldAdmin):
    """Programmes and their rules decide who may apply: only superusers change them; staff may look.

    Serves model admins and inlines alike (`obj` is optional for both).
    """

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SelectionStepInline(SuperuserEdits, admin.TabularInline):
    model = SelectionStep
    extra = 0


class ContractTermsInline(SuperuserEdits, admin.StackedInline):
    model = ContractTerms


class EligibilityRuleInline(SuperuserEdits, admin.StackedInline):
    model = EligibilityRule
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SuperuserEdits, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "sponsor", "order"]
    search_fields = [*columns("name"), "slug"]
    prepopulated_fields = {"slug": ["name_nl"]}
    inlines = [ContractTermsInline, EligibilityRuleInline, SelectionStepInline]


@admin.register(CountryGroup)
class CountryGroupAdmin(SuperuserEdits, admin.ModelAdmin):
    list_display = ["name", "slug", "source"]
    search_fields = [*columns("name"), "slug"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(SuperuserEdits, admin.ModelAdmin):
    list_display = ["code", "programme", "kind", "applies_to", "parameters", "order"]
    list_filter = ["programme", "kind", "applies_to"]
    search_fields = ["code", *columns("explanation")]
