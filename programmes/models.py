"""Recruitment schemes and the conditions that come with them, as staff can edit them in the admin."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .translation import require_one, translated


class Education(models.TextChoices):
    """Levels in increasing order; comparisons use `Education.rank`."""

    SECONDARY = "secondary", _("Secondary school")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")

    @classmethod
    def rank(cls, level):
        return cls.values.index(level)


class Programme(models.Model):
    slug = models.SlugField(unique=True)
    source_language = models.CharField(
        _("language of the source"),
        max_length=2,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_(
            "The language the source document is written in; texts in other languages are translations."
        ),
    )
    name = translated(models.CharField(_("name"), max_length=200))
    sponsor = models.CharField(
        _("sponsor"), max_length=200, help_text=_("Who funds or organises the scheme.")
    )
    summary = translated(models.TextField(_("summary")))
    description = translated(models.TextField(_("description"), help_text=_("Markdown.")))
    how_to_apply = translated(models.TextField(_("how to apply"), help_text=_("Markdown.")))
    website = models.URLField(_("website"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Who is responsible for the personal data of call notifications, as the source says: candidates read
    # it on the alerts notice and the privacy page. Empty: the source names none.
    controller = models.CharField(
        _("data controller"),
        max_length=300,
        blank=True,
        help_text=_("As the source names it, in the source's language. Empty: the source names none."),
    )
    controller_email = models.EmailField(
        _("data controller's e-mail"),
        blank=True,
        help_text=_("The address the source gives for withdrawing consent. Empty: not stated."),
    )
    data_protection_officer = models.CharField(
        _("data-protection officer's contact"),
        max_length=300,
        blank=True,
        help_text=_("As the source gives it. Empty: not stated."),
    )
    privacy_note = translated(
        models.TextField(
            _("what the source says about personal data"),
            help_text=_("Shown to candidates under the controller, for example where the source is silent."),
        )
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For staff only: never shown to candidates.")
    )

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    @property
    def has_checkable_rules(self):
        """Whether the checker has anything to check (reads the prefetched rules)."""
        return any(rule.is_checkable for rule in self.eligibility_rules.all())

    def clean(self):
        require_one(self, "name", "summary")

    # Selection and training are told apart on the programme page; both read the prefetched steps.
    @property
    def selection_phase(self):
        return [step for step in self.selection_steps.all() if step.kind == SelectionStep.Kind.SELECTION]

    @property
    def training_phase(self):
        return [step for step in self.selection_steps.all() if step.kind == SelectionStep.Kind.TRAINING]

    def natural_key(self):
        return (self.slug,)


class SelectionStep(models.Model):
    class Kind(models.TextChoices):
        SELECTION = "selection", _("Selection")
        TRAINING = "training", _("Training")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="selection_steps")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.SELECTION,
        help_text=_("Training comes after selection and is shown apart from the selection steps."),
    )
    title = translated(models.CharField(_("title"), max_length=200))
    description = translated(models.TextField(_("description")))
    duration = translated(
        models.CharField(_("duration"), max_length=100, help_text=_("For example “2 weeks”."))
    )

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="selection_step_order_unique")
        ]
        verbose_name = _("selection step")
        verbose_name_plural = _("selection steps")

    def __str__(self):
        return f"{self.order}. {self.title}"

    def clean(self):
        require_one(self, "title")


class ContractTerms(models.Model):
    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="contract_terms")
    initial_term_months = models.PositiveSmallIntegerField(_("initial term (months)"), null=True, blank=True)
    renewal = translated(models.TextField(_("renewal")))
    maximum_total_months = models.PositiveSmallIntegerField(
        _("maximum in total (months)"), null=True, blank=True
    )
    salary_basis = translated(models.TextField(_("salary basis")))
    salary_currency = models.CharField(
        _("salary currency"), max_length=3, blank=True, help_text=_("ISO 4217.")
    )
    pension = translated(models.TextField(_("pension")))
    secondment = translated(models.TextField(_("secondment")))
    conversion = translated(models.TextField(_("conversion")))
    notes = translated(models.TextField(_("notes")))

    class Meta:
        verbose_name = _("contract terms")
        verbose_name_plural = _("contract terms")

    def __str__(self):
        return str(self.programme)


class CountryGroup(models.Model):
    slug = models.SlugField(unique=True)
    name = translated(models.CharField(_("name"), max_length=200))
    countries = CountryField(_("countries"), multiple=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")

    def __str__(self):
        return self.name

    def clean(self):
        require_one(self, "name")

    def natural_key(self):
        return (self.slug,)


class EligibilityRule(models.Model):
    class Kind(models.TextChoices):
        NATIONALITY = "nationality", _("Nationality in one of the country groups")
        MAX_AGE = "max-age", _("Maximum age on 31 December of the call year")
        MIN_EDUCATION = "min-education", _("Minimum education")
        MIN_EXPERIENCE = "min-experience", _("Minimum years of relevant experience")
        LANGUAGES = "languages", _("Languages (NATO levels I-VI, or a very good knowledge)")
        INFORMATIONAL = "informational", _("Checked later by the employer")
        PER_POST = "per-post", _("Stated in each post's publication")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="eligibility_rules")
    code = models.SlugField(_("code"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # The JPO source sets its conditions for Belgian nationals only: a rule can be scoped to a group.
    applies_to = models.ForeignKey(
        CountryGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applies to nationals of"),
        help_text=_("Empty: to every candidate."),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the source document states this condition, e.g. “jpo-programme.nl.txt, line 65”."),
    )
    explanation = translated(
        models.TextField(_("explanation"), help_text=_("Shown to candidates next to the result."))
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="eligibility_rule_code_unique")
        ]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return f"{self.programme.slug}: {self.code}"

    @property
    def is_checkable(self):
        """Whether the checker can check it online (the others are information)."""
        return self.kind not in (self.Kind.INFORMATIONAL, self.Kind.PER_POST)

    def clean(self):
        from .eligibility import validate_parameters

        errors = {}
        try:
            require_one(self, "explanation")
        except ValidationError as error:
            errors.update(error.message_dict)
        if self.kind:
            known_groups = set(CountryGroup.objects.values_list("slug", flat=True))
            try:
                validate_parameters(self.kind, self.parameters, known_groups=known_groups)
            except ValidationError as error:
                errors["parameters"] = error.messages
        if errors:
            raise ValidationError(errors)
