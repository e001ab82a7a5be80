from django import forms
from django.conf import settings
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme


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
        error_messages={"required": _("Choose at least one programme.")},
    )
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)
    consent = forms.BooleanField(
        label=_(
            "I agree that my e-mail address is processed to tell me about new calls, as described above."
        ),
        error_messages={"required": _("We can only send alerts with your consent: tick the box.")},
    )


class WithdrawRequestForm(forms.Form):
    email = MailboxField()
