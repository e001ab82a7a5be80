"""Text that staff write, per language (django-translated-fields).

A translated attribute (`vacancy.title`) reads the active language's column (`title_fr`) and, when that is
empty, the first language that has the text: candidates get the original rather than nothing, and
`shown_in()` tells the page to say so. Each language is optional; a model's `clean()` asks for one.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from translated_fields import TranslatedField
from translated_fields.utils import fallback_to_any

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class _TranslatedField(TranslatedField):
    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        # A plain property in its place: Django then accepts `Model(title=...)`, which writes the active
        # language's column, and the admin labels the attribute with the field's verbose name.
        getter = self._getter
        getter.short_description = self.short_description
        setattr(cls, name, property(getter, self._setter))


def translated(field):
    """`field` once per language, each optional, read with fallback to any language that has text."""
    blank = {code: {"blank": True} for code in LANGUAGE_CODES}
    return _TranslatedField(field, blank, attrgetter=fallback_to_any)


def columns(name):
    return [f"{name}_{code}" for code in LANGUAGE_CODES]


def active_first():
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return [active, *(code for code in LANGUAGE_CODES if code != active)]


def localized(name):
    """The database expression for `name` as a reader sees it: the active language, else the first filled."""
    return Coalesce(*(NullIf(F(f"{name}_{code}"), Value("")) for code in active_first()), Value(""))


def shown_in(obj, name):
    """The language `obj.name` is shown in when it is not the active one (a fallback), else ""."""
    active = active_first()[0]
    if getattr(obj, f"{name}_{active}", ""):
        return ""
    return next((code for code in LANGUAGE_CODES if getattr(obj, f"{name}_{code}", "")), "")


def require_one(obj, *names):
    """For `clean()`: each of `names` needs text in at least one language."""
    errors = {
        f"{name}_{LANGUAGE_CODES[0]}": _("Give this in at least one language.")
        for name in names
        if not any(getattr(obj, column) for column in columns(name))
    }
    if errors:
        raise ValidationError(errors)
