from django.contrib import admin

from .models import ContractTerms, CountryGroup, EligibilityRule, Programme, SelectionStep


class SelectionStepInline(admin.TabularInline):
    model = SelectionStep
    extra = 0


class ContractTermsInline(admin.StackedInline):
    model = ContractTerms


class EligibilityRuleInline(admin.StackedInline):
    model = EligibilityRule
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sponsor", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContractTermsInline, EligibilityRuleInline, SelectionStepInline]


@admin.register(CountryGroup)
class CountryGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "programme", "kind", "parameters", "order"]
    list_filter = ["programme", "kind"]
    search_fields = ["code", "explanation"]
