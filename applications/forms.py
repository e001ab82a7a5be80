from django import forms
from django.conf import settings
from django.core.validators import EmailValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme

from . import searches
from .models import Alert


class InternetAddressValidator(EmailValidator):
    """A mailbox on a public domain. Django also accepts `localhost` and IP literals (`a@[127.0.0.1]`): no
    subscriber has such an address, and mail to them would be sent to the server itself or its network."""

    message = _("Enter an e-mail address on the internet, such as name@example.org.")
    domain_allowlist = ()

    def validate_domain_part(self, domain_part):
        return bool(self.domain_regex.match(domain_part))


class MailboxField(forms.EmailField):
    default_validators = [InternetAddressValidator()]

    def __init__(self, **kwargs):
        super().__init__(label=_("E-mail address"), max_length=254, **kwargs)


class SubscribeForm(forms.Form):
    email = MailboxField()
    programmes = forms.ModelMultipleChoiceField(
        label=_("Tell me about new calls of"),
        queryset=Programme.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # The search followed, as the list's query (normalised again here: the page may have been tampered with).
    search = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Alert.Frequency.choices, initial=Alert.Frequency.DAILY, required=False
    )
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)
    consent = forms.BooleanField(
        label=_(
            "I agree that my e-mail address is processed to tell me about new calls, as described above."
        ),
        error_messages={"required": _("We can only send alerts with your consent: tick the box.")},
    )

    def clean_search(self):
        query = self.cleaned_data["search"]
        if not query:
            return None
        selection = searches.normalise(QueryDict(query))
        if selection is None:
            raise forms.ValidationError(_("This search cannot be followed: start again from the list."))
        return selection

    def clean_frequency(self):
        return self.cleaned_data["frequency"] or Alert.Frequency.DAILY

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("programmes") and not cleaned.get("search") and "search" not in self.errors:
            self.add_error("programmes", _("Choose at least one programme."))
        return cleaned


class WithdrawRequestForm(forms.Form):
    email = MailboxField()


class ManageForm(forms.Form):
    """One change on the manage page: `action` and what it applies to."""

    action = forms.ChoiceField(
        choices=[("frequency", "frequency"), ("stop", "stop"), ("stop-call", "stop-call"), ("erase", "erase")]
    )
    alert = forms.IntegerField(required=False)
    programme = forms.SlugField(required=False)
    frequency = forms.ChoiceField(label=_("How often"), choices=Alert.Frequency.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in ("frequency", "stop") and not cleaned.get("alert"):
            raise forms.ValidationError(_("Choose an alert."))
        if action == "frequency" and not cleaned.get("frequency"):
            raise forms.ValidationError(_("Choose how often."))
        if action == "stop-call" and not cleaned.get("programme"):
            raise forms.ValidationError(_("Choose a programme."))
        return cleaned
