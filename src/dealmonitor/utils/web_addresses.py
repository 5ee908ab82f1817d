"""The one check for a web address a user gives (evidence, a deliverable's address): the
forms, the API and the spreadsheet import all use `validate_web_address`, so a link that
runs a script (javascript:, data:, vbscript:, in any case, with spaces before it) cannot
reach a page through any of them. Only http and https are web addresses here.

Forms use `WebAddressFormField`, API serializers `WebAddressSerializerField` (api/generic.py
maps every URLField of a model to it), the import the column type URL (imports/columns.py).
"""

from django import forms
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

SCHEMES = ("http", "https")


@deconstructible
class WebAddressValidator(URLValidator):
    message = _("Enter a web address that starts with http:// or https://.")

    def __init__(self):
        super().__init__(schemes=list(SCHEMES), message=self.message)

    def __call__(self, value):
        # URLValidator already refuses other schemes and any whitespace; a value that is not
        # text, or that begins with something other than a letter, is refused here first.
        if not isinstance(value, str) or not value[:1].isalpha():
            raise self._error(value)
        super().__call__(value)

    def _error(self, value):
        from django.core.exceptions import ValidationError

        return ValidationError(self.message, code=self.code, params={"value": value})


validate_web_address = WebAddressValidator()


class WebAddressFormField(forms.URLField):
    """A form field for a web address: 'example.org' becomes 'https://example.org'."""

    default_validators = [validate_web_address]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)


class WebAddressSerializerField(serializers.URLField):
    """An API field for a web address (the model's URLField): DRF's own check, then ours."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_web_address)
