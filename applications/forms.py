from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
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
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
